"""The hot PDUs (deliver_sm, submit_sm and their responses, enquire_link) read and written directly.

Building a smpplib object per PDU was ~40% of the gateway's CPU time under an SMS flood
(bench/smpp.py, py-spy): smpplib instantiates a class, sets every field to None, looks each TLV name
up by a linear scan, and ``codec`` walked each body once more to check it. Here a ``WireSpec`` per
command, built by ``codec`` from smpplib's own field tables (so the two cannot drift apart), drives
one walk over the octets.

smpplib stays the reference: ``codec`` uses this module only for the commands in its fast set, and
both functions answer None for anything they are not sure to read or write exactly as smpplib
would (a malformed body, a C-string TLV to encode); ``codec`` then takes the smpplib path, which
also produces the error. tests/unit/smpp/test_wire.py checks with hypothesis that both paths agree.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Final

FieldValue = int | str | bytes

_HEADER: Final = struct.Struct(">LLLL")
_TLV_HEAD: Final = struct.Struct(">HH")
_NUL: Final = b"\0"


class Kind(Enum):
    INT = "int"
    STR = "str"  # C-string, latin-1
    OSTR = "ostr"  # octet string
    FLAG = "flag"  # a TLV smpplib declares but neither parses nor generates


@dataclass(frozen=True, slots=True)
class WireField:
    name: str
    kind: Kind
    size: int = 0  # octets of an INT
    len_field: str = ""  # the INT field giving a mandatory OSTR's length
    tag: int = 0  # TLVs only


# Mandatory fields compiled into steps: a run of one-octet ints is one struct call (a deliver_sm
# has 18 mandatory fields but 10 steps; a quarter off its decoding time).
_BYTES: Final = 0  # (_BYTES, struct for k octets, k names)
_INT: Final = 1  # (_INT, WireField, ()) an int wider than one octet
_STR: Final = 2  # (_STR, WireField, ())
_OSTR: Final = 3  # (_OSTR, WireField, ())
Step = tuple[int, "struct.Struct | WireField", tuple[str, ...]]


def _compile(mandatory: tuple[WireField, ...]) -> tuple[Step, ...]:
    steps: list[Step] = []
    run: list[str] = []
    for wf in mandatory:
        if wf.kind is Kind.INT and wf.size == 1:
            run.append(wf.name)
            continue
        if run:
            steps.append((_BYTES, struct.Struct(">" + "B" * len(run)), tuple(run)))
            run = []
        if wf.kind is Kind.INT:
            steps.append((_INT, wf, ()))
        elif wf.kind is Kind.STR:
            steps.append((_STR, wf, ()))
        elif wf.kind is Kind.OSTR:
            steps.append((_OSTR, wf, ()))
        else:
            raise ValueError(f"{wf.name}: a flag cannot be a mandatory field")
    if run:
        steps.append((_BYTES, struct.Struct(">" + "B" * len(run)), tuple(run)))
    return tuple(steps)


@dataclass(frozen=True, slots=True)
class WireSpec:
    """One command's layout, in smpplib's terms."""

    command: str
    command_id: int
    mandatory: tuple[WireField, ...]  # in wire order
    tlvs: tuple[WireField, ...]  # in smpplib's generation order
    by_tag: Mapping[int, WireField]  # the TLVs smpplib can parse for this command
    defaults: Mapping[str, FieldValue]  # class attributes smpplib reports even when absent
    sets_sm_length: bool  # submit_sm/deliver_sm: sm_length follows short_message
    steps: tuple[Step, ...] = ()
    tlv_order: Mapping[str, tuple[int, WireField]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", _compile(self.mandatory))
        object.__setattr__(self, "tlv_order", {wf.name: (i, wf) for i, wf in enumerate(self.tlvs)})


def decode_body(
    spec: WireSpec, body: bytes
) -> tuple[dict[str, FieldValue], dict[int, bytes]] | None:
    """(fields, TLVs kept raw) of a body, as smpplib + ``codec`` would give them; None when the
    body is not well formed (the caller lets the reference path explain why)."""
    fields: dict[str, FieldValue] = dict(spec.defaults)
    extra: dict[int, bytes] = {}
    pos = 0
    end_of_body = len(body)
    empty_ostr: tuple[str, int] | None = None  # (name, where) of a zero-length octet string
    for op, arg, names in spec.steps:
        if pos == end_of_body:
            break  # smpplib leaves the remaining mandatory fields unset
        if op == _BYTES:
            assert isinstance(arg, struct.Struct)
            if pos + arg.size > end_of_body:
                return None  # cut inside a run: the reference path knows where smpplib stops
            fields.update(zip(names, arg.unpack_from(body, pos), strict=True))
            pos += arg.size
            continue
        assert isinstance(arg, WireField)
        if op == _STR:
            end = body.find(_NUL, pos)
            if end < 0:
                return None
            fields[arg.name] = body[pos:end].decode("latin-1")
            pos = end + 1
        elif op == _INT:
            end = pos + arg.size
            if end > end_of_body:
                return None
            fields[arg.name] = int.from_bytes(body[pos:end], "big")
            pos = end
        else:
            length = fields.get(arg.len_field, 0)
            if not isinstance(length, int) or pos + length > end_of_body:
                return None
            fields[arg.name] = body[pos : pos + length]
            if not length:
                empty_ostr = (arg.name, pos)
            pos += length
    mandatory_end = pos
    kept_any = False
    by_tag = spec.by_tag
    while pos < end_of_body:
        if pos + 4 > end_of_body:
            return None
        tag, length = _TLV_HEAD.unpack_from(body, pos)
        start = pos + 4
        pos = start + length
        if pos > end_of_body:
            return None
        value = body[start:pos]
        wf_tlv = by_tag.get(tag)
        if wf_tlv is None or wf_tlv.kind is Kind.FLAG:
            extra[tag] = value
        elif wf_tlv.kind is Kind.INT:
            # smpplib reads an int TLV by its declared size: another length is kept raw.
            if length == wf_tlv.size:
                fields[wf_tlv.name] = int.from_bytes(value, "big")
                kept_any = True
            else:
                extra[tag] = value
        elif wf_tlv.kind is Kind.STR:
            # smpplib takes length - 1 octets (the NUL it assumes), whatever the last one is.
            fields[wf_tlv.name] = value[:-1].decode("latin-1")
            kept_any = True
        else:
            fields[wf_tlv.name] = value
            kept_any = True
    if empty_ostr is not None and empty_ostr[1] == mandatory_end and not kept_any:
        # smpplib sees the body without the TLVs kept raw; ending right where an empty octet
        # string starts, it stops before it and leaves the field unset.
        name = empty_ostr[0]
        del fields[name]
        if name in spec.defaults:
            fields[name] = spec.defaults[name]
    return fields, extra


def encode(
    spec: WireSpec, *, sequence: int, status: int, fields: Mapping[str, FieldValue | None]
) -> bytes | None:
    """The frame smpplib would generate for already checked ``fields``; None for what this
    path does not write (a C-string TLV: smpplib's length for it counts characters).

    Raises ValueError where smpplib's generate() would fail.
    """
    # What smpplib would read off its object: the class defaults, then the fields set.
    values: dict[str, FieldValue] = dict(spec.defaults)
    for name, value in fields.items():
        if value is not None:
            values[name] = value
    if spec.sets_sm_length:
        short_message = values.get("short_message")
        if short_message and values.get("message_payload"):
            raise ValueError(
                f"cannot encode {spec.command}: "
                "`message_payload` can not be used with `short_message`"
            )
        values["sm_length"] = len(short_message) if isinstance(short_message, bytes) else 0
    get = values.get
    parts: list[bytes] = []
    for op, arg, names in spec.steps:
        if op == _BYTES:
            assert isinstance(arg, struct.Struct)
            # A zero or unset one-octet int is a NUL octet either way.
            parts.append(arg.pack(*[get(name) or 0 for name in names]))
            continue
        assert isinstance(arg, WireField)
        value = get(arg.name)
        if op == _INT:
            # smpplib writes a zero or unset int as one NUL octet, whatever its size.
            parts.append(value.to_bytes(arg.size, "big") if isinstance(value, int) and value
                         else _NUL)
        elif op == _STR:
            if isinstance(value, str) and value:
                try:
                    parts.append(value.encode("latin-1") + _NUL)
                except UnicodeEncodeError as exc:
                    raise ValueError(f"cannot encode {spec.command}: {exc}") from None
            else:
                parts.append(_NUL)
        elif isinstance(value, bytes) and value:
            parts.append(value)
    # TLVs in smpplib's order; only the few present are looked at.
    tlvs: list[tuple[int, bytes]] = []
    for name, value in values.items():
        entry = spec.tlv_order.get(name)
        if entry is None:
            continue
        index, wf = entry
        kind = wf.kind
        if kind is Kind.INT and isinstance(value, int):
            tlvs.append((index, _TLV_HEAD.pack(wf.tag, wf.size) + value.to_bytes(wf.size, "big")))
        elif kind is Kind.OSTR and isinstance(value, bytes):
            if value:
                if len(value) > 0xFFFF:
                    raise ValueError(f"cannot encode {spec.command}: {wf.name} too long")
                tlvs.append((index, _TLV_HEAD.pack(wf.tag, len(value)) + value))
        elif kind is Kind.STR:
            if value:
                return None
        elif kind is not Kind.FLAG:
            return None
    if tlvs:
        tlvs.sort()
        parts.extend(tlv for _, tlv in tlvs)
    body = b"".join(parts)
    return _HEADER.pack(16 + len(body), spec.command_id, status, sequence) + body

