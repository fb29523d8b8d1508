"""A subscriber's handset over the Africa's Talking protocol, against an app under test.

``Phone.dial()`` and ``Phone.send(answer)`` post what the aggregator would (the cumulative
``text``) and return the screen; every answer is checked on the way: 200, text/plain, "CON " or
"END ", and one USSD string at most (182 GSM-7 septets or 80 UCS2 characters).
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.test_utils import TestClient

from core.snapshots import WalletSnapshot
from gateway.app import create_app
from gateway.auth import SIGNATURE_HEADER, sign
from gateway.channels import Channels
from gateway.keys import LEDGER
from gateway.sessions import Clock
from gateway.settings import Settings
from translations.gsm import prepare
from translations.ussd import SCREEN_LIMIT

AiohttpClient = Callable[..., Awaitable[TestClient[web.Request, web.Application]]]
_SESSIONS = itertools.count(1)


@dataclass(frozen=True)
class Screen:
    text: str
    end: bool

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


def screen_of(body: str) -> Screen:
    assert body[:4] in ("CON ", "END "), body
    text = body[4:]
    prepared = prepare(text)
    assert prepared.units <= SCREEN_LIMIT[prepared.encoding], (prepared.units, text)
    return Screen(text, body.startswith("END "))


@dataclass
class Gateway:
    client: TestClient[web.Request, web.Application]
    secret: str | None = None

    @classmethod
    async def start(cls, aiohttp_client: Any, settings: Settings, *,
                    channels: Channels | None = None, clock: Clock | None = None,
                    secret: str | None = None) -> Gateway:
        client = await aiohttp_client(create_app(settings, clock=clock, channels=channels))
        return cls(client, secret)

    @property
    def app(self) -> web.Application:
        return self.client.app

    async def post(self, path: str, fields: Mapping[str, str], *,
                   headers: Mapping[str, str] | None = None, signed: bool = True
                   ) -> tuple[int, str, str]:
        """(status, content type, body) of a form POST, signed when the gateway has a
        secret and ``signed``."""
        body = urlencode(fields).encode()
        sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        if self.secret and signed:
            sent[SIGNATURE_HEADER] = sign(self.secret, body)
        async with self.client.post(path, data=body, headers=sent) as response:
            return response.status, response.content_type, await response.text()

    def phone(self, msisdn: str, code: str = "*100#") -> Phone:
        return Phone(self, msisdn, code)

    async def wallet(self, msisdn: str) -> WalletSnapshot:
        wallet = await self.app[LEDGER].wallet(msisdn)
        assert wallet is not None, msisdn
        return wallet

    async def cash(self, msisdn: str, type_name: str = "General Cash") -> int:
        found = (await self.wallet(msisdn)).balance(type_name)
        return found.total if found is not None else 0


@dataclass
class Phone:
    gateway: Gateway
    msisdn: str
    code: str = "*100#"
    session_id: str = field(default_factory=lambda: f"ATUid_test_{next(_SESSIONS)}")
    text: str = ""
    last: dict[str, str] = field(default_factory=dict)

    async def dial(self) -> Screen:
        self.text = ""
        return await self._post()

    async def send(self, answer: str) -> Screen:
        self.text = f"{self.text}*{answer}" if self.text else answer
        return await self._post()

    async def replay(self) -> Screen:
        """The last request once more, as an aggregator retrying it would send it."""
        status, kind, body = await self.gateway.post("/ussd/at", self.last)
        assert (status, kind) == (200, "text/plain"), (status, body)
        return screen_of(body)

    async def _post(self) -> Screen:
        self.last = {"sessionId": self.session_id, "serviceCode": self.code,
                     "phoneNumber": self.msisdn, "networkCode": "63902", "text": self.text}
        status, kind, body = await self.gateway.post("/ussd/at", self.last)
        assert (status, kind) == (200, "text/plain"), (status, body)
        return screen_of(body)
