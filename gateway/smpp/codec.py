"""smpplib used as a pure PDU codec, and the only module of the package that imports it.

smpplib has no type hints, so everything it returns is ``Any``; this module turns its objects into
a typed, frozen ``Pdu`` and back, so ``Any`` stops here. It also fixes, once and in one place, the
smpplib 2.2.4 gaps listed in PROTOCOLS.md:

* ``deliver_sm`` and ``data_sm`` do not declare ``ussd_service_op`` (upstream issue #104): parsing a
  USSD deliver_sm raises ``KeyError`` and generating one silently drops the field. ``_register``
  adds the missing TLV declarations to the PDU classes at import time (idempotent).
* ``make_pdu(..., sequence=N)`` ignores ``sequence``; we set it on the object afterwards.
* ``make_pdu``/``parse_pdu`` without a client crash asking a dummy client for ``next_sequence``;
  we hand them ``_NoClient``.
* decoded C-strings come back as ``bytes``; ``Pdu`` holds them as ``str``.
* a TLV that smpplib knows by name but the PDU class does not declare raises ``KeyError`` even with
  ``allow_unknown_opt_params=True``; an int TLV whose length differs from the declared size makes
  smpplib read the following TLVs out of step; a missing NUL makes it rewind silently. ``decode``
  walks the body itself first (using smpplib's own field tables), rejects what is malformed and
  passes smpplib only the TLVs it can parse, keeping the others raw in ``Pdu.extra_tlvs``.
* smpplib silently truncates C-strings that are too long (a 9-character password would be cut);
  ``encode`` refuses instead.

Speed. The PDUs that flow per message (``FAST_COMMANDS``: deliver_sm, submit_sm, their responses,
enquire_link) are read and written by ``wire`` from layouts built here off smpplib's field tables,
without building smpplib objects (that was ~40% of the gateway's CPU under bench/smpp.py). Anything
``wire`` is not sure of, errors included, goes the smpplib way (``decode_pdu_reference`` /
``encode_pdu_reference``); tests/unit/smpp/test_wire.py checks that both ways agree.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

import smpplib.command
import smpplib.command_codes
import smpplib.consts
import smpplib.exceptions
import smpplib.smpp
from smpplib.ptypes import ostr

from gateway.smpp import wire
from gateway.smpp.constants import HEADER_LENGTH, RESPONSE_BIT, Status
from gateway.smpp.errors import MalformedPdu, UnknownCommand

FieldValue = int | str | bytes

_HEADER: Final = struct.Struct(">LLLL")
_TLV_HEAD: Final = struct.Struct(">HH")

# smpplib logs whole PDUs (passwords, message text) at DEBUG in its Client. We never use the
# Client, but keep its loggers quiet in case anything else does.
logging.getLogger("smpplib").setLevel(logging.WARNING)


class _NoClient:
    """Stands in for smpplib's Client: the session, not smpplib, allocates sequence numbers."""

    sequence = 0

    def next_sequence(self) -> int:
        return 0


_CLIENT: Final = _NoClient()

# TLVs the gateway reads or writes on the message PDUs: (name, expected tag, smpplib Param kwargs).
_MESSAGE_TLVS: Final[tuple[tuple[str, int, dict[str, Any]], ...]] = (
    ("user_message_reference", 0x0204, {"type": int, "size": 2}),
    ("sar_msg_ref_num", 0x020C, {"type": int, "size": 2}),
    ("sar_total_segments", 0x020E, {"type": int, "size": 1}),
    ("sar_segment_seqnum", 0x020F, {"type": int, "size": 1}),
    ("message_payload", 0x0424, {"type": ostr, "max": 65536}),
    ("ussd_service_op", 0x0501, {"type": int, "size": 1}),
    ("its_reply_type", 0x1380, {"type": int, "size": 1}),
    ("its_session_info", 0x1383, {"type": int, "size": 2}),
)
_MESSAGE_CLASSES: Final = (
    smpplib.command.SubmitSM,
    smpplib.command.DeliverSM,
    smpplib.command.DataSM,
)


