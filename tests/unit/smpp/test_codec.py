"""The smpplib codec wrapper: USSD TLVs on deliver_sm, sequence numbers, malformed bodies."""

from __future__ import annotations

import contextlib
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.smpp import codec
from gateway.smpp.codec import decode_pdu, encode_pdu, peek_header
from gateway.smpp.constants import Status, Tlv
from gateway.smpp.errors import MalformedPdu, UnknownCommand


def _tlv(tag: int, value: bytes) -> bytes:
    return struct.pack(">HH", tag, len(value)) + value


def _frame(command_id: int, sequence: int, body: bytes, status: int = 0) -> bytes:
    return struct.pack(">LLLL", 16 + len(body), command_id, status, sequence) + body


def _ussd_deliver_body(tlvs: bytes) -> bytes:
    # service_type, src ton/npi/addr, dst ton/npi/addr, esm_class .. sm_default_msg_id, sm_length
    return (
        b"USSD\0"
        + b"\x01\x01254700000001\0"
        + b"\x00\x00*100#\0"
        + b"\x00\x00\x00\0\0\x00\x00\x0f\x00"
        + b"\x01"
        + b"1"
        + tlvs
    )


def test_ussd_service_op_survives_a_deliver_sm_round_trip() -> None:
    frame = encode_pdu(
        "deliver_sm",
        sequence=42,
        service_type="USSD",
        source_addr="254700000001",
        destination_addr="*100#",
        data_coding=0x0F,
        short_message=b"*100#",
        ussd_service_op=1,
        its_session_info=0x2A02,
    )

    pdu = decode_pdu(frame)

    assert pdu.command == "deliver_sm"
    assert pdu.sequence == 42
    assert pdu.int_field("ussd_service_op") == 1
    assert pdu.int_field("its_session_info") == 0x2A02
    assert pdu.str_field("service_type") == "USSD"
    assert pdu.bytes_field("short_message") == b"*100#"
    assert _tlv(Tlv.USSD_SERVICE_OP, b"\x01") in frame  # generated, not dropped (smpplib #104)


def test_a_ussd_deliver_sm_built_elsewhere_parses() -> None:
    tlvs = _tlv(Tlv.USSD_SERVICE_OP, b"\x12") + _tlv(Tlv.USER_MESSAGE_REFERENCE, b"\x00\x07")
    pdu = decode_pdu(_frame(0x00000005, 9, _ussd_deliver_body(tlvs)))

    assert pdu.int_field("ussd_service_op") == 0x12
    assert pdu.int_field("user_message_reference") == 7
    assert pdu.str_field("source_addr") == "254700000001"


def test_data_sm_carries_ussd_service_op_and_message_payload() -> None:
    frame = encode_pdu(
        "data_sm",
        sequence=3,
        source_addr="254700000001",
        destination_addr="*100#",
        message_payload=b"hello",
        ussd_service_op=0x12,
    )
    pdu = decode_pdu(frame)
    assert pdu.int_field("ussd_service_op") == 0x12
    assert pdu.bytes_field("message_payload") == b"hello"


def test_the_registration_is_idempotent() -> None:
    assert codec._register() == ()


def test_sequence_is_honoured_and_strings_come_back_as_str() -> None:
    frame = encode_pdu("bind_transceiver", sequence=0x7FFFFFFF, system_id="gw", password="pw")
    assert peek_header(frame) == (0x00000009, 0, 0x7FFFFFFF)
    pdu = decode_pdu(frame)
    assert pdu.fields["system_id"] == "gw"
    assert isinstance(pdu.fields["password"], str)


def test_submit_sm_keeps_every_ussd_and_concat_tlv() -> None:
    values = {
        "ussd_service_op": 17,
        "its_session_info": 0x0103,
        "its_reply_type": 4,
        "user_message_reference": 0xBEEF,
        "sar_msg_ref_num": 0x1234,
        "sar_total_segments": 3,
        "sar_segment_seqnum": 2,
    }
    pdu = decode_pdu(encode_pdu("submit_sm", sequence=1, short_message=b"x", **values))
    assert {name: pdu.int_field(name) for name in values} == values


def test_ussd_service_op_zero_is_sent() -> None:
    pdu = decode_pdu(encode_pdu("submit_sm", sequence=1, ussd_service_op=0))
    assert pdu.int_field("ussd_service_op") == 0


