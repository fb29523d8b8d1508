"""The direct codec for the hot PDUs (gateway/smpp/wire.py) agrees with smpplib on random PDUs.

smpplib is the reference: ``decode_pdu_reference``/``encode_pdu_reference`` go through its objects
for every command. Each test fails if the fast path reads or writes one field, TLV or error
differently from it.
"""

from __future__ import annotations

import struct
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.smpp import codec
from gateway.smpp.codec import (
    FAST_COMMANDS,
    Pdu,
    decode_pdu,
    decode_pdu_reference,
    encode_pdu,
    encode_pdu_reference,
    pdu_command_id,
)
from gateway.smpp.errors import MalformedPdu
from gateway.smpp.wire import Kind

_SPECS = {name: codec.wire_spec(name) for name in FAST_COMMANDS}
# Tags a body may carry: every TLV some fast command declares, plus unknown and vendor tags.
_TAGS = sorted({f.tag for spec in _SPECS.values() for f in spec.tlvs} | {0x0000, 0x1234, 0x1401})

_latin1 = st.text(st.characters(min_codepoint=1, max_codepoint=255), max_size=8)


@st.composite
def _tlv(draw: st.DrawFn) -> bytes:
    tag = draw(st.sampled_from(_TAGS))
    # Declared sizes, wrong sizes, empty values: all must be treated alike by both paths.
    value = draw(st.binary(max_size=6))
    return struct.pack(">HH", tag, len(value)) + value


@st.composite
def _body(draw: st.DrawFn, command: str) -> bytes:
    """A body laid out like ``command``'s, often well formed, sometimes cut or garbled."""
    spec = _SPECS[command]
    ints: dict[str, int] = {}
    parts: list[bytes] = []
    for wf in spec.mandatory:
        if wf.kind is Kind.INT:
            value = draw(st.integers(0, (1 << (8 * wf.size)) - 1))
            ints[wf.name] = value
            parts.append(value.to_bytes(wf.size, "big"))
        elif wf.kind is Kind.STR:
            parts.append(draw(_latin1).encode("latin-1") + b"\0")
        else:
            length = ints.get(wf.len_field, 0)
            parts.append(draw(st.binary(min_size=length, max_size=length)))
    parts.extend(draw(st.lists(_tlv(), max_size=5)))
    body = b"".join(parts)
    match draw(st.sampled_from(["whole", "cut", "extra"])):
        case "cut":
            body = body[: draw(st.integers(0, len(body)))]
        case "extra":
            body += draw(st.binary(max_size=5))
    return body


def _frame(command: str, body: bytes, *, status: int = 0, sequence: int = 7) -> bytes:
    return struct.pack(">LLLL", 16 + len(body), pdu_command_id(command), status, sequence) + body


def _outcome(decode: Any, frame: bytes) -> tuple[str, Any]:
    try:
        pdu: Pdu = decode(frame)
    except MalformedPdu as exc:  # UnknownCommand too
        return type(exc).__name__, (exc.status, exc.command_id, exc.sequence)
    return "pdu", (pdu.command, pdu.status, pdu.sequence, dict(pdu.fields), dict(pdu.extra_tlvs))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), command=st.sampled_from(FAST_COMMANDS))
def test_decoding_agrees_with_smpplib(data: st.DataObject, command: str) -> None:
    frame = _frame(command, data.draw(_body(command)), status=data.draw(st.sampled_from([0, 8])))

    assert _outcome(decode_pdu, frame) == _outcome(decode_pdu_reference, frame)


@settings(max_examples=300)
@given(command=st.sampled_from(FAST_COMMANDS), body=st.binary(max_size=80))
def test_decoding_random_octets_agrees_with_smpplib(command: str, body: bytes) -> None:
    frame = _frame(command, body)

    assert _outcome(decode_pdu, frame) == _outcome(decode_pdu_reference, frame)


@st.composite
def _fields(draw: st.DrawFn, command: str) -> dict[str, Any]:
    """Settable fields of ``command`` with values of the right type, some out of range."""
    spec = _SPECS[command]
    fields: dict[str, Any] = {}
    for wf in (*spec.mandatory, *spec.tlvs):
        if wf.name == "sm_length" or not draw(st.booleans()):
            continue
        if wf.kind is Kind.INT:
            fields[wf.name] = draw(st.integers(0, (1 << (8 * wf.size)) + 1))
        elif wf.kind is Kind.STR:
            fields[wf.name] = draw(st.one_of(_latin1, st.text(max_size=3), st.just("x" * 30)))
        elif wf.kind is Kind.OSTR:
            fields[wf.name] = draw(st.binary(max_size=10))
        else:
            fields[wf.name] = draw(st.booleans())
    return fields


def _encoded(encode: Any, command: str, status: int, fields: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "frame", encode(command, sequence=99, status=status, **fields)
    except ValueError as exc:
        return "ValueError", str(exc)


@settings(max_examples=400)
@given(data=st.data(), command=st.sampled_from(FAST_COMMANDS))
def test_encoding_agrees_with_smpplib(data: st.DataObject, command: str) -> None:
    fields = data.draw(_fields(command))
    status = data.draw(st.sampled_from([0, 0x58]))

    fast = _encoded(encode_pdu, command, status, fields)

    assert fast == _encoded(encode_pdu_reference, command, status, fields)


def test_a_submit_sm_with_reply_fields_is_written_without_smpplib(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The reply the gateway sends per SMS: if this fell back to smpplib, the bench would show it.
    def no_smpplib(*_: object, **__: object) -> bytes:
        raise AssertionError("took the smpplib path")

    monkeypatch.setattr(codec, "encode_pdu_reference", no_smpplib)
    frame = encode_pdu("submit_sm", sequence=5, source_addr="100", destination_addr="254700000001",
                       dest_addr_ton=1, dest_addr_npi=1, data_coding=0, short_message=b"Balance",
                       user_message_reference=3)

    pdu = decode_pdu(frame)

    assert pdu.str_field("destination_addr") == "254700000001"
    assert pdu.bytes_field("short_message") == b"Balance"
    assert pdu.int_field("sm_length") == 7
    assert pdu.int_field("user_message_reference") == 3


def test_an_empty_short_message_before_only_unknown_tlvs_is_left_unset_as_smpplib_does() -> None:
    # Found by hypothesis: smpplib reads the body without the TLVs kept raw, so it stops right
    # where the empty short_message would start; with a TLV it parses, it reads it as b"".
    mandatory = b"\0" * 17  # every field empty or zero, sm_length 0
    unknown_tlv, known_tlv = b"\x00\x00\x00\x00", b"\x02\x04\x00\x02\x00\x05"
    alone = _frame("deliver_sm", mandatory + unknown_tlv)
    with_known = _frame("deliver_sm", mandatory + unknown_tlv + known_tlv)

    assert "short_message" not in decode_pdu(alone).fields
    assert decode_pdu(with_known).fields["short_message"] == b""
    assert _outcome(decode_pdu, alone) == _outcome(decode_pdu_reference, alone)
    assert _outcome(decode_pdu, with_known) == _outcome(decode_pdu_reference, with_known)
