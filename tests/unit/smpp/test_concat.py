"""Concatenated SMS: split outbound, reassemble inbound in all three forms."""

from __future__ import annotations

import itertools
import random

from hypothesis import given
from hypothesis import strategies as st

from gateway.smpp.concat import (
    ConcatScheme,
    Reassembler,
    Segment,
    chunk_payload,
    extract_segment,
    split_sms,
)
from gateway.smpp.text import decode_text, encode_text


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _reassemble(parts: list[bytes], *, source: str = "254700000001") -> bytes | None:
    reassembler = Reassembler()
    result = None
    for part in parts:
        body, segment = extract_segment(part, udhi=True)
        assert segment is not None
        result = reassembler.add(source, segment, body)
    return result


def test_a_short_text_is_one_part_without_udh() -> None:
    parts = split_sms(encode_text("hello"), ref=9)
    assert (parts.esm_class, parts.parts) == (0, (b"hello",))


def test_161_gsm_characters_make_two_udh_parts() -> None:
    parts = split_sms(encode_text("a" * 161), ref=0x2A)
    assert parts.esm_class == 0x40
    assert [part[:6] for part in parts.parts] == [
        b"\x05\x00\x03\x2a\x02\x01",
        b"\x05\x00\x03\x2a\x02\x02",
    ]
    assert [len(part) - 6 for part in parts.parts] == [153, 8]


def test_an_escape_pair_is_never_cut() -> None:
    text = "a" * 152 + "€" + "b" * 10
    chunks = chunk_payload(encode_text(text))
    assert len(chunks[0]) == 152
    assert chunks[1].startswith(b"\x1be")


def test_a_surrogate_pair_is_never_cut() -> None:
    text = "x" * 66 + "😀" + "y" * 10
    chunks = chunk_payload(encode_text(text))
    assert [decode_text(chunk, 0x08) for chunk in chunks] == ["x" * 66, "😀" + "y" * 10]


@given(st.text(min_size=1, max_size=600))
def test_split_then_reassemble_gives_the_text_back(text: str) -> None:
    encoded = encode_text(text)
    parts = split_sms(encoded, ref=200)
    if len(parts.parts) == 1:
        assert parts.parts[0] == encoded.payload
        return
    shuffled = list(parts.parts)
    random.Random(len(text)).shuffle(shuffled)
    whole = _reassemble(shuffled)
    assert whole is not None
    assert decode_text(whole, encoded.data_coding) == text


def test_16_bit_reference_udh_out_of_order() -> None:
    parts = [
        b"\x06\x08\x04\x12\x34\x03\x02" + b"lo, ",
        b"\x06\x08\x04\x12\x34\x03\x03" + b"world",
        b"\x06\x08\x04\x12\x34\x03\x01" + b"Hel",
    ]
    _, segment = extract_segment(parts[0], udhi=True)
    assert segment == Segment(ConcatScheme.UDH16, 0x1234, 3, 2)
    assert _reassemble(parts) == b"Hello, world"


def test_sar_tlvs() -> None:
    reassembler = Reassembler()
    results = []
    for seq, body in ((2, b"there"), (1, b"hi ")):
        text, segment = extract_segment(
            body, udhi=False, sar_msg_ref_num=0xBEEF, sar_total_segments=2, sar_segment_seqnum=seq
        )
        assert segment is not None
        results.append(reassembler.add("254700000001", segment, text))
    assert results == [None, b"hi there"]


def test_a_udh_without_concatenation_is_stripped_and_not_held() -> None:
    # Port addressing IE only (0x05): the text is complete in this PDU.
    body, segment = extract_segment(b"\x06\x05\x04\x0b\x84\x23\xf0" + b"wap", udhi=True)
    assert (body, segment) == (b"wap", None)


def test_a_udh_that_overruns_is_taken_as_text() -> None:
    assert extract_segment(b"\x09ab", udhi=True) == (b"\x09ab", None)


def test_a_duplicate_part_is_ignored() -> None:
    reassembler = Reassembler()
    first = Segment(ConcatScheme.UDH8, 7, 2, 1)
    assert reassembler.add("a", first, b"one ") is None
    assert reassembler.add("a", first, b"ONE AGAIN ") is None
    assert reassembler.add("a", Segment(ConcatScheme.UDH8, 7, 2, 2), b"two") == b"one two"
    assert len(reassembler) == 0


def test_the_same_reference_from_two_senders_stays_apart() -> None:
    reassembler = Reassembler()
    assert reassembler.add("a", Segment(ConcatScheme.UDH8, 7, 2, 1), b"A1") is None
    assert reassembler.add("b", Segment(ConcatScheme.UDH8, 7, 2, 2), b"B2") is None
    assert reassembler.add("a", Segment(ConcatScheme.UDH8, 7, 2, 2), b"A2") == b"A1A2"


def test_incomplete_sets_expire() -> None:
    clock = FakeClock()
    reassembler = Reassembler(timeout_s=60, clock=clock)
    reassembler.add("a", Segment(ConcatScheme.UDH8, 1, 2, 1), b"lost")
    clock.now += 30
    reassembler.add("b", Segment(ConcatScheme.UDH8, 2, 2, 1), b"kept")
    clock.now += 31
    assert reassembler.expire() == 1
    assert len(reassembler) == 1
    # The late second part of the expired set starts a new set instead of completing the old one.
    assert reassembler.add("a", Segment(ConcatScheme.UDH8, 1, 2, 2), b"late") is None
    assert reassembler.dropped_sets == 1


def test_open_sets_are_bounded() -> None:
    reassembler = Reassembler(max_sets=3)
    for ref in range(10):
        reassembler.add("a", Segment(ConcatScheme.UDH8, ref, 2, 1), b"x")
    assert len(reassembler) == 3
    assert reassembler.dropped_sets == 7
    # The newest sets are the ones kept.
    assert reassembler.add("a", Segment(ConcatScheme.UDH8, 9, 2, 2), b"y") == b"xy"


def test_a_part_number_outside_the_set_is_dropped() -> None:
    reassembler = Reassembler()
    for seq in (0, 3):
        assert reassembler.add("a", Segment(ConcatScheme.UDH8, 1, 2, seq), b"x") is None
    assert len(reassembler) == 0


def test_every_order_of_three_parts_reassembles() -> None:
    parts = split_sms(encode_text("z" * 400), ref=1).parts
    assert len(parts) == 3
    for order in itertools.permutations(parts):
        assert _reassemble(list(order)) == b"z" * 400
