"""Voucher batches from the console: creation with progress, the PINs offered once as a CSV
(never on a page), freeze and unfreeze, a serial's state."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import time

from tests.integration.console.conftest import Console


async def wait_finished(console: Console, job_path: str, deadline_s: float = 60.0
                        ) -> dict[str, object]:
    """Poll the job's progress (as its page does) until it is finished, against a deadline."""
    seen: list[int] = []
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        async with console.client.get(f"{job_path}/progress") as response:
            progress: dict[str, object] = await response.json()
        seen.append(int(str(progress["done"])))
        if progress["finished"]:
            progress["seen"] = seen
            return progress
        await asyncio.sleep(0.05)  # polling interval, not a readiness wait
    raise AssertionError(f"voucher job not finished: {seen[-5:]}")


async def test_create_a_batch_with_progress_and_the_pins_once(console: Console) -> None:
    page = await console.post("/vouchers/new", {
        "batch": "console-10k", "count": "10000", "balance_type": "General Cash",
        "value": "2000", "validity_days": "30", "state": "active"})
    assert page.status == 200
    assert page.h1 == "Voucher batch console-10k"
    job_path = page.url.removeprefix(str(console.client.make_url("")))
    assert re.fullmatch(r"/console/vouchers/jobs/[\w-]+", job_path), job_path
    progress = await wait_finished(console, job_path)
    assert progress["done"] == progress["total"] == 10_000
    assert progress["error"] is None
    done_page = await console.get(job_path.removeprefix("/console"))
    assert 'id="download-pins"' in done_page.text
    async with console.client.post(f"{job_path}/pins",
                                   data={"csrf_token": console.csrf}) as response:
        assert response.status == 200
        assert response.content_type == "text/csv"
        rows = list(csv.reader(io.StringIO(await response.text())))
    assert rows[0] == ["serial", "pin"]
    assert len(rows) == 10_001
    pins = {pin for _, pin in rows[1:]}
    assert len(pins) == 10_000
    async with console.client.post(f"{job_path}/pins",
                                   data={"csrf_token": console.csrf}) as response:
        assert response.status == 410  # once only: not kept anywhere
    listing = await console.get("/vouchers")
    assert "console-10k" in listing.text
    serial = rows[1][0]
    looked_up = await console.get("/vouchers", serial=serial)
    assert 'id="voucher-state">active<' in looked_up.text
    for shown in (listing.text, looked_up.text,
                  (await console.get(job_path.removeprefix("/console"))).text):
        assert not any(pin in shown for pin in list(pins)[:200])
    stored = await console.ledger.store.query(
        "SELECT COUNT(*) FROM vouchers WHERE pin_hash = ?", (rows[1][1],))
    assert stored == [(0,)]  # only keyed hashes are stored


async def test_freeze_and_unfreeze(console: Console) -> None:
    frozen = await console.post("/vouchers/state", {"target_batch": "demo-50",
                                                     "state": "frozen"})
    assert "Vouchers frozen." in frozen.text
    serial = str((await console.ledger.store.query(
        "SELECT serial FROM vouchers ORDER BY serial LIMIT 1"))[0][0])
    assert 'id="voucher-state">frozen<' in (await console.get("/vouchers", serial=serial)).text
    thawed = await console.post("/vouchers/state", {"target_serial": serial, "state": "active"})
    assert "Vouchers unfrozen." in thawed.text
    assert 'id="voucher-state">active<' in (await console.get("/vouchers", serial=serial)).text


async def test_bad_voucher_input_is_refused_inline(console: Console) -> None:
    before = await console.ledger.store.query("SELECT COUNT(*) FROM voucher_batches")
    page = await console.post("/vouchers/new", {
        "batch": "demo-50", "count": "0", "balance_type": "Nope", "value": "1.5",
        "validity_days": "x", "state": "active"})
    assert page.status == 400
    assert page.error("batch") == "a batch with this name exists already"
    assert "from 1" in (page.error("count") or "")
    assert page.error("balance_type") is not None
    assert page.error("value") is not None
    assert await console.ledger.store.query("SELECT COUNT(*) FROM voucher_batches") == before
    both = await console.post("/vouchers/state", {"target_serial": "1", "target_batch": "x",
                                                   "state": "frozen"})
    assert both.status == 400
    assert both.error("target_serial") is not None
    unknown = await console.get("/vouchers", serial="99999")
    assert unknown.error("serial") == "no voucher with this serial"