def _register() -> tuple[str, ...]:
    """Declare the message TLVs on the PDU classes that lack them; return what was added.

    Runs once at import. Each class gets its own new dict and tuple (DeliverSM and SubmitSM must not
    share one), and a second call changes nothing.
    """
    added: list[str] = []
    for name, tag, param_kwargs in _MESSAGE_TLVS:
        if smpplib.consts.OPTIONAL_PARAMS.get(name) != tag:
            raise RuntimeError(f"smpplib maps TLV {name!r} to an unexpected tag")
        for cls in _MESSAGE_CLASSES:
            if name in cls.params:
                continue
            cls.params = {**cls.params, name: smpplib.command.Param(**param_kwargs)}
            cls.params_order = (*cls.params_order, name)
            added.append(f"{cls.__name__}.{name}")
    return tuple(added)


REGISTERED_TLVS: Final = _register()

_TLV_NAMES: Final[Mapping[int, str]] = {
    code: name for name, code in smpplib.consts.OPTIONAL_PARAMS.items()
}


@dataclass(frozen=True, slots=True, repr=False)
class Pdu:
    """One decoded PDU. ``fields`` holds only the fields present on the wire.

    C-strings are ``str`` (latin-1, lossless), octet strings (short_message, message_payload) are
    ``bytes``, integers are ``int``. The repr names fields but never shows their values: a PDU can
    carry a bind password or a PIN typed by a subscriber.
    """

    command: str
    status: int
    sequence: int
    fields: Mapping[str, FieldValue] = field(default_factory=lambda: MappingProxyType({}))
    extra_tlvs: Mapping[int, bytes] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def command_id(self) -> int:
        return pdu_command_id(self.command)

    @property
    def is_response(self) -> bool:
        return bool(self.command_id & RESPONSE_BIT)

    def int_field(self, name: str) -> int | None:
        value = self.fields.get(name)
        return value if isinstance(value, int) else None

    def str_field(self, name: str) -> str:
        value = self.fields.get(name)
        return value if isinstance(value, str) else ""

    def bytes_field(self, name: str) -> bytes:
        value = self.fields.get(name)
        return value if isinstance(value, bytes) else b""

    def __repr__(self) -> str:
        names = ",".join(sorted(self.fields))
        return (
            f"Pdu({self.command} status=0x{self.status:02x} seq={self.sequence} "
            f"fields=[{names}] extra_tlvs={sorted(self.extra_tlvs)})"
        )


def peek_header(frame: bytes) -> tuple[int, int, int]:
    """(command_id, command_status, sequence) of a frame of at least 16 octets."""
    _, command_id, status, sequence = _HEADER.unpack_from(frame)
    return command_id, status, sequence


# One throwaway instance per command, read only for its field tables (params, params_order).
_TEMPLATES: dict[str, Any] = {}


def _template(name: str) -> Any:
    template = _TEMPLATES.get(name)
    if template is None:
        template = smpplib.command.factory(name, client=_CLIENT, sequence=0)
        _TEMPLATES[name] = template
    return template


def command_name(command_id: int) -> str | None:
    """smpplib's name for a command id it can build, else None."""
    try:
        name = str(smpplib.command_codes.get_command_name(command_id))
        _template(name)
    except smpplib.exceptions.UnknownCommandError:
        return None
    return name


def encode_pdu(
    command: str, *, sequence: int, status: int = Status.ROK, **fields: FieldValue | None
) -> bytes:
    """Generate the wire form of ``command``. Fields set to None are left out.

    Raises ValueError for a field the PDU does not have, a value of the wrong type or size, or a
    C-string longer than SMPP allows (smpplib would silently truncate it).
    """
    spec = _FAST.get(command)
    if spec is not None:
        if status != Status.ROK and spec.command_id & RESPONSE_BIT:
            return _HEADER.pack(HEADER_LENGTH, spec.command_id, status, sequence)
        params = _template(command).params
        for name, value in fields.items():
            if value is not None:
                _check_field(command, params, name, value)
        frame = wire.encode(spec, sequence=sequence, status=status, fields=fields)
        if frame is not None:
            return frame
    return encode_pdu_reference(command, sequence=sequence, status=status, **fields)


