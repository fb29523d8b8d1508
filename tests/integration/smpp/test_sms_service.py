"""SmsService without a wire: the rules that need a clock or two gateway processes (pending
transfers in a shared Redis, the five-minute YES, idempotency by message id)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from core.service import Ledger
from core.storage.sqlite import SqliteStore
from gateway.channels import Channels
from gateway.metrics import Metrics
from gateway.sessions import MemorySessionStore
from gateway.sessions_redis import RedisSessionStore
from gateway.sms_service import PENDING_TTL_S, PendingTransfers, SmsService
from menus.sms_keywords import Keywords
from tests.integration.gateway.conftest import PEPPER, Template
from tests.ledger_support import Clock, balance

ALICE, BOB = "+254700000001", "+254700000002"
Make = Callable[[PendingTransfers], SmsService]


@pytest.fixture
async def ledger(tmp_path: Path, template: Template, clock: Clock) -> AsyncIterator[Ledger]:
    path = tmp_path / "ledger.db"
    shutil.copyfile(template.path, path)
    led = Ledger(SqliteStore(path), pin_pepper=PEPPER, clock=clock)
    await led.open()
    try:
        yield led
    finally:
        await led.close()


@pytest.fixture
def make(ledger: Ledger, channels: Channels) -> Make:
    keywords = Keywords.load()

    def build(pending: PendingTransfers) -> SmsService:
        return SmsService.build(ledger=ledger, renderer=channels.renderer, menus=channels.menus,
                                keywords=keywords, pending=pending, metrics=Metrics())

    return build


@pytest.fixture
def service(make: Make) -> SmsService:
    return make(PendingTransfers(MemorySessionStore(PENDING_TTL_S)))


async def test_a_pending_transfer_is_confirmed_on_another_gateway_process(
        make: Make, ledger: Ledger, redis_url: str) -> None:
    def process() -> SmsService:  # each with its own connection to the shared Redis
        return make(PendingTransfers(RedisSessionStore(
            redis_url, ttl_s=PENDING_TTL_S, key_prefix="test:sms-pending:")))

    first, second = process(), process()
    bob = await balance(ledger, BOB)
    asked = await first.handle("0700000001", "SEND 0700000002 10", message_id="m1")
    assert asked.result == "transfer_requested"
    done = await second.handle("0700000001", "YES", message_id="m2")
    assert done.result == "transfer_ok"
    assert await balance(ledger, BOB) == bob + 1_000
    for one in (first, second):
        await one.pending.close()


async def test_yes_completes_within_five_minutes_and_not_after(
        service: SmsService, ledger: Ledger, clock: Clock) -> None:
    bob = await balance(ledger, BOB)
    await service.handle(ALICE, "TRANSFER 0700000002 10", message_id="m1")
    clock.advance(301)
    late = await service.handle(ALICE, "YES", message_id="m2")
    assert late.result == "confirmation_expired"
    assert late.texts == ("Your session has expired. Please dial again.",)
    assert await balance(ledger, BOB) == bob

    await service.handle(ALICE, "TRANSFER 0700000002 10", message_id="m3")
    clock.advance(300)  # the last second counts
    assert (await service.handle(ALICE, "YES", message_id="m4")).result == "transfer_ok"
    assert await balance(ledger, BOB) == bob + 1_000


async def test_a_second_yes_moves_nothing_more(service: SmsService, ledger: Ledger) -> None:
    bob = await balance(ledger, BOB)
    await service.handle(ALICE, "TRANSFER 0700000002 10", message_id="m1")
    first = await service.handle(ALICE, "YES", message_id="m2")
    second = await service.handle(ALICE, "YES", message_id="m3")
    assert first.texts == second.texts
    assert await balance(ledger, BOB) == bob + 1_000


async def test_the_same_message_id_recharges_once(service: SmsService, ledger: Ledger,
                                                  pins: list[str]) -> None:
    before = await balance(ledger, ALICE)
    first = await service.handle(ALICE, f"RECHARGE {pins[0]}", message_id="umr:7:20500")
    again = await service.handle(ALICE, f"RECHARGE {pins[0]}", message_id="umr:7:20500")
    assert (first.result, again.result) == ("recharge_ok", "recharge_ok")
    assert await balance(ledger, ALICE) == before + 5_000


async def test_a_bad_amount_says_what_is_allowed(service: SmsService, ledger: Ledger) -> None:
    reply = await service.handle(ALICE, "TRANSFER 0700000002 0.001", message_id="m1")
    assert reply.result == "invalid"
    assert "KES" in reply.texts[0]
    assert await service.pending.get(ALICE) is None


async def test_a_recharge_without_pin_gets_the_help_text(service: SmsService) -> None:
    reply = await service.handle(ALICE, "RECHARGE", message_id="m1")
    assert reply.result == "invalid"
    assert reply.texts[0].startswith("BAL: balance.")


async def test_replies_are_in_the_wallets_language(service: SmsService) -> None:
    reply = await service.handle("+254700000002", "SOLDE", message_id="m1")
    assert (reply.language, reply.result) == ("fr", "balance")
    assert "\u00a0" not in reply.texts[0]  # fitted for GSM-7: CLDR spaces folded


async def test_bundles_lists_what_is_left_of_each_bundle(service: SmsService,
                                                         ledger: Ledger) -> None:
    wallet = await ledger.wallet(ALICE)
    assert wallet is not None
    products = {b.product for bal in wallet.balances for b in bal.buckets
                if b.product is not None and b.value > 0}
    assert products  # the demo seed provisions bundles
    reply = await service.handle(ALICE, "bundles", message_id="m1")
    assert reply.result == "bundles"
    for product in products:
        assert product in reply.texts[0]


async def test_help_names_the_bundles_keyword_of_the_wallets_language(
        service: SmsService) -> None:
    reply = await service.handle("+254700000002", "AIDE", message_id="m1")
    assert "FORFAITS" in reply.texts[0]
    bundles = await service.handle("+254700000002", "FORFAITS", message_id="m2")
    assert bundles.result == "bundles"
