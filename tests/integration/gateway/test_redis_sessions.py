"""Sessions in a real redis-server, shared by two gateway apps on one ledger file (two
processes behind a load balancer, in one test process): a dialogue whose steps alternate
between them goes on as if there were one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.channels import Channels
from gateway.keys import SESSIONS
from gateway.sessions_redis import RedisSessionStore
from gateway.settings import Settings
from tests.integration.gateway.conftest import RedisServer, redis_settings
from tests.integration.gateway.phone import Gateway, Phone

pytestmark = pytest.mark.peer
ME, FRIEND = "+254700000001", "+254700000002"


@pytest.fixture
async def pair(aiohttp_client: Any, settings: Settings, channels: Channels, redis_url: str
               ) -> tuple[Gateway, Gateway]:
    shared = redis_settings(settings, redis_url)
    return (await Gateway.start(aiohttp_client, shared, channels=channels),
            await Gateway.start(aiohttp_client, shared, channels=channels))


def on(gateway: Gateway, phone: Phone) -> Phone:
    """The same handset's session, its next request routed to ``gateway``."""
    phone.gateway = gateway
    return phone


async def test_a_dialogue_alternating_between_two_gateways(pair: tuple[Gateway, Gateway]
                                                           ) -> None:
    a, b = pair
    phone = a.phone(ME)
    assert (await phone.dial()).text.startswith("Welcome to Demo Telecom")
    assert (await on(b, phone).send("3")).text.startswith("Enter the recipient")
    assert (await on(a, phone).send("0700000002")).text.startswith("Enter the amount")
    confirm = await on(b, phone).send("20")
    assert confirm.text.startswith("Send KES 20.00 to 0700000002?")
    sent = await on(a, phone).send("1")
    assert sent.text == "You sent KES 20.00 to 0700000002. Your balance is now KES 79.00."
    assert await on(b, phone).replay() == sent  # the other gateway answers the replay alike
    assert await b.cash(ME) == 7_900
    assert await a.cash(FRIEND) == 12_000


async def test_a_replayed_recharge_on_the_other_gateway_recharges_once(
        pair: tuple[Gateway, Gateway], pins: list[str]) -> None:
    a, b = pair
    phone = a.phone(ME)
    await phone.dial()
    await on(b, phone).send("2")
    first = await on(a, phone).send(pins[0])
    assert await on(b, phone).replay() == first
    assert await a.cash(ME) == 15_000


async def test_one_json_value_per_session_with_the_ttl_and_no_pin(
        pair: tuple[Gateway, Gateway], redis_server: RedisServer, pins: list[str]) -> None:
    a, _ = pair
    phone = a.phone(ME)
    await phone.dial()
    await phone.send("2")
    await phone.send(pins[1])
    keys = redis_server.client.keys("*")  # a test may scan; the gateway never does
    assert keys == [f"selfcare:session:{phone.session_id}".encode()]
    ttl = redis_server.client.ttl(keys[0])
    assert 0 < ttl <= 180
    raw = redis_server.client.get(keys[0])
    assert raw is not None
    stored = json.loads(raw)
    assert stored["step"] == 2
    assert stored["end"] is True
    assert pins[1] not in raw.decode()


async def test_the_session_ends_with_the_notification(pair: tuple[Gateway, Gateway],
                                                      redis_server: RedisServer) -> None:
    a, b = pair
    phone = a.phone(ME)
    await phone.dial()
    assert redis_server.client.exists(f"selfcare:session:{phone.session_id}")
    status, _, _ = await b.post("/ussd/at/events", {"sessionId": phone.session_id,
                                                   "status": "Incomplete"})
    assert status == 200
    assert not redis_server.client.exists(f"selfcare:session:{phone.session_id}")


async def test_readiness_follows_redis(aiohttp_client: Any, settings: Settings,
                                       channels: Channels, redis_url: str) -> None:
    gateway = await Gateway.start(aiohttp_client, redis_settings(settings, redis_url),
                                  channels=channels)
    assert isinstance(gateway.app[SESSIONS], RedisSessionStore)
    async with gateway.client.get("/readyz") as response:
        assert response.status == 200
    unreachable = redis_settings(settings, "unix:///nonexistent/redis.sock")
    down = await Gateway.start(aiohttp_client, unreachable, channels=channels)
    async with down.client.get("/readyz") as response:
        assert response.status == 503
        assert (await response.json())["status"] == "not ready"