def encode_pdu_reference(
    command: str, *, sequence: int, status: int = Status.ROK, **fields: FieldValue | None
) -> bytes:
    """``encode_pdu`` through smpplib objects, for any command (the reference ``wire`` follows)."""
    try:
        pdu = smpplib.smpp.make_pdu(command, client=_CLIENT, sequence=sequence)
    except smpplib.exceptions.UnknownCommandError as exc:
        raise ValueError(f"unknown command {command!r}") from exc
    pdu.sequence = sequence  # make_pdu ignores it
    if status != Status.ROK and pdu.is_response():
        # An error response carries no body (SMPP 3.4 section 4); smpplib would add one.
        return _HEADER.pack(HEADER_LENGTH, pdu_command_id(command), status, sequence)
    pdu.status = status
    for name, value in fields.items():
        if value is None:
            continue
        _check_field(command, pdu.params, name, value)
        setattr(pdu, name, value)
    try:
        return bytes(pdu.generate())
    except (ValueError, TypeError, struct.error, UnicodeError) as exc:
        raise ValueError(f"cannot encode {command}: {exc}") from exc


_COMMAND_IDS: dict[str, int] = {}


def pdu_command_id(command: str) -> int:
    # Asked for every PDU (Pdu.is_response); smpplib's lookup is a dict plus a call chain.
    found = _COMMAND_IDS.get(command)
    if found is None:
        found = _COMMAND_IDS[command] = int(smpplib.command_codes.get_command_code(command))
    return found


# command -> field -> (smpplib type, octets of an int | C-string limit | None): what _check_field
# needs, read once off smpplib's Params (their getattr chain was a tenth of encoding a submit_sm).
_RULES: dict[str, dict[str, tuple[Any, int | None]]] = {}


def _rules(command: str, params: Mapping[str, Any]) -> dict[str, tuple[Any, int | None]]:
    found = _RULES.get(command)
    if found is None:
        found = {}
        for name, param in params.items():
            bound = getattr(param, "size" if param.type is int else "max", None)
            found[name] = (param.type, None if bound is None else int(bound))
        _RULES[command] = found
    return found


def _check_field(command: str, params: Mapping[str, Any], name: str, value: FieldValue) -> None:
    rule = _rules(command, params).get(name)
    if rule is None or name == "sm_length":
        raise ValueError(f"{command} has no settable field {name!r}")
    kind, bound = rule
    if kind is int:
        size = bound or 0
        if not isinstance(value, int) or not 0 <= value < 1 << (8 * size):
            raise ValueError(f"{command}.{name} must be an int of {size} octet(s)")
    elif kind is str:
        if not isinstance(value, str):
            raise ValueError(f"{command}.{name} must be str")
        if bound is not None and len(value) > bound - 1:
            raise ValueError(f"{command}.{name} is longer than {bound - 1} characters")
    elif kind is ostr:
        if not isinstance(value, bytes):
            raise ValueError(f"{command}.{name} must be bytes")
        if name == "short_message" and len(value) > 254:
            raise ValueError("short_message is longer than 254 octets; use message_payload")


def decode_pdu(frame: bytes) -> Pdu:
    """Decode one whole frame (as cut by ``framing``).

    Raises ``UnknownCommand`` (status ESME_RINVCMDID) for a command id this ESME cannot handle and
    ``MalformedPdu`` (status ESME_RINVCMDLEN) for a body that does not match its fields.
    """
    return _decode(frame, fast=True)


