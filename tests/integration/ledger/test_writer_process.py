"""The group-commit writer in a process of its own: the same answers as the writer thread, a
new writer (and nothing applied twice) when the process is killed, and no process left behind
after close."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest

from core import commands as c
from core.outcomes import Outcome
from core.service import Ledger, LedgerAdmin
from core.snapshots import WalletSnapshot
from core.storage.sqlite import SqliteStore, WriterKind
from core.storage.writer_process import await_next
from tests.integration.ledger.invariants import problems
from tests.ledger_support import Clock, demo_catalog

A, B = "+254700000951", "+254700000952"
DEADLINE_S = 20


def script() -> list[c.Command]:
    """Commands whose outcomes depend on each other (and some that fail on purpose)."""
    return [
        c.CreateWallet(key="w1", msisdn=A, provider="Demo Telecom"),
        c.CreateWallet(key="w2", msisdn=B, provider="Demo Telecom", language="fr"),
        c.Adjust(key="f1", msisdn=A, balance_type="General Cash", amount=50_000,
                 reason="funding", validity_days=30),
        c.Adjust(key="f2", msisdn=A, balance_type="General Cash", amount=5_000,
                 reason="extends the bucket's expiry", validity_days=60),
        c.Reserve(key="r1", msisdn=A, amount=20_000, ttl_s=300, session_id="s"),
        c.Transfer(key="t1", from_msisdn=A, to_msisdn=B, amount=40_000),  # 20,000 are held
        c.Transfer(key="t2", from_msisdn=A, to_msisdn=B, amount=10_000),
        c.Charge(key="ch", msisdn=B, amount=999_999),  # insufficient
        c.Transfer(key="t2", from_msisdn=A, to_msisdn=B, amount=10_000),  # replayed
        c.Transfer(key="t2", from_msisdn=A, to_msisdn=B, amount=1),  # conflict
    ]


async def run_script(path: Path, writer: WriterKind, spin_ms: int = 0, wallet_cache: int = 0
                     ) -> tuple[list[Outcome], list[WalletSnapshot | None]]:
    """The script's outcomes and the two wallets after it."""
    clock = Clock()
    store = SqliteStore(path, writer=writer, writer_spin_ms=spin_ms, wallet_cache=wallet_cache)
    async with Ledger(store, pin_pepper="p", clock=clock) as ledger:
        await LedgerAdmin(ledger).save_provider(demo_catalog())
        outcomes = [await ledger.execute(cmd) for cmd in script()[:4]]
        # The rest in one batch: one transaction, each command seeing the ones before it.
        outcomes += await ledger.execute_many(script()[4:])
        outcomes.append(await ledger.execute(c.CommitReservation(
            key="c1", reservation_id=outcomes[4].data["reservation_id"], used=7_000)))
        wallets = [await ledger.wallet(m) for m in (A, B)]
        assert await problems(ledger.store, clock()) == []
        # Later batches found the wallets that earlier ones kept (and the counts came back).
        assert (store.wallet_cache_stats.hits > 0) == bool(wallet_cache)
    return outcomes, wallets


@pytest.mark.parametrize(("spin_ms", "wallet_cache"), [(0, 0), (20, 0), (0, 100)],
                         ids=["sleeping", "spinning", "keeping wallets"])
async def test_the_writer_process_answers_as_the_writer_thread_does(
        tmp_path: Path, spin_ms: int, wallet_cache: int) -> None:
    in_process, wallets_p = await run_script(tmp_path / "p.db", "process", spin_ms,
                                             wallet_cache)
    in_thread, wallets_t = await run_script(tmp_path / "t.db", "thread")
    assert [(o.status, dict(o.data), o.replayed) for o in in_process] == [
        (o.status, dict(o.data), o.replayed) for o in in_thread]
    assert wallets_p == wallets_t
    assert [o.status.value for o in in_process] == [
        "ok", "ok", "ok", "ok", "ok", "insufficient_funds", "ok", "insufficient_funds", "ok",
        "idempotency_conflict", "ok"]
    assert in_process[8].replayed
    assert wallets_p[0] is not None
    cash = wallets_p[0].balance("General Cash")
    assert cash is not None
    # A transfer with its fee, and the committed part of the reservation.
    assert cash.total == 55_000 - 10_000 - in_process[6].data["fee"] - 7_000
    assert cash.buckets[-1].expires_at == Clock().now + 60 * 86_400  # the later expiry won


async def test_a_killed_writer_is_replaced_and_nothing_applies_twice(tmp_path: Path) -> None:
    ledger = Ledger(SqliteStore(tmp_path / "l.db", writer="process"), pin_pepper="p",
                    clock=Clock())
    await ledger.open()
    try:
        await LedgerAdmin(ledger).save_provider(demo_catalog())
        credit = c.Adjust(key="a", msisdn=A, balance_type="General Cash", amount=100,
                          reason="credit")
        assert (await ledger.execute(c.CreateWallet(key="w", msisdn=A,
                                                    provider="Demo Telecom"))).ok
        assert (await ledger.execute(credit)).ok
        pid = ledger.store.writer_pid
        assert pid is not None
        assert pid != os.getpid()
        os.kill(pid, signal.SIGKILL)
        async with asyncio.timeout(DEADLINE_S):
            again = await ledger.execute(credit)  # a caller's retry after the crash
            more = await ledger.execute(dataclasses.replace(credit, key="b"))
        assert again.ok
        assert again.replayed
        assert more.ok
        assert ledger.store.writer_pid not in (None, pid)
        wallet = await ledger.wallet(A)
        assert wallet is not None
        cash = wallet.balance("General Cash")
        assert cash is not None
        assert cash.total == 200  # "a" once, "b" once
        assert await problems(ledger.store, ledger.clock()) == []
    finally:
        async with asyncio.timeout(DEADLINE_S):
            await ledger.close()


async def test_close_ends_the_writer_process(tmp_path: Path) -> None:
    ledger = Ledger(SqliteStore(tmp_path / "l.db", writer="process"), pin_pepper="p",
                    clock=Clock())
    await ledger.open()
    pid = ledger.store.writer_pid
    assert pid is not None
    os.kill(pid, 0)  # alive while open
    await ledger.close()
    deadline = time.monotonic() + DEADLINE_S
    while True:  # the fork server reaps it; poll until the pid is gone
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "writer process still running after close"
        await asyncio.sleep(0.01)


def test_a_spinning_wait_sees_a_batch_already_waiting() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(b"x")
        started = time.monotonic()
        assert await_next(ours, spin_s=DEADLINE_S)
        assert time.monotonic() - started < DEADLINE_S / 2
        assert ours.recv(1) == b"x"  # looked at, not consumed


def test_a_spinning_wait_sees_a_batch_that_comes_while_it_spins() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        sender = threading.Timer(0.05, theirs.sendall, (b"x",))
        sender.start()
        started = time.monotonic()
        assert await_next(ours, spin_s=DEADLINE_S)
        assert time.monotonic() - started < DEADLINE_S / 2
        sender.join()


def test_a_spinning_wait_gives_up_after_its_time() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        started = time.monotonic()
        assert not await_next(ours, spin_s=0.05)
        assert 0.05 <= time.monotonic() - started < DEADLINE_S


@pytest.mark.parametrize(("writer", "spin_ms"), [("thread", 5), ("process", -1)])
def test_spinning_is_only_for_a_writer_process(tmp_path: Path, writer: WriterKind,
                                               spin_ms: int) -> None:
    with pytest.raises(ValueError, match="writer_spin_ms"):
        SqliteStore(tmp_path / "l.db", writer=writer, writer_spin_ms=spin_ms)
