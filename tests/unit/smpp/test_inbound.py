"""deliver_sm / data_sm -> InboundPdu, and the MO dedup window."""

from __future__ import annotations

import pytest

from gateway.smpp.codec import decode_pdu, encode_pdu
from gateway.smpp.concat import split_sms
from gateway.smpp.dedup import TtlLru, mo_dedup_key
from gateway.smpp.inbound import InboundAssembler, its_session_reply
from gateway.smpp.text import encode_text

SUBSCRIBER = "254700000001"


def _deliver(sequence: int = 1, **fields: object) -> bytes:
    values: dict[str, object] = {"source_addr": SUBSCRIBER, "destination_addr": "*100#"}
    values.update(fields)
    return encode_pdu("deliver_sm", sequence=sequence, **values)  # type: ignore[arg-type]


def test_a_ussd_deliver_sm_becomes_an_inbound_message() -> None:
    frame = _deliver(
        5,
        service_type="USSD",
        data_coding=0x0F,
        short_message=b"*100#",
        ussd_service_op=1,
        its_session_info=0x3300,
    )
    message = InboundAssembler().accept(decode_pdu(frame))
    assert message is not None
    assert (message.command, message.sequence, message.text) == ("deliver_sm", 5, "*100#")
    assert (message.source_addr, message.destination_addr) == (SUBSCRIBER, "*100#")
    assert (message.service_type, message.ussd_service_op) == ("USSD", 1)
    assert message.its_session_info == 0x3300
    assert not message.its_session_end
    assert message.message_ref == "its:13056"


def test_ucs2_ussd_answer() -> None:
    text = "نعم"
    frame = _deliver(data_coding=0x48, short_message=text.encode("utf-16-be"), ussd_service_op=18)
    message = InboundAssembler().accept(decode_pdu(frame))
    assert message is not None
    assert message.text == text


def test_data_sm_with_message_payload() -> None:
    frame = encode_pdu(
        "data_sm",
        sequence=8,
        source_addr=SUBSCRIBER,
        destination_addr="100",
        message_payload=b"BAL",
        user_message_reference=77,
    )
    message = InboundAssembler().accept(decode_pdu(frame))
    assert message is not None
    assert (message.command, message.text, message.message_ref) == ("data_sm", "BAL", "umr:77")


def test_deliver_sm_with_message_payload_instead_of_short_message() -> None:
    long_text = "x" * 300
    message = InboundAssembler().accept(decode_pdu(_deliver(message_payload=long_text.encode())))
    assert message is not None
    assert message.text == long_text


def test_concatenated_sms_comes_out_once_whole() -> None:
    text = "Recharge " * 40
    parts = split_sms(encode_text(text), ref=0x11)
    assembler = InboundAssembler()
    results = [
        assembler.accept(decode_pdu(_deliver(n, esm_class=parts.esm_class, short_message=part)))
        for n, part in enumerate(reversed(parts.parts), start=1)
    ]
    *pending, last = results
    assert pending == [None] * (len(parts.parts) - 1)
    assert last is not None
    assert (last.text, last.parts, last.message_ref) == (text, len(parts.parts), "udh8:17")


def test_a_delivery_receipt_is_flagged() -> None:
    frame = _deliver(esm_class=0x04, short_message=b"id:1 stat:DELIVRD")
    message = InboundAssembler().accept(decode_pdu(frame))
    assert message is not None
    assert message.is_delivery_receipt


def test_the_text_stays_out_of_the_repr() -> None:
    message = InboundAssembler().accept(decode_pdu(_deliver(short_message=b"PIN 4242")))
    assert message is not None
    assert "4242" not in repr(message)


def test_only_message_pdus_are_accepted() -> None:
    with pytest.raises(ValueError, match="enquire_link"):
        InboundAssembler().accept(decode_pdu(encode_pdu("enquire_link", sequence=1)))


@pytest.mark.parametrize(
    ("info", "end", "reply"), [(0x2A04, True, 0x2A05), (0x2A05, False, 0x2A04)]
)
def test_its_session_reply_echoes_the_session_with_our_end_flag(
    info: int, end: bool, reply: int
) -> None:
    assert its_session_reply(info, end=end) == reply


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_redelivered_mo_is_seen_within_the_window_only() -> None:
    clock = FakeClock()
    window: TtlLru[tuple[str, str, str]] = TtlLru(ttl_s=60, clock=clock)
    frame = _deliver(3, short_message=b"1", user_message_reference=9)
    message = InboundAssembler().accept(decode_pdu(frame))
    assert message is not None
    key = mo_dedup_key(message)
    assert key == (SUBSCRIBER, "*100#", "umr:9")

    assert window.seen(key) is False
    clock.now = 30
    assert window.seen(key) is True  # the SMSC redelivered
    clock.now = 61
    assert window.seen(key) is False  # the window counts from the first delivery


def test_the_window_is_bounded_oldest_first() -> None:
    window: TtlLru[int] = TtlLru(ttl_s=60, max_entries=2)
    for key in (1, 2, 3):
        window.seen(key)
    assert len(window) == 2
    assert 1 not in window
    assert 3 in window