def decode_pdu_reference(frame: bytes) -> Pdu:
    """``decode_pdu`` through smpplib objects, for any command (the reference ``wire`` follows)."""
    return _decode(frame, fast=False)


def _decode(frame: bytes, *, fast: bool) -> Pdu:
    if len(frame) < HEADER_LENGTH:
        raise MalformedPdu(
            "shorter than a header", status=Status.RINVCMDLEN, command_id=0, sequence=0
        )
    command_length, command_id, status, sequence = _HEADER.unpack_from(frame)

    def malformed(reason: str) -> MalformedPdu:
        return MalformedPdu(
            reason, status=Status.RINVCMDLEN, command_id=command_id, sequence=sequence
        )

    if command_length != len(frame):
        raise malformed(f"command_length {command_length} but {len(frame)} octets")
    spec = _FAST_BY_ID.get(command_id) if fast else None
    if spec is not None:
        decoded = wire.decode_body(spec, frame[HEADER_LENGTH:])
        if decoded is not None:
            return Pdu(
                command=spec.command,
                status=status,
                sequence=sequence,
                fields=MappingProxyType(decoded[0]),
                extra_tlvs=MappingProxyType(decoded[1]),
            )
    name = command_name(command_id)
    if name is None:
        raise UnknownCommand(
            "unknown command id", status=Status.RINVCMDID, command_id=command_id, sequence=sequence
        )
    template = _template(name)
    body = frame[HEADER_LENGTH:]
    try:
        tlv_start = _mandatory_length(template, body)
    except ValueError as exc:
        raise malformed(str(exc)) from None
    kept, extra = _split_tlvs(template, body[tlv_start:], malformed)
    clean_body = body[:tlv_start] + kept
    clean = _HEADER.pack(HEADER_LENGTH + len(clean_body), command_id, status, sequence)
    try:
        parsed = smpplib.smpp.parse_pdu(
            clean + clean_body, client=_CLIENT, allow_unknown_opt_params=True
        )
    except (ValueError, KeyError, IndexError, struct.error, smpplib.exceptions.PDUError) as exc:
        raise malformed(f"smpplib: {type(exc).__name__}") from None
    return Pdu(
        command=name,
        status=status,
        sequence=sequence,
        fields=MappingProxyType(_typed_fields(parsed)),
        extra_tlvs=MappingProxyType(extra),
    )


# command -> its mandatory fields in wire order: the params before the first optional one. Asking
# smpplib (field_is_optional) for each field of each PDU was a tenth of decoding a deliver_sm.
_MANDATORY: dict[str, tuple[tuple[str, Any], ...]] = {}


def _mandatory_fields(template: Any) -> tuple[tuple[str, Any], ...]:
    found = _MANDATORY.get(template.command)
    if found is None:
        names: list[tuple[str, Any]] = []
        for name in template.params_order:
            if template.field_is_optional(name):
                break
            names.append((name, template.params[name]))
        found = _MANDATORY[template.command] = tuple(names)
    return found


def _mandatory_length(template: Any, body: bytes) -> int:
    """Octets taken by the mandatory fields, walked the way smpplib's parse_params walks them."""
    pos = 0
    ints: dict[str, int] = {}
    for name, param in _mandatory_fields(template):
        if pos == len(body):
            break
        if param.type is int:
            size = int(param.size)
            if pos + size > len(body):
                raise ValueError(f"{name} runs past the end")
            ints[name] = int.from_bytes(body[pos : pos + size], "big")
            pos += size
        elif param.type is str:
            end = body.find(b"\0", pos)
            if end < 0:
                raise ValueError(f"{name} has no NUL terminator")
            pos = end + 1
        elif param.type is ostr:
            length = ints.get(param.len_field, 0)
            if pos + length > len(body):
                raise ValueError(f"{name} runs past the end")
            pos += length
    return pos


