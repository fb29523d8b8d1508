"""Outstanding requests of one connection, keyed by sequence number.

Each request gets a future that the matching ``*_resp`` (or a generic_nack with the same sequence)
resolves, and a response timer that fails it. When the connection goes, ``fail_all`` fails every
future still waiting, so no caller hangs on a dead link.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final

from gateway.smpp.codec import Pdu
from gateway.smpp.errors import ResponseTimeout

MAX_SEQUENCE: Final = 0x7FFFFFFF  # SMPP 3.4 section 5.1.4: 0x00000001 - 0x7FFFFFFF


@dataclass(frozen=True, slots=True)
class _Pending:
    command: str
    future: asyncio.Future[Pdu]
    timer: asyncio.TimerHandle


class RequestWindow:
    """Sequence numbers and the futures of requests awaiting a response."""

    def __init__(self, *, first_sequence: int = 1) -> None:
        self._next = first_sequence
        self._pending: dict[int, _Pending] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def next_sequence(self) -> int:
        """A sequence number in 1..0x7FFFFFFF not held by an outstanding request."""
        while True:
            sequence = self._next
            self._next = 1 if sequence >= MAX_SEQUENCE else sequence + 1
            if sequence not in self._pending:
                return sequence

    def open(self, sequence: int, command: str, timeout_s: float) -> asyncio.Future[Pdu]:
        """Register a request about to be written; its future gets the response PDU."""
        if sequence in self._pending:
            raise ValueError(f"sequence {sequence} is already outstanding")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Pdu] = loop.create_future()
        timer = loop.call_later(timeout_s, self._expire, sequence, timeout_s)
        self._pending[sequence] = _Pending(command, future, timer)
        return future

    def resolve(self, response: Pdu) -> bool:
        """Hand a response to its request. False if nothing waits for that sequence."""
        pending = self._pending.pop(response.sequence, None)
        if pending is None:
            return False
        pending.timer.cancel()
        if not pending.future.done():
            pending.future.set_result(response)
        return True

    def fail(self, sequence: int, exc: BaseException) -> bool:
        pending = self._pending.pop(sequence, None)
        if pending is None:
            return False
        pending.timer.cancel()
        if not pending.future.done():
            pending.future.set_exception(exc)
        return True

    def discard(self, sequence: int) -> None:
        """Forget a request that was never written (its caller already knows why)."""
        pending = self._pending.pop(sequence, None)
        if pending is not None:
            pending.timer.cancel()
            pending.future.cancel()

    def fail_all(self, exc: BaseException) -> None:
        for sequence in list(self._pending):
            self.fail(sequence, exc)

    def _expire(self, sequence: int, timeout_s: float) -> None:
        pending = self._pending.get(sequence)
        if pending is not None:
            self.fail(sequence, ResponseTimeout(pending.command, sequence, timeout_s))
