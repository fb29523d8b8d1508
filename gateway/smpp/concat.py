"""Concatenated SMS: splitting outbound text into UDH parts, reassembling inbound parts.

Outbound uses the 8-bit reference UDH (``05 00 03 ref total seq``, esm_class UDHI 0x40), which every
SMSC and handset understands. Inbound accepts the three forms networks send: UDH with an 8-bit or a
16-bit reference (``06 08 04 ref_hi ref_lo total seq``), SAR TLVs, and message_payload (one PDU
carrying the whole message, so nothing to reassemble).

Parts are joined as octets and decoded once complete: a sender that cut an escape pair or a
UTF-16 surrogate pair across parts still yields the right text.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from gateway.smpp.constants import ESM_CLASS_UDHI
from gateway.smpp.text import Alphabet, EncodedText

_ESC: Final = 0x1B
MAX_PARTS: Final = 255

# (octets in a single message, octets per part once a 6-octet UDH takes its room). GSM 7-bit is
# unpacked here, one septet per octet: 160 septets single, 153 per part (TS 23.040).
_LIMITS: Final[dict[Alphabet, tuple[int, int]]] = {Alphabet.GSM7: (160, 153)}
_OCTET_LIMITS: Final = (140, 134)


class MessageTooLong(ValueError):
    """The text needs more than 255 parts."""


@dataclass(frozen=True, slots=True)
class SmsParts:
    """What to put in consecutive submit_sm PDUs: esm_class and one short_message each."""

    esm_class: int
    parts: tuple[bytes, ...]


def chunk_payload(encoded: EncodedText) -> tuple[bytes, ...]:
    """Cut ``encoded.payload`` into part payloads, never inside a GSM escape or a surrogate pair.

    One chunk when it fits a single message.
    """
    single, per_part = _LIMITS.get(encoded.alphabet, _OCTET_LIMITS)
    payload = encoded.payload
    if len(payload) <= single:
        return (payload,)
    chunks: list[bytes] = []
    start = 0
    while start < len(payload):
        end = min(start + per_part, len(payload))
        if end < len(payload):
            end = _safe_cut(payload, start, end, encoded.alphabet)
        chunks.append(payload[start:end])
        start = end
    return tuple(chunks)


def _safe_cut(payload: bytes, start: int, end: int, alphabet: Alphabet) -> int:
    if alphabet is Alphabet.GSM7:
        # Walk from the start of the chunk so that ESC ESC is read as a pair, not two leads.
        index = start
        while index < end:
            step = 2 if payload[index] == _ESC else 1
            if index + step > end:
                return index
            index += step
        return index
    if alphabet is Alphabet.UCS2:
        end -= (end - start) % 2
        high_byte = payload[end - 2]
        if 0xD8 <= high_byte <= 0xDB:  # last unit is a high surrogate: keep the pair together
            end -= 2
    return end


def add_udh(chunks: Sequence[bytes], *, ref: int) -> tuple[bytes, ...]:
    """Prefix each chunk with the 8-bit reference concatenation UDH."""
    if len(chunks) > MAX_PARTS:
        raise MessageTooLong(f"{len(chunks)} parts; at most {MAX_PARTS}")
    total = len(chunks)
    return tuple(
        bytes((0x05, 0x00, 0x03, ref & 0xFF, total, seq)) + chunk
        for seq, chunk in enumerate(chunks, start=1)
    )


def split_sms(encoded: EncodedText, *, ref: int) -> SmsParts:
    """The submit_sm payloads for ``encoded``: one plain part, or UDH parts with esm_class 0x40."""
    chunks = chunk_payload(encoded)
    if len(chunks) == 1:
        return SmsParts(0, chunks)
    return SmsParts(ESM_CLASS_UDHI, add_udh(chunks, ref=ref))


class ConcatScheme(StrEnum):
    UDH8 = "udh8"
    UDH16 = "udh16"
    SAR = "sar"


@dataclass(frozen=True, slots=True)
class Segment:
    """Where one part sits in a concatenated message."""

    scheme: ConcatScheme
    ref: int
    total: int
    seq: int


def split_udh(user_data: bytes) -> tuple[bytes, bytes]:
    """(UDH including its length octet, the rest). Raises ValueError if the UDHL overruns."""
    if not user_data:
        raise ValueError("UDHI set on empty user data")
    end = 1 + user_data[0]
    if end > len(user_data):
        raise ValueError("UDH longer than the user data")
    return user_data[:end], user_data[end:]


def concat_from_udh(udh: bytes) -> Segment | None:
    """The concatenation information element of a UDH, if any (IEI 0x00 or 0x08)."""
    index = 1
    while index + 2 <= len(udh):
        iei, length = udh[index], udh[index + 1]
        value = udh[index + 2 : index + 2 + length]
        if len(value) < length:
            return None
        if iei == 0x00 and length == 3:
            return Segment(ConcatScheme.UDH8, value[0], value[1], value[2])
        if iei == 0x08 and length == 4:
            return Segment(ConcatScheme.UDH16, (value[0] << 8) | value[1], value[2], value[3])
        index += 2 + length
    return None


def extract_segment(
    user_data: bytes,
    *,
    udhi: bool,
    sar_msg_ref_num: int | None = None,
    sar_total_segments: int | None = None,
    sar_segment_seqnum: int | None = None,
) -> tuple[bytes, Segment | None]:
    """(text octets without UDH, the segment if this is one part of several).

    A UDH that overruns the data is taken as no UDH at all: better to show the subscriber's octets
    than to drop the message.
    """
    segment: Segment | None = None
    body = user_data
    if udhi:
        try:
            udh, body = split_udh(user_data)
        except ValueError:
            body = user_data
        else:
            segment = concat_from_udh(udh)
    if segment is None and sar_msg_ref_num is not None and sar_total_segments is not None:
        segment = Segment(
            ConcatScheme.SAR, sar_msg_ref_num, sar_total_segments, sar_segment_seqnum or 0
        )
    if segment is not None and segment.total <= 1:
        segment = None
    return body, segment


class _PartialSet:
    __slots__ = ("first_seen", "parts", "total")

    def __init__(self, total: int, now: float) -> None:
        self.total = total
        self.first_seen = now
        self.parts: dict[int, bytes] = {}


class Reassembler:
    """Holds parts until their message is complete.

    Keyed by (source address, scheme, reference). Memory stays bounded: a set older than
    ``timeout_s`` is dropped, and past ``max_sets`` open sets the oldest goes first. A part seen
    twice is ignored (SMSCs redeliver when a deliver_sm_resp is late).
    """

    def __init__(
        self,
        *,
        timeout_s: float = 120.0,
        max_sets: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._timeout_s = timeout_s
        self._max_sets = max_sets
        self._clock = clock
        self._sets: OrderedDict[tuple[str, ConcatScheme, int], _PartialSet] = OrderedDict()
        self.dropped_sets = 0

    def __len__(self) -> int:
        return len(self._sets)

    def add(self, source: str, segment: Segment, body: bytes) -> bytes | None:
        """Store one part; return the whole message's octets when this part completes it."""
        now = self._clock()
        self.expire()
        if not 1 <= segment.seq <= segment.total:
            return None  # a part number the set cannot have: nothing sensible to do with it
        key = (source, segment.scheme, segment.ref)
        partial = self._sets.get(key)
        if partial is None or partial.total != segment.total:
            if partial is not None:
                del self._sets[key]  # the reference was reused for another message
                self.dropped_sets += 1
            partial = _PartialSet(segment.total, now)
            self._sets[key] = partial  # insertion order == age order, which expire() relies on
            self._evict()
        partial.parts.setdefault(segment.seq, body)
        if len(partial.parts) < partial.total:
            return None
        del self._sets[key]
        return b"".join(partial.parts[seq] for seq in range(1, partial.total + 1))

    def expire(self) -> int:
        """Drop sets older than the timeout; return how many."""
        deadline = self._clock() - self._timeout_s
        expired = 0
        while self._sets:
            key, oldest = next(iter(self._sets.items()))
            if oldest.first_seen > deadline:
                break
            del self._sets[key]
            expired += 1
        self.dropped_sets += expired
        return expired

    def _evict(self) -> None:
        while len(self._sets) > self._max_sets:
            self._sets.popitem(last=False)
            self.dropped_sets += 1
