"""Durable group commit without the writer waiting for the disk.

With ``synchronous=FULL`` SQLite fsyncs the WAL inside every COMMIT, and the one writer can
start nothing else meanwhile: under load the disk's flush time was a third of each batch's
time. Here the batch writer commits with ``synchronous=NORMAL`` (WAL frames written, not yet
flushed) and goes straight on to the next batch, while this syncer flushes the WAL on a thread
of its own. A caller hears its outcome only after a flush that began after its COMMIT, so an
acknowledged operation is on disk exactly as with FULL. Flushes are grouped too: one
``fdatasync`` covers every commit made before it began.

What changes is only what *unacknowledged* work may do: a committed batch is visible to
readers for the ~1 ms until its flush ends, and a power cut in that window loses it (nobody
was told it happened; a reader may have seen it). A process crash loses nothing (the frames
are in the OS's cache).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

log = logging.getLogger(__name__)


class WalSyncer:
    def __init__(self, db_path: Path) -> None:
        self._wal = Path(f"{db_path}-wal")
        self._fd: int | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-wal-sync")
        self._committed = 0  # commits so far (counted on the event loop, after each COMMIT)
        self._durable = 0  # commits known to be on disk
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._flushing = False

    def committed(self) -> int:
        """Count a COMMIT that has returned; the number to pass to ``durable``."""
        self._committed += 1
        return self._committed

    async def durable(self, commit: int) -> None:
        """Return once commit number ``commit`` (and every earlier one) is on disk. Raises
        OSError if the flush failed: the outcome is then unknown and must not be reported as
        done."""
        if commit <= self._durable:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((commit, future))
        if not self._flushing:
            self._flush()
        await future

    def _flush(self) -> None:
        self._flushing = True
        target = self._committed  # every one of these COMMITs returned before this flush
        loop = asyncio.get_running_loop()
        flush = loop.run_in_executor(self._executor, self._fdatasync)
        flush.add_done_callback(lambda done: self._flushed(target, done))

    def _flushed(self, target: int, done: asyncio.Future[None]) -> None:
        self._flushing = False
        error = OSError("WAL flush cancelled") if done.cancelled() else done.exception()
        if error is None:
            self._durable = target
        else:
            # Like PostgreSQL after a failed fsync, assume nothing written since the last good
            # flush is safe: those callers get the error, later ones try again.
            log.critical("flushing the ledger's WAL failed: %s", error)
        ready = [(n, f) for n, f in self._waiters if n <= target]
        self._waiters = [(n, f) for n, f in self._waiters if n > target]
        for _, future in ready:
            if not future.done():
                if error is None:
                    future.set_result(None)
                else:
                    future.set_exception(error)
        if self._waiters:
            self._flush()

    def _fdatasync(self) -> None:
        # The WAL is found by name each time: were it deleted and made anew (every connection
        # closed meanwhile), syncing a stale descriptor would flush the wrong file.
        try:
            current = os.stat(self._wal).st_ino
        except FileNotFoundError:
            return  # no WAL: SQLite checkpointed it into the database file and synced that
        if self._fd is not None and os.fstat(self._fd).st_ino != current:
            os.close(self._fd)
            self._fd = None
        if self._fd is None:
            self._fd = os.open(self._wal, os.O_RDONLY)
            _sync_directory(self._wal.parent)  # the WAL's own name must survive a power cut
        os.fdatasync(self._fd)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
