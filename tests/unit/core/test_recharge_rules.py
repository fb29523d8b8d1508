"""Voucher recharge: credits, expiry extension, voucher states, bad-PIN counting and locks."""

from __future__ import annotations

import pytest

from core import commands as c
from core.clock import DAY_S
from core.outcomes import Status
from core.snapshots import WalletState
from tests.unit.core.memory import MemoryLedger

A = "+254700000201"


def recharge(led: MemoryLedger, pin_hash: str, msisdn: str = A) -> c.Recharge:
    return c.Recharge(key=led.key(), msisdn=msisdn, pin_hash=pin_hash)


def test_a_recharge_credits_every_value_and_extends_bucket_and_wallet_expiry() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=1000)
    led.voucher("good", {"General Cash": 5000, "SMS": 50}, validity_days=30)
    outcome = led.run(recharge(led, "good"))
    assert outcome.ok
    assert outcome.data["credited"] == {"General Cash": 5000, "SMS": 50}
    assert led.total(A) == 6000
    assert led.total(A, "SMS") == 50
    assert led.snapshot(A).expires_at == led.now + 30 * DAY_S
    assert led.bal(A, "SMS").earliest_expiry == led.now + 30 * DAY_S
    assert led.events("recharge_ok")
    assert led.conserved()


def test_a_later_recharge_never_shortens_an_expiry() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.voucher("long", {"SMS": 10}, validity_days=60, serial="S1")
    led.voucher("short", {"SMS": 10}, validity_days=5, serial="S2")
    assert led.run(recharge(led, "long")).ok
    assert led.run(recharge(led, "short")).ok
    assert led.bal(A, "SMS").earliest_expiry == led.now + 60 * DAY_S
    assert led.total(A, "SMS") == 20


def test_a_pre_use_wallet_is_activated_by_its_first_recharge() -> None:
    led = MemoryLedger()
    led.wallet(A, state=WalletState.PRE_USE)
    led.voucher("good", {"General Cash": 100})
    assert led.run(recharge(led, "good")).ok
    snap = led.snapshot(A)
    assert snap.state is WalletState.ACTIVE
    assert snap.activated_at == led.now


@pytest.mark.parametrize(("state", "status"), [
    ("frozen", Status.VOUCHER_FROZEN),
    ("created", Status.VOUCHER_INACTIVE),
    ("redeemed", Status.VOUCHER_USED),
])
def test_voucher_states_refuse_a_recharge_and_change_nothing(state: str, status: Status
                                                              ) -> None:
    led = MemoryLedger()
    led.wallet(A, cash=1000)
    led.voucher("v", {"General Cash": 5000}, state=state)
    assert led.run(recharge(led, "v")).status is status
    assert led.total(A) == 1000
    assert led.events("recharge_ok") == []


def test_a_voucher_is_redeemed_once() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.wallet("+254700000202")
    led.voucher("v", {"General Cash": 5000})
    assert led.run(recharge(led, "v")).ok
    assert led.run(recharge(led, "v", "+254700000202")).status is Status.VOUCHER_USED
    assert led.total("+254700000202") == 0


def test_wrong_pins_are_counted_and_lock_recharges_after_the_limit() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.voucher("good", {"General Cash": 5000})
    first = led.run(recharge(led, "wrong1"))
    assert first.status is Status.BAD_PIN
    assert first.data["attempts_left"] == 2
    assert led.run(recharge(led, "wrong2")).data["attempts_left"] == 1
    third = led.run(recharge(led, "wrong3"))
    assert third.status is Status.BAD_PIN
    assert third.data["attempts_left"] == 0
    assert led.total(A, "Bad PIN") == 3
    locked = led.run(recharge(led, "good"))
    assert locked.status is Status.RECHARGE_LOCKED
    assert led.total(A) == 0
    led.advance(DAY_S + 1)  # the lock period and the counting window pass
    assert led.run(recharge(led, "good")).ok
    assert led.conserved()


def test_a_good_recharge_clears_the_bad_pin_count() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.voucher("good", {"General Cash": 5000})
    led.run(recharge(led, "wrong1"))
    led.run(recharge(led, "wrong2"))
    assert led.run(recharge(led, "good")).ok
    assert led.total(A, "Bad PIN") == 0
    assert led.run(recharge(led, "wrong3")).data["attempts_left"] == 2


def test_wrong_pins_outside_the_window_do_not_count() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.run(recharge(led, "wrong1"))
    led.run(recharge(led, "wrong2"))
    led.advance(DAY_S + 1)
    assert led.run(recharge(led, "wrong3")).data["attempts_left"] == 2


def test_a_replayed_wrong_pin_is_counted_once() -> None:
    led = MemoryLedger()
    led.wallet(A)
    cmd = recharge(led, "wrong")
    assert led.run(cmd).status is Status.BAD_PIN
    again = led.run(cmd)
    assert again.replayed
    assert again.status is Status.BAD_PIN
    assert led.total(A, "Bad PIN") == 1


def test_a_recharge_over_the_maximum_balance_is_rejected_whole() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=9_999_000)
    led.voucher("big", {"General Cash": 5000, "SMS": 10})
    outcome = led.run(recharge(led, "big"))
    assert outcome.status is Status.MAX_BALANCE_EXCEEDED
    assert outcome.data["failed_balance_types"] == ["General Cash"]
    assert led.total(A, "SMS") == 0


def test_unknown_and_terminated_wallets_are_refused_before_the_pin_is_checked() -> None:
    led = MemoryLedger()
    assert led.run(recharge(led, "x", "+254700000299")).status is Status.UNKNOWN_SUBSCRIBER
    led.wallet(A)
    led.run(c.SetWalletState(key="t", msisdn=A, state=WalletState.TERMINATED))
    assert led.run(recharge(led, "x")).status is Status.WALLET_TERMINATED
