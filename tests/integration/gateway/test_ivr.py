"""IVR webhooks: balance announcements as JSON, TwiML and VoiceXML (parsed, not grepped), and
voucher recharge by DTMF through a TwiML <Gather> flow."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.integration.gateway.phone import Gateway

ME, FR = "+254700000001", "+254700000002"
VXML = "{http://www.w3.org/2001/vxml}"
BASE = "http://127.0.0.1:8080/announcements"


async def post(gateway: Gateway, path: str, fields: dict[str, str],
               headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    return await gateway.post(path, fields, headers=headers)


async def test_balance_as_json(gateway: Gateway) -> None:
    status, kind, body = await post(gateway, "/ivr/balance", {"msisdn": "0700000001"})
    assert (status, kind) == (200, "application/json")
    sequence: dict[str, Any] = json.loads(body)
    assert sequence["language"] == "en"
    prompts = [(p["set"], p["entry"]) for p in sequence["prompts"]]
    assert prompts[:2] == [("balances", "airtime"), ("balances", "cash_positive")]
    assert sequence["prompts"][1]["variables"] == [
        {"type": "amount", "minor": 10_000, "currency": "KES"}]


async def test_balance_in_the_wallet_s_language_or_the_asked_one(gateway: Gateway) -> None:
    _, _, body = await post(gateway, "/ivr/balance", {"From": FR})
    assert json.loads(body)["language"] == "fr"
    _, _, body = await post(gateway, "/ivr/balance", {"From": FR, "language": "sw"})
    assert json.loads(body)["language"] == "sw"
    _, _, body = await post(gateway, "/ivr/balance", {"From": FR, "language": "de"})
    assert json.loads(body)["language"] == "en"  # not offered: the provider's fallback


async def test_balance_as_twiml(gateway: Gateway) -> None:
    status, kind, body = await post(gateway, "/ivr/balance?format=twiml", {"From": ME})
    assert (status, kind) == (200, "application/xml")
    root = ET.fromstring(body)
    assert root.tag == "Response"
    plays = [e.text for e in root if e.tag == "Play"]
    assert plays[:2] == [f"{BASE}/en/balances/airtime.wav", f"{BASE}/en/balances/cash_positive.wav"]
    says = [e for e in root if e.tag == "Say"]
    assert says[0].get("language") == "en"
    assert says[0].text == "100 Kenyan shillings"


async def test_balance_as_voicexml(gateway: Gateway) -> None:
    status, kind, body = await post(gateway, "/ivr/balance", {"msisdn": ME, "format": "vxml"})
    assert (status, kind) == (200, "application/voicexml+xml")
    root = ET.fromstring(body)
    assert root.tag == f"{VXML}vxml"
    prompts = root.findall(f"{VXML}form/{VXML}block/{VXML}prompt")
    audio = prompts[1].find(f"{VXML}audio")
    assert audio is not None
    assert audio.get("src") == f"{BASE}/en/balances/cash_positive.wav"
    say = prompts[1].find(f"{VXML}say-as")
    assert say is not None
    assert (say.get("interpret-as"), say.text) == ("currency", "KES100.00")


@pytest.mark.parametrize(("accept", "kind"), [
    ("application/voicexml+xml", "application/voicexml+xml"),
    ("text/xml", "application/xml"), ("application/xml", "application/xml"),
    ("application/json", "application/json"), ("*/*", "application/json")])
async def test_the_accept_header_picks_the_form(gateway: Gateway, accept: str, kind: str
                                                ) -> None:
    status, got, _ = await post(gateway, "/ivr/balance", {"msisdn": ME}, {"Accept": accept})
    assert (status, got) == (200, kind)


async def test_a_json_body(gateway: Gateway) -> None:
    async with gateway.client.post("/ivr/balance", json={"msisdn": ME, "plan": "CashOnly"}
                                   ) as response:
        assert response.status == 200
        sequence = await response.json()
    assert [p["entry"] for p in sequence["prompts"]][:2] == ["total_airtime", "cash_positive"]


@pytest.mark.parametrize(("fields", "field"), [
    ({}, "msisdn"), ({"msisdn": "hello"}, "msisdn"), ({"msisdn": ME, "format": "wav"}, "format"),
    ({"msisdn": ME, "plan": "Gold"}, "plan"), ({"msisdn": ME, "language": "e n"}, "language")])
async def test_bad_fields_get_400_naming_them(gateway: Gateway, fields: dict[str, str],
                                              field: str) -> None:
    status, kind, body = await post(gateway, "/ivr/balance", fields)
    assert (status, kind) == (400, "application/json")
    assert json.loads(body)["field"] == field


async def test_an_unknown_subscriber(gateway: Gateway) -> None:
    status, _, body = await post(gateway, "/ivr/balance", {"msisdn": "+254799999999"})
    assert status == 404
    assert json.loads(body) == {"error": "unknown subscriber", "field": "msisdn"}
    status, _, body = await post(gateway, "/ivr/balance?format=twiml", {"From": "+254799999999"})
    assert status == 200  # a caller hears why, instead of the platform's generic failure
    assert [e.text for e in ET.fromstring(body)] == [f"{BASE}/en/errors/not_a_subscriber.wav"]


# -- recharge by DTMF ------------------------------------------------------------------------

def gather_of(body: str) -> ET.Element:
    root = ET.fromstring(body)
    gather = root.find("Gather")
    assert gather is not None, body
    return gather


async def test_a_call_is_asked_for_its_pin(gateway: Gateway) -> None:
    status, kind, body = await post(gateway, "/ivr/recharge", {"From": FR, "CallSid": "CA1"})
    assert (status, kind) == (200, "application/xml")
    gather = gather_of(body)
    assert gather.attrib == {"input": "dtmf", "numDigits": "20", "timeout": "10",
                             "finishOnKey": "#", "action": "recharge?attempt=1&language=fr",
                             "method": "POST"}
    assert [e.text for e in gather] == [f"{BASE}/fr/recharge/enter_pin.wav"]
    redirect = ET.fromstring(body).find("Redirect")
    assert redirect is not None
    assert redirect.text == "recharge?attempt=2&language=fr"


async def test_a_good_pin_recharges_once_even_when_the_webhook_is_retried(
        gateway: Gateway, pins: list[str]) -> None:
    fields = {"From": ME, "CallSid": "CA2", "Digits": pins[0] + "#"}
    status, _, body = await post(gateway, "/ivr/recharge?attempt=1&language=en", fields)
    assert status == 200
    root = ET.fromstring(body)
    assert [e.text for e in root if e.tag == "Play"] == [
        f"{BASE}/en/recharge/ok.wav", f"{BASE}/en/recharge/new_balance.wav"]
    assert [e.text for e in root if e.tag == "Say"] == ["50 Kenyan shillings",
                                                       "150 Kenyan shillings"]
    again = await post(gateway, "/ivr/recharge?attempt=1&language=en", fields)
    assert again == (200, "application/xml", body)
    assert await gateway.cash(ME) == 15_000


async def test_a_wrong_pin_asks_again_then_a_good_one_works(gateway: Gateway,
                                                            pins: list[str]) -> None:
    wrong = {"From": ME, "CallSid": "CA3", "Digits": "11112222333344"}
    _, _, body = await post(gateway, "/ivr/recharge?attempt=1&language=en", wrong)
    gather = gather_of(body)
    assert gather.get("action") == "recharge?attempt=2&language=en"
    assert [e.text for e in gather if e.tag == "Play"] == [
        f"{BASE}/en/recharge/bad_pin.wav", f"{BASE}/en/recharge/enter_pin.wav"]
    assert [e.text for e in gather if e.tag == "Say"] == ["2"]
    good = {**wrong, "Digits": pins[1]}
    _, _, body = await post(gateway, "/ivr/recharge?attempt=2&language=en", good)
    assert ET.fromstring(body)[0].text == f"{BASE}/en/recharge/ok.wav"
    assert await gateway.cash(ME) == 15_000


async def test_what_is_not_a_pin_and_silence(gateway: Gateway) -> None:
    fields = {"From": ME, "CallSid": "CA4", "Digits": "12#"}
    _, _, body = await post(gateway, "/ivr/recharge?attempt=1&language=en", fields)
    assert gather_of(body)[0].text == f"{BASE}/en/recharge/invalid_pin.wav"
    _, _, body = await post(gateway, "/ivr/recharge?attempt=4&language=en",
                            {"From": ME, "CallSid": "CA4"})
    assert [e.text for e in ET.fromstring(body)] == [f"{BASE}/en/recharge/no_input.wav"]


async def test_recharge_needs_the_caller_and_the_call(gateway: Gateway) -> None:
    status, _, body = await post(gateway, "/ivr/recharge", {"From": ME})
    assert (status, json.loads(body)["field"]) == (400, "CallSid")
    status, _, body = await post(gateway, "/ivr/recharge", {"CallSid": "CA5"})
    assert (status, json.loads(body)["field"]) == (400, "msisdn")
