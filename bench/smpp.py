"""SMS keyword benchmark over SMPP: the npm SMSC floods ``BAL`` at a real gateway process.

The gateway runs as ``selfcare serve`` in a subprocess with ``[smpp] enabled`` and a window of
--window, on a temporary ledger seeded with the demo provider and --wallets funded English
wallets. The SMSC is tests/peers/smsc/smsc.js (npm ``smpp``) in its own process; its ``flood``
op keeps --window deliver_sm outstanding, each from another subscriber, and times each one from
the deliver_sm it writes to the submit_sm that answers it (so every round trip includes the
gateway's acknowledgement, the keyword parse, the real ledger lookup of that wallet, rendering
the balance in the wallet's language, and the submit_sm with its response). Prints round trips
per second and p50/p99 latency per run, and the median of --repeat runs. Figures only; it
asserts nothing.

    .venv/bin/python bench/smpp.py [--count 20000] [--repeat 3] [--window 100] [--wallets 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import commands as c
from core.seed import read_seed, seed
from gateway.ledger_factory import build_ledger
from gateway.settings import LedgerSettings, Settings
from tests.integration.smpp.node_smsc import NodeSmsc

REPO = Path(__file__).resolve().parent.parent
DEMO_SEED = REPO / "config" / "ledger" / "demo.toml"
PEER_DIR = REPO / "tests" / "peers" / "smsc"
SYSTEM_ID, PASSWORD = "bench", "benchpw"
SHORT_CODE = "100"


def subscriber(i: int) -> str:
    return f"2547{30_000_000 + i:08d}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def prepare_ledger(path: Path, wallets: int) -> None:
    """The demo provider (no vouchers) and ``wallets`` English wallets with KES 1,000."""
    async with build_ledger(Settings(ledger=LedgerSettings(path=path))) as ledger:
        await seed(ledger, {k: v for k, v in read_seed(DEMO_SEED).items()
                            if k != "voucher_batches"})
        for start in range(0, wallets, 1_000):
            chunk = range(start, min(wallets, start + 1_000))
            await ledger.execute_many([c.CreateWallet(
                key=f"bw{i}", msisdn="+" + subscriber(i), provider="Demo Telecom",
                language="en") for i in chunk])
            await ledger.execute_many([c.Adjust(
                key=f"bf{i}", msisdn="+" + subscriber(i), balance_type="General Cash",
                amount=100_000, reason="bench funding") for i in chunk])


def _setting_exists(section: str) -> bool:
    return section in {f.name for f in dataclasses.fields(Settings)}


class Gateway:
    """``selfcare serve`` bound to the SMSC at ``smsc_port``."""

    def __init__(self, db: Path, smsc_port: int, window: int) -> None:
        env = {**os.environ, "SELFCARE_LEDGER__PATH": str(db),
               "SELFCARE_LEDGER__SYNCHRONOUS": "normal",
               "SELFCARE_HTTP__PORT": str(free_port()), "SELFCARE_LOGGING__LEVEL": "WARNING",
               "SELFCARE_SMPP__ENABLED": "true", "SELFCARE_SMPP__PORT": str(smsc_port),
               "SELFCARE_SMPP__SYSTEM_ID": SYSTEM_ID, "SELFCARE_SMPP__PASSWORD": PASSWORD,
               "SELFCARE_SMPP__WINDOW": str(window),
               "SELFCARE_SMPP__THROUGHPUT_PER_S": "1000000",
               "SELFCARE_SMPP__SMS_SHORT_CODE": SHORT_CODE}
        if _setting_exists("notifications"):  # an outbox sender would share the bind
            env["SELFCARE_NOTIFICATIONS__ENABLED"] = "false"
        self.process = subprocess.Popen([sys.executable, "-m", "gateway", "serve"], cwd=REPO,
                                        env=env, stderr=subprocess.PIPE, text=True)

    def cpu_s(self) -> float:
        return process_cpu_s(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def process_cpu_s(pid: int | None) -> float:
    """CPU seconds a process has used (all its threads); 0 off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Run:
    count: int
    rate_per_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    gateway_cpu: float  # cores the gateway used on average
    smsc_cpu: float

    @property
    def gateway_cpu_ms(self) -> float:
        """Gateway CPU per round trip: steadier than the rate on a shared machine."""
        return 1000 * self.gateway_cpu / self.rate_per_s if self.rate_per_s else 0.0

    def show(self, label: str) -> str:
        return (f"  {label:<7} {self.count:>7} round trips  {self.rate_per_s:>8,.0f}/s  "
                f"p50 {self.p50_ms:6.2f} ms  p99 {self.p99_ms:6.2f} ms  "
                f"max {self.max_ms:7.2f} ms  CPU gateway {self.gateway_cpu:4.2f} "
                f"({self.gateway_cpu_ms:.3f} ms/round trip) smsc {self.smsc_cpu:4.2f} cores")


