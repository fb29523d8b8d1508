"""Cutting a byte stream into SMPP PDUs on the 4-byte command_length.

SMPP has no resynchronisation marker: once a command_length is nonsense, every later byte is
suspect. A framing error therefore means "drop the connection", unlike a malformed body inside a
well-framed PDU, which is answered with generic_nack while the bind stays up.
"""

from __future__ import annotations

import asyncio
import struct
from typing import Final

from gateway.smpp.constants import HEADER_LENGTH
from gateway.smpp.errors import FramingError

# SMPP sets no maximum. A message_payload may carry up to 64 KiB, so allow that plus headroom;
# anything larger is a peer speaking something else (TLS, HTTP) or a corrupt stream.
DEFAULT_MAX_COMMAND_LENGTH: Final = 0x20000

_LENGTH = struct.Struct(">L")


def check_command_length(command_length: int, max_command_length: int) -> None:
    """Raise FramingError unless a PDU of ``command_length`` octets can exist."""
    if command_length < HEADER_LENGTH:
        raise FramingError(command_length, f"shorter than the {HEADER_LENGTH}-octet header")
    if command_length > max_command_length:
        raise FramingError(command_length, f"longer than the limit {max_command_length}")


async def read_frame(
    reader: asyncio.StreamReader, *, max_command_length: int = DEFAULT_MAX_COMMAND_LENGTH
) -> bytes:
    """Read one whole PDU (header included) from ``reader``.

    Raises ``asyncio.IncompleteReadError`` at end of stream and ``FramingError`` on a
    command_length out of bounds (after reading only the 4 length octets).
    """
    head = await reader.readexactly(4)
    (command_length,) = _LENGTH.unpack(head)
    check_command_length(command_length, max_command_length)
    return head + await reader.readexactly(command_length - 4)


class FrameDecoder:
    """Incremental framer for bytes that arrive in arbitrary chunks (tests, fakes, sniffers)."""

    __slots__ = ("_buffer", "_max_command_length")

    def __init__(self, *, max_command_length: int = DEFAULT_MAX_COMMAND_LENGTH) -> None:
        self._buffer = bytearray()
        self._max_command_length = max_command_length

    def feed(self, data: bytes) -> list[bytes]:
        """Add ``data``; return the PDUs it completed, in order."""
        self._buffer += data
        frames: list[bytes] = []
        while len(self._buffer) >= 4:
            (command_length,) = _LENGTH.unpack_from(self._buffer)
            check_command_length(command_length, self._max_command_length)
            if len(self._buffer) < command_length:
                break
            frames.append(bytes(self._buffer[:command_length]))
            del self._buffer[:command_length]
        return frames

    @property
    def pending_octets(self) -> int:
        """Octets held back waiting for the rest of a PDU."""
        return len(self._buffer)
