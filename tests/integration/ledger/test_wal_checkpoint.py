"""The WAL stays bounded while the writer never pauses: checkpoint rounds that stop nobody,
and past the limit one with writes held, after which the WAL starts again from its
beginning. A reader in old frames delays that, never the writes, and the file is cut back
once it can start again."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from core import commands as c
from core.service import Ledger, LedgerAdmin
from core.storage.db_threads import open_connection
from core.storage.sqlite import SqliteStore, WriterKind
from core.storage.wal_checkpoint import (
    LOCK_WAIT_MS,
    locked_checkpoint,
    passive_checkpoint,
    wal_frames,
)
from tests.integration.ledger.invariants import problems
from tests.ledger_support import Clock, demo_catalog

WALLETS = 400
CALLERS = 32  # as many commands in flight: the writer always has the next batch waiting
CALLS = 150  # each, spread over WALLETS: ~20 MiB of WAL frames
LIMIT_MIB = 1
HOURLY = 3600.0  # the checkpointer's own rounds never come during a test: the test runs them


def msisdn(i: int) -> str:
    return f"+2547009{i:05d}"


def wal_bytes(path: Path) -> int:
    return Path(f"{path}-wal").stat().st_size


def wal_log_frames(path: Path) -> int:
    """Frames in the WAL now, as a checkpoint from another connection reports them."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
    finally:
        conn.close()


async def open_ledger(path: Path, writer: WriterKind, clock: Clock) -> Ledger:
    ledger = Ledger(SqliteStore(path, writer=writer, wal_restart_mib=LIMIT_MIB,
                                checkpoint_interval_s=HOURLY), pin_pepper="p", clock=clock)
    await ledger.open()
    await LedgerAdmin(ledger).save_provider(demo_catalog())
    await ledger.execute_many([c.CreateWallet(key=f"w{i}", msisdn=msisdn(i),
                                              provider="Demo Telecom")
                               for i in range(WALLETS)])
    return ledger


async def caller(ledger: Ledger, k: int) -> None:
    for n in range(CALLS):
        i = (k * CALLS + n * 7) % WALLETS
        outcome = await ledger.execute(c.Adjust(
            key=f"a{k}-{n}", msisdn=msisdn(i), balance_type="General Cash", amount=100 + n,
            reason="test traffic"))
        assert outcome.ok


async def adjust_batches(ledger: Ledger, count: int, tag: str) -> None:
    for n in range(count):
        outcomes = await ledger.execute_many([
            c.Adjust(key=f"{tag}{n}-{i}", msisdn=msisdn(i), balance_type="General Cash",
                     amount=100 + n, reason="test traffic") for i in range(WALLETS)])
        assert all(o.ok for o in outcomes)


@pytest.mark.parametrize("writer", ["thread", "process"])
async def test_the_wal_starts_again_while_writes_never_stop(
        tmp_path: Path, writer: WriterKind) -> None:
    path = tmp_path / "ledger.db"
    clock = Clock()
    ledger = await open_ledger(path, writer, clock)
    store = ledger.store
    assert isinstance(store, SqliteStore)
    try:
        writes = asyncio.gather(*(caller(ledger, k) for k in range(CALLERS)))
        while not writes.done():
            await store.checkpoint_wal()  # rounds back to back, as under steady traffic
        await writes
        stats = store.wal_stats
        # Past the limit, rounds held writes, and those copied every frame...
        assert stats.caught_up >= 1, stats
        # ...so the WAL never grew much past its limit, though far more was written.
        limit = LIMIT_MIB << 20
        assert wal_bytes(path) < 6 * limit, (wal_bytes(path), stats)
        assert stats.largest_frames < 6 * wal_frames(limit, 4096), stats
        assert await problems(store, clock()) == []
        balances = await store.query(
            "SELECT SUM(value) FROM buckets b JOIN balance_types t ON t.id = b.type_id "
            "WHERE t.name = 'General Cash'")
        assert balances == [(CALLERS * sum(100 + n for n in range(CALLS)),)]
    finally:
        await ledger.close()


def test_the_held_round_takes_sqlite_s_write_lock_from_other_processes(tmp_path: Path
                                                                     ) -> None:
    """Other processes' writers are held through SQLite's own write lock: while one of them
    is inside a write transaction the held round does not copy (it comes back after the lock's
    short wait, None); once it ends, the round copies every frame and that process's next
    write starts the WAL again."""
    path = tmp_path / "ledger.db"
    other = open_connection(path, synchronous="NORMAL", busy_timeout_ms=5000,
                            autocheckpoint=False)
    conn = open_connection(path, synchronous="FULL", busy_timeout_ms=5000,
                           autocheckpoint=False)
    lock = open_connection(path, synchronous="FULL", busy_timeout_ms=LOCK_WAIT_MS,
                           autocheckpoint=False)
    try:
        other.execute("CREATE TABLE noise (blob BLOB)")
        for _ in range(20):
            other.execute("INSERT INTO noise VALUES (randomblob(3000))")
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO noise VALUES (randomblob(3000))")
        started = time.monotonic()
        assert locked_checkpoint(conn, lock) is None
        assert time.monotonic() - started < 2.0
        assert not lock.in_transaction
        other.execute("COMMIT")
        held = locked_checkpoint(conn, lock)
        assert held is not None
        assert held.copied_frames == held.log_frames > 20
        other.execute("INSERT INTO noise VALUES (randomblob(3000))")
        assert passive_checkpoint(conn).log_frames < held.log_frames
    finally:
        for c in (other, conn, lock):
            c.close()


async def test_a_reader_in_old_frames_delays_the_restart_not_the_writes(
        tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    clock = Clock()
    ledger = await open_ledger(path, "thread", clock)
    store = ledger.store
    assert isinstance(store, SqliteStore)
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM accounts").fetchone()  # a snapshot, held
        await adjust_batches(ledger, 40, "b")
        assert wal_log_frames(path) > wal_frames(LIMIT_MIB << 20, 4096)
        assert wal_bytes(path) > 2 * (LIMIT_MIB << 20)
        started = time.monotonic()
        await store.checkpoint_wal()
        # Held, but it copied only what the reader's snapshot allows, and waited for no one
        # (the busy timeout is 5 s).
        assert time.monotonic() - started < 2.0
        assert (store.wal_stats.holds, store.wal_stats.caught_up) == (1, 0)
        reader.execute("COMMIT")
        await store.checkpoint_wal()
        assert (store.wal_stats.holds, store.wal_stats.caught_up) == (2, 1)
        before = wal_log_frames(path)
        # Nothing written since the round that copied it all: no more holds.
        await store.checkpoint_wal()
        assert store.wal_stats.holds == 2
        await adjust_batches(ledger, 1, "c")
        assert wal_log_frames(path) < before  # the next write started the WAL again
        assert wal_bytes(path) <= 2 * (LIMIT_MIB << 20)  # and cut the file back
    finally:
        reader.close()
        await ledger.close()
