"""One TCP connection to the SMSC: a single writer, and requests matched to their responses.

The session owns the reading side (it dispatches what arrives); the link owns writing. All writes go
through one lock so two coroutines never interleave the octets of two PDUs.

Frames written during one turn of the event loop go out together, in order, in one socket write at
the end of the turn: under load the reader hands up many deliver_sm at once, and one send() per
PDU (their responses, then the replies) was a quarter of the gateway's CPU time (bench/smpp.py).
A frame queued when the link closes is written before the transport closes.
"""

from __future__ import annotations

import asyncio
import contextlib

from gateway.smpp.codec import FieldValue, Pdu, encode_pdu
from gateway.smpp.errors import LinkLost
from gateway.smpp.window import RequestWindow


class LinkClosed(LinkLost):
    """Writing on a link that is already closed. Nothing was sent, so a retry is safe."""


class Link:
    __slots__ = ("_closed", "_flush_due", "_queued", "_write_lock", "_writer", "reader", "window")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self._writer = writer
        self._write_lock = asyncio.Lock()
        self._closed = False
        self._queued: list[bytes] = []  # frames of this loop turn, written by _flush
        self._flush_due = False
        self.window = RequestWindow()

    @property
    def closed(self) -> bool:
        return self._closed or self._writer.is_closing()

    async def send(
        self, command: str, *, sequence: int, status: int = 0, **fields: FieldValue | None
    ) -> None:
        """Encode and write one PDU. Raises ValueError (bad fields) before anything is written."""
        await self.send_raw(encode_pdu(command, sequence=sequence, status=status, **fields))

    async def send_raw(self, frame: bytes) -> None:
        """Write one already encoded frame (fakes also use it to write garbage on purpose)."""
        async with self._write_lock:
            if self.closed:
                raise LinkClosed("cannot send: connection closed")
            self._queued.append(frame)
            if not self._flush_due:
                self._flush_due = True
                asyncio.get_running_loop().call_soon(self._flush)
            # Back-pressure as before: drain() waits only while the transport's buffer is full.
            await self._writer.drain()

    def _flush(self) -> None:
        self._flush_due = False
        if self._queued:
            frames = b"".join(self._queued)
            self._queued.clear()
            if not self._writer.is_closing():
                self._writer.write(frames)

    async def request(self, command: str, *, timeout_s: float, **fields: FieldValue | None) -> Pdu:
        """Send a request and wait for its response (or generic_nack) PDU.

        Raises ResponseTimeout, LinkLost (the connection went while waiting) or LinkClosed.
        """
        sequence = self.window.next_sequence()
        future = self.window.open(sequence, command, timeout_s)
        try:
            await self.send(command, sequence=sequence, status=0, **fields)
        except BaseException:
            self.window.discard(sequence)
            raise
        return await future

    def close(self) -> None:
        """Close the transport and fail every request still waiting (idempotent)."""
        if not self._closed:
            self._closed = True
            self._flush()
            self._writer.close()
        self.window.fail_all(LinkLost("connection closed"))

    async def wait_closed(self) -> None:
        # A reset connection reports its error again here; it was already dealt with.
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()
