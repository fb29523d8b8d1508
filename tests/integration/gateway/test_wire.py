"""The wire-level pieces on their own: reading Africa's Talking's cumulative ``text``, service
codes, form bodies, signatures, the stored session's JSON and the in-memory store's TTL."""

from __future__ import annotations

import pytest

from gateway.auth import sign
from gateway.channels_http import BadField, _form
from gateway.sessions import MemorySessionStore
from gateway.ussd_at import new_input, split_code, step_of
from gateway.ussd_session import UssdRecord, decode, encode
from menus.present import Reply
from menus.session import MenuSession
from tests.integration.gateway.conftest import SessionClock


@pytest.mark.parametrize(("text", "step"), [("", 0), ("1", 1), ("3*0700000002", 2),
                                            ("3*0700000002*50", 3), ("3*07*50*5", 4)])
def test_the_step_grows_with_every_input(text: str, step: int) -> None:
    assert step_of(text) == step


def test_the_new_input_is_what_follows_the_part_already_read() -> None:
    assert new_input("1", 0) == "1"
    assert new_input("3*0700000002", 1) == "0700000002"
    assert new_input("3*0700000002*50*5", 12) == "50*5"  # an input holding "*" stays whole
    assert new_input("31", 1) is None  # does not extend "3*"
    assert new_input("3", 1) is None


@pytest.mark.parametrize(("code", "split"), [
    ("*100#", ("*100#", None)), ("*100*1#", ("*100#", "1")),
    ("*100*12345678901234#", ("*100#", "12345678901234")), (" *100# ", ("*100#", None)),
    ("*100*1*2#", ("*100#", "1*2")), ("100#", None), ("*100", None), ("*1a#", None)])
def test_service_codes(code: str, split: tuple[str, str | None] | None) -> None:
    assert split_code(code) == split


def test_form_bodies() -> None:
    body = b"sessionId=AT1&serviceCode=%2A100%23&phoneNumber=%2B254700000001&text=3%2A07"
    assert _form(body) == {"sessionId": "AT1", "serviceCode": "*100#",
                           "phoneNumber": "+254700000001", "text": "3*07"}
    assert _form(b"a=1&a=2&b&c=x+y") == {"a": "1", "b": "", "c": "x y"}
    with pytest.raises(BadField, match="UTF-8"):
        _form(b"text=\xff")
    with pytest.raises(BadField, match="fields"):
        _form(b"&".join(b"f%d=1" % i for i in range(60)))


def test_the_signature_is_the_hex_hmac_sha256_of_the_body() -> None:
    # RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    assert sign("Jefe", b"what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")


def test_the_stored_session_round_trips_and_refuses_what_it_did_not_write() -> None:
    record = UssdRecord("+254700000001", "*100#",
                        MenuSession("transfer_amount", "fr", {"recipient": "+254700000002"}),
                        step=2, cursor=12, reply=Reply("Saisissez…", end=False))
    assert decode(encode(record)) == record
    for damaged in ("", "[]", "{}", '{"v": 2}', encode(record).replace('"step":2', '"step":"2"')):
        assert decode(damaged) is None, damaged


async def test_the_memory_store_forgets_after_the_ttl_since_the_last_write() -> None:
    clock = SessionClock()
    store = MemorySessionStore(180, clock)
    await store.put("a", "1")
    clock.advance(100)
    await store.put("b", "2")
    clock.advance(80)
    assert await store.get("a") is None
    assert await store.get("b") == "2"
    await store.put("b", "3")  # a write restarts the TTL
    clock.advance(179)
    assert await store.get("b") == "3"
    await store.delete("b")
    assert await store.get("b") is None
    assert len(store) == 0
