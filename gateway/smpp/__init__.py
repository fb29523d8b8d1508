"""The SMPP wire layer: an asyncio ESME toward an operator's SMSC / USSD centre.

It knows the wire and nothing about money or menus: it hands parsed inbound messages
(``InboundPdu``) to a handler and offers ``SmppSession.submit`` to send. ``testing.FakeSmsc`` is an
in-process SMSC for dialogue tests.
"""

from gateway.smpp.codec import Pdu, decode_pdu, encode_pdu
from gateway.smpp.concat import Reassembler, SmsParts, split_sms
from gateway.smpp.config import SmppConfig
from gateway.smpp.constants import CommandId, Status, Tlv, UssdServiceOp
from gateway.smpp.dedup import TtlLru, mo_dedup_key
from gateway.smpp.errors import (
    BindRejected,
    FramingError,
    LinkLost,
    MalformedPdu,
    NotBound,
    ResponseTimeout,
    SmppError,
    SubmitRejected,
    UnknownCommand,
)
from gateway.smpp.inbound import InboundAssembler, InboundPdu, its_session_reply
from gateway.smpp.outbound import Submitted, UssdTextTooLong
from gateway.smpp.pacing import Backoff, TokenBucket
from gateway.smpp.session import InboundHandler, SmppSession
from gateway.smpp.text import EncodedText, decode_text, encode_text

__all__ = [
    "Backoff",
    "BindRejected",
    "CommandId",
    "EncodedText",
    "FramingError",
    "InboundAssembler",
    "InboundHandler",
    "InboundPdu",
    "LinkLost",
    "MalformedPdu",
    "NotBound",
    "Pdu",
    "Reassembler",
    "ResponseTimeout",
    "SmppConfig",
    "SmppError",
    "SmppSession",
    "SmsParts",
    "Status",
    "SubmitRejected",
    "Submitted",
    "Tlv",
    "TokenBucket",
    "TtlLru",
    "UnknownCommand",
    "UssdServiceOp",
    "UssdTextTooLong",
    "decode_pdu",
    "decode_text",
    "encode_pdu",
    "encode_text",
    "its_session_reply",
    "mo_dedup_key",
    "split_sms",
]
