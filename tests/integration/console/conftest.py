"""The console as an operator's browser sees it: the whole gateway app (create_app) on a
real SQLite file seeded with the demo (wallets, vouchers, the translations and plans
documents, a console user), driven over HTTP with the session cookie and CSRF tokens.

The demo ledger is seeded once per test session into a template file; each test gets a copy.
"""

from __future__ import annotations

import asyncio
import html
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient

from core.seed import read_seed, seed
from core.service import Ledger
from gateway.app import create_app
from gateway.channels import import_provider_documents
from gateway.console.users import add_user
from gateway.keys import LEDGER
from gateway.ledger_factory import build_ledger
from gateway.settings import LedgerSettings, Secret, Settings, SyncMode
from tests.ledger_support import DEMO_SEED

USER, PASSWORD = "operator", "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def ledger_settings(path: Path) -> LedgerSettings:
    return LedgerSettings(path=path, pin_pepper=Secret("console-test-pepper"),
                          synchronous=SyncMode.NORMAL)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("console-template") / "ledger.db"

    async def seeded() -> None:
        settings = Settings(ledger=ledger_settings(path))
        async with build_ledger(settings) as ledger:
            report = await seed(ledger, read_seed(DEMO_SEED))
            assert not report.failures, report.failures
            provider = (await ledger.store.catalog()).provider_named("Demo Telecom")
            assert provider is not None
            await import_provider_documents(settings, ledger, provider)
            await add_user(ledger.store, USER, PASSWORD, ledger.clock())

    asyncio.run(seeded())
    return path


@pytest.fixture
def settings(tmp_path: Path, template: Path) -> Settings:
    target = tmp_path / "ledger.db"
    shutil.copyfile(template, target)
    return Settings(ledger=ledger_settings(target))


@dataclass
class Page:
    status: int
    text: str
    url: str

    def error(self, field: str) -> str | None:
        """The inline error shown next to ``field`` (None: no error there)."""
        m = re.search(rf'id="error-{re.escape(field)}"[^>]*>(.*?)</', self.text, re.S)
        return html.unescape(m.group(1)) if m else None

    def value(self, field: str) -> str | None:
        m = re.search(rf'<input [^>]*id="{re.escape(field)}" [^>]*value="([^"]*)"', self.text)
        return html.unescape(m.group(1)) if m else None

    def selected(self, field: str) -> str | None:
        m = re.search(rf'<select id="{re.escape(field)}"[^>]*>(.*?)</select>', self.text, re.S)
        assert m, field
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', m.group(1))
        return html.unescape(chosen.group(1)) if chosen else None

    def disabled(self, field: str) -> bool:
        m = re.search(rf'<(?:input|select) [^>]*id="{re.escape(field)}"[^>]*>', self.text)
        assert m, field
        return " disabled" in m.group(0)

    @property
    def h1(self) -> str:
        m = re.search(r"<h1>(.*?)</h1>", self.text, re.S)
        assert m, self.text[:500]
        return html.unescape(m.group(1)).strip()


@dataclass
class Console:
    client: TestClient[web.Request, web.Application]
    csrf: str = ""

    @property
    def ledger(self) -> Ledger:
        return self.client.app[LEDGER]

    async def get(self, path: str, **params: str) -> Page:
        async with self.client.get(f"/console{path}", params=params,
                                   allow_redirects=True) as response:
            return await self._page(response)

    async def post(self, path: str, data: Mapping[str, Any] | list[tuple[str, str]], *,
                   csrf: str | None = "", follow: bool = True) -> Page:
        """A form POST; ``csrf=""`` sends the session's token, None sends none."""
        fields = list(data.items()) if isinstance(data, Mapping) else list(data)
        if csrf is not None:
            fields.append(("csrf_token", csrf or self.csrf))
        async with self.client.post(f"/console{path}", data=fields,
                                    allow_redirects=follow) as response:
            return await self._page(response)

    async def _page(self, response: ClientResponse) -> Page:
        """The page, keeping the CSRF token it carries (a fresh session gets a new one)."""
        text = await response.text()
        found = _CSRF.search(text)
        if found:
            self.csrf = found.group(1)
        return Page(response.status, text, str(response.url))

    async def login(self, username: str = USER, password: str = PASSWORD) -> Page:
        await self.get("/login")
        return await self.post("/login", {"username": username, "password": password})


@pytest.fixture
async def app_client(aiohttp_client: Any, settings: Settings
                     ) -> TestClient[web.Request, web.Application]:
    client: TestClient[web.Request, web.Application] = await aiohttp_client(
        create_app(settings))
    return client


@pytest.fixture
async def anonymous(app_client: TestClient[web.Request, web.Application]) -> Console:
    return Console(app_client)


@pytest.fixture
async def console(anonymous: Console) -> Console:
    page = await anonymous.login()
    assert page.status == 200, page.text[:300]
    assert page.h1 == "Wallet management", page.text[:300]
    return anonymous
