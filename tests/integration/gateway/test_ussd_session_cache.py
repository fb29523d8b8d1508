"""The per-step shortcuts of the USSD path hold the same answers as the long way: the stored
session's hand-built JSON, the reuse of a session this process wrote, and the memoized
decoding of form fields (never of ``text``, which may hold a voucher PIN)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from gateway.channels_http import _form, _unquote_repeating
from gateway.keys import SESSIONS
from gateway.ussd_session import UssdRecord, decode, encode
from menus.present import Reply
from menus.session import MenuSession
from tests.integration.gateway.phone import Gateway

ME = "+254700000001"


def reference(record: UssdRecord) -> str:
    """The documented object through json.dumps: what ``encode`` must equal."""
    return json.dumps({
        "v": 1, "msisdn": record.msisdn, "code": record.service_code, "step": record.step,
        "cursor": record.cursor, "reply": record.reply.text, "end": record.reply.end,
        "menu": record.menu.to_json()}, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("record", [
    UssdRecord("+254700000001", "*100#", MenuSession("main", "en"), 0, 0,
               Reply("Welcome\n1 Balance", end=False)),
    UssdRecord("+254700000001", "*100#",
               MenuSession("transfer_confirm", "ar", {"recipient": "+2547", "amount": 5000},
                           page=2, noticed=True),
               7, 31, Reply('quote " backslash \\ tab \t line\u2028 عربي €', end=True)),
])
def test_the_stored_session_is_the_json_of_the_documented_object(record: UssdRecord) -> None:
    assert encode(record) == reference(record)
    assert decode(encode(record)) == record


async def test_a_session_rewritten_elsewhere_is_read_from_the_store(gateway: Gateway) -> None:
    """Another process (a shared Redis) answered the step: its record wins over the one this
    process wrote and remembers."""
    phone = gateway.phone(ME)
    await phone.dial()
    store = gateway.app[SESSIONS]
    raw = await store.get(phone.session_id)
    assert raw is not None
    mine = decode(raw)
    assert mine is not None
    theirs = dataclasses.replace(mine, step=1, cursor=1,
                                 reply=Reply("Answered by the other gateway", end=False))
    await store.put(phone.session_id, encode(theirs))
    # Step 1 is now a replay of what the other gateway answered, not a new step.
    assert (await phone.send("3")).text == "Answered by the other gateway"


async def test_a_damaged_value_in_the_store_restarts_the_session(gateway: Gateway) -> None:
    phone = gateway.phone(ME)
    main = await phone.dial()
    await gateway.app[SESSIONS].put(phone.session_id, "{damaged")
    assert await phone.send("3") == main  # started again: the input is not acted on


def test_repeating_fields_decode_like_the_others_and_text_is_never_memoized() -> None:
    _unquote_repeating.cache_clear()
    body = b"sessionId=A1&serviceCode=%2A100%23&phoneNumber=%2B254700000001&text=2%2A1234+5"
    assert _form(body) == {"sessionId": "A1", "serviceCode": "*100#",
                           "phoneNumber": "+254700000001", "text": "2*1234 5"}
    assert _unquote_repeating.cache_info().currsize == 2  # serviceCode, phoneNumber
    assert _form(b"text=9%2A8765") == {"text": "9*8765"}
    assert _unquote_repeating.cache_info().currsize == 2
    assert _form(body)["serviceCode"] == "*100#"
    assert _unquote_repeating.cache_info().hits == 2
