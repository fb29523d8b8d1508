"""Plain sqlite3 connections, each owned by one worker thread, driven from asyncio.

Why not aiosqlite here: aiosqlite hops to its thread once per statement, and a group-commit
batch runs ~20 statements; here a whole batch (load, pure domain, write, commit) is one hop.
aiosqlite remains the interface for administrative writes and ad-hoc reads.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def open_connection(path: Path, *, synchronous: str, busy_timeout_ms: int,
                    check_same_thread: bool = True, autocheckpoint: bool = True,
                    wal_keep_bytes: int | None = None) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=check_same_thread)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys=ON")
    # A hot ledger is read far more than it grows: keep pages in memory (64 MiB cache) and map
    # the file (256 MiB) so loads do not pay a read() call per page.
    conn.execute("PRAGMA cache_size=-65536")
    conn.execute("PRAGMA mmap_size=268435456")
    if not autocheckpoint:
        # Checkpoints copy WAL pages into the database file and fsync it: done in a writer's
        # COMMIT they stall every caller of that batch. The store's WalCheckpointer does them.
        conn.execute("PRAGMA wal_autocheckpoint=0")
    if wal_keep_bytes is not None:
        # A connection that starts the WAL again cuts the file back to this size: after a
        # long reader kept it from restarting for a while, the disk space comes back.
        conn.execute(f"PRAGMA journal_size_limit={int(wal_keep_bytes)}")
    return conn


class DbThreads:
    """``workers`` threads, each with its own connection; ``run(fn, ...)`` calls
    ``fn(connection, ...)`` on one of them."""

    def __init__(self, path: Path, *, name: str, workers: int = 1, synchronous: str = "FULL",
                 busy_timeout_ms: int = 5000, autocheckpoint: bool = True,
                 wal_keep_bytes: int | None = None) -> None:
        self._path = path
        self._autocheckpoint = autocheckpoint
        self._wal_keep_bytes = wal_keep_bytes
        self._synchronous = synchronous
        self._busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name,
                                            initializer=self._connect)

    def _connect(self) -> None:
        # check_same_thread=False only so close() can run after the workers have stopped;
        # while they run, each connection is used by its own thread alone.
        conn = open_connection(self._path, synchronous=self._synchronous,
                               busy_timeout_ms=self._busy_timeout_ms, check_same_thread=False,
                               autocheckpoint=self._autocheckpoint,
                               wal_keep_bytes=self._wal_keep_bytes)
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)

    def _call(self, fn: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args,
              **kwargs: P.kwargs) -> T:
        return fn(self._local.conn, *args, **kwargs)

    async def run(self, fn: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args,
                  **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        call = functools.partial(self._call, fn, *args, **kwargs)
        return await loop.run_in_executor(self._executor, call)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
