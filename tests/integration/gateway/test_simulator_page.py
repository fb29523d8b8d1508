"""``GET /simulator`` over real HTTP: mounted only when ``[simulator] enabled``, lists the
ledger's subscribers and USSD codes, and says it cannot be used when callbacks need a
signature (what the page's script does is tested in a real browser: tests/browser)."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.channels import Channels
from gateway.settings import Settings, SimulatorSettings, load_settings
from tests.integration.gateway.conftest import REPO, signed_settings
from tests.integration.gateway.phone import Gateway


async def get(gateway: Gateway, path: str) -> tuple[int, str]:
    async with gateway.client.get(path) as response:
        return response.status, await response.text()


async def test_the_page_lists_the_demo_subscribers_and_codes(gateway: Gateway) -> None:
    status, html = await get(gateway, "/simulator")

    assert status == 200
    for msisdn in ("+254700000001", "+254700000004"):
        assert f'<option value="{msisdn}">{msisdn} (' in html
    assert '<option value="*100#">' in html
    assert 'id="auth-notice"' not in html
    assert "<fieldset >" in html  # enabled


async def test_its_script_and_style_are_served(gateway: Gateway) -> None:
    for path, marker in (("/simulator/static/simulator.js", "/ussd/at"),
                         ("/simulator/static/simulator.css", ".screen")):
        status, body = await get(gateway, path)
        assert status == 200, path
        assert marker in body


async def test_with_callback_authentication_the_page_says_it_cannot_be_used(
        aiohttp_client: Any, settings: Settings, channels: Channels) -> None:
    gateway = await Gateway.start(aiohttp_client, signed_settings(settings, secret="s3cret"),
                                  channels=channels)

    status, html = await get(gateway, "/simulator")

    assert status == 200
    assert 'id="auth-notice"' in html
    assert "The simulator cannot be used here" in html
    assert "<fieldset disabled>" in html
    assert 'data-disabled="true"' in html  # the script does nothing either
    assert "s3cret" not in html


async def test_disabled_it_is_not_there(aiohttp_client: Any, settings: Settings,
                                        channels: Channels) -> None:
    off = Settings(ledger=settings.ledger, simulator=SimulatorSettings(enabled=False))
    gateway = await Gateway.start(aiohttp_client, off, channels=channels)

    assert (await get(gateway, "/simulator"))[0] == 404
    assert (await get(gateway, "/simulator/static/simulator.js"))[0] == 404


@pytest.mark.parametrize(("config", "enabled"), [("gateway.toml", True),
                                                 ("production.example.toml", False)])
def test_on_in_the_demo_configuration_off_in_production(
        config: str, enabled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    loaded = load_settings(REPO / "config" / config, environ={})
    assert loaded.simulator.enabled is enabled
