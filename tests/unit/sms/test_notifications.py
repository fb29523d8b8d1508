"""Outbox rows -> the SMS to send. The payloads come from core's own handlers (the in-memory
ledger runs them), so a change to what core emits breaks these tests, not the sender."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core import commands as c
from core.clock import DAY_S
from core.rows import OutboxEvent
from tests.unit.core.memory import MemoryLedger
from tests.unit.menus.support import LANGUAGES, demo_bound, demo_renderer
from translations.messages import (
    BundleBought,
    ExpirySoon,
    LowBalance,
    Message,
    RechargeLocked,
    RechargeOk,
    ThresholdReached,
    TransferOkRecipient,
    TransferOkSender,
)
from translations.notifications import BUILDERS, notification_message

A = "+254700000701"
B = "+254700000702"
CORE_KINDS = {"recharge_ok", "recharge_locked", "transfer_sent", "transfer_received",
              "threshold_reached", "low_balance", "expiry_soon", "bundle_bought"}


def row(led: MemoryLedger, kind: str) -> OutboxEvent:
    [event] = [e for e in led.book.outbox if e.kind == kind]
    return event


def message(led: MemoryLedger, event: OutboxEvent, now: int | None = None) -> Message | None:
    return notification_message(event.kind, json.loads(event.payload), led.provider,
                                now=led.now if now is None else now,
                                display_number=demo_bound().display_number)


def renders_in_every_language(msg: Message | None) -> None:
    assert msg is not None
    for language in LANGUAGES:
        assert demo_renderer().sms(msg, language).text.strip()


def test_every_kind_core_emits_has_a_message() -> None:
    assert set(BUILDERS) == CORE_KINDS


def test_recharge_ok() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=1_000)
    led.voucher("good", {"General Cash": 5_000, "SMS": 50})
    assert led.run(c.Recharge(key=led.key(), msisdn=A, pin_hash="good")).ok
    msg = message(led, row(led, "recharge_ok"))
    assert msg == RechargeOk(credited_minor=5_000, new_balance_minor=6_000)
    renders_in_every_language(msg)


def test_recharge_locked_counts_the_hours_left_when_sent() -> None:
    led = MemoryLedger()
    led.wallet(A)
    for n in range(3):
        led.run(c.Recharge(key=led.key(), msisdn=A, pin_hash=f"wrong{n}"))
    event = row(led, "recharge_locked")
    assert message(led, event) == RechargeLocked(locked_for_hours=24)
    assert message(led, event, led.now + 3_600 * 20 + 1) == RechargeLocked(locked_for_hours=4)
    assert message(led, event, led.now + 86_400) is None  # unlocked by the time it is sent
    renders_in_every_language(message(led, event))


def test_a_transfer_notifies_both_parties() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=20_000)
    led.wallet(B, cash=500)
    assert led.run(c.Transfer(key=led.key(), from_msisdn=A, to_msisdn=B, amount=5_000)).ok
    sent, received = row(led, "transfer_sent"), row(led, "transfer_received")
    assert (sent.msisdn, received.msisdn) == (A, B)
    fee = json.loads(sent.payload)["fee"]
    to_sender = message(led, sent)
    assert to_sender == TransferOkSender(amount_minor=5_000, recipient="0700000702",
                                         new_balance_minor=20_000 - 5_000 - fee)
    assert message(led, received) == TransferOkRecipient(amount_minor=5_000,
                                                         sender="0700000701")
    renders_in_every_language(to_sender)
    renders_in_every_language(message(led, received))


def test_a_transfer_of_a_non_cash_type_has_no_message_yet() -> None:
    led = MemoryLedger()
    payload = {"amount": 100, "fee": 0, "balance_type": "Data", "to": B, "balance": 1}
    assert notification_message("transfer_sent", payload, led.provider, now=led.now) is None


def test_threshold_reached() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.credit(A, "Voice", 6_000)
    led.run(c.Charge(key=led.key(), msisdn=A, amount=3_000, balance_type="Voice"))
    msg = message(led, row(led, "threshold_reached"))
    assert isinstance(msg, ThresholdReached)
    assert (msg.balance.balance_type.name, msg.balance.total, msg.percent) == ("Voice", 3_000, 50)
    renders_in_every_language(msg)


def test_low_balance() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=2_000)
    led.run(c.Charge(key=led.key(), msisdn=A, amount=1_500, balance_type="General Cash"))
    msg = message(led, row(led, "low_balance"))
    assert isinstance(msg, LowBalance)
    assert (msg.balance.balance_type.name, msg.balance.total) == ("General Cash", 500)
    renders_in_every_language(msg)


def test_expiry_soon_counts_the_days_left_when_sent() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.run(c.ProvisionProduct(key=led.key(), msisdn=A, product="SMS 200"))  # 7 days
    led.advance(5 * DAY_S)
    led.run(c.Housekeeping(key=led.key()))
    event = row(led, "expiry_soon")
    msg = message(led, event)
    assert isinstance(msg, ExpirySoon)
    assert (msg.balance.balance_type.name, msg.balance.total, msg.days) == ("SMS", 200, 2)
    assert msg.balance.earliest_expiry == json.loads(event.payload)["expires_at"]
    later = message(led, event, led.now + DAY_S)
    assert isinstance(later, ExpirySoon)
    assert later.days == 1
    assert message(led, event, led.now + 2 * DAY_S) is None  # gone before it was sent
    renders_in_every_language(msg)


@pytest.mark.parametrize(("command", "price"), [(c.BuyProduct, 10_000),
                                                (c.ProvisionProduct, 0)])
def test_bundle_bought(command: type[c.BuyProduct | c.ProvisionProduct], price: int) -> None:
    led = MemoryLedger()
    led.wallet(A, cash=20_000)
    assert led.run(command(key=led.key(), msisdn=A, product="data 1gb")).ok
    msg = message(led, row(led, "bundle_bought"))
    assert msg == BundleBought(name="Data 1GB", price_minor=price, valid_days=30)
    renders_in_every_language(msg)


@pytest.mark.parametrize(("kind", "payload"), [
    ("unheard_of", {}),
    ("low_balance", {"balance_type": "Gold", "balance": 1}),
    ("threshold_reached", {"balance_type": "Gold", "percent": 50, "balance": 1}),
    ("bundle_bought", {"product": "Withdrawn bundle", "price": 1}),
])
def test_rows_without_a_message_are_skipped(kind: str, payload: dict[str, Any]) -> None:
    led = MemoryLedger()
    assert notification_message(kind, payload, led.provider, now=led.now) is None


def test_a_payload_missing_its_fields_is_a_bug_not_a_skip() -> None:
    led = MemoryLedger()
    with pytest.raises(KeyError):
        notification_message("low_balance", {}, led.provider, now=led.now)
