"""SMPP 3.4 numbers this layer uses: command ids, status codes, TLV tags, esm_class bits.

smpplib has most of these, but untyped and spread over modules; the rest of the package reads
them from here so that no other module needs to import smpplib.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

HEADER_LENGTH: Final = 16
RESPONSE_BIT: Final = 0x80000000


class CommandId(IntEnum):
    GENERIC_NACK = 0x80000000
    BIND_RECEIVER = 0x00000001
    BIND_RECEIVER_RESP = 0x80000001
    BIND_TRANSMITTER = 0x00000002
    BIND_TRANSMITTER_RESP = 0x80000002
    QUERY_SM = 0x00000003
    QUERY_SM_RESP = 0x80000003
    SUBMIT_SM = 0x00000004
    SUBMIT_SM_RESP = 0x80000004
    DELIVER_SM = 0x00000005
    DELIVER_SM_RESP = 0x80000005
    UNBIND = 0x00000006
    UNBIND_RESP = 0x80000006
    BIND_TRANSCEIVER = 0x00000009
    BIND_TRANSCEIVER_RESP = 0x80000009
    ENQUIRE_LINK = 0x00000015
    ENQUIRE_LINK_RESP = 0x80000015
    ALERT_NOTIFICATION = 0x00000102
    DATA_SM = 0x00000103
    DATA_SM_RESP = 0x80000103


class Status(IntEnum):
    """command_status values this layer sends or reacts to (SMPP 3.4 section 5.1.3)."""

    ROK = 0x00
    RINVMSGLEN = 0x01
    RINVCMDLEN = 0x02
    RINVCMDID = 0x03
    RINVBNDSTS = 0x04
    RALYBND = 0x05
    RSYSERR = 0x08
    RBINDFAIL = 0x0D
    RINVPASWD = 0x0E
    RINVSYSID = 0x0F
    RMSGQFUL = 0x14
    RTHROTTLED = 0x58
    RX_T_APPN = 0x64


# Statuses on a submit_sm_resp that mean "slow down and try the same PDU again", not "failed".
RETRYABLE_SUBMIT_STATUSES: Final = frozenset({Status.RTHROTTLED, Status.RMSGQFUL})


class Tlv(IntEnum):
    """Optional parameter tags this layer reads or writes."""

    USER_MESSAGE_REFERENCE = 0x0204
    SAR_MSG_REF_NUM = 0x020C
    SAR_TOTAL_SEGMENTS = 0x020E
    SAR_SEGMENT_SEQNUM = 0x020F
    MESSAGE_PAYLOAD = 0x0424
    USSD_SERVICE_OP = 0x0501
    ITS_REPLY_TYPE = 0x1380
    ITS_SESSION_INFO = 0x1383


class UssdServiceOp(IntEnum):
    """ussd_service_op values (PROTOCOLS.md); vendor values 32-255 travel as plain ints."""

    PSSD_INDICATION = 0
    PSSR_INDICATION = 1
    USSR_REQUEST = 2
    USSN_REQUEST = 3
    PSSD_RESPONSE = 16
    PSSR_RESPONSE = 17
    USSR_CONFIRM = 18
    USSN_CONFIRM = 19


ESM_CLASS_UDHI: Final = 0x40
# Bits 5..2 of esm_class give the message type; 0b0001 (0x04) is an SMSC delivery receipt.
ESM_CLASS_TYPE_MASK: Final = 0x3C
ESM_CLASS_DELIVERY_RECEIPT: Final = 0x04

# SMPP's own data_coding values that this layer produces.
DATA_CODING_DEFAULT: Final = 0x00
DATA_CODING_UCS2: Final = 0x08
