"""The group-commit writer in a process of its own.

Why a process: a write batch is ~150 us of Python and SQLite per command, and on a thread it
shares the GIL with the event loop that feeds it, so every SQLite call that drops the GIL may
wait to get it back behind the loop. In a process the writer has a core of its own; the loop
sends each batch's commands (pickled, ~7 us a command both ways) and gets the outcomes back.
Measured with bench/ledger.py (64 closed-loop callers, little work per call on the loop) the
two are within noise of each other: there the writer's CPU per command is the limit, not the
GIL. It is an option (``SqliteStore(writer="process")``) for services whose loop is busier.

The protocol over one socket pair, each message a 4-byte length and a pickle:
    child -> parent  ("ready",) once its connection is open, or ("error", text)
    parent -> child  (now, [Command, ...])       one group-commit batch
    child -> parent  ("ok", [Outcome, ...], cpu_s, CacheStats)
                                                     after COMMIT; cpu_s: the child's CPU
                                                     seconds so far, less any spent spinning
                                                     for the next batch (benchmarks, metrics);
                                                     its wallet cache's counts so far
                     ("error", text)                 rolled back; nothing was written
With ``spin_ms`` the child waits that long for the next batch without sleeping (see
``await_next``) before it blocks. The child runs one batch at a time and exits when the
parent's end closes (the parent ended or died), so a writer never outlives the service that
owns it for longer than its current batch.
Children are forked from a small fork server (core/storage/zygote.py), never from the service.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import select
import signal
import socket
import struct
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core import commands as c
from core.clock import EpochSeconds
from core.outcomes import Outcome
from core.storage import sqlite_batch
from core.storage.db_threads import open_connection
from core.storage.wallet_cache import CacheStats, WalletCache
from core.storage.zygote import Zygote

HEADER = struct.Struct("!I")
STOP_TIMEOUT_S = 30.0


class WriterFailed(RuntimeError):
    """The writer process rolled a batch back (the text says why) or is gone."""


class WriterGone(WriterFailed):
    """The writer process ended (killed, crashed): whether its last batch committed is
    unknown, and its idempotency keys make running it again safe."""


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _send(sock: socket.socket, message: object) -> None:
    payload = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    sock.sendall(HEADER.pack(len(payload)) + payload)


def await_next(sock: socket.socket, spin_s: float) -> bool:
    """Wait up to ``spin_s`` for the next batch without sleeping; whether it came. A writer
    that blocks between batches comes back to cold CPU caches (on a VM, often to another
    physical core): a tight loop of 4-command batches measured 25-40% more CPU a command with
    a 2 ms sleep between batches than with a 2 ms spin. Each turn yields the CPU, so anything
    else due on this core still runs; after ``spin_s`` of quiet the blocking read takes over."""
    deadline = time.monotonic() + spin_s
    while time.monotonic() < deadline:
        if select.select((sock,), (), (), 0)[0]:
            return True
        os.sched_yield()
    return False


def serve(sock: socket.socket, path: str, synchronous: str, busy_timeout_ms: int,
          spin_ms: int = 0, wallet_cache: int = 0, wal_keep_bytes: int | None = None) -> None:
    """The child's loop: open the connection, then one batch at a time until EOF."""
    try:
        conn = open_connection(Path(path), synchronous=synchronous,
                               busy_timeout_ms=busy_timeout_ms, autocheckpoint=False,
                               wal_keep_bytes=wal_keep_bytes)
    except Exception as exc:  # the parent raises it from start()
        _send(sock, ("error", f"{type(exc).__name__}: {exc}"))
        sock.close()
        return
    cache = sqlite_batch.CatalogCache()
    wallets = WalletCache(wallet_cache) if wallet_cache else None
    spun_s = 0.0  # CPU spent waiting: left out of the CPU time reported, which is the work's
    try:
        _send(sock, ("ready",))
        while True:
            if spin_ms > 0:
                started = time.process_time()
                await_next(sock, spin_ms / 1000)
                spun_s += time.process_time() - started
            header = _recv_exact(sock, HEADER.size)
            if header is None:
                break
            body = _recv_exact(sock, HEADER.unpack(header)[0])
            if body is None:
                break
            now, cmds = pickle.loads(body)
            try:
                outcomes = sqlite_batch.execute_commands(conn, cache, cmds, now, wallets)
            except Exception:  # rolled back; the parent retries the commands one by one
                _send(sock, ("error", traceback.format_exc(limit=8)))
                continue
            _send(sock, ("ok", outcomes, time.process_time() - spun_s,
                         wallets.stats() if wallets is not None else CacheStats()))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the parent is gone: nobody is waiting for an answer
    finally:
        conn.close()
        sock.close()


