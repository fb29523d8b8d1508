"""The whole gateway app with its SMPP bind enabled, against an SMSC, for dialogue tests.

``SmppGateway`` starts ``create_app`` (real SQLite copy of the seeded demo ledger, the demo
channels) bound to an SMSC at ``port``, and reads what the SMSC received through a small
``Smsc`` port: the in-process ``FakeSmsc`` or the npm peer (``NodeSmsc``). Nothing sleeps:
tests wait on what the SMSC records.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.test_utils import TestClient

from core.snapshots import WalletSnapshot
from gateway.app import create_app
from gateway.channels import Channels
from gateway.keys import LEDGER
from gateway.sessions import Clock
from gateway.settings import Secret, Settings, SmppSettings
from gateway.smpp import Pdu
from gateway.smpp.text import decode_text
from tests.integration.gateway.conftest import ledger_settings

SYSTEM_ID = "gw"
PASSWORD = "pw"
SHORT_CODE = "100"
ALICE = "254700000001"  # en, KES 100.00
BOB = "254700000002"  # fr
JUMA = "254700000003"  # sw
AMIRA = "254700000004"  # ar


def smpp_settings(ledger_file: Path, port: int, *, dialect: str = "standard",
                  system_id: str = SYSTEM_ID, password: str = PASSWORD,
                  **extra: Any) -> Settings:
    smpp = SmppSettings(enabled=True, host="127.0.0.1", port=port, system_id=system_id,
                        password=Secret(password), dialect=dialect, source_addr=SHORT_CODE,
                        sms_short_code=SHORT_CODE, throughput_per_s=10_000,
                        reconnect_min_s=1, reconnect_max_s=1, **extra)
    settings = Settings(ledger=ledger_settings(ledger_file), smpp=smpp)
    notifications = getattr(settings, "notifications", None)
    if notifications is not None:
        # Outbox notifications (of the demo seed's credits) would share the bind and land among
        # the replies these dialogues read; gateway/notification_sender.py has its own tests.
        settings = dataclasses.replace(
            settings, notifications=dataclasses.replace(notifications, enabled=False))
    return settings


async def start_app(aiohttp_client: Any, settings: Settings, channels: Channels,
                    clock: Clock | None = None) -> TestClient[web.Request, web.Application]:
    client: TestClient[web.Request, web.Application] = await aiohttp_client(
        create_app(settings, channels=channels, clock=clock))
    return client


T = TypeVar("T")


async def until(probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], *,
                timeout_s: float = 10.0) -> T:
    """Poll ``probe`` until ``done`` says yes, failing after ``timeout_s`` (a deadline, not a
    guess: each round yields to the loop for 10 ms)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        value = await probe()
        if done(value):
            return value
        if loop.time() > deadline:
            raise AssertionError(f"still {value!r} after {timeout_s}s")
        await asyncio.sleep(0.01)


def text_of(pdu: Pdu) -> str:
    """The text of one submit_sm (its UDH, if any, left out)."""
    body = pdu.bytes_field("short_message")
    if (pdu.int_field("esm_class") or 0) & 0x40:
        body = body[body[0] + 1:]
    return decode_text(body, pdu.int_field("data_coding") or 0)


@dataclass
class Ledgered:
    """Balance reads on the app's own ledger."""

    client: TestClient[web.Request, web.Application]

    async def wallet(self, msisdn: str) -> WalletSnapshot:
        wallet = await self.client.app[LEDGER].wallet(msisdn)
        assert wallet is not None, msisdn
        return wallet

    async def cash(self, msisdn: str, type_name: str = "General Cash") -> int:
        found = (await self.wallet(msisdn)).balance(type_name)
        return found.total if found is not None else 0

    async def readyz(self) -> tuple[int, dict[str, Any]]:
        async with self.client.get("/readyz") as response:
            body: dict[str, Any] = await response.json()
            return response.status, body
