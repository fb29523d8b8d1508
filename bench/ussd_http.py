"""USSD over HTTP benchmark: Africa's Talking-style sessions against a real gateway process.

The gateway runs as ``selfcare serve`` in a subprocess on a free loopback port, on a temporary
ledger seeded with the demo provider, --wallets English wallets and enough vouchers; this
process is the load generator (a minimal keep-alive HTTP/1.1 client on asyncio, cheaper than
aiohttp's client, so that more of the two cores go to the gateway). Two dialogue paths:

* balance: dial ``*100#``, then ``1``;
* recharge: dial ``*100#``, ``2``, then a fresh voucher PIN.

Each path runs at max rate (closed loop: --sessions concurrent dialogues back to back) and at
each --rate (open loop: dialogues arrive on a fixed schedule; a dialogue's steps are due
--think-ms apart and each step's latency counts from when it was due, so a slow server cannot
hide its queueing by slowing the load down). Prints dialogue steps per second and p50/p99
latency per run and the median over --repeat runs. Figures only; it asserts nothing.

    .venv/bin/python bench/ussd_http.py [--seconds 8] [--rate 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import commands as c
from core.seed import read_seed, seed
from core.service import LedgerAdmin
from gateway.ledger_factory import build_ledger
from gateway.settings import LedgerSettings, Settings

REPO = Path(__file__).resolve().parent.parent
DEMO_SEED = REPO / "config" / "ledger" / "demo.toml"
_LENGTH = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")


def msisdn(i: int) -> str:
    return f"+2547{20_000_000 + i:08d}"


# -- the gateway under test ------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def prepare_ledger(path: Path, wallets: int, vouchers: int) -> list[str]:
    """The demo provider, ``wallets`` funded English wallets and ``vouchers`` PINs."""
    settings = Settings(ledger=LedgerSettings(path=path))
    async with build_ledger(settings) as ledger:
        await seed(ledger, {k: v for k, v in read_seed(DEMO_SEED).items()
                            if k != "voucher_batches"})
        await ledger.execute_many([c.CreateWallet(key=f"bw{i}", msisdn=msisdn(i),
                                                  provider="Demo Telecom", language="en")
                                   for i in range(wallets)])
        await ledger.execute_many([c.Adjust(key=f"bf{i}", msisdn=msisdn(i),
                                            balance_type="General Cash", amount=100_000,
                                            reason="bench funding") for i in range(wallets)])
        if not vouchers:
            return []
        pairs = await LedgerAdmin(ledger).create_vouchers(
            provider="Demo Telecom", name="bench", count=vouchers,
            values={"General Cash": 500}, validity_days=30)
    return [pin for _, pin in pairs]


class Gateway:
    def __init__(self, db: Path, port: int, synchronous: str) -> None:
        self.port = port
        env = {**os.environ, "SELFCARE_LEDGER__PATH": str(db), "SELFCARE_HTTP__PORT": str(port),
               "SELFCARE_LOGGING__LEVEL": "WARNING", "SELFCARE_LEDGER__SYNCHRONOUS": synchronous}
        self.process = subprocess.Popen([sys.executable, "-m", "gateway", "serve"], cwd=REPO,
                                        env=env, stderr=subprocess.PIPE, text=True)

    async def ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gateway exited: {self.process.stderr.read()}")  # type: ignore[union-attr]
            try:
                conn = await Connection.open(self.port)
                status, _ = await conn.request(b"GET /readyz HTTP/1.1\r\nHost: b\r\n\r\n")
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            await asyncio.sleep(0.05)
        raise RuntimeError("gateway not ready")

    def cpu_s(self) -> float:
        """CPU seconds the gateway process has used (all its threads); 0 off Linux."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# -- a minimal HTTP/1.1 keep-alive client ----------------------------------------------------

class Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None

    @classmethod
    async def open(cls, port: int) -> Connection:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(cls, "127.0.0.1", port)
        return protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        found = _LENGTH.search(self.buffer, 0, end + 2)
        total = end + 4 + (int(found.group(1)) if found else 0)
        if len(self.buffer) < total or self.waiter is None:
            return
        status = int(self.buffer[9:12])
        body = bytes(self.buffer[end + 4:total])
        del self.buffer[:total]
        self.waiter.set_result((status, body))

    def connection_lost(self, exc: Exception | None) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc or ConnectionError("closed"))

    async def request(self, payload: bytes) -> tuple[int, bytes]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(payload)
        return await self.waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def at_request(port: int, session: str, phone: str, text: str) -> bytes:
    body = urlencode({"sessionId": session, "serviceCode": "*100#", "phoneNumber": phone,
                      "networkCode": "63902", "text": text}).encode()
    return (b"POST /ussd/at HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
            % (port, len(body))) + body


# -- dialogues ---------------------------------------------------------------------------------

@dataclass
class Results:
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    steps: int = 0
    started: float = 0.0
    finished: float = 0.0
    tail_s: float = 0.0  # open loop: the last dialogue's think time, not part of the rate

    @property
    def steps_per_s(self) -> float:
        return self.steps / max(self.finished - self.started - self.tail_s, 1e-9)

    def record(self, status: int, body: bytes, expect_end: bool, latency_s: float) -> None:
        self.steps += 1
        self.latencies_s.append(latency_s)
        ok = status == 200 and body.startswith(b"END " if expect_end else b"CON ")
        if not ok or b"went wrong" in body or b"Wrong voucher" in body:
            self.errors += 1


class Workload:
    """Dialogue scripts: (texts to send, whether each answer should END)."""

    def __init__(self, path: str, wallets: int, pins: Iterator[str]) -> None:
        self.path = path
        self.wallets = wallets
        self.pins = pins  # shared by every run: a voucher recharges once
        self.n = 0

    def next(self) -> tuple[str, str, list[tuple[str, bool]]]:
        self.n += 1
        phone = msisdn(self.n % self.wallets)
        session = f"b{os.getpid()}-{time.monotonic_ns()}-{self.n}"
        if self.path == "balance":
            return session, phone, [("", False), ("1", True)]
        pin = next(self.pins)
        return session, phone, [("", False), ("2", False), (f"2*{pin}", True)]


class Pool:
    """Keep-alive connections; a request waits for a free one (that wait is latency too)."""

    def __init__(self, connections: list[Connection]) -> None:
        self.free: asyncio.Queue[Connection] = asyncio.Queue()
        for conn in connections:
            self.free.put_nowait(conn)

    async def send(self, payload: bytes) -> tuple[int, bytes]:
        conn = await self.free.get()
        try:
            return await conn.request(payload)
        finally:
            self.free.put_nowait(conn)


async def closed_loop(pool: Pool, port: int, work: Workload, sessions: int, seconds: float
                      ) -> Results:
    results = Results(started=time.perf_counter())
    stop_at = results.started + seconds

    async def user() -> None:
        while time.perf_counter() < stop_at:
            session, phone, script = work.next()
            for text, end in script:
                sent = time.perf_counter()
                status, body = await pool.send(at_request(port, session, phone, text))
                results.record(status, body, end, time.perf_counter() - sent)

    await asyncio.gather(*(user() for _ in range(sessions)))
    results.finished = time.perf_counter()
    return results


async def open_loop(pool: Pool, port: int, work: Workload, steps_per_s: float, seconds: float,
                    think_s: float) -> Results:
    steps = 2 if work.path == "balance" else 3
    interval_s = steps / steps_per_s  # between dialogue arrivals
    results = Results(started=time.perf_counter())
    tasks: list[asyncio.Task[None]] = []

    async def dialogue(due: float) -> None:
        session, phone, script = work.next()
        for k, (text, end) in enumerate(script):
            step_due = due + k * think_s
            delay = step_due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            status, body = await pool.send(at_request(port, session, phone, text))
            results.record(status, body, end, time.perf_counter() - step_due)

    results.tail_s = (steps - 1) * think_s
    arrivals = int(seconds / interval_s)
    for i in range(arrivals):
        due = results.started + i * interval_s
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(dialogue(due)))
    await asyncio.gather(*tasks)
    results.finished = time.perf_counter()
    return results


