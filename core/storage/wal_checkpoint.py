"""Checkpoints that keep the WAL bounded while the writer never pauses.

A PASSIVE checkpoint copies WAL frames into the database file without waiting for, or
blocking, anyone. On its own it does not keep the WAL short under steady traffic: SQLite
writes the WAL from its beginning again only when a write transaction begins after *every*
frame has been copied, and with the group-commit writer committing batch after batch, each
checkpoint ends a few batches behind. Measured with bench/ledger.py (closed loop, 20 s, when
checkpoints were PASSIVE only): the WAL grew by ~14,000 frames (55 MiB) a second to 1.1 GiB,
and would have filled the disk under sustained traffic. Every page read that misses a
connection's cache also searches the WAL's index, which grew with it.

So, every ``interval_s``: a PASSIVE checkpoint that stops nobody. Once the WAL holds more
than ``restart_frames`` frames, the checkpointer catches up (up to ``CATCH_UP_ROUNDS`` more
PASSIVE rounds, still stopping nobody), then runs one more with writes held: the store's own
(``write_lock``: the batch writer finishes its batch and waits) and, through SQLite's write
lock taken on a second connection, those of any other process on the same file (they wait in
their busy handler).
That one copies only the frames of the last moments, and once every frame is copied the next
write transaction, in whichever process, starts the WAL again from its beginning.
How long writes are held is in ``stats`` (``longest_hold_s``) and bench/ledger.py prints it.

A reader still reading old frames (a long export on another connection) keeps the held
checkpoint from copying everything: that round leaves the WAL as it is and a later one
retries. Nothing ever waits for a reader. The connections that write cut the file back to
twice the bound when the WAL starts again (``PRAGMA journal_size_limit``), so the disk space
such a pause took comes back.

Measured (bench/ledger.py, 100,000 wallets, 256 MiB): a hold every few seconds under load,
typically 10-20 ms (one flush of the WAL, the copy of the last moments' frames, one flush of
the database file), the longest seen ~100 ms when the virtual disk was slow to flush.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from core.storage.db_threads import DbThreads, open_connection

log = logging.getLogger(__name__)
WAL_FRAME_HEADER = 24  # bytes before each page in the WAL (SQLite file format, section 4.1)
LOCK_WAIT_MS = 100  # for another process's write transaction to end, our writes held meanwhile
# Unheld checkpoints, at most, before the held one, stopping early once a round had this few
# new frames to copy: the fewer frames the held one copies, the shorter the hold (measured at
# 2,500 ops/s: 8 and 32 held writes ~12-17 ms a time, 4 and 128 ~35 ms).
CATCH_UP_ROUNDS = 8
HOLD_TAIL_FRAMES = 32


@dataclass(frozen=True, slots=True)
class WalStats:
    """What the checkpointer did since the store opened."""
    checkpoints: int = 0  # PASSIVE checkpoints run
    holds: int = 0  # of them, those run with the store's writes held
    caught_up: int = 0  # holds that copied every frame: the next write restarts the WAL
    largest_frames: int = 0  # the most frames any checkpoint found in the WAL
    longest_hold_s: float = 0.0  # the longest time writes were held for one
    held_s: float = 0.0  # the time writes were held, in all


@dataclass(frozen=True, slots=True)
class Progress:
    log_frames: int  # frames in the WAL
    copied_frames: int  # of them, those now in the database file


def wal_frames(limit_bytes: int, page_size: int) -> int:
    """How many WAL frames take ``limit_bytes`` (at least one)."""
    return max(1, limit_bytes // (page_size + WAL_FRAME_HEADER))


def passive_checkpoint(conn: sqlite3.Connection) -> Progress:
    _busy, log_frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    # -1, -1 when the database is not in WAL mode (nothing to do)
    return Progress(max(log_frames, 0), max(copied, 0))


def page_size(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA page_size").fetchone()[0])


def locked_checkpoint(conn: sqlite3.Connection, lock: sqlite3.Connection) -> Progress | None:
    """A PASSIVE checkpoint on ``conn`` while ``lock`` holds SQLite's write lock, so that no
    process appends frames meanwhile (a connection cannot checkpoint inside a transaction of its
    own: hence two); None when another process kept the write lock past ``lock``'s busy
    timeout (a later round tries again)."""
    try:
        lock.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
            raise
        return None
    try:
        return passive_checkpoint(conn)
    finally:
        lock.execute("ROLLBACK")


class WalCheckpointer:
    """Run by the store: ``await start()``, then it works every ``interval_s`` on a thread and
    connection of its own until ``await stop()``, which runs a last checkpoint. Not TRUNCATE
    at stop: that waits out the busy timeout while another connection (another process)
    reads; SQLite checkpoints and removes the WAL itself when the last connection closes."""

    def __init__(self, path: Path, *, synchronous: str, busy_timeout_ms: int,
                 write_lock: asyncio.Lock, restart_bytes: int, interval_s: float = 0.5) -> None:
        self._path = path
        self._synchronous = synchronous
        self._busy_timeout_ms = busy_timeout_ms
        self._write_lock = write_lock
        self._restart_bytes = restart_bytes
        self._interval_s = interval_s
        self._threads: DbThreads | None = None
        self._lock_conn: sqlite3.Connection | None = None  # used on the checkpointer's thread
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.restart_frames = 0
        self._all_copied: Progress | None = None  # the last held round's, if it copied all
        self.stats = WalStats()

    async def start(self) -> None:
        threads = DbThreads(self._path, name="ledger-checkpointer", workers=1,
                            synchronous=self._synchronous,
                            busy_timeout_ms=self._busy_timeout_ms, autocheckpoint=False)
        try:
            self.restart_frames = wal_frames(self._restart_bytes, await threads.run(page_size))
            self._lock_conn = await asyncio.to_thread(  # opening does I/O: off the loop
                open_connection, self._path, synchronous=self._synchronous,
                busy_timeout_ms=min(self._busy_timeout_ms, LOCK_WAIT_MS),
                check_same_thread=False, autocheckpoint=False)
        except BaseException:
            await asyncio.to_thread(threads.close)
            raise
        self._threads = threads
        self._task = asyncio.create_task(self._run(), name="ledger-wal-checkpointer")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            await self._task
            self._task = None
        if self._threads is not None:
            with contextlib.suppress(sqlite3.Error):
                await self._threads.run(passive_checkpoint)
            await asyncio.to_thread(self._threads.close)
            self._threads = None
        if self._lock_conn is not None:
            await asyncio.to_thread(self._lock_conn.close)  # as it was opened: off the loop
            self._lock_conn = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval_s):
                    await self._stopping.wait()
                    return
            try:
                await self.checkpoint()
            except sqlite3.Error as exc:  # a full disk, an I/O error: the next round retries
                log.warning("WAL checkpoint failed: %s", exc)
            except Exception:  # a bug: keep checkpointing, or the WAL grows without end
                log.exception("WAL checkpoint round failed")

    async def checkpoint(self) -> None:
        """One round: a PASSIVE checkpoint, then, with the WAL past its limit, the catch-up and
        the held checkpoint that lets the WAL restart."""
        progress = await self._passive()
        if progress.log_frames < self.restart_frames or progress == self._all_copied:
            # Short enough; or unchanged since a held round copied it all (nothing written
            # since: the next write transaction restarts it).
            return
        # A round that copied every frame it saw says nothing about frames written since it
        # began: only a round with writes held can tell.
        for _ in range(CATCH_UP_ROUNDS):
            before = progress.log_frames
            progress = await self._passive()
            if progress.log_frames - before <= HOLD_TAIL_FRAMES:
                break
        async with self._write_lock:
            started = time.monotonic()
            held = await self._locked()
            held_s = time.monotonic() - started
        caught_up = held is not None and held.copied_frames == held.log_frames
        self._all_copied = held if caught_up else None
        s = self.stats
        self.stats = dataclasses.replace(s, holds=s.holds + 1, caught_up=s.caught_up + caught_up,
                                         longest_hold_s=max(s.longest_hold_s, held_s),
                                         held_s=s.held_s + held_s)

    async def _passive(self) -> Progress:
        return self._count(await self._running().run(passive_checkpoint))

    async def _locked(self) -> Progress | None:
        if self._lock_conn is None:
            raise RuntimeError("WAL checkpointer is not running")
        progress = await self._running().run(locked_checkpoint, self._lock_conn)
        return None if progress is None else self._count(progress)

    def _running(self) -> DbThreads:
        if self._threads is None:
            raise RuntimeError("WAL checkpointer is not running")
        return self._threads

    def _count(self, progress: Progress) -> Progress:
        s = self.stats
        self.stats = dataclasses.replace(s, checkpoints=s.checkpoints + 1,
                                         largest_frames=max(s.largest_frames,
                                                            progress.log_frames))
        return progress
