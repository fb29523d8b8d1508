"""deliver_sm / data_sm -> ``InboundPdu``, the one shape the application sees.

Pure: no I/O. Concatenated parts are held by a ``Reassembler`` and an ``InboundPdu`` comes out only
when the message is whole; each part is still acknowledged on the wire by the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from gateway.smpp.codec import Pdu
from gateway.smpp.concat import Reassembler, Segment, extract_segment
from gateway.smpp.constants import (
    ESM_CLASS_DELIVERY_RECEIPT,
    ESM_CLASS_TYPE_MASK,
    ESM_CLASS_UDHI,
)
from gateway.smpp.text import decode_text

InboundCommand = Literal["deliver_sm", "data_sm"]


@dataclass(frozen=True, slots=True)
class InboundPdu:
    """A mobile-originated message (or delivery receipt) as received from the SMSC.

    ``message_ref`` names the message the way the network does, for idempotency and dedup keys:
    ``its:<its_session_info>``, ``umr:<user_message_reference>``, ``udh8:<ref>``/``udh16:<ref>``/
    ``sar:<ref>`` for a reassembled message, else ``seq:<sequence>``. ``text`` and ``payload``
    stay out of the repr: a subscriber may have typed a voucher PIN.
    """

    command: InboundCommand
    sequence: int
    source_addr: str
    destination_addr: str
    service_type: str
    esm_class: int
    data_coding: int
    text: str = field(repr=False)
    message_ref: str
    ussd_service_op: int | None = None
    its_session_info: int | None = None
    its_reply_type: int | None = None
    user_message_reference: int | None = None
    source_addr_ton: int = 0
    source_addr_npi: int = 0
    dest_addr_ton: int = 0
    dest_addr_npi: int = 0
    parts: int = 1
    payload: bytes = field(default=b"", repr=False)

    @property
    def is_delivery_receipt(self) -> bool:
        return self.esm_class & ESM_CLASS_TYPE_MASK == ESM_CLASS_DELIVERY_RECEIPT

    @property
    def its_session_end(self) -> bool:
        """Bit 0 of its_session_info: the centre says the dialogue is over."""
        return self.its_session_info is not None and bool(self.its_session_info & 0x0001)


def its_session_reply(its_session_info: int, *, end: bool) -> int:
    """its_session_info to echo in the reply: same session number, our end-of-session flag."""
    return (its_session_info & 0xFFFE) | int(end)


def message_ref(pdu: Pdu, segment: Segment | None) -> str:
    its = pdu.int_field("its_session_info")
    if its is not None:
        return f"its:{its}"
    umr = pdu.int_field("user_message_reference")
    if umr is not None:
        return f"umr:{umr}"
    if segment is not None:
        return f"{segment.scheme}:{segment.ref}"
    return f"seq:{pdu.sequence}"


class InboundAssembler:
    """Turns message PDUs into ``InboundPdu``, reassembling concatenated SMS on the way."""

    def __init__(self, *, reassembler: Reassembler | None = None, gsm7_packed: bool = False):
        self._reassembler = reassembler if reassembler is not None else Reassembler()
        self._gsm7_packed = gsm7_packed

    def accept(self, pdu: Pdu) -> InboundPdu | None:
        """The message, or None while parts of it are still missing."""
        if pdu.command not in ("deliver_sm", "data_sm"):
            raise ValueError(f"{pdu.command} is not a message PDU")
        command: InboundCommand = "deliver_sm" if pdu.command == "deliver_sm" else "data_sm"
        esm_class = pdu.int_field("esm_class") or 0
        source = pdu.str_field("source_addr")
        # message_payload replaces short_message when the text does not fit 254 octets.
        user_data = pdu.bytes_field("short_message") or pdu.bytes_field("message_payload")
        body, segment = extract_segment(
            user_data,
            udhi=bool(esm_class & ESM_CLASS_UDHI),
            sar_msg_ref_num=pdu.int_field("sar_msg_ref_num"),
            sar_total_segments=pdu.int_field("sar_total_segments"),
            sar_segment_seqnum=pdu.int_field("sar_segment_seqnum"),
        )
        parts = 1
        if segment is not None:
            whole = self._reassembler.add(source, segment, body)
            if whole is None:
                return None
            body, parts = whole, segment.total
        data_coding = pdu.int_field("data_coding") or 0
        return InboundPdu(
            command=command,
            sequence=pdu.sequence,
            source_addr=source,
            destination_addr=pdu.str_field("destination_addr"),
            service_type=pdu.str_field("service_type"),
            esm_class=esm_class,
            data_coding=data_coding,
            text=decode_text(body, data_coding, gsm7_packed=self._gsm7_packed),
            message_ref=message_ref(pdu, segment),
            ussd_service_op=pdu.int_field("ussd_service_op"),
            its_session_info=pdu.int_field("its_session_info"),
            its_reply_type=pdu.int_field("its_reply_type"),
            user_message_reference=pdu.int_field("user_message_reference"),
            source_addr_ton=pdu.int_field("source_addr_ton") or 0,
            source_addr_npi=pdu.int_field("source_addr_npi") or 0,
            dest_addr_ton=pdu.int_field("dest_addr_ton") or 0,
            dest_addr_npi=pdu.int_field("dest_addr_npi") or 0,
            parts=parts,
            payload=body,
        )