def pct_ms(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else 0.0


@dataclass
class Row:
    label: str
    steps_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_us: float  # gateway CPU per step (all its threads)
    client_us: float  # load generator CPU per step

    def show(self) -> str:
        return (f"  {self.label:<28} {self.steps_per_s:>7,.0f} steps/s  p50 {self.p50_ms:6.2f} ms"
                f"  p99 {self.p99_ms:7.2f} ms  errors {self.errors}  CPU/step: gateway "
                f"{self.server_us:4.0f} us, load {self.client_us:4.0f} us")


async def measured(label: str, gateway: Gateway, run: Awaitable[Results]) -> Row:
    server0, client0 = gateway.cpu_s(), time.process_time()
    r = await run
    server, client = gateway.cpu_s() - server0, time.process_time() - client0
    steps = max(r.steps, 1)
    return Row(label, r.steps_per_s, pct_ms(r.latencies_s, 0.50),
               pct_ms(r.latencies_s, 0.99), r.errors, server / steps * 1e6,
               client / steps * 1e6)


def median_row(rows: list[Row]) -> Row:
    def med(name: str) -> float:
        return float(statistics.median(float(getattr(r, name)) for r in rows))

    return Row(rows[0].label + " (median)", med("steps_per_s"), med("p50_ms"), med("p99_ms"),
               sum(r.errors for r in rows), med("server_us"), med("client_us"))


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=8.0, help="per run")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (median printed)")
    ap.add_argument("--sessions", type=int, default=64, help="concurrent dialogues at max rate")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--rate", type=float, nargs="*", default=[2000.0],
                    help="fixed rates to run, in steps per second")
    ap.add_argument("--think-ms", type=float, default=200.0,
                    help="open loop: between a dialogue's steps")
    ap.add_argument("--wallets", type=int, default=1000)
    ap.add_argument("--paths", nargs="*", default=["balance", "recharge"],
                    choices=["balance", "recharge"])
    ap.add_argument("--synchronous", choices=["full", "normal"], default="full",
                    help="the ledger's durability (recharges commit)")
    args = ap.parse_args()

    print(f"USSD over HTTP: {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, gateway and load generator on this machine")
    with tempfile.TemporaryDirectory(prefix="ussd-bench-") as tmp:
        db = Path(tmp) / "ledger.db"
        recharge_runs = args.repeat * (1 + len(args.rate)) if "recharge" in args.paths else 0
        budget = int(recharge_runs * args.seconds * 4000 / 3) + 1000
        t0 = time.perf_counter()
        pins = await prepare_ledger(db, args.wallets, budget if recharge_runs else 0)
        print(f"seeded {args.wallets} wallets and {len(pins)} vouchers in "
              f"{time.perf_counter() - t0:.1f} s; ledger synchronous={args.synchronous}")
        port = free_port()
        gateway = Gateway(db, port, args.synchronous)
        try:
            await gateway.ready()
            connections = [await Connection.open(port) for _ in range(args.connections)]
            pool = Pool(connections)
            pin_iter = iter(pins)
            for path in args.paths:
                work = Workload(path, args.wallets, pin_iter)
                # Warm up: templates, connections, SQLite page cache.
                await closed_loop(pool, port, work, args.sessions, 1.0)
                print(f"{path} path:")
                rows = []
                for _ in range(args.repeat):
                    row = await measured("max rate", gateway, closed_loop(
                        pool, port, work, args.sessions, args.seconds))
                    print(row.show())
                    rows.append(row)
                print(median_row(rows).show())
                for rate in args.rate:
                    rows = []
                    for _ in range(args.repeat):
                        row = await measured(f"fixed {rate:,.0f} steps/s", gateway, open_loop(
                            pool, port, work, rate, args.seconds, args.think_ms / 1000))
                        print(row.show())
                        rows.append(row)
                    print(median_row(rows).show())
            for conn in connections:
                conn.close()
        finally:
            gateway.stop()


if __name__ == "__main__":
    asyncio.run(main())
