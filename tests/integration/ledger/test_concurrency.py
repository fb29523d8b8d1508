"""Many writers at once on the same hot wallets: asyncio tasks sharing one Ledger (group commit
gathers them into shared transactions), and OS processes each with a Ledger of its own on one
SQLite file. Whatever the interleaving, no value is created or lost, each successful outcome
had exactly its effect, an idempotency key has one effect, and a voucher is redeemed once."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from core.outcomes import Outcome, Status
from core.service import Ledger, LedgerAdmin
from tests.integration.ledger.invariants import problems, system_balance
from tests.integration.ledger.ledger_worker import (
    HOT,
    Record,
    effects,
    same_key_transfer,
    traffic,
)
from tests.ledger_support import REPO, Clock, balance, new_wallet

WORKER = Path(__file__).with_name("ledger_worker.py")
FUNDING = 250_000  # enough for most of the traffic below; some of it runs out of funds
PROCESS_TIMEOUT_S = 60


async def fund_hot_wallets(ledger: Ledger, funding: int = FUNDING) -> None:
    for msisdn in HOT:
        await new_wallet(ledger, msisdn, cash=funding)


async def assert_effects_match(ledger: Ledger, clock: Clock, records: list[Record],
                               funding: int = FUNDING) -> None:
    """Each hot wallet holds its funding plus what the successful outcomes say happened to it;
    the fee and revenue accounts hold what those outcomes paid; the file is healthy."""
    change, fees, revenue = effects(records)
    assert {m: await balance(ledger, m) for m in HOT} == {m: funding + change[m] for m in HOT}
    assert await system_balance(ledger.store, "fees") == fees
    assert await system_balance(ledger.store, "revenue") == revenue
    spent = {m: sum(r["used"] for r in records if r["op"] == "commit" and r["msisdn"] == m)
             for m in HOT}
    assert {m: await balance(ledger, m, "Monthly Spend") for m in HOT} == spent
    assert await problems(ledger.store, clock()) == []


def assert_sessions_completed(records: list[Record]) -> None:
    """Funds may run out under contention; nothing else may go wrong. Every reservation that
    was granted was then committed or released."""
    statuses = {(r["op"], r["status"]) for r in records}
    assert statuses <= {("transfer", "ok"), ("transfer", "insufficient_funds"),
                        ("reserve", "ok"), ("reserve", "insufficient_funds"),
                        ("commit", "ok"), ("release", "ok")}, statuses
    assert ("transfer", "ok") in statuses
    assert ("commit", "ok") in statuses
    granted = sum(1 for r in records if r["op"] == "reserve" and r["status"] == "ok")
    ended = sum(1 for r in records if r["op"] in ("commit", "release"))
    assert granted == ended


async def reservation_states(ledger: Ledger) -> dict[str, int]:
    return dict(await ledger.store.query(
        "SELECT state, COUNT(*) FROM reservations GROUP BY state"))


# -- processes -----------------------------------------------------------------------------------

async def start_worker(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), *args, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)})


async def run_together(argvs: Iterable[list[str]]) -> list[list[Record]]:
    """Start one worker per argv, wait until every one has opened its ledger, release them
    all at once, and return each one's records."""
    procs = [await start_worker(*argv) for argv in argvs]
    try:
        for proc in procs:
            assert proc.stdout is not None
            ready = await asyncio.wait_for(proc.stdout.readline(), PROCESS_TIMEOUT_S)
            if ready != b"ready\n":
                proc.kill()
                _out, err = await proc.communicate()
                raise AssertionError(f"worker not ready: {ready!r} {err.decode()}")
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
        finished = await asyncio.wait_for(
            asyncio.gather(*(proc.communicate() for proc in procs)), PROCESS_TIMEOUT_S)
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    results = []
    for proc, (out, err) in zip(procs, finished, strict=True):
        assert proc.returncode == 0, err.decode()
        lines = out.decode().splitlines()
        assert lines[-1] == "done", err.decode()
        results.append([json.loads(line) for line in lines[:-1]])
    return results


# -- (a) tasks sharing one Ledger ----------------------------------------------------------------

async def test_concurrent_tasks_on_hot_wallets_have_exactly_their_effects(
        ledger: Ledger, clock: Clock) -> None:
    await fund_hot_wallets(ledger)
    records: list[Record] = []
    batches_before, commands_before = ledger.batches, ledger.batched_commands

    await traffic(ledger, "task", seed=7, tasks=12, steps=25, report=records.append)

    assert_sessions_completed(records)
    # Group commit really gathered concurrent commands into shared transactions.
    batches = ledger.batches - batches_before
    assert ledger.batched_commands - commands_before > batches
    await assert_effects_match(ledger, clock, records)
    assert set(await reservation_states(ledger)) <= {"committed", "released"}


async def test_money_is_conserved_in_every_snapshot_taken_during_the_traffic(
        ledger: Ledger, clock: Clock) -> None:
    await fund_hot_wallets(ledger)
    records: list[Record] = []
    total = len(HOT) * FUNDING
    sums: list[int] = []

    async def watch(done: asyncio.Event) -> None:
        # Each query is one read snapshot: hot wallets + fees + revenue is always the funding.
        while not done.is_set():
            rows = await ledger.store.query(
                "SELECT (SELECT SUM(k.value) FROM buckets k JOIN balance_types t "
                "ON t.id = k.type_id WHERE t.name = 'General Cash') + "
                "(SELECT COALESCE(SUM(s.value), 0) FROM system_balances s JOIN balance_types t "
                "ON t.id = s.type_id WHERE t.name = 'General Cash' "
                "AND s.account IN ('fees', 'revenue'))")
            sums.append(rows[0][0])

    done = asyncio.Event()
    watcher = asyncio.create_task(watch(done))
    try:
        await traffic(ledger, "watched", seed=11, tasks=8, steps=15, report=records.append)
    finally:
        done.set()
        await watcher

    assert sums  # the watcher saw the traffic at least once
    assert set(sums) == {total}
    assert_sessions_completed(records)
    await assert_effects_match(ledger, clock, records)


