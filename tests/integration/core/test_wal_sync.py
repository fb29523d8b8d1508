"""Durable group commit with the WAL flushed off the writer's path (core.storage.wal_sync):
nobody hears of a commit before the flush that covers it, a failed flush is an error and
not a success, and the writer commits the next batch while a flush is still running."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core import commands as c
from core.outcomes import Outcome
from core.service import Ledger
from core.storage.sqlite import SqliteStore
from core.storage.wal_sync import WalSyncer
from tests.ledger_support import Keys, balance, new_wallet

A, B = "+254700000771", "+254700000772"


class HeldFlushes:
    """Holds each WAL flush until released, counting them; ``fail`` makes the next one
    raise instead."""

    def __init__(self, real: Callable[[WalSyncer], None]) -> None:
        self.real = real
        self.release = threading.Event()
        self.started = threading.Event()
        self.flushes = 0
        self.fail = False

    def __call__(self, syncer: WalSyncer) -> None:
        self.started.set()
        assert self.release.wait(10), "test never released the flush"
        self.flushes += 1
        if self.fail:
            self.fail = False
            raise OSError(5, "Input/output error")
        self.real(syncer)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldFlushes]:
    holder = HeldFlushes(WalSyncer._fdatasync)
    monkeypatch.setattr(WalSyncer, "_fdatasync", lambda syncer: holder(syncer))
    yield holder
    holder.release.set()


def credit(keys: Keys, msisdn: str, amount: int) -> c.Adjust:
    return c.Adjust(key=keys(), msisdn=msisdn, balance_type="General Cash", amount=amount,
                    reason="test")


async def started(held: HeldFlushes) -> None:
    assert await asyncio.to_thread(held.started.wait, 10)
    held.started.clear()


async def test_a_commit_is_answered_only_after_its_flush(
        ledger: Ledger, keys: Keys, held: HeldFlushes) -> None:
    held.release.set()
    await new_wallet(ledger, A, cash=100)
    held.release.clear()
    held.started.clear()

    answer = asyncio.ensure_future(ledger.execute(credit(keys, A, 50)))
    await started(held)
    # Committed (a reader sees it) but not yet on disk: the caller has not heard.
    assert await balance(ledger, A) == 150
    assert not answer.done()
    held.release.set()
    outcome = await answer
    assert outcome.ok


async def test_the_writer_commits_the_next_batch_while_a_flush_runs(
        ledger: Ledger, keys: Keys, held: HeldFlushes) -> None:
    held.release.set()
    await new_wallet(ledger, A, cash=100)
    await new_wallet(ledger, B, cash=100)
    held.release.clear()
    held.started.clear()
    flushes = held.flushes

    first = asyncio.ensure_future(ledger.execute(credit(keys, A, 1)))
    await started(held)
    second = asyncio.ensure_future(ledger.execute(credit(keys, B, 2)))
    # The second batch commits although the first one's flush has not returned.
    for _ in range(200):
        if await balance(ledger, B) == 102:
            break
        await asyncio.sleep(0.005)
    assert await balance(ledger, B) == 102
    assert not first.done()
    assert not second.done()
    held.release.set()
    assert (await first).ok
    assert (await second).ok
    # One more flush covered the second commit (the first flush began before it).
    assert held.flushes - flushes == 2


async def test_a_failed_flush_is_an_error_for_its_callers_and_the_next_flush_retries(
        ledger: Ledger, keys: Keys, held: HeldFlushes) -> None:
    held.release.set()
    await new_wallet(ledger, A, cash=100)
    held.fail = True
    with pytest.raises(RuntimeError, match="not durable"):
        await ledger.execute(credit(keys, A, 5))
    later: Outcome = await ledger.execute(credit(keys, A, 7))
    assert later.ok
    # The failed flush's commit is in the WAL; the good flush after it covers it too.
    assert await balance(ledger, A) == 112


async def test_commit_mode_flushes_inside_sqlite(tmp_path: Path, keys: Keys,
                                                 held: HeldFlushes) -> None:
    store = SqliteStore(tmp_path / "l.db", wal_sync="commit")
    async with Ledger(store, pin_pepper="p") as ledger:
        outcome = await ledger.execute(c.CreateWallet(key=keys(), msisdn=A,
                                                      provider="none"))
    assert outcome.status.value == "unknown_provider"
    assert held.flushes == 0
    assert not held.started.is_set()


def test_the_syncer_follows_a_wal_made_anew(tmp_path: Path) -> None:
    db = tmp_path / "l.db"
    wal = tmp_path / "l.db-wal"
    syncer = WalSyncer(db)
    try:
        syncer._fdatasync()  # no WAL yet: nothing to flush, no error
        wal.write_bytes(b"old")
        syncer._fdatasync()
        assert syncer._fd is not None
        assert os.fstat(syncer._fd).st_ino == os.stat(wal).st_ino
        wal.unlink()
        wal.write_bytes(b"new")  # another inode under the same name
        syncer._fdatasync()
        assert syncer._fd is not None
        assert os.fstat(syncer._fd).st_ino == os.stat(wal).st_ino
    finally:
        syncer.close()