async def flood(smsc: NodeSmsc, gateway: Gateway, *, count: int, window: int,
                sources: list[str]) -> Run:
    smsc_pid = smsc.pid
    cpu0, scpu0, t0 = gateway.cpu_s(), process_cpu_s(smsc_pid), time.perf_counter()
    await smsc.send("flood", count=count, window=window, sources=sources, dest=SHORT_CODE,
                    text="BAL")
    done: dict[str, Any] = await smsc.expect("flood_done", timeout_s=600)
    wall = time.perf_counter() - t0
    return Run(done["count"], done["rate_per_s"], done["p50_ms"], done["p99_ms"],
               done["max_ms"], (gateway.cpu_s() - cpu0) / wall,
               (process_cpu_s(smsc_pid) - scpu0) / wall)


def node_peer() -> tuple[str, str]:
    """node and its version, with the peer's npm dependencies installed."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is needed for the SMSC peer (tests/peers/smsc)")
    if not (PEER_DIR / "node_modules" / "smpp").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER_DIR, check=True)
    version = subprocess.run([node, "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    return node, version


async def main(node: str, node_version: str) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--count", type=int, default=20_000, help="round trips per run")
    ap.add_argument("--repeat", type=int, default=3, help="runs (median printed)")
    ap.add_argument("--window", type=int, default=100, help="deliver_sm outstanding")
    ap.add_argument("--wallets", type=int, default=10_000, help="distinct subscribers")
    ap.add_argument("--warmup", type=int, default=2_000, help="round trips before measuring")
    args = ap.parse_args()
    print(f"SMS BAL over SMPP: {platform.python_implementation()} {platform.python_version()},"
          f" node {node_version}, {os.cpu_count()} CPUs ({platform.machine()}), "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"window {args.window}, {args.wallets} wallets, {args.count} round trips per run, "
          f"throughput_per_s 1000000 (no pacing), SQLite synchronous=normal (BAL reads only), "
          f"gateway log level WARNING, outbox notifications off")
    sources = [subscriber(i) for i in range(args.wallets)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ledger.db"
        started = time.perf_counter()
        await prepare_ledger(db, args.wallets)
        print(f"seeded {args.wallets} wallets in {time.perf_counter() - started:.1f}s")
        smsc = NodeSmsc(node, PEER_DIR, system_id=SYSTEM_ID, password=PASSWORD)
        await smsc.start()
        gateway = Gateway(db, smsc.port, args.window)
        try:
            await smsc.expect("bound", timeout_s=60)
            if args.warmup:
                warm = await flood(smsc, gateway, count=args.warmup, window=args.window,
                                   sources=sources)
                print(warm.show("warm-up"))
            runs = []
            for number in range(1, args.repeat + 1):
                run = await flood(smsc, gateway, count=args.count, window=args.window,
                                  sources=sources)
                runs.append(run)
                print(run.show(f"run {number}"))
            print(f"median: {statistics.median(r.rate_per_s for r in runs):,.0f} round trips/s,"
                  f" p50 {statistics.median(r.p50_ms for r in runs):.2f} ms,"
                  f" p99 {statistics.median(r.p99_ms for r in runs):.2f} ms,"
                  f" gateway CPU {statistics.median(r.gateway_cpu_ms for r in runs):.3f} ms"
                  f" per round trip")
        finally:
            gateway.stop()
            with contextlib.suppress(Exception):
                await smsc.stop()


if __name__ == "__main__":
    asyncio.run(main(*node_peer()))