def _split_tlvs(
    template: Any, data: bytes, malformed: Callable[[str], MalformedPdu]
) -> tuple[bytes, dict[int, bytes]]:
    """Split the TLV section into what smpplib can parse for this PDU and the rest (raw)."""
    kept = bytearray()
    extra: dict[int, bytes] = {}
    pos = 0
    while pos < len(data):
        if pos + _TLV_HEAD.size > len(data):
            raise malformed("truncated TLV header")
        tag, length = _TLV_HEAD.unpack_from(data, pos)
        end = pos + _TLV_HEAD.size + length
        if end > len(data):
            raise malformed(f"TLV 0x{tag:04x} runs past the end")
        value = data[pos + _TLV_HEAD.size : end]
        name = _TLV_NAMES.get(tag)
        param = template.params.get(name) if name is not None else None
        if param is not None and _parsable(param, length):
            kept += data[pos:end]
        else:
            extra[tag] = value
        pos = end
    return bytes(kept), extra


def _parsable(param: Any, length: int) -> bool:
    # smpplib reads an int TLV by its declared size, not by the length on the wire.
    if param.type is int:
        return int(param.size) == length
    return param.type is str or param.type is ostr


def _typed_fields(parsed: Any) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {}
    for name, param in parsed.params.items():
        value = getattr(parsed, name, None)
        if value is None:
            continue
        if param.type is int and isinstance(value, int):
            fields[name] = value
        elif param.type is str and isinstance(value, bytes | str):
            fields[name] = value.decode("latin-1") if isinstance(value, bytes) else value
        elif param.type is ostr and isinstance(value, bytes):
            fields[name] = value
    return fields


# The commands read and written by ``wire`` instead of smpplib objects: what flows per message.
FAST_COMMANDS: Final = (
    "deliver_sm",
    "deliver_sm_resp",
    "submit_sm",
    "submit_sm_resp",
    "data_sm",
    "data_sm_resp",
    "enquire_link",
    "enquire_link_resp",
    "generic_nack",
)


def _wire_field(name: str, param: Any, *, tag: int = 0) -> wire.WireField:
    if param.type is int:
        return wire.WireField(name, wire.Kind.INT, size=int(param.size), tag=tag)
    if param.type is str:
        if hasattr(param, "size"):  # smpplib pads these instead of terminating them
            raise ValueError(f"{name}: fixed-size C-string")
        return wire.WireField(name, wire.Kind.STR, tag=tag)
    if param.type is ostr:
        return wire.WireField(
            name, wire.Kind.OSTR, len_field=str(getattr(param, "len_field", "")), tag=tag
        )
    return wire.WireField(name, wire.Kind.FLAG, tag=tag)


def wire_spec(command: str) -> wire.WireSpec:
    """The ``wire`` layout of ``command``, read off smpplib's field tables."""
    template = _template(command)
    mandatory = tuple(_wire_field(name, param) for name, param in _mandatory_fields(template))
    if any(f.kind is wire.Kind.FLAG for f in mandatory):
        raise ValueError(f"{command}: flag in the mandatory part")
    tlvs = tuple(
        _wire_field(name, template.params[name], tag=smpplib.consts.OPTIONAL_PARAMS[name])
        for name in template.params_order[len(mandatory) :]
    )
    return wire.WireSpec(
        command=command,
        command_id=pdu_command_id(command),
        mandatory=mandatory,
        tlvs=tlvs,
        by_tag=MappingProxyType({f.tag: f for f in tlvs}),
        defaults=MappingProxyType(_typed_fields(smpplib.command.factory(
            command, client=_CLIENT, sequence=0))),
        sets_sm_length="sm_length" in template.params and callable(getattr(template, "prep", None)),
    )


_FAST: Final[Mapping[str, wire.WireSpec]] = {name: wire_spec(name) for name in FAST_COMMANDS}
_FAST_BY_ID: Final[Mapping[int, wire.WireSpec]] = {s.command_id: s for s in _FAST.values()}
