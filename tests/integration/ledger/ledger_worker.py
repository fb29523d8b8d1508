"""A ledger client for the concurrency and crash tests: in-process (the coroutines below) or in a
process of its own (run this file with ``sys.executable``, ``PYTHONPATH`` at the repository).

Every outcome is reported as one JSON line on stdout, flushed, and only once ``execute`` has
returned it: a line on the pipe is an acknowledgement the ledger gave. Modes:

- ``traffic DB NAME SEED TASKS STEPS``: prints ``ready``, waits for ``go`` on stdin, then runs
  TASKS concurrent sessions of STEPS transfers and reserve -> commit | release on the hot
  wallets; prints ``done`` at the end.
- ``same-key DB COPIES KEY``: prints ``ready``, waits for ``go``, then executes the same
  Transfer (``same_key_transfer(KEY)``) COPIES times concurrently.
- ``writer DB PREFIX``: transfers between the hot wallets and credits to the sink wallet, in
  concurrent batches, with no end: the crash test kills it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from core import commands as c
from core.outcomes import Outcome
from core.service import Ledger
from tests.integration.ledger.invariants import reopen_ledger
from tests.ledger_support import Clock

HOT = ("+254722000001", "+254722000002", "+254722000003")
SINK = "+254722000009"  # only ever credited, by the crash writer's adjustments
FEE = 100
TTL_S = 600
WRITER_BATCH = 16
WRITER_LIMIT = 100_000  # a writer nobody kills still stops

Record = dict[str, Any]
Report = Callable[[Record], None]


def record(key: str, op: str, outcome: Outcome, **params: Any) -> Record:
    return {"key": key, "op": op, **params, "status": outcome.status.value,
            "replayed": outcome.replayed, "outcome": outcome.to_json()}


async def session(ledger: Ledger, name: str, seed: int, steps: int, report: Report) -> None:
    """One subscriber-like client: a transfer, or a reservation that is then committed (all,
    part or nothing of it) or released; one after the other."""
    rng = random.Random(seed)
    for step in range(steps):
        key = f"{name}-{step}"
        if rng.random() < 0.5:
            sender, recipient = rng.sample(HOT, 2)
            amount = rng.randint(1_000, 30_000)
            outcome = await ledger.execute(c.Transfer(key=key, from_msisdn=sender,
                                                      to_msisdn=recipient, amount=amount))
            report(record(key, "transfer", outcome, sender=sender, recipient=recipient,
                          amount=amount))
            continue
        msisdn = rng.choice(HOT)
        amount = rng.randint(500, 20_000)
        held = await ledger.execute(c.Reserve(key=f"{key}-reserve", msisdn=msisdn,
                                              amount=amount, ttl_s=TTL_S, cascade="default"))
        report(record(f"{key}-reserve", "reserve", held, msisdn=msisdn, amount=amount))
        if not held.ok:
            continue
        reservation_id = held.data["reservation_id"]
        if rng.random() < 0.7:
            used = rng.randint(0, amount)
            outcome = await ledger.execute(c.CommitReservation(
                key=f"{key}-commit", reservation_id=reservation_id, used=used))
            report(record(f"{key}-commit", "commit", outcome, msisdn=msisdn, used=used))
        else:
            outcome = await ledger.execute(c.ReleaseReservation(
                key=f"{key}-release", reservation_id=reservation_id))
            report(record(f"{key}-release", "release", outcome, msisdn=msisdn))


async def traffic(ledger: Ledger, name: str, seed: int, tasks: int, steps: int,
                  report: Report) -> None:
    await asyncio.gather(*(session(ledger, f"{name}.{i}", seed * 1_000 + i, steps, report)
                           for i in range(tasks)))


def effects(records: Iterable[Record]) -> tuple[Counter[str], int, int]:
    """What the successful outcomes should have done: the change of each wallet's General
    Cash, the fees collected, and the revenue of committed reservations."""
    change: Counter[str] = Counter()
    fees = revenue = 0
    for r in records:
        if r["status"] != "ok" or r["replayed"]:
            continue
        if r["op"] == "transfer":
            change[r["sender"]] -= r["amount"] + FEE
            change[r["recipient"]] += r["amount"]
            fees += FEE
        elif r["op"] == "commit":
            change[r["msisdn"]] -= r["used"]
            revenue += r["used"]
        elif r["op"] == "adjust":
            change[r["msisdn"]] += r["amount"]
    return change, fees, revenue


def same_key_transfer(key: str) -> c.Transfer:
    return c.Transfer(key=key, from_msisdn=HOT[0], to_msisdn=HOT[1], amount=12_345)


async def writer(ledger: Ledger, prefix: str, report: Report) -> None:
    rng = random.Random(prefix)
    n = 0

    async def one(key: str) -> None:
        if rng.random() < 0.5:
            amount = rng.randint(1, 100)
            outcome = await ledger.execute(c.Adjust(key=key, msisdn=SINK, amount=amount,
                                                    balance_type="General Cash",
                                                    reason="crash test"))
            report(record(key, "adjust", outcome, msisdn=SINK, amount=amount))
        else:
            sender, recipient = rng.sample(HOT, 2)
            amount = rng.randint(1_000, 5_000)
            outcome = await ledger.execute(c.Transfer(key=key, from_msisdn=sender,
                                                      to_msisdn=recipient, amount=amount))
            report(record(key, "transfer", outcome, sender=sender, recipient=recipient,
                          amount=amount))

    while n < WRITER_LIMIT:
        keys = [f"{prefix}-{n + i}" for i in range(WRITER_BATCH)]
        n += WRITER_BATCH
        await asyncio.gather(*(one(k) for k in keys))


def emit(line: Record | str) -> None:
    print(line if isinstance(line, str) else json.dumps(line), flush=True)


async def handshake() -> None:
    emit("ready")
    go = await asyncio.to_thread(sys.stdin.readline)
    if go.strip() != "go":
        raise SystemExit(f"expected 'go', got {go!r}")


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("traffic")
    t.add_argument("db", type=Path)
    t.add_argument("name")
    for arg in ("seed", "tasks", "steps"):
        t.add_argument(arg, type=int)
    s = sub.add_parser("same-key")
    s.add_argument("db", type=Path)
    s.add_argument("copies", type=int)
    s.add_argument("key")
    w = sub.add_parser("writer")
    w.add_argument("db", type=Path)
    w.add_argument("prefix")
    args = parser.parse_args(argv)

    ledger = await reopen_ledger(args.db, Clock())
    try:
        if args.mode == "traffic":
            await handshake()
            await traffic(ledger, args.name, args.seed, args.tasks, args.steps, emit)
        elif args.mode == "same-key":
            await handshake()
            cmd = same_key_transfer(args.key)
            for outcome in await ledger.execute_many([cmd] * args.copies):
                emit(record(cmd.key, "transfer", outcome, sender=cmd.from_msisdn,
                            recipient=cmd.to_msisdn, amount=cmd.amount))
        else:
            await writer(ledger, args.prefix, emit)
    finally:
        await ledger.close()
    emit("done")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
