"""The TMF654 API as a client sees it: the whole gateway app (create_app) on a real SQLite
file with the demo seed, a read token and a write token."""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDictProxy

from core.seed import read_seed, seed
from core.service import Ledger
from gateway.app import create_app
from gateway.keys import LEDGER
from gateway.ledger_factory import build_ledger
from gateway.settings import LedgerSettings, Settings, SyncMode
from gateway.tmf import POLICY, DeliveryPolicy
from gateway.tmf.tokens import create_token
from tests.ledger_support import DEMO_SEED

BASE = "/tmf-api/prepayBalanceManagement/v4"
ALICE = "+254700000001"  # demo wallets: KES 100.00 of General Cash each
BOB = "+254700000002"  # also KES 25.00 of Promo Cash
CAROL = "+254700000003"
FAST = DeliveryPolicy(poll_s=0.05, backoff_base_s=0.05, backoff_max_s=0.2, max_attempts=4,
                      timeout_s=2.0, lease_s=5.0)


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: Any
    headers: CIMultiDictProxy[str]

    def error_field(self) -> str:
        """The field a TMF error names (its message starts with it)."""
        assert self.body["@type"] == "Error", self.body
        assert self.body["status"] == str(self.status)
        return str(self.body["message"]).split(":", 1)[0]


@dataclass
class Api:
    client: TestClient[web.Request, web.Application]
    ledger: Ledger
    read: str
    write: str
    vouchers: list[tuple[str, str]]
    keys: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def key(self) -> str:
        return f"test-key-{next(self.keys)}"

    async def call(self, method: str, path: str, *, token: str | None = "",
                   body: Any = None, params: Mapping[str, str] | None = None,
                   headers: Mapping[str, str] | None = None) -> Reply:
        sent = dict(headers or {})
        chosen = (self.write if method != "GET" else self.read) if token == "" else token
        if chosen is not None:
            sent["Authorization"] = f"Bearer {chosen}"
        async with self.client.request(method, f"{BASE}{path}", json=body, params=params,
                                       headers=sent) as response:
            text = await response.text()
            return Reply(response.status, json.loads(text) if text else None,
                         response.headers)

    async def get(self, path: str, **params: str) -> Reply:
        return await self.call("GET", path, params=params)

    async def post(self, path: str, body: Any, *, key: str | None = "",
                   token: str | None = "") -> Reply:
        headers = {} if key is None else {"Idempotency-Key": key or self.key()}
        return await self.call("POST", path, body=body, headers=headers, token=token)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(ledger=LedgerSettings(path=tmp_path / "ledger.db",
                                          synchronous=SyncMode.NORMAL))


async def open_api(client_factory: Any, settings: Settings,
                   policy: DeliveryPolicy = FAST) -> Api:
    """Seed the demo ledger and make tokens (the gateway needs its provider at start-up),
    then start the whole app on it."""
    async with build_ledger(settings) as ledger:
        report = await seed(ledger, read_seed(DEMO_SEED))
        assert not report.failures, report.failures
        suffix = "" if not await ledger.store.query("SELECT 1 FROM tmf_tokens") else \
            f"-{secrets.token_hex(4)}"  # a second app on the same database
        read = await create_token(ledger, name=f"reader{suffix}", role="read")
        write = await create_token(ledger, name=f"writer{suffix}", role="write")
    app = create_app(settings)
    app[POLICY] = policy
    client = await client_factory(app)
    return Api(client, app[LEDGER], read, write, report.vouchers)


@pytest.fixture
async def api(aiohttp_client: Any, settings: Settings) -> Api:
    return await open_api(aiohttp_client, settings)


def party(msisdn: str) -> list[dict[str, str]]:
    return [{"id": msisdn, "role": "customer"}]


def kes(amount: float | str) -> dict[str, Any]:
    return {"amount": amount, "units": "KES"}


@dataclass
class Listener:
    """A hub listener: records every event POSTed to it; answers ``failures`` 503s first."""

    server: TestServer
    events: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    failures: int = 0
    attempts: int = 0
    attempted: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def url(self) -> str:
        return str(self.server.make_url("/listener"))

    async def receive(self, request: web.Request) -> web.Response:
        async with self.attempted:
            self.attempts += 1
            self.attempted.notify_all()
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=503)
        self.events.put_nowait(await request.json())
        return web.Response(status=201)

    async def wait_attempts(self, count: int, timeout_s: float = 5.0) -> None:
        async with self.attempted:
            await asyncio.wait_for(
                self.attempted.wait_for(lambda: self.attempts >= count), timeout_s)

    async def next_event(self, timeout_s: float = 5.0) -> dict[str, Any]:
        return await asyncio.wait_for(self.events.get(), timeout_s)


@pytest.fixture
async def listener(aiohttp_server: Any) -> Listener:
    app = web.Application()
    box: list[Listener] = []

    async def handler(request: web.Request) -> web.Response:
        return await box[0].receive(request)

    app.router.add_post("/listener", handler)
    found = Listener(await aiohttp_server(app))
    box.append(found)
    return found
