"""Driving tests/peers/smsc/smsc.js (an SMSC built on the npm ``smpp`` package) from a test.

The peer prints ``READY <port>`` once listening, then one JSON event per line; it takes JSON
commands on stdin and stops when stdin closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

Event = dict[str, Any]

START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 5.0


class NodeSmsc:
    def __init__(self, node: str, peer_dir: Path, *, system_id: str, password: str) -> None:
        self._command = (node, str(peer_dir / "smsc.js"), "--port", "0")
        self._cwd = peer_dir
        self._env = {**os.environ, "SMSC_SYSTEM_ID": system_id, "SMSC_PASSWORD": password}
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()
        self._unclaimed: list[Event] = []
        self.events: list[Event] = []  # everything the peer reported, in order
        self.port = 0

    @property
    def pid(self) -> int | None:
        """The peer's process id (for CPU accounting in bench/smpp.py)."""
        return self._process.pid if self._process is not None else None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            *self._command,
            cwd=self._cwd,
            env=self._env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self._process.stdout is not None
        line = await asyncio.wait_for(self._process.stdout.readline(), START_TIMEOUT_S)
        words = line.decode().split()
        if len(words) != 2 or words[0] != "READY":
            raise RuntimeError(f"the SMSC peer did not start: {line!r}")
        self.port = int(words[1])
        self._reader = asyncio.create_task(self._read_events())

    async def stop(self) -> None:
        process = self._process
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            process.kill()
            await process.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def send(self, op: str, **arguments: Any) -> None:
        """One control command (see smsc.js)."""
        assert self._process is not None
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps({"op": op, **arguments}).encode() + b"\n")
        await self._process.stdin.drain()

    async def expect(
        self,
        event: str,
        *,
        command: str | None = None,
        where: Callable[[Event], bool] = lambda _: True,
        timeout_s: float = 10.0,
    ) -> Event:
        """The oldest not yet expected event of this kind (for "pdu", of this command)."""

        def find() -> Event | None:
            for candidate in self._unclaimed:
                if candidate.get("event") != event:
                    continue
                if command is not None and candidate.get("command") != command:
                    continue
                if where(candidate):
                    return candidate
            return None

        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: find() is not None), timeout_s
                )
            except TimeoutError:
                seen = [(e.get("event"), e.get("command")) for e in self.events]
                message = f"no {event} {command or ''} from the peer; saw {seen}"
                raise AssertionError(message) from None
            found = find()
            assert found is not None
            self._unclaimed.remove(found)
            return found

    async def _read_events(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        while line := await self._process.stdout.readline():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                event = {"event": "unparsed", "line": line.decode(errors="replace")}
            async with self._changed:
                self.events.append(event)
                self._unclaimed.append(event)
                self._changed.notify_all()
