"""Schemathesis holds the live gateway to its served OpenAPI document (status codes, content
types, response schemas, negative data rejected, auth enforced) with positive and negative
generated requests.

The gateway runs in a thread on a free loopback port (schemathesis calls it over HTTP, with
requests). Event delivery is off in that gateway: generated hub callbacks are arbitrary URLs.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from aiohttp import web

from core.seed import read_seed, seed
from gateway.app import create_app
from gateway.ledger_factory import build_ledger
from gateway.settings import LedgerSettings, Settings, SyncMode
from gateway.tmf import POLICY, DeliveryPolicy
from gateway.tmf.openapi import document
from gateway.tmf.tokens import create_token
from tests.integration.tmf.conftest import BASE
from tests.ledger_support import DEMO_SEED


class LiveGateway:
    """The whole gateway app serving on 127.0.0.1 from a thread of its own."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.stop: asyncio.Event | None = None
        self.url = ""
        self.token = ""
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="tmf-live", daemon=True)

    def _run(self) -> None:
        try:
            self.loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported by the fixture
            self.failure = exc
            self.ready.set()
        finally:
            self.loop.close()

    async def _serve(self) -> None:
        self.stop = asyncio.Event()
        async with build_ledger(self.settings) as ledger:
            await seed(ledger, read_seed(DEMO_SEED))
            self.token = await create_token(ledger, name="schemathesis", role="write")
        app = create_app(self.settings)
        app[POLICY] = DeliveryPolicy(deliver=False)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self.ready.set()
        try:
            await self.stop.wait()
        finally:
            await runner.cleanup()

    def __enter__(self) -> LiveGateway:
        self.thread.start()
        assert self.ready.wait(60), "the gateway did not start"
        if self.failure is not None:
            raise self.failure
        return self

    def __exit__(self, *exc: object) -> None:
        if self.stop is not None:
            self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(60)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveGateway]:
    path: Path = tmp_path_factory.mktemp("tmf-live") / "ledger.db"
    with LiveGateway(Settings(ledger=LedgerSettings(path=path,
                                                    synchronous=SyncMode.NORMAL))) as gateway:
        yield gateway


# A well-formed request may still name an MSISDN that does not parse (400) or a wallet that
# does not exist or cannot pay (422): JSON Schema cannot say which phone numbers exist, so those
# answers are valid for positive data too. Query parameters the document does not name are
# ignored, as TMF filters on attributes a server does not support are, so negative data does
# not invent any.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict({
    "generation": {"mode": "all", "max-examples": 30, "allow-extra-parameters": False},
    "checks": {"positive_data_acceptance": {"expected-statuses": [
        "2xx", "400", "401", "403", "404", "409", "422"]}},
})
# The document is static, so it loads at import; the test sends it to the live gateway.
schema = schemathesis.openapi.from_dict(document(BASE), config=CONFIG)


@schema.parametrize()
def test_the_api_keeps_to_its_openapi_document(case: Any, live: LiveGateway) -> None:
    case.call_and_validate(base_url=f"{live.url}{BASE}",
                           headers={"Authorization": f"Bearer {live.token}"})
