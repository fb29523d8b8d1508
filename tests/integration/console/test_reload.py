"""Edits reach the channels: this process's at once, another process's (another app on the
same database) on its next check of the document and catalog versions."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from gateway.app import create_app
from gateway.console.documents import get_document, save_document
from gateway.console.reload import WATCH, check_once
from gateway.keys import CHANNELS
from gateway.settings import Settings
from tests.integration.console.conftest import Console
from tests.integration.gateway.phone import Gateway

ALICE = "+254700000001"


async def rename_airtime(console: Console, name: str) -> None:
    doc = await get_document(console.ledger.store, "Demo Telecom", "translations")
    assert doc is not None
    page = await console.post("/translations/en/General%20Cash/edit", {
        "version": str(doc.version), "translated_name": name, "dual_currency": "USD",
        "dual_format": "({balance})", "separator": ",", "balance_expiry_text": "valid %d day(s)"})
    assert "Saved." in page.text, page.text[-2000:]


async def balance_text(gateway: Gateway) -> str:
    return (await gateway.phone(ALICE, code="*100*1#").dial()).text


async def test_another_process_reloads_on_its_next_check(console: Console, settings: Settings,
                                                         aiohttp_client: Any) -> None:
    other = Gateway(await aiohttp_client(create_app(settings)))
    assert "Airtime" in await balance_text(other)
    await rename_airtime(console, "Credit")
    assert "Airtime" in await balance_text(other)  # not checked yet
    assert await check_once(other.app)
    assert "Credit" in await balance_text(other)
    assert not await check_once(other.app)  # nothing new


async def test_the_watch_task_reloads_by_itself(console: Console, settings: Settings,
                                                aiohttp_client: Any) -> None:
    app = create_app(settings)
    app[WATCH].interval_s = 0.05
    other = Gateway(await aiohttp_client(app))
    reloads = app[WATCH].reloads
    await rename_airtime(console, "Pesa")
    deadline = time.monotonic() + 10
    while app[WATCH].reloads == reloads:
        assert time.monotonic() < deadline, "the other app never reloaded"
        await asyncio.sleep(0.02)
    assert "Pesa" in await balance_text(other)


async def test_a_catalog_change_reaches_the_channels(console: Console) -> None:
    """A new balance type is known to the renderer at once (no restart)."""
    page = await console.post("/balance-types/new", {
        "name": "Night Data", "unit": "Bytes", "category": "chargeable",
        "display_to_spend_ratio": "1.00", "expiry_basis": "balance_creation",
        "max_balance_policy": "reject_credits_over", "rollover_days": "0"})
    assert "Saved." in page.text
    channels = console.client.app[CHANNELS]
    assert channels.provider.type_named("Night Data") is not None
    assert channels.renderer.tset.balance_type("Night Data") is not None


async def test_a_configuration_that_does_not_build_keeps_the_running_channels(
        console: Console) -> None:
    """Another process saved plans without the IVR's default plan: this one keeps serving
    with what it has, and the console says why."""
    store = console.ledger.store
    doc = await get_document(store, "Demo Telecom", "plans")
    assert doc is not None
    body = {**doc.body, "plans": [p for p in doc.body["plans"] if p["name"] != "Standard"]}
    await save_document(store, "Demo Telecom", "plans", body, edited_version=doc.version,
                        now=console.ledger.clock())
    before = console.client.app[CHANNELS]
    assert not await check_once(console.client.app)
    assert console.client.app[CHANNELS] is before
    status, _, _ = await Gateway(console.client).post("/ivr/balance", {"msisdn": ALICE})
    assert status == 200
    page = await console.get("/plans")
    assert 'id="channel-error"' in page.text
    assert "ivr.default_plan" in page.text
