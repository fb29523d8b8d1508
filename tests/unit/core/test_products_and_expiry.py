"""Products, bucket expiry, roll-over, delete-after-expiry, expenditure periods, thresholds,
low-balance and expiry-soon events."""

from __future__ import annotations

import json

from core import commands as c
from core.clock import DAY_S
from core.outcomes import Status
from core.rows import SystemAccount
from tests.unit.core.memory import MemoryLedger

A = "+254700000501"


def test_buying_a_bundle_debits_cash_and_creates_its_own_dated_buckets() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=20_000)
    outcome = led.run(c.BuyProduct(key="b", msisdn=A, product="data 1gb"))
    assert outcome.ok
    assert outcome.data["paid"] == {"General Cash": 10_000}
    [bucket] = outcome.data["buckets"]
    assert bucket["expires_at"] == led.now + 30 * DAY_S
    second = led.run(c.BuyProduct(key="b2", msisdn=A, product="Data 1GB"))
    assert second.data["buckets"][0]["bucket_id"] != bucket["bucket_id"]
    assert led.total(A) == 0
    assert led.total(A, "Data") == 2_000_000_000
    assert led.conserved()


def test_a_bundle_is_paid_and_delivered_together_or_not_at_all() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=9_999)
    assert led.run(c.BuyProduct(key="b", msisdn=A, product="Data 1GB")).status \
        is Status.INSUFFICIENT_FUNDS
    assert led.total(A) == 9_999
    assert led.total(A, "Data") == 0
    assert led.run(c.BuyProduct(key="b2", msisdn=A, product="Gold")).status \
        is Status.UNKNOWN_PRODUCT


def test_provisioning_creates_the_buckets_without_payment() -> None:
    led = MemoryLedger()
    led.wallet(A)
    assert led.run(c.ProvisionProduct(key="p", msisdn=A, product="Voice 100")).ok
    assert led.total(A, "Voice") == 6000
    assert led.total(A) == 0


def test_expired_buckets_stop_counting_and_housekeeping_moves_them_out() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.run(c.ProvisionProduct(key="p", msisdn=A, product="SMS 200"))
    led.advance(7 * DAY_S)
    assert led.total(A, "SMS") == 0
    assert led.run(c.Housekeeping(key="hk")).ok
    assert led.system(SystemAccount.EXPIRED, "SMS") == 200
    assert all(b.gone for b in next(iter(led.book.accounts.values())).balances[5].buckets)
    assert led.conserved()


def test_data_rolls_over_once_then_expires() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.run(c.ProvisionProduct(key="p", msisdn=A, product="Data 1GB"))
    led.run(c.Charge(key="c", msisdn=A, amount=400_000_000, balance_type="Data"))
    led.advance(30 * DAY_S)
    led.run(c.Housekeeping(key="hk1"))
    assert led.total(A, "Data") == 600_000_000  # rolled over for 7 more days
    led.advance(7 * DAY_S)
    led.run(c.Housekeeping(key="hk2"))
    assert led.total(A, "Data") == 0
    assert led.system(SystemAccount.EXPIRED, "Data") == 600_000_000
    assert led.conserved()


def test_promo_cash_is_deleted_after_its_last_bucket_expires() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.credit(A, "Promo Cash", 500, validity_days=1)
    led.advance(DAY_S)
    led.run(c.Housekeeping(key="hk"))
    assert "Promo Cash" not in {b.balance_type.name for b in led.snapshot(A).balances}
    assert led.credit(A, "Promo Cash", 100).ok  # it comes back with the next credit
    assert led.total(A, "Promo Cash") == 100


def test_expenditure_follows_contributing_debits_and_resets_each_period() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=50_000)
    led.credit(A, "Promo Cash", 1000)
    led.run(c.Charge(key="c1", msisdn=A, amount=3000))  # 1000 promo + 2000 general
    assert led.total(A, "Monthly Spend") == 2000  # promo does not contribute
    period_end = led.bal(A, "Monthly Spend").earliest_expiry
    assert period_end is not None
    assert period_end > led.now
    led.book.now = period_end
    led.run(c.Charge(key="c2", msisdn=A, amount=500))
    assert led.total(A, "Monthly Spend") == 500
    assert led.system(SystemAccount.EXPIRED, "Monthly Spend") == 2000
    assert led.conserved()


def test_quota_thresholds_fire_once_each_in_ascending_order_and_rearm_on_credit() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.credit(A, "Voice", 6000)
    led.run(c.Charge(key="c1", msisdn=A, amount=3000, balance_type="Voice"))
    led.run(c.Charge(key="c2", msisdn=A, amount=2500, balance_type="Voice"))
    led.run(c.Charge(key="c3", msisdn=A, amount=100, balance_type="Voice"))
    assert [json.loads(p)["percent"] for p in led.events("threshold_reached")] == [50, 90]
    led.credit(A, "Voice", 6000)
    led.run(c.Charge(key="c4", msisdn=A, amount=6000, balance_type="Voice"))
    assert [json.loads(p)["percent"] for p in led.events("threshold_reached")] == [50, 90,
                                                                                    50, 90]


def test_low_balance_fires_when_crossing_below_and_again_after_a_recharge() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=2000)
    led.run(c.Charge(key="c1", msisdn=A, amount=1500, balance_type="General Cash"))
    led.run(c.Charge(key="c2", msisdn=A, amount=100, balance_type="General Cash"))
    assert len(led.events("low_balance")) == 1
    led.credit(A, "General Cash", 5000)
    led.run(c.Charge(key="c3", msisdn=A, amount=5000, balance_type="General Cash"))
    assert len(led.events("low_balance")) == 2


def test_expiry_soon_warns_once_per_bucket_within_the_window() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.run(c.ProvisionProduct(key="p", msisdn=A, product="SMS 200"))  # 7 days
    led.run(c.Housekeeping(key="hk1"))
    assert led.events("expiry_soon") == []
    led.advance(5 * DAY_S)
    led.run(c.Housekeeping(key="hk2"))
    led.run(c.Housekeeping(key="hk3"))
    [event] = led.events("expiry_soon")
    assert json.loads(event)["days"] == 2


def test_a_charge_that_only_looks_at_deleted_promo_cash_does_not_bring_it_back() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=5000)
    led.credit(A, "Promo Cash", 500, validity_days=1)
    led.advance(DAY_S)
    charged = led.run(c.Charge(key="c", msisdn=A, amount=100))  # the default cascade
    assert charged.data["charged"] == {"General Cash": 100}
    assert "Promo Cash" not in {b.balance_type.name for b in led.snapshot(A).balances}
    assert led.system(SystemAccount.EXPIRED, "Promo Cash") == 500
    assert led.conserved()
