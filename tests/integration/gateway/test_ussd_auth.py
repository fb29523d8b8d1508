"""Callback authentication: HMAC of the raw body and/or a source-address allow list. A request
that fails gets 403 and moves nothing."""

from __future__ import annotations

from typing import Any

from gateway.auth import SIGNATURE_HEADER, sign
from gateway.channels import Channels
from gateway.settings import Settings
from tests.integration.gateway.conftest import signed_settings
from tests.integration.gateway.phone import Gateway

ME = "+254700000001"
SECRET = "shared-secret-for-tests"


async def transfer_fields(gateway: Gateway) -> dict[str, str]:
    """A transfer dialogue up to the confirmation; returns the confirming step's fields."""
    phone = gateway.phone(ME)
    await phone.dial()
    await phone.send("3")
    await phone.send("0700000002")
    await phone.send("20")
    return {**phone.last, "text": phone.text + "*1"}


async def test_a_signed_callback_is_served(aiohttp_client: Any, settings: Settings,
                                           channels: Channels) -> None:
    gateway = await Gateway.start(aiohttp_client, signed_settings(settings, secret=SECRET),
                                  channels=channels, secret=SECRET)
    fields = await transfer_fields(gateway)
    status, _, body = await gateway.post("/ussd/at", fields)
    assert (status, body.startswith("END You sent KES 20.00")) == (200, True)
    assert await gateway.cash(ME) == 7_900


async def test_a_missing_or_bad_signature_is_refused_and_moves_nothing(
        aiohttp_client: Any, settings: Settings, channels: Channels) -> None:
    gateway = await Gateway.start(aiohttp_client, signed_settings(settings, secret=SECRET),
                                  channels=channels, secret=SECRET)
    fields = await transfer_fields(gateway)
    status, kind, body = await gateway.post("/ussd/at", fields, signed=False)
    assert (status, kind, body) == (403, "application/json", '{"error": "forbidden"}')
    from urllib.parse import urlencode

    other_body = urlencode({**fields, "phoneNumber": "+254700000003"}).encode()
    forged = {SIGNATURE_HEADER: sign(SECRET, other_body)}  # a signature of another body
    assert (await gateway.post("/ussd/at", fields, headers=forged, signed=False))[0] == 403
    wrong_key = {SIGNATURE_HEADER: sign("guessed", urlencode(fields).encode())}
    assert (await gateway.post("/ussd/at", fields, headers=wrong_key, signed=False))[0] == 403
    assert (await gateway.post("/ivr/balance", {"msisdn": ME}, signed=False))[0] == 403
    assert (await gateway.post("/ivr/recharge", {"From": ME, "CallSid": "CA1"},
                               signed=False))[0] == 403
    assert (await gateway.post("/ussd/at/events", {"sessionId": "x"}, signed=False))[0] == 403
    assert await gateway.cash(ME) == 10_000


async def test_the_allow_list(aiohttp_client: Any, settings: Settings, channels: Channels
                              ) -> None:
    outside = await Gateway.start(aiohttp_client,
                                  signed_settings(settings, allow=("10.0.0.0/8",)),
                                  channels=channels)
    status, _, _ = await outside.post("/ussd/at", {"sessionId": "s1", "serviceCode": "*100#",
                                                   "phoneNumber": ME, "text": ""})
    assert status == 403
    inside = await Gateway.start(aiohttp_client,
                                 signed_settings(settings, allow=("127.0.0.0/8", "::1/128")),
                                 channels=channels)
    assert (await inside.phone(ME).dial()).text.startswith("Welcome to Demo Telecom")


async def test_allow_list_and_signature_together(aiohttp_client: Any, settings: Settings,
                                                 channels: Channels) -> None:
    both = signed_settings(settings, secret=SECRET, allow=("127.0.0.0/8", "::1/128"))
    gateway = await Gateway.start(aiohttp_client, both, channels=channels, secret=SECRET)
    assert (await gateway.phone(ME).dial()).text.startswith("Welcome")
    assert (await gateway.post("/ussd/at", {"sessionId": "s2", "serviceCode": "*100#",
                                            "phoneNumber": ME, "text": ""},
                               signed=False))[0] == 403


async def test_health_and_metrics_need_no_signature(aiohttp_client: Any, settings: Settings,
                                                    channels: Channels) -> None:
    gateway = await Gateway.start(aiohttp_client, signed_settings(settings, secret=SECRET),
                                  channels=channels)
    for path in ("/healthz", "/readyz", "/metrics"):
        async with gateway.client.get(path) as response:
            assert response.status == 200, path