class WriterProcess:
    """The parent's handle: ``start``, then ``execute`` one batch at a time, then ``stop``."""

    def __init__(self, path: Path, *, synchronous: str, busy_timeout_ms: int,
                 spin_ms: int = 0, wallet_cache: int = 0,
                 wal_keep_bytes: int | None = None) -> None:
        self._args = {"path": str(path), "synchronous": synchronous,
                      "busy_timeout_ms": busy_timeout_ms, "spin_ms": spin_ms,
                      "wallet_cache": wallet_cache, "wal_keep_bytes": wal_keep_bytes}
        self.pid: int | None = None
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock = asyncio.Lock()  # one batch in flight: answers come back in order
        self.cpu_s = 0.0  # the writer's CPU time as of its last answer
        self.cache_stats = CacheStats()  # and its wallet cache's counts

    async def start(self) -> None:
        ours, theirs = socket.socketpair()
        try:
            # Talking to the fork server (and starting it, the first time) blocks: off the loop.
            self.pid = await asyncio.to_thread(
                lambda: Zygote.shared().fork(theirs, self._args))
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()  # the child has its own copy; ours must go for EOF to work
        self._reader, self._writer = await asyncio.open_unix_connection(sock=ours)
        first = await self._receive()
        if first[0] != "ready":
            await self.stop()
            raise WriterFailed(f"ledger writer did not start: {first[1]}")

    async def _receive(self) -> tuple[Any, ...]:
        if self._reader is None:
            raise WriterGone("ledger writer is not running")
        try:
            header = await self._reader.readexactly(HEADER.size)
            body = await self._reader.readexactly(HEADER.unpack(header)[0])
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise WriterGone("ledger writer process ended") from exc
        message: tuple[Any, ...] = pickle.loads(body)
        return message

    async def execute(self, cmds: Sequence[c.Command], now: EpochSeconds) -> list[Outcome]:
        """Run ``cmds`` as one transaction in the writer; their outcomes after COMMIT. Raises
        WriterFailed when the batch was rolled back or the writer is gone."""
        async with self._lock:
            if self._writer is None:
                raise WriterGone("ledger writer is not running")
            payload = pickle.dumps((now, list(cmds)), pickle.HIGHEST_PROTOCOL)
            self._writer.write(HEADER.pack(len(payload)) + payload)
            answer = await self._receive()
            if answer[0] != "ok":
                raise WriterFailed(f"ledger batch rolled back:\n{answer[1]}")
            outcomes: list[Outcome] = answer[1]
            self.cpu_s = answer[2]
            self.cache_stats = answer[3]
            return outcomes

    async def stop(self) -> None:
        """End our side of the socket; the child finishes the batch it runs (if any), sees
        EOF, closes its connection and exits, which we see as EOF in turn."""
        reader, writer = self._reader, self._writer
        self._reader = self._writer = None
        if writer is None or reader is None:
            return
        async with self._lock:
            with contextlib.suppress(OSError):
                writer.write_eof()
            try:
                async with asyncio.timeout(STOP_TIMEOUT_S):
                    while await reader.read(1 << 16):
                        pass
            except (TimeoutError, OSError):
                if self.pid is not None:  # stuck (a lock another process holds): do not hang
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(self.pid, signal.SIGKILL)
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
