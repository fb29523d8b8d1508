"""Each USSD-over-SMPP dialect table: what an inbound op means, where the dialogue's identity
comes from, what replies carry."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.smpp import InboundPdu
from gateway.smpp_ussd_dialects import (
    DIALECTS,
    STANDARD,
    VENDOR_A,
    SessionSource,
    UnknownDialect,
    UssdEvent,
    dialect_named,
)


def mo(op: int | None, **fields: Any) -> InboundPdu:
    values: dict[str, Any] = {
        "command": "deliver_sm", "sequence": 1, "source_addr": "254700000001",
        "destination_addr": "*100#", "service_type": "USSD", "esm_class": 0,
        "data_coding": 0, "text": "1", "message_ref": "seq:1", "ussd_service_op": op}
    values.update(fields)
    return InboundPdu(**values)


@pytest.mark.parametrize(("op", "event"), [
    (1, UssdEvent.START), (18, UssdEvent.CONTINUE), (0, None), (19, None), (0x81, None),
    (None, None)])
def test_standard_events(op: int | None, event: UssdEvent | None) -> None:
    assert STANDARD.event(mo(op, its_session_info=0x2A02)) is event


def test_standard_an_answer_with_the_end_flag_is_an_abort() -> None:
    assert STANDARD.event(mo(18, its_session_info=0x2A03)) is UssdEvent.ABORT
    assert STANDARD.event(mo(1, its_session_info=0x2A01)) is UssdEvent.START


def test_standard_replies() -> None:
    assert (STANDARD.reply_op(end=False), STANDARD.reply_op(end=True)) == (2, 17)
    assert (STANDARD.gsm7_data_coding, STANDARD.ucs2_data_coding) == (0x00, 0x08)
    assert STANDARD.reply_service_type("P2") == "P2"  # the bind's setting


def test_standard_names_the_dialogue_by_its_session_number_and_source() -> None:
    assert STANDARD.session_source is SessionSource.ITS_SESSION_INFO
    first = mo(1, its_session_info=0x2A00)
    later = mo(18, its_session_info=0x2A06, user_message_reference=9)
    assert STANDARD.session_key(first) == STANDARD.session_key(later) == "smpp:254700000001:its42"
    other = mo(18, its_session_info=0x2A06, source_addr="254700000002")
    assert STANDARD.session_key(other) != STANDARD.session_key(later)
    assert STANDARD.session_key(mo(1, user_message_reference=9)) is None


@pytest.mark.parametrize(("op", "event"), [
    (1, UssdEvent.START), (18, UssdEvent.CONTINUE), (0x81, UssdEvent.ABORT),
    (0x80, UssdEvent.ABORT), (0x17, None), (2, None)])
def test_vendor_a_events(op: int, event: UssdEvent | None) -> None:
    assert VENDOR_A.event(mo(op, user_message_reference=7)) is event


def test_vendor_a_ignores_the_its_end_flag() -> None:
    assert VENDOR_A.event(mo(18, user_message_reference=7, its_session_info=0x0101)) is (
        UssdEvent.CONTINUE)


def test_vendor_a_replies() -> None:
    assert (VENDOR_A.reply_op(end=False), VENDOR_A.reply_op(end=True)) == (2, 0x17)
    assert (VENDOR_A.gsm7_data_coding, VENDOR_A.ucs2_data_coding) == (0x0F, 0x48)
    assert VENDOR_A.reply_service_type("P2") == "USSD"


def test_vendor_a_names_the_dialogue_by_umr_and_source() -> None:
    assert VENDOR_A.session_key(mo(18, user_message_reference=7, its_session_info=0x2A02)) == (
        "smpp:254700000001:umr7")
    assert VENDOR_A.session_key(mo(18, its_session_info=0x2A02)) is None


def test_dialects_are_found_by_name_and_a_typo_names_the_key() -> None:
    assert set(DIALECTS) == {"standard", "vendor_a"}
    assert dialect_named("vendor_a") is VENDOR_A
    with pytest.raises(UnknownDialect, match=r"^smpp\.dialect: unknown dialect 'vendor-a'; "
                                             r"known: standard, vendor_a$"):
        dialect_named("vendor-a")