def test_an_error_response_has_no_body() -> None:
    frame = encode_pdu("submit_sm_resp", sequence=5, status=Status.RTHROTTLED, message_id="x")
    assert len(frame) == 16
    assert decode_pdu(frame).status == Status.RTHROTTLED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("password", "123456789"),  # smpplib would silently cut it to 8
        ("ussd_service_op", 256),
        ("no_such_field", 1),
        ("short_message", "text, not bytes"),
        ("short_message", b"x" * 255),
    ],
)
def test_encode_refuses_what_smpplib_would_mangle(field: str, value: object) -> None:
    command = "bind_transceiver" if field == "password" else "submit_sm"
    with pytest.raises(ValueError, match=r"\w"):
        encode_pdu(command, sequence=1, **{field: value})  # type: ignore[arg-type]


def test_unknown_command_id_is_reported_with_its_sequence() -> None:
    with pytest.raises(UnknownCommand) as info:
        decode_pdu(_frame(0x00000999, 77, b""))
    assert (info.value.status, info.value.sequence) == (Status.RINVCMDID, 77)


def test_a_command_smpplib_cannot_build_is_unknown() -> None:
    with pytest.raises(UnknownCommand):
        decode_pdu(_frame(0x00000021, 1, b""))  # submit_multi


@pytest.mark.parametrize(
    "body",
    [
        b"USSD",  # C-string without its NUL
        _ussd_deliver_body(b"\x05\x01\x00"),  # truncated TLV header
        _ussd_deliver_body(b"\x05\x01\x00\x05\x01"),  # TLV value past the end
    ],
)
def test_malformed_bodies_are_rejected_with_rinvcmdlen(body: bytes) -> None:
    with pytest.raises(MalformedPdu) as info:
        decode_pdu(_frame(0x00000005, 12, body))
    assert (info.value.status, info.value.sequence) == (Status.RINVCMDLEN, 12)


def test_command_length_must_match_the_frame() -> None:
    frame = _frame(0x00000015, 1, b"")
    with pytest.raises(MalformedPdu):
        decode_pdu(frame + b"\0")


def test_unknown_and_undeclared_tlvs_are_kept_raw() -> None:
    tlvs = (
        _tlv(0x1403, b"vendor")  # unknown to smpplib
        + _tlv(0x0017, b"\x00\x00\x00\x3c")  # qos_time_to_live: smpplib knows it, not on deliver_sm
        + _tlv(Tlv.USSD_SERVICE_OP, b"\x00\x02")  # wrong length for a 1-octet int
        + _tlv(Tlv.ITS_REPLY_TYPE, b"\x04")
    )
    pdu = decode_pdu(_frame(0x00000005, 1, _ussd_deliver_body(tlvs)))
    assert pdu.extra_tlvs == {
        0x1403: b"vendor",
        0x0017: b"\x00\x00\x00\x3c",
        0x0501: b"\x00\x02",
    }
    assert pdu.int_field("its_reply_type") == 4
    assert pdu.int_field("ussd_service_op") is None


def test_repr_never_shows_values() -> None:
    pdu = decode_pdu(encode_pdu("bind_transceiver", sequence=1, system_id="gw", password="s3cr3t"))
    assert "s3cr3t" not in repr(pdu)
    assert "password" in repr(pdu)


@given(
    op=st.integers(0, 255),
    session=st.integers(0, 0xFFFF),
    text=st.binary(max_size=254),
    sequence=st.integers(1, 0x7FFFFFFF),
)
def test_deliver_sm_round_trip_property(op: int, session: int, text: bytes, sequence: int) -> None:
    frame = encode_pdu(
        "deliver_sm",
        sequence=sequence,
        source_addr="1",
        destination_addr="2",
        short_message=text,
        ussd_service_op=op,
        its_session_info=session,
    )
    pdu = decode_pdu(frame)
    assert (pdu.sequence, pdu.bytes_field("short_message")) == (sequence, text)
    assert (pdu.int_field("ussd_service_op"), pdu.int_field("its_session_info")) == (op, session)


@given(st.binary(min_size=16, max_size=300))
def test_decode_never_fails_other_than_malformed(frame: bytes) -> None:
    frame = struct.pack(">L", len(frame)) + frame[4:]
    with contextlib.suppress(MalformedPdu):
        decode_pdu(frame)
