"""Cutting a byte stream into PDUs on command_length."""

from __future__ import annotations

import asyncio
import struct

import pytest

from gateway.smpp.codec import encode_pdu
from gateway.smpp.errors import FramingError
from gateway.smpp.framing import FrameDecoder, read_frame


def test_frames_split_across_chunks_come_out_whole() -> None:
    first = encode_pdu("enquire_link", sequence=1)
    second = encode_pdu("submit_sm", sequence=2, short_message=b"hello")
    stream = first + second
    decoder = FrameDecoder()

    frames = [frame for octet in stream for frame in decoder.feed(bytes((octet,)))]

    assert frames == [first, second]
    assert decoder.pending_octets == 0


@pytest.mark.parametrize("command_length", [0, 4, 15, 0x7FFFFFFF, 0xFFFFFFFF])
def test_a_garbage_length_is_a_framing_error(command_length: int) -> None:
    decoder = FrameDecoder(max_command_length=4096)
    with pytest.raises(FramingError) as info:
        decoder.feed(struct.pack(">L", command_length) + b"\0" * 12)
    assert info.value.command_length == command_length


async def test_read_frame_reads_exactly_one_pdu() -> None:
    reader = asyncio.StreamReader()
    frame = encode_pdu("enquire_link", sequence=7)
    reader.feed_data(frame + frame[:3])
    assert await read_frame(reader) == frame
    reader.feed_eof()
    with pytest.raises(asyncio.IncompleteReadError):
        await read_frame(reader)


async def test_read_frame_rejects_a_short_length_before_reading_more() -> None:
    reader = asyncio.StreamReader()
    reader.feed_data(b"\x00\x00\x00\x08GET / HTTP")
    with pytest.raises(FramingError):
        await read_frame(reader)
