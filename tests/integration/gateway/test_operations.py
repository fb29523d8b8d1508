"""Operations: readiness, Prometheus metrics, and start-up from the ledger's own catalog."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from core.storage.sqlite import SqliteStore
from gateway.app import create_app
from gateway.channels import ChannelConfigError
from gateway.keys import LEDGER
from gateway.settings import ProviderSettings, Settings
from tests.integration.gateway.phone import Gateway

ME = "+254700000001"
REPO = Path(__file__).resolve().parents[3]


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_metrics_count_requests_steps_and_ledger_outcomes(gateway: Gateway,
                                                                pins: list[str]) -> None:
    phone = gateway.phone(ME)
    await phone.dial()
    await phone.send("2")
    await phone.send(pins[0])
    await gateway.phone(ME).dial()
    await gateway.post("/ivr/balance", {"msisdn": ME})
    async with gateway.client.get("/metrics") as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        found = samples(await response.text())
    ussd = (("channel", "ussd"), ("endpoint", "/ussd/at"))
    assert found[("selfcare_http_requests_total", (*ussd, ("status", "200")))] == 4
    assert found[("selfcare_http_request_duration_seconds_count", ussd)] == 4
    ivr = (("channel", "ivr"), ("endpoint", "/ivr/balance"), ("status", "200"))
    assert found[("selfcare_http_requests_total", ivr)] == 1
    steps = {labels: v for (name, labels), v in found.items()
             if name == "selfcare_menu_steps_total"}
    assert steps == {(("menu", "*100#"), ("result", "continue")): 3.0,
                     (("menu", "*100#"), ("result", "end")): 1.0}
    ledger = (("channel", "ussd"), ("operation", "recharge"), ("status", "ok"))
    assert found[("selfcare_ledger_outcomes_total", ledger)] == 1


async def test_metrics_show_what_the_wal_checkpointer_did(gateway: Gateway) -> None:
    store = gateway.app[LEDGER].store
    assert isinstance(store, SqliteStore)
    await store.checkpoint_wal()
    async with gateway.client.get("/metrics") as response:
        found = samples(await response.text())
    stats = store.wal_stats
    assert stats.checkpoints >= 1
    assert found[("selfcare_ledger_wal_checkpoints_total", ())] == stats.checkpoints
    assert found[("selfcare_ledger_wal_largest_frames", ())] == stats.largest_frames
    assert found[("selfcare_ledger_wal_holds_total", ())] == stats.holds
    assert found[("selfcare_ledger_wal_writes_held_seconds_total", ())] == stats.held_s


async def test_ready_when_the_ledger_and_the_sessions_are(gateway: Gateway) -> None:
    async with gateway.client.get("/readyz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ready", "ledger": "ok", "sessions": "ok"}
    async with gateway.client.get("/healthz") as response:
        assert response.status == 200


async def test_start_up_builds_the_channels_from_the_ledger_s_catalog(aiohttp_client: Any,
                                                                      settings: Settings
                                                                      ) -> None:
    gateway = await Gateway.start(aiohttp_client, settings)  # nothing injected
    assert (await gateway.phone(ME).dial()).text.startswith("Welcome to Demo Telecom")


async def test_start_up_refuses_a_provider_the_ledger_does_not_have(settings: Settings) -> None:
    other = Settings(ledger=settings.ledger, provider=ProviderSettings(name="Other Telecom"))
    client = TestClient(TestServer(create_app(other)))
    with pytest.raises(ChannelConfigError, match=r"provider\.name: .* has no provider 'Other"):
        await client.start_server()
    await client.close()


@pytest.fixture
def broken_config(tmp_path: Path) -> Path:
    """A copy of config/ whose demo menu names a validator that does not exist."""
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    menu = config / "menus" / "demo.toml"
    menu.write_text(menu.read_text().replace('validator = "msisdn"', 'validator = "phone"'))
    return config


async def test_start_up_refuses_a_broken_menu(settings: Settings, broken_config: Path) -> None:
    config = broken_config
    broken = Settings(ledger=settings.ledger, provider=ProviderSettings(config_dir=config))
    client = TestClient(TestServer(create_app(broken)))
    with pytest.raises(ChannelConfigError, match=r"states\.transfer_recipient\.validator"):
        await client.start_server()
    await client.close()
