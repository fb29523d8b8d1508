"""Ledger benchmark: the public charging demo workload (srmadscience "charglt").

80% "report usage and reserve more" (commit what was used of the session's reservation and
reserve the next chunk; a caller's first touch of a wallet just reserves) and 20% "add credit",
each with a unique transaction id (idempotency key), over --wallets wallets, with --callers
concurrent callers, durable commits (synchronous=FULL). Prints throughput, latency percentiles
and group-commit figures, then single-call latencies of inquiry, recharge and transfer.

    .venv/bin/python bench/ledger.py [--wallets 100000] [--callers 64] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import commands as c
from core.service import Ledger, LedgerAdmin
from core.storage.sqlite import SqliteStore
from tests.ledger_support import demo_catalog

RUN = f"{time.time():.0f}"  # idempotency keys unique per run: a reused database replays nothing
# ... and per phase: two phases of one run must not share keys either (they would replay)
PHASES = itertools.count()
CHUNK = 500  # reserve KES 5.00 at a time
CREDIT = 10_000


def msisdn(i: int) -> str:
    return f"+2547{10_000_000 + i:08d}"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def rates(text: str) -> list[float]:
    try:
        found = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"comma-separated ops/s, got {text!r}") from None
    if any(r < 0 for r in found):
        raise argparse.ArgumentTypeError("rates are ops/s, 0 or more")
    return found


async def seed(ledger: Ledger, wallets: int) -> None:
    await LedgerAdmin(ledger).save_provider(demo_catalog())
    step = 2000
    for start in range(0, wallets, step):
        await ledger.execute_many([
            c.CreateWallet(key=f"w{i}", msisdn=msisdn(i), provider="Demo Telecom")
            for i in range(start, min(wallets, start + step))])
        await ledger.execute_many([
            c.Adjust(key=f"f{i}", msisdn=msisdn(i), balance_type="General Cash",
                     amount=1_000_000, reason="bench funding")
            for i in range(start, min(wallets, start + step))])


async def caller(ledger: Ledger, wallets: int, stop_at: float, rng: random.Random,
                 sessions: dict[int, int], latencies: list[float], counts: dict[str, int],
                 caller_id: str, interval: float | None = None, offset: float = 0.0) -> None:
    """One caller. Closed loop (interval None): the next op as soon as the last returns.
    Open loop: ops at fixed times; latency counts from the intended start, so time spent
    queued behind a slow op is not hidden (no coordinated omission)."""
    n = 0
    due = time.perf_counter() + offset
    while (now := time.perf_counter()) < stop_at:
        if interval is not None:
            if due > now:
                await asyncio.sleep(due - now)
            started = due
            due += interval
        else:
            started = now
        n += 1
        i = rng.randrange(wallets)
        key = f"c{RUN}-{caller_id}-{n}"
        if rng.random() < 0.2:
            outcome = await ledger.execute(c.Adjust(
                key=key, msisdn=msisdn(i), balance_type="General Cash", amount=CREDIT,
                reason="add credit"))
            kind = "add_credit"
        elif i in sessions:
            rid = sessions.pop(i)
            outcome = await ledger.execute(c.ReportUsage(
                key=key, reservation_id=rid, used=rng.randrange(CHUNK + 1),
                reserve_next=CHUNK, ttl_s=300))
            if outcome.ok and outcome.data.get("next_reservation_id"):
                sessions[i] = outcome.data["next_reservation_id"]
            kind = "usage_and_reserve"
        else:
            outcome = await ledger.execute(c.Reserve(
                key=key, msisdn=msisdn(i), amount=CHUNK, ttl_s=300, session_id=key))
            if outcome.ok:
                sessions[i] = outcome.data["reservation_id"]
            kind = "reserve"
        latencies.append(time.perf_counter() - started)
        counts[kind] = counts.get(kind, 0) + 1
        counts[outcome.status.value] = counts.get(outcome.status.value, 0) + 1


async def single_calls(ledger: Ledger, wallets: int, repeat: int) -> dict[str, list[float]]:
    admin = LedgerAdmin(ledger)
    run = f"{time.time():.0f}"  # keys unique per run, so a reused database replays nothing
    pins = await admin.create_vouchers(provider="Demo Telecom", name=f"bench-{time.time()}",
                                       count=repeat, values={"General Cash": 1000},
                                       validity_days=30)
    out: dict[str, list[float]] = {"inquiry": [], "recharge": [], "transfer": []}
    for n in range(repeat):
        a, b = msisdn(n % wallets), msisdn((n + 1) % wallets)
        t = time.perf_counter()
        assert await ledger.wallet(a) is not None
        out["inquiry"].append(time.perf_counter() - t)
        t = time.perf_counter()
        assert (await ledger.recharge(a, pins[n][1], key=f"rc{run}-{n}")).ok
        out["recharge"].append(time.perf_counter() - t)
        t = time.perf_counter()
        assert (await ledger.execute(c.Transfer(key=f"tr{run}-{n}", from_msisdn=a, to_msisdn=b,
                                                amount=1000))).ok
        out["transfer"].append(time.perf_counter() - t)
    return out


async def run_phase(ledger: Ledger, args: argparse.Namespace, rng: random.Random,
                    sessions: dict[int, int], name: str, seconds: float, rate: float | None,
                    *, report: bool = True) -> None:
    latencies: list[float] = []
    counts: dict[str, int] = {}
    batches0, cmds0 = ledger.batches, ledger.batched_commands
    cpu0, writer0 = time.process_time(), ledger.store.writer_cpu_s
    cache0 = ledger.store.wallet_cache_stats
    wal0 = ledger.store.wal_stats
    interval = args.callers / rate if rate else None
    phase = next(PHASES)
    started = time.perf_counter()
    await asyncio.gather(*(
        caller(ledger, args.wallets, started + seconds, random.Random(rng.random()), sessions,
               latencies, counts, f"{phase}.{k}", interval,
               (interval or 0) * k / args.callers)
        for k in range(args.callers)))
    elapsed = time.perf_counter() - started
    service_cpu = time.process_time() - cpu0
    writer_cpu = ledger.store.writer_cpu_s - writer0
    if not report:
        return
    batches = ledger.batches - batches0
    cmds = ledger.batched_commands - cmds0
    print(f"{name}: {len(latencies) / elapsed:,.0f} ops/s ({len(latencies)} ops in "
          f"{elapsed:.1f}s); latency ms p50 {pct(latencies, 0.50):.2f}  "
          f"p99 {pct(latencies, 0.99):.2f}  p99.9 {pct(latencies, 0.999):.2f}  "
          f"max {max(latencies) * 1000:.2f}; {batches} transactions of "
          f"{cmds / max(batches, 1):.1f} commands")
    print(f"  outcomes: {counts}")
    # CPU per command judges a change better than ops/s on a machine others share.
    where = "service process incl. writer thread" if args.writer == "thread" else (
        "service process (client, loop, checkpoints)")
    print(f"  CPU per command: writer {writer_cpu / max(cmds, 1) * 1e6:.0f} us; {where} "
          f"{service_cpu / max(cmds, 1) * 1e6:.0f} us")
    wal = ledger.store.wal_stats
    print(f"  WAL: {wal.checkpoints - wal0.checkpoints} checkpoints, "
          f"{wal.caught_up - wal0.caught_up} of {wal.holds - wal0.holds} with writes held "
          f"copied every frame (the WAL then starts again), writes held "
          f"{(wal.held_s - wal0.held_s) * 1000:.0f} ms in all; longest hold so far "
          f"{wal.longest_hold_s * 1000:.1f} ms; largest WAL so far {wal.largest_frames} frames")
    cache = ledger.store.wallet_cache_stats
    if args.wallet_cache:
        hits, misses = cache.hits - cache0.hits, cache.misses - cache0.misses
        print(f"  wallet cache: {hits / max(hits + misses, 1):.0%} of {hits + misses} wallet "
              f"loads hit; emptied {cache.clears - cache0.clears} times; {cache.size} held")


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wallets", type=int, default=100_000)
    ap.add_argument("--callers", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--rate", type=rates, default=[5000.0],
                    help="offered ops/s of the fixed-rate phase; several, comma-separated, "
                         "run one phase each (to find the knee); 0: skip it")
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--db", type=Path, default=None, help="reuse a seeded database file")
    ap.add_argument("--single", type=int, default=300, help="single calls of each kind")
    ap.add_argument("--max-batch", type=int, default=256,
                    help="most commands per group-commit transaction")
    ap.add_argument("--writer", choices=("process", "thread"), default="thread",
                    help="where the group-commit writer runs (SqliteStore(writer=...))")
    ap.add_argument("--synchronous", choices=("FULL", "NORMAL"), default="FULL",
                    help="SQLite synchronous: FULL (durable commits, the target's condition) "
                         "or NORMAL (WAL: a power cut may lose the last commits)")
    ap.add_argument("--wal-sync", choices=("syncer", "commit"), default="syncer",
                    help="with FULL: flush the WAL on a syncer thread while the writer goes "
                         "on (default), or inside each COMMIT")
    ap.add_argument("--writer-spin-ms", type=int, default=0,
                    help="with --writer process: how long the writer waits for the next batch "
                         "without sleeping")
    ap.add_argument("--wallet-cache", type=int, default=0,
                    help="wallets the writer keeps between batches (SqliteStore(wallet_cache="
                         "...)); 0: none")
    ap.add_argument("--wal-restart-mib", type=int, default=256,
                    help="WAL size at which the checkpointer holds writes for a moment so "
                         "that the WAL starts again (SqliteStore(wal_restart_mib=...))")
    ap.add_argument("--switch-interval-ms", type=float, default=None,
                    help="sys.setswitchinterval for the run (default: Python's 5 ms)")
    ap.add_argument("--no-gc-freeze", action="store_true",
                    help="leave the cyclic collector as Python sets it")
    args = ap.parse_args()
    if args.switch_interval_ms:
        sys.setswitchinterval(args.switch_interval_ms / 1000)

    path = args.db or Path(tempfile.mkdtemp(prefix="selfcare-bench-")) / "ledger.db"
    fresh = not path.exists()
    async with Ledger(SqliteStore(path, synchronous=args.synchronous, writer=args.writer,
                                  wal_sync=args.wal_sync,
                                  writer_spin_ms=args.writer_spin_ms,
                                  wallet_cache=args.wallet_cache,
                                  wal_restart_mib=args.wal_restart_mib),
                      pin_pepper="bench",
                      max_batch=args.max_batch) as ledger:
        await measure(ledger, args, path, fresh)


async def measure(ledger: Ledger, args: argparse.Namespace, path: Path, fresh: bool) -> None:
    if fresh:
        t = time.perf_counter()
        await seed(ledger, args.wallets)
        print(f"seeded {args.wallets} wallets in {time.perf_counter() - t:.1f}s")

    sessions: dict[int, int] = {}
    rng = random.Random(7)
    print(f"conditions: python {platform.python_version()}, {os.cpu_count()} cores, "
          f"{args.wallets} wallets, {args.callers} callers, {args.seconds:.0f}s per phase, "
          f"synchronous={args.synchronous} (WAL flush: {args.wal_sync}), WAL, writer in a "
          f"{args.writer}, client in the service's process")
    await run_phase(ledger, args, rng, sessions, "warm-up", args.warmup, None, report=False)
    if not args.no_gc_freeze:
        # As `selfcare serve` does once started (gateway/server.py): a full collection would
        # otherwise walk every long-lived object and stall the loop and the writer.
        gc.collect()
        gc.freeze()
    await run_phase(ledger, args, rng, sessions, "max rate (closed loop)", args.seconds, None)
    for rate in args.rate:
        if rate > 0:
            await run_phase(ledger, args, rng, sessions, f"fixed rate {rate:,.0f} ops/s",
                            args.seconds, rate)
    singles = await single_calls(ledger, args.wallets, args.single) if args.single else {}
    for kind, values in singles.items():
        print(f"single {kind}: median {statistics.median(values) * 1000:.2f} ms  "
              f"p99 {pct(values, 0.99):.2f} ms")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = await asyncio.to_thread(os.path.getsize, path) / 1e6
    writer_rss = ""
    if ledger.store.writer_pid is not None:
        writer_rss = f"; writer process {peak_rss_mib(ledger.store.writer_pid):.0f} MiB"
    print(f"peak RSS: {rss_mb:.0f} MiB{writer_rss}; database {size_mb:.0f} MB at {path}")


def peak_rss_mib(pid: int) -> float:
    """A process's peak resident set (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    asyncio.run(main())
