"""Fixtures for the gateway over real HTTP (pytest-aiohttp), a real SQLite ledger and, for the
shared-session tests, a real redis-server.

The demo ledger is seeded once per test session into a template file; each test gets its own
copy, so every test starts from the same wallets and voucher PINs. The channels (renderer,
menus, plans) are built once from that template and handed to each app: building them costs
more than most tests.
"""

from __future__ import annotations

import asyncio
import os
import selectors
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

from core.seed import read_seed, seed
from gateway.channels import Channels, build_channels
from gateway.ledger_factory import build_ledger
from gateway.settings import (
    LedgerSettings,
    Secret,
    SecuritySettings,
    SessionBackend,
    SessionSettings,
    Settings,
    SyncMode,
)
from tests.integration.gateway.phone import Gateway

REPO = Path(__file__).resolve().parents[3]
DEMO_SEED = REPO / "config" / "ledger" / "demo.toml"
PEPPER = "gateway-test-pepper"


@dataclass(frozen=True)
class Template:
    path: Path
    pins: tuple[str, ...]  # the demo batch's voucher PINs, each worth KES 50.00


def ledger_settings(path: Path) -> LedgerSettings:
    # NORMAL: the tests need no power-loss durability, and fsyncs would dominate their time.
    return LedgerSettings(path=path, pin_pepper=Secret(PEPPER), synchronous=SyncMode.NORMAL)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    path = tmp_path_factory.mktemp("ledger-template") / "ledger.db"

    async def seeded() -> tuple[str, ...]:
        async with build_ledger(Settings(ledger=ledger_settings(path))) as ledger:
            report = await seed(ledger, read_seed(DEMO_SEED))
        assert not report.failures, report.failures
        return tuple(pin for _, pin in report.vouchers)

    return Template(path, asyncio.run(seeded()))


@pytest.fixture(scope="session")
def channels(template: Template) -> Channels:
    async def built() -> Channels:
        async with build_ledger(Settings(ledger=ledger_settings(template.path))) as ledger:
            return await build_channels(Settings(ledger=ledger_settings(template.path)), ledger)

    return asyncio.run(built())


@pytest.fixture
def ledger_file(tmp_path: Path, template: Template) -> Path:
    target = tmp_path / "ledger.db"
    shutil.copyfile(template.path, target)
    return target


@pytest.fixture
def pins(template: Template) -> list[str]:
    return list(template.pins)


@dataclass
class SessionClock:
    """Monotonic seconds for the in-memory session store, moved on by hand."""

    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def session_clock() -> SessionClock:
    return SessionClock()


@pytest.fixture
def settings(ledger_file: Path) -> Settings:
    return Settings(ledger=ledger_settings(ledger_file))


@pytest.fixture
async def gateway(aiohttp_client: object, settings: Settings, channels: Channels,
                  session_clock: SessionClock) -> Gateway:
    return await Gateway.start(aiohttp_client, settings, channels=channels, clock=session_clock)


def signed_settings(settings: Settings, *, secret: str = "", allow: tuple[str, ...] = ()
                    ) -> Settings:
    return Settings(ledger=settings.ledger,
                    security=SecuritySettings(auth_enabled=True, hmac_secret=Secret(secret),
                                              allow_list=allow))


# -- a real redis-server -------------------------------------------------------------------------

@dataclass
class RedisServer:
    url: str
    process: subprocess.Popen[bytes]
    client: redis.Redis[bytes] = field(init=False)

    def __post_init__(self) -> None:
        self.client = redis.Redis.from_url(self.url)


def _start_redis(directory: Path, binary: str, deadline_s: float = 20.0) -> RedisServer:
    """redis-server on a unix socket in ``directory``; ready when its log says so and it
    answers PING (no sleeping: the log line is read as it comes, against a deadline)."""
    socket_path = directory / "redis.sock"
    process = subprocess.Popen(
        [binary, "--port", "0", "--unixsocket", str(socket_path), "--unixsocketperm", "700",
         "--save", "", "--appendonly", "no", "--dir", str(directory), "--loglevel", "notice"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    deadline = time.monotonic() + deadline_s
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    log = b""
    try:
        # "Ready to accept connections" (TCP) or "...now ready to accept connections at <socket>".
        # os.read, not readline(): a buffered reader could hold the ready line in its buffer
        # where select() does not see it, and the loop would wait out the deadline.
        while b"ready to accept connections" not in log.lower():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or process.poll() is not None:
                raise RuntimeError("redis-server did not start: " + log.decode(errors="replace"))
            if selector.select(timeout=remaining):
                log += os.read(process.stdout.fileno(), 65536)
    except BaseException:
        process.kill()
        process.wait(timeout=10)
        raise
    finally:
        selector.close()
    # Keep reading its output, so that a full pipe can never block the server.
    threading.Thread(target=process.stdout.read, name="redis-log", daemon=True).start()
    server = RedisServer(f"unix://{socket_path}", process)
    assert server.client.ping()
    return server


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server is needed for the shared-session tests"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI must run them (scripts/ensure-peers.sh installs it)")
        pytest.skip(f"{reason}; `make peers` (scripts/ensure-peers.sh) installs it")
    server = _start_redis(tmp_path_factory.mktemp("redis"), binary)
    try:
        yield server
    finally:
        server.client.close()
        server.process.terminate()
        server.process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.client.flushall()
    return redis_server.url


def redis_settings(settings: Settings, url: str) -> Settings:
    return Settings(ledger=settings.ledger,
                    sessions=SessionSettings(backend=SessionBackend.REDIS, redis_url=url))

