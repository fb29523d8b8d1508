"""USSD over SMPP, operator by operator: small tables, chosen with ``[smpp] dialect``.

USSD centres agree on the shape (deliver_sm in, submit_sm out, ``ussd_service_op`` saying what a
message is) and differ in the details (PROTOCOLS.md):

* the op codes: SMPP 3.4 says PSSR indication (1) starts a dialogue, USSR confirm (18) carries
  the subscriber's answer, USSR request (2) shows a menu and waits, PSSR response (17) ends it;
  vendors close with 0x17 and signal a user abort or release with 0x80/0x81;
* where the dialogue's identity comes from: ``its_session_info`` (octet 1 is the session number,
  constant for the dialogue; octet 2 a sequence number and the end flag), or
  ``user_message_reference`` together with the source address;
* the data_coding values of replies: SMPP's own (0 default alphabet, 8 UCS2) or TS 23.038's
  CBS/USSD ones copied from the network (0x0F GSM 7-bit, 0x48 UCS2). Inbound text is read in
  either scheme whatever the dialect (gateway/smpp/text.py);
* the ``service_type`` the centre wants on replies.

A new operator is a new entry in ``DIALECTS`` (with its test), not new code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Final

from gateway.smpp.constants import DATA_CODING_DEFAULT, DATA_CODING_UCS2, UssdServiceOp
from gateway.smpp.inbound import InboundPdu

# TS 23.038 section 5 (CBS / USSD data coding scheme): GSM 7-bit language unspecified, UCS2.
TS23038_GSM7: Final = 0x0F
TS23038_UCS2: Final = 0x48


class UssdEvent(Enum):
    """What an inbound USSD message means for the dialogue (vumi2's session events)."""

    START = "start"  # a subscriber dialled a code: a new dialogue
    CONTINUE = "continue"  # the answer to our last menu
    ABORT = "abort"  # the subscriber or the network ended it: forget, answer nothing


class SessionSource(Enum):
    ITS_SESSION_INFO = "its_session_info"
    USER_MESSAGE_REFERENCE = "user_message_reference"


@dataclass(frozen=True, slots=True)
class UssdDialect:
    name: str
    start_ops: frozenset[int]
    continue_ops: frozenset[int]
    abort_ops: frozenset[int]
    menu_op: int  # a reply that shows a menu and waits for the answer
    final_op: int  # a reply that ends the dialogue
    session_source: SessionSource
    gsm7_data_coding: int
    ucs2_data_coding: int
    # The service_type replies carry; None: ``[smpp] service_type`` (configured per bind).
    service_type: str | None = None
    # An answer with the end flag of its_session_info set means the centre closed the
    # dialogue (the subscriber hung up): treat it as an abort.
    end_flag_aborts: bool = True

    def event(self, message: InboundPdu) -> UssdEvent | None:
        """What ``message`` means here; None for an op this gateway has no use for
        (a USSN confirm, a PSSD indication...)."""
        op = message.ussd_service_op
        if op is None:
            return None
        if op in self.abort_ops:
            return UssdEvent.ABORT
        if op in self.start_ops:
            return UssdEvent.START
        if op in self.continue_ops:
            if self.end_flag_aborts and message.its_session_end:
                return UssdEvent.ABORT
            return UssdEvent.CONTINUE
        return None

    def session_key(self, message: InboundPdu) -> str | None:
        """The dialogue's identity, stable across its messages; None when the message lacks
        what this dialect takes it from. Session numbers are one octet and umr two, so the
        subscriber's address is part of the key."""
        source = message.source_addr
        if self.session_source is SessionSource.ITS_SESSION_INFO:
            if message.its_session_info is None:
                return None
            return f"smpp:{source}:its{message.its_session_info >> 8}"
        if message.user_message_reference is None:
            return None
        return f"smpp:{source}:umr{message.user_message_reference}"

    def reply_op(self, *, end: bool) -> int:
        return self.final_op if end else self.menu_op

    def reply_service_type(self, configured: str) -> str:
        return self.service_type if self.service_type is not None else configured


STANDARD = UssdDialect(
    name="standard",
    start_ops=frozenset({UssdServiceOp.PSSR_INDICATION}),
    continue_ops=frozenset({UssdServiceOp.USSR_CONFIRM}),
    abort_ops=frozenset(),
    menu_op=UssdServiceOp.USSR_REQUEST,
    final_op=UssdServiceOp.PSSR_RESPONSE,
    session_source=SessionSource.ITS_SESSION_INFO,
    gsm7_data_coding=DATA_CODING_DEFAULT,
    ucs2_data_coding=DATA_CODING_UCS2,
)

# A vendor USSD centre as seen in the field: closes with 0x17, reports the subscriber's abort
# as 0x81 (release 0x80), speaks TS 23.038 data coding and names dialogues by
# user_message_reference + source; it wants "USSD" as service_type whatever the bind says.
VENDOR_A = UssdDialect(
    name="vendor_a",
    start_ops=frozenset({UssdServiceOp.PSSR_INDICATION}),
    continue_ops=frozenset({UssdServiceOp.USSR_CONFIRM}),
    abort_ops=frozenset({0x80, 0x81}),
    menu_op=UssdServiceOp.USSR_REQUEST,
    final_op=0x17,
    session_source=SessionSource.USER_MESSAGE_REFERENCE,
    gsm7_data_coding=TS23038_GSM7,
    ucs2_data_coding=TS23038_UCS2,
    service_type="USSD",
    end_flag_aborts=False,
)

DIALECTS: Final[Mapping[str, UssdDialect]] = MappingProxyType(
    {d.name: d for d in (STANDARD, VENDOR_A)})


class UnknownDialect(ValueError):
    """``[smpp] dialect`` names no table; the message names the key and the known ones."""

    def __init__(self, name: str) -> None:
        super().__init__(f"smpp.dialect: unknown dialect {name!r}; known: "
                         f"{', '.join(sorted(DIALECTS))}")
        self.name = name


def dialect_named(name: str) -> UssdDialect:
    """Raises UnknownDialect."""
    dialect = DIALECTS.get(name)
    if dialect is None:
        raise UnknownDialect(name)
    return dialect
