"""The outbox sender against the in-process SMSC: the ledger's events reach the subscribers as
SMS in their language, at least once, each row once, across retries, restarts and two senders.

The ledger is the demo one (a real SQLite file: wallets +254700000001 en, ...02 fr, ...03 sw,
...04 ar, and KES 50.00 vouchers); rendering is what the app builds from it (``channels``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from core import commands as c
from core.service import Ledger
from core.storage import outbox_queue
from core.storage.sqlite import SqliteStore
from gateway.channels import Channels
from gateway.keys import CHANNELS, LEDGER, METRICS, SETTINGS, SMPP_LINK
from gateway.metrics import Metrics
from gateway.notification_app import NOTIFICATIONS, rendering_of, setup_notifications
from gateway.notification_sender import NotificationSender, SenderPolicy, now_ms
from gateway.settings import NotificationSettings, Secret, Settings, SmppSettings
from gateway.smpp import SmppSession
from gateway.smpp.testing import FakeSmsc
from tests.integration.gateway.conftest import PEPPER, ledger_settings
from tests.integration.notify_support import (
    SHORT_CODE,
    WAIT_S,
    Sms,
    WallClock,
    add_row,
    clear_outbox,
    fast_policy,
    ignore_inbound,
    outbox_state,
    smpp_config,
    sms_of,
    submits,
)
from tests.ledger_support import Clock
from translations.messages import Message, RechargeOk, TransferOkRecipient, TransferOkSender
from translations.renderer import Renderer

EN, FR, SW, AR = "+254700000001", "+254700000002", "+254700000003", "+254700000004"
SYSTEM_ID, PASSWORD = "gw", "pw"


@pytest.fixture
def clock() -> Clock:
    return Clock(int(time.time()))  # the demo ledger was seeded just now, in real time


async def open_ledger(path: Path, clock: Clock) -> Ledger:
    ledger = Ledger(SqliteStore(path, synchronous="NORMAL"), pin_pepper=PEPPER, clock=clock)
    await ledger.open()
    return ledger


@pytest.fixture
async def ledger(ledger_file: Path, clock: Clock) -> AsyncIterator[Ledger]:
    led = await open_ledger(ledger_file, clock)
    await clear_outbox(led)
    try:
        yield led
    finally:
        await led.close()


@pytest.fixture
async def smsc() -> AsyncIterator[FakeSmsc]:
    async with FakeSmsc(system_id=SYSTEM_ID, password=PASSWORD) as fake:
        yield fake


async def bind(smsc: FakeSmsc) -> SmppSession:
    session = SmppSession(smpp_config(smsc.port, SYSTEM_ID, PASSWORD), ignore_inbound)
    await session.start()
    await session.wait_bound(WAIT_S)
    return session


@pytest.fixture
async def link(smsc: FakeSmsc) -> AsyncIterator[SmppSession]:
    session = await bind(smsc)
    try:
        yield session
    finally:
        await session.close()


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


def sender_for(ledger: Ledger, link: SmppSession, channels: Channels, *,
               wall: WallClock | None = None, metrics: Metrics | None = None,
               **policy: object) -> NotificationSender:
    rendering = rendering_of(channels)
    return NotificationSender(ledger, link, lambda: rendering, source_addr=SHORT_CODE,
                              policy=fast_policy(**policy), metrics=metrics,
                              wall_ms=now_ms if wall is None else wall)


async def drain(sender: NotificationSender, max_rounds: int = 20) -> None:
    """Rounds until a round finds nothing due (a queue that never empties fails the test)."""
    for _ in range(max_rounds):
        if not await sender.run_once():
            return
    raise AssertionError(f"the outbox still has due rows after {max_rounds} rounds")


async def cash(ledger: Ledger, msisdn: str) -> int:
    wallet = await ledger.wallet(msisdn)
    assert wallet is not None
    found = wallet.balance("General Cash")
    assert found is not None
    return found.total


def text_of(renderer: Renderer, message: Message, language: str) -> str:
    """The text an SMS of ``message`` carries (money's no-break spaces folded for GSM-7)."""
    return renderer.sms(message, language).text


def counted(metrics: Metrics, kind: str, outcome: str) -> float:
    value = metrics.registry.get_sample_value("selfcare_notifications_total",
                                              {"kind": kind, "outcome": outcome})
    return value or 0.0


async def test_a_recharge_confirmation_reaches_the_wallet_in_its_language(
        ledger: Ledger, link: SmppSession, smsc: FakeSmsc, channels: Channels,
        pins: list[str]) -> None:
    metrics = Metrics()
    sender = sender_for(ledger, link, channels, metrics=metrics)
    assert (await ledger.recharge(FR, pins[0], key="sms:fr:1", channel="sms")).ok
    assert await sender.run_once() == 1
    sms = sms_of(await smsc.expect("submit_sm", timeout_s=WAIT_S))
    renderer = channels.renderer
    expected = text_of(renderer, RechargeOk(5_000, await cash(ledger, FR)), "fr")
    assert sms == Sms("254700000002", SHORT_CODE, expected, sms.data_coding)
    assert "réussie" in sms.text
    assert sms.text != text_of(renderer, RechargeOk(5_000, await cash(ledger, FR)), "en")
    assert await outbox_state(ledger) == {"sent": 1}
    assert counted(metrics, "recharge_ok", "sent") == 1


async def test_a_transfer_notifies_both_parties_each_in_their_language(
        ledger: Ledger, link: SmppSession, smsc: FakeSmsc, channels: Channels) -> None:
    sender = sender_for(ledger, link, channels)
    done = await ledger.execute(c.Transfer(key="t1", from_msisdn=EN, to_msisdn=AR, amount=1_500))
    assert done.ok, done
    await drain(sender)
    got = {sms.destination: sms for sms in submits(smsc.received)}
    assert set(got) == {"254700000001", "254700000004"}
    renderer = channels.renderer
    assert got["254700000001"].text == text_of(renderer,
        TransferOkSender(1_500, "0700000004", await cash(ledger, EN)), "en")
    assert got["254700000001"].text.startswith("You sent")
    assert got["254700000001"].data_coding == 0x00
    assert got["254700000004"].text == text_of(renderer,
        TransferOkRecipient(1_500, "0700000001"), "ar")
    assert got["254700000004"].data_coding == 0x08  # Arabic: UCS2


async def test_a_refused_submit_is_retried_after_its_back_off_and_sent_once(
        ledger: Ledger, link: SmppSession, smsc: FakeSmsc, channels: Channels,
        pins: list[str], wall: WallClock) -> None:
    sender = sender_for(ledger, link, channels, wall=wall)
    assert (await ledger.recharge(SW, pins[0], key="k1")).ok
    smsc.throttle(1)  # the SMSC says ESME_RTHROTTLED to the first submit
    await sender.run_once()
    [(attempts, error)] = await ledger.store.query(
        "SELECT attempts, last_error FROM outbox WHERE sent_at IS NULL")
    assert attempts == 1
    assert "0x58" in error
    assert await sender.run_once() == 0  # not before its back-off
    wall.advance_s(sender.policy.backoff_s(1))
    assert await sender.run_once() == 1
    assert await sender.run_once() == 0
    tries = submits(smsc.received)
    assert len(tries) == 2
    assert tries[0] == tries[1]
    assert await outbox_state(ledger) == {"sent": 1}


async def test_a_row_refused_max_attempts_times_is_given_up_with_its_reason(
        ledger: Ledger, link: SmppSession, smsc: FakeSmsc, channels: Channels,
        pins: list[str], wall: WallClock) -> None:
    sender = sender_for(ledger, link, channels, wall=wall, max_attempts=2)
    assert (await ledger.recharge(SW, pins[0], key="k1")).ok
    smsc.throttle(5)
    await sender.run_once()
    wall.advance_s(sender.policy.backoff_s(1))
    await sender.run_once()
    wall.advance_s(sender.policy.backoff_max_s)
    assert await sender.run_once() == 0
    assert len(submits(smsc.received)) == 2
    [(outcome, attempts, error)] = await ledger.store.query(
        "SELECT outcome, attempts, last_error FROM outbox WHERE kind = 'recharge_ok'")
    assert (outcome, attempts) == ("failed", 2)
    assert "SubmitRejected" in error


async def test_a_restart_mid_queue_resumes_without_resending(
        ledger_file: Path, clock: Clock, smsc: FakeSmsc, channels: Channels) -> None:
    first = await open_ledger(ledger_file, clock)
    await clear_outbox(first)
    for n in range(3):
        done = await first.execute(c.Transfer(key=f"t{n}", from_msisdn=EN, to_msisdn=SW,
                                              amount=1_000 + n))
        assert done.ok, done
    link = await bind(smsc)
    assert await sender_for(first, link, channels, batch=2).run_once() == 2
    await link.close()
    await first.close()
    # A new process: its own ledger connection and bind.
    second = await open_ledger(ledger_file, clock)
    link = await bind(smsc)
    try:
        await drain(sender_for(second, link, channels, batch=2))
        assert await outbox_state(second) == {"sent": 6}
    finally:
        await link.close()
        await second.close()
    sent = submits(smsc.received)
    assert len(sent) == 6
    assert len(set(sent)) == 6


async def test_rows_held_by_a_sender_that_died_go_out_once_its_lease_has_passed(
        ledger: Ledger, link: SmppSession, smsc: FakeSmsc, channels: Channels,
        pins: list[str], wall: WallClock) -> None:
    assert (await ledger.recharge(EN, pins[0], key="k1")).ok
    sender = sender_for(ledger, link, channels, wall=wall)
    lease_ms = int(sender.policy.lease_s * 1000)
    dead = await outbox_queue.claim(ledger.store, now_s=ledger.clock(), now_ms=wall(),
                                    lease_ms=lease_ms, batch=10, max_age_s=86_400)
    assert len(dead.rows) == 1
    assert await sender.run_once() == 0
    wall.advance_s(sender.policy.lease_s)
    assert await sender.run_once() == 1
    assert [s.destination for s in submits(smsc.received)] == ["254700000001"]


async def test_two_senders_on_one_database_send_each_row_once(
        ledger: Ledger, ledger_file: Path, clock: Clock, smsc: FakeSmsc,
        channels: Channels) -> None:
    for n in range(10):  # back and forth, so that neither side runs low
        payer, payee = (FR, SW) if n % 2 else (SW, FR)
        done = await ledger.execute(c.Transfer(key=f"t{n}", from_msisdn=payer,
                                               to_msisdn=payee, amount=1_000 + n))
        assert done.ok, done
    other = await open_ledger(ledger_file, clock)  # the second gateway process
    links = [await bind(smsc), await bind(smsc)]
    senders = [sender_for(ledger, links[0], channels, batch=3),
               sender_for(other, links[1], channels, batch=3)]
    tasks = [asyncio.create_task(s.run()) for s in senders]
    try:
        async with asyncio.timeout(20):
            while (await outbox_state(ledger)).get("pending"):
                await senders[0].settled()
    finally:
        for sender in senders:
            sender.stop()
        await asyncio.gather(*tasks)
        for session in links:
            await session.close()
        await other.close()
    sent = submits(smsc.received)
    assert len(sent) == 20
    assert len(set(sent)) == 20
    assert await outbox_state(ledger) == {"sent": 20}


async def test_a_poison_row_does_not_hold_up_the_rows_behind_it(
        ledger: Ledger, link: SmppSession, smsc: FakeSmsc, channels: Channels,
        pins: list[str]) -> None:
    now = ledger.clock()
    await add_row(ledger, "birthday", EN, "{}", at=now, key="p1")  # a kind nobody renders
    await add_row(ledger, "transfer_sent", EN, "{}", at=now, key="p2")  # fields missing
    await add_row(ledger, "recharge_ok", EN, "not json", at=now, key="p3")
    assert (await ledger.recharge(SW, pins[0], key="k1")).ok
    await drain(sender_for(ledger, link, channels))
    assert [s.destination for s in submits(smsc.received)] == ["254700000003"]
    rows = await ledger.store.query(
        "SELECT dedup_key, outcome, last_error FROM outbox WHERE dedup_key LIKE 'p_' "
        "ORDER BY id")
    assert [(key, outcome) for key, outcome, _ in rows] == [
        ("p1", "skipped"), ("p2", "failed"), ("p3", "failed")]
    assert rows[1][2].startswith("render: KeyError")
    assert rows[2][2].startswith("render: JSONDecodeError")


async def test_an_old_row_expires_instead_of_being_sent(
        ledger: Ledger, link: SmppSession, smsc: FakeSmsc, channels: Channels,
        pins: list[str], clock: Clock) -> None:
    metrics = Metrics()
    sender = sender_for(ledger, link, channels, metrics=metrics, max_age_s=3_600)
    assert (await ledger.recharge(EN, pins[0], key="k1")).ok
    clock.advance(3_601)  # the gateway was down for an hour
    assert await sender.run_once() == 1
    assert submits(smsc.received) == []
    assert await outbox_state(ledger) == {"expired": 1}
    assert counted(metrics, "recharge_ok", "expired") == 1


async def test_without_a_bind_rows_wait_and_no_attempt_is_counted(
        ledger: Ledger, smsc: FakeSmsc, channels: Channels, pins: list[str]) -> None:
    # The SMSC refuses every bind; a submit waits 0.2 s for one, then gives up.
    config = smpp_config(smsc.port, SYSTEM_ID, "wrong", bind_wait_s=0.2)
    async with SmppSession(config, ignore_inbound) as unbound:
        sender = NotificationSender(ledger, unbound, lambda: rendering_of(channels),
                                    source_addr=SHORT_CODE, policy=SenderPolicy())
        assert (await ledger.recharge(EN, pins[0], key="k1")).ok
        assert await sender.run_once() == 1
    [(outcome, attempts)] = await ledger.store.query(
        "SELECT outcome, attempts FROM outbox WHERE kind = 'recharge_ok'")
    assert (outcome, attempts) == (None, 0)
    assert await outbox_queue.next_due_ms(ledger.store) is not None
    assert submits(smsc.received) == []


def app_settings(ledger_file: Path, port: int, *, smpp: bool) -> Settings:
    return Settings(ledger=ledger_settings(ledger_file),
                    smpp=SmppSettings(enabled=smpp, port=port, system_id=SYSTEM_ID,
                                      password=Secret(PASSWORD)),
                    notifications=NotificationSettings(poll_interval_ms=20))


async def test_the_app_runs_the_sender_when_smpp_is_enabled(
        ledger_file: Path, smsc: FakeSmsc, channels: Channels, pins: list[str]) -> None:
    app = web.Application()
    app[SETTINGS] = app_settings(ledger_file, smsc.port, smpp=True)
    app[METRICS] = Metrics()

    async def resources(app: web.Application) -> AsyncIterator[None]:
        # What create_app and the SMPP set-up provide before the sender's step runs.
        app[LEDGER] = await open_ledger(ledger_file, Clock(int(time.time())))
        app[CHANNELS] = channels
        app[SMPP_LINK] = await bind(smsc)
        yield
        await app[SMPP_LINK].close()
        await app[LEDGER].close()

    app.cleanup_ctx.append(resources)
    setup_notifications(app)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        assert (await app[LEDGER].recharge(FR, pins[0], key="k1")).ok
        pdu = await smsc.expect("submit_sm", timeout_s=WAIT_S,
                                where=lambda p: "réussie" in sms_of(p).text)
        assert sms_of(pdu).destination == "254700000002"
    finally:
        await runner.cleanup()
    assert app[NOTIFICATIONS].policy.poll_s == 0.02
    assert counted(app[METRICS], "recharge_ok", "sent") == 1


def test_the_app_has_no_sender_without_smpp(ledger_file: Path) -> None:
    app = web.Application()
    app[SETTINGS] = app_settings(ledger_file, 2775, smpp=False)
    setup_notifications(app)
    assert len(app.cleanup_ctx) == 0
