"""Idempotency, expenditure periods, MSISDNs, days to expiry, PIN hashing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core import commands as c
from core.balance_types import BalanceType, Category, ExpenditureType, ExpiryBasis
from core.clock import days_until, from_datetime
from core.msisdn import InvalidMsisdn, normalize
from core.outcomes import Status
from core.periods import next_period_end
from core.pins import looks_like_pin, pin_hash
from core.units import BalanceUnit, UnitKind
from tests.unit.core.memory import MemoryLedger

A, B = "+254700000601", "+254700000602"


def test_a_repeated_key_returns_the_first_outcome_and_moves_nothing_more() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=10_000)
    led.wallet(B)
    cmd = c.Transfer(key="same", from_msisdn=A, to_msisdn=B, amount=2000)
    first = led.run(cmd)
    again = led.run(cmd)
    assert again.replayed
    assert not first.replayed
    assert again.to_json() == first.to_json()
    assert (led.total(A), led.total(B)) == (7900, 2000)


def test_a_failure_is_remembered_too() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=100)
    led.wallet(B)
    cmd = c.Transfer(key="poor", from_msisdn=A, to_msisdn=B, amount=5000)
    assert led.run(cmd).status is Status.INSUFFICIENT_FUNDS
    led.credit(A, "General Cash", 10_000)
    replay = led.run(cmd)
    assert replay.replayed
    assert replay.status is Status.INSUFFICIENT_FUNDS


def test_the_same_key_with_other_parameters_is_a_conflict() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=10_000)
    led.wallet(B)
    assert led.run(c.Transfer(key="k", from_msisdn=A, to_msisdn=B, amount=2000)).ok
    clash = led.run(c.Transfer(key="k", from_msisdn=A, to_msisdn=B, amount=3000))
    assert clash.status is Status.IDEMPOTENCY_CONFLICT
    assert led.total(B) == 2000


def test_the_fingerprint_ignores_key_and_channel_only() -> None:
    one = c.Charge(key="a", channel="ussd", msisdn=A, amount=5)
    assert one.fingerprint() == c.Charge(key="b", channel="sms", msisdn=A, amount=5).fingerprint()
    assert one.fingerprint() != c.Charge(key="a", msisdn=A, amount=6).fingerprint()
    assert one.fingerprint() != c.Reserve(key="a", msisdn=A, amount=5, ttl_s=5).fingerprint()


CASH = BalanceUnit(1, 1, "KES", UnitKind.CASH)


def spend(kind: ExpenditureType, basis: ExpiryBasis = ExpiryBasis.BALANCE_CREATION,
          fixed: date | None = None) -> BalanceType:
    return BalanceType(id=1, provider_id=1, name="Spend", unit=CASH,
                       category=Category.EXPENDITURE, expenditure_type=kind,
                       expiry_basis=basis, fixed_expiry_date=fixed)


def ts(year: int, month: int, day: int, hour: int = 0) -> int:
    return from_datetime(datetime(year, month, day, hour, tzinfo=UTC))


@pytest.mark.parametrize(("kind", "anchor", "now", "end"), [
    (ExpenditureType.DAILY, date(2026, 1, 1), ts(2026, 3, 5, 13), ts(2026, 3, 6)),
    (ExpenditureType.WEEKLY, date(2026, 1, 1), ts(2026, 1, 8), ts(2026, 1, 15)),
    (ExpenditureType.MONTHLY, date(2026, 1, 31), ts(2026, 2, 10), ts(2026, 2, 28)),
    (ExpenditureType.MONTHLY, date(2026, 1, 31), ts(2026, 3, 1), ts(2026, 3, 31)),
    (ExpenditureType.MONTHLY, date(2026, 11, 15), ts(2026, 12, 20), ts(2027, 1, 15)),
    (ExpenditureType.YEARLY, date(2024, 2, 29), ts(2026, 3, 1), ts(2027, 2, 28)),
], ids=["daily", "weekly on the boundary", "31st in February", "back to the 31st",
        "over the year end", "leap day yearly"])
def test_expenditure_periods_follow_the_anchor_day(kind: ExpenditureType, anchor: date,
                                                   now: int, end: int) -> None:
    assert next_period_end(spend(kind), now, anchor, None) == end


def test_a_fixed_date_in_the_future_still_gives_the_current_period() -> None:
    bt = spend(ExpenditureType.MONTHLY, ExpiryBasis.FIXED_DATE, date(2027, 6, 10))
    assert next_period_end(bt, ts(2026, 11, 20), date(2027, 6, 10), None) == ts(2026, 12, 10)


def test_a_wallet_expenditure_ends_with_the_wallet() -> None:
    bt = spend(ExpenditureType.WALLET)
    assert next_period_end(bt, 100, date(2026, 1, 1), 500) == 500
    assert next_period_end(bt, 100, date(2026, 1, 1), None) is None


@pytest.mark.parametrize(("raw", "e164"), [
    ("+254 700 000601", "+254700000601"),
    ("0700000601", "+254700000601"),
    ("254700000601", "+254700000601"),
    ("+33 6 12 34 56 78", "+33612345678"),
])
def test_msisdns_are_normalized_to_e164(raw: str, e164: str) -> None:
    assert normalize(raw, "KE") == e164


@pytest.mark.parametrize("raw", ["", "abc", "12", "+2547000006019999999"])
def test_bad_msisdns_are_refused(raw: str) -> None:
    with pytest.raises(InvalidMsisdn):
        normalize(raw, "KE")


@pytest.mark.parametrize(("remaining", "days"), [(-5, 0), (0, 0), (1, 1), (86_400, 1),
                                                 (86_401, 2), (3 * 86_400, 3)])
def test_days_until_rounds_up(remaining: int, days: int) -> None:
    assert days_until(1000 + remaining, 1000) == days


def test_pin_hashes_are_keyed_and_ignore_separators() -> None:
    assert pin_hash("p1", "1234-5678-9012") == pin_hash("p1", "123456789012")
    assert pin_hash("p1", "123456789012") != pin_hash("p2", "123456789012")
    assert "123456789012" not in pin_hash("p1", "123456789012")
    assert looks_like_pin("12345678901234")
    assert not looks_like_pin("12a45678901234")