# -- (b) processes sharing one file --------------------------------------------------------------

async def test_processes_sharing_one_file_have_exactly_their_effects(
        ledger: Ledger, clock: Clock, tmp_path: Path) -> None:
    await fund_hot_wallets(ledger, 3 * FUNDING)
    db = str(tmp_path / "ledger.db")

    results = await run_together(
        [["traffic", db, f"proc{i}", str(100 + i), "8", "40"] for i in range(3)])

    records = [r for result in results for r in result]
    assert_sessions_completed(records)
    await assert_effects_match(ledger, clock, records, 3 * FUNDING)
    assert set(await reservation_states(ledger)) <= {"committed", "released"}
    stored = {k for (k,) in await ledger.store.query("SELECT key FROM idempotency")}
    assert {r["key"] for r in records} <= stored
    # The two processes' transactions really interleaved (A ... B ... A or B ... A ... B).
    order = [key.split(".")[0] for (key,) in await ledger.store.query(
        "SELECT idempotency_key FROM operations WHERE idempotency_key LIKE 'proc%' "
        "ORDER BY id")]
    switches = sum(1 for a, b in itertools.pairwise(order) if a != b)
    assert switches >= 2, order


# -- (c) one idempotency key, many concurrent copies ---------------------------------------------

def assert_one_effect(outcomes: list[Outcome]) -> None:
    originals = [o for o in outcomes if not o.replayed]
    assert len(originals) == 1, outcomes
    assert originals[0].ok, originals[0]
    assert {json.dumps(o.to_json(), sort_keys=True) for o in outcomes} == {
        json.dumps(originals[0].to_json(), sort_keys=True)}


async def test_twenty_concurrent_copies_of_one_transfer_move_money_once(
        ledger: Ledger, clock: Clock) -> None:
    await fund_hot_wallets(ledger)
    cmd = same_key_transfer("same-key-in-process")

    outcomes = await asyncio.gather(*(ledger.execute(cmd) for _ in range(20)))

    assert_one_effect(list(outcomes))
    assert await balance(ledger, HOT[0]) == FUNDING - cmd.amount - 100
    assert await balance(ledger, HOT[1]) == FUNDING + cmd.amount
    assert await ledger.store.query(
        "SELECT COUNT(*) FROM operations WHERE idempotency_key = ?", (cmd.key,)) == [(1,)]
    assert await problems(ledger.store, clock()) == []


async def test_copies_of_one_transfer_from_two_processes_move_money_once(
        ledger: Ledger, clock: Clock, tmp_path: Path) -> None:
    await fund_hot_wallets(ledger)
    db = str(tmp_path / "ledger.db")
    key = "same-key-two-processes"

    results = await run_together([["same-key", db, "10", key] for _ in range(2)])

    outcomes = [Outcome.from_json(r["outcome"], replayed=r["replayed"])
                for result in results for r in result]
    assert len(outcomes) == 20
    assert_one_effect(outcomes)
    amount = same_key_transfer(key).amount
    assert await balance(ledger, HOT[0]) == FUNDING - amount - 100
    assert await balance(ledger, HOT[1]) == FUNDING + amount
    assert await problems(ledger.store, clock()) == []


# -- (d) one voucher, many subscribers -----------------------------------------------------------

async def test_a_voucher_redeemed_by_ten_subscribers_at_once_pays_one_of_them(
        ledger: Ledger, clock: Clock) -> None:
    [(serial, pin)] = await LedgerAdmin(ledger).create_vouchers(
        provider="Demo Telecom", name="race", count=1, values={"General Cash": 5_000},
        validity_days=30)
    subscribers = [f"+2547330000{i:02d}" for i in range(10)]
    for msisdn in subscribers:
        await new_wallet(ledger, msisdn)

    outcomes = await asyncio.gather(*(ledger.recharge(m, pin, key=f"recharge:{m}")
                                      for m in subscribers))

    winners = [m for m, o in zip(subscribers, outcomes, strict=True) if o.ok]
    assert len(winners) == 1, outcomes
    assert sorted(o.status for o in outcomes) == sorted([Status.OK] + [Status.VOUCHER_USED] * 9)
    assert {o.data["serial"] for o in outcomes} == {serial}
    assert {m: await balance(ledger, m) for m in subscribers} == {
        m: 5_000 if m in winners else 0 for m in subscribers}
    info = await LedgerAdmin(ledger).voucher(serial)
    assert info is not None
    assert (info.state, info.redeemed_by_msisdn) == ("redeemed", winners[0])

    # Later attempts, with new keys, find it used too; the winner's key replays its success.
    again = await asyncio.gather(*(ledger.recharge(m, pin, key=f"again:{m}")
                                   for m in subscribers))
    assert {o.status for o in again} == {Status.VOUCHER_USED}
    replay = await ledger.recharge(winners[0], pin, key=f"recharge:{winners[0]}")
    assert replay.replayed
    assert replay.to_json() == outcomes[subscribers.index(winners[0])].to_json()
    assert await problems(ledger.store, clock()) == []

