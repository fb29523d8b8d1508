"""Charges along cascades and two-phase reservations."""

from __future__ import annotations

import pytest

from core import commands as c
from core.clock import DAY_S
from core.outcomes import Status
from core.rows import ReservationState, SystemAccount
from tests.unit.core.memory import MemoryLedger

A = "+254700000401"


def funded(cash: int = 10_000, promo: int = 0) -> MemoryLedger:
    led = MemoryLedger()
    led.wallet(A, cash=cash)
    if promo:
        assert led.credit(A, "Promo Cash", promo).ok
    return led


def test_the_default_cascade_spends_promo_cash_first() -> None:
    led = funded(promo=3000)
    outcome = led.run(c.Charge(key="c", msisdn=A, amount=5000))
    assert outcome.data["charged"] == {"Promo Cash": 3000, "General Cash": 2000}
    assert (led.total(A, "Promo Cash"), led.total(A)) == (0, 8000)
    assert led.system(SystemAccount.REVENUE, "General Cash") == 2000
    assert led.conserved()


def test_a_charge_beyond_every_type_in_the_cascade_changes_nothing() -> None:
    led = funded(promo=3000)
    assert led.run(c.Charge(key="c", msisdn=A, amount=13_001)).status \
        is Status.INSUFFICIENT_FUNDS
    assert (led.total(A, "Promo Cash"), led.total(A)) == (3000, 10_000)


def test_debits_take_the_earliest_expiring_bucket_first() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.credit(A, "SMS", 10)  # undated
    led.run(c.ProvisionProduct(key="p", msisdn=A, product="SMS 200"))  # 7 days
    led.run(c.Charge(key="c", msisdn=A, amount=50, balance_type="SMS"))
    buckets = {b.product: b.value for b in led.bal(A, "SMS").buckets}
    assert buckets == {"SMS 200": 150, None: 10}


def test_reserved_amounts_count_against_what_is_available() -> None:
    led = funded()
    held = led.run(c.Reserve(key="r", msisdn=A, amount=6000, ttl_s=60))
    assert held.ok
    assert led.bal(A).available == 4000
    assert led.bal(A).total == 10_000
    assert led.run(c.Charge(key="c", msisdn=A, amount=4001)).status \
        is Status.INSUFFICIENT_FUNDS
    assert led.run(c.Reserve(key="r2", msisdn=A, amount=4000, ttl_s=60)).ok  # two sessions


def test_a_partial_commit_charges_what_was_used_and_returns_the_rest() -> None:
    led = funded()
    rid = led.run(c.Reserve(key="r", msisdn=A, amount=6000, ttl_s=60)).data["reservation_id"]
    outcome = led.run(c.CommitReservation(key="m", reservation_id=rid, used=2500))
    assert outcome.ok
    assert outcome.data["returned"] == 3500
    assert led.bal(A).total == 7500
    assert led.bal(A).reserved == 0
    assert led.total(A, "Monthly Spend") == 2500  # General Cash contributes to expenditure
    assert led.conserved()


@pytest.mark.parametrize(("end", "state"), [
    ("commit", ReservationState.COMMITTED),
    ("release", ReservationState.RELEASED),
    ("expire", ReservationState.EXPIRED),
])
def test_each_reservation_ends_in_exactly_one_terminal_state(end: str,
                                                             state: ReservationState) -> None:
    led = funded()
    rid = led.run(c.Reserve(key="r", msisdn=A, amount=6000, ttl_s=60)).data["reservation_id"]
    if end == "commit":
        assert led.run(c.CommitReservation(key="e", reservation_id=rid, used=100)).ok
    elif end == "release":
        assert led.run(c.ReleaseReservation(key="e", reservation_id=rid)).ok
    else:
        led.advance(61)
        assert led.run(c.Housekeeping(key="hk")).data["expired_reservations"] == 1
    account = next(iter(led.book.accounts.values()))
    assert account.reservations[rid].state is state
    for later in (c.CommitReservation(key="x1", reservation_id=rid, used=0),
                  c.ReleaseReservation(key="x2", reservation_id=rid)):
        assert led.run(later).status is Status.RESERVATION_CLOSED
    assert led.bal(A).reserved == 0


def test_an_expired_reservation_cannot_be_committed_and_frees_its_funds() -> None:
    led = funded()
    rid = led.run(c.Reserve(key="r", msisdn=A, amount=6000, ttl_s=60)).data["reservation_id"]
    led.advance(60)
    assert led.bal(A).available == 10_000
    assert led.run(c.CommitReservation(key="m", reservation_id=rid, used=10)).status \
        is Status.RESERVATION_EXPIRED
    assert led.total(A) == 10_000


@pytest.mark.parametrize(("cmd", "status"), [
    (c.CommitReservation(key="m", reservation_id=1, used=6001), Status.COMMIT_EXCEEDS_RESERVED),
    (c.CommitReservation(key="m", reservation_id=1, used=-1), Status.INVALID_AMOUNT),
    (c.CommitReservation(key="m", reservation_id=99, used=1), Status.UNKNOWN_RESERVATION),
    (c.ReleaseReservation(key="m", reservation_id=99), Status.UNKNOWN_RESERVATION),
])
def test_reservation_input_rules(cmd: c.Command, status: Status) -> None:
    led = funded()
    assert led.run(c.Reserve(key="r", msisdn=A, amount=6000, ttl_s=60)).data[
        "reservation_id"] == 1
    assert led.run(cmd).status is status
    assert led.bal(A).reserved == 6000
    assert led.total(A) == 10_000


@pytest.mark.parametrize(("changes", "status"), [
    ({"amount": 0}, Status.INVALID_AMOUNT),
    ({"ttl_s": 0}, Status.INVALID_AMOUNT),
    ({"msisdn": "+254700000499"}, Status.UNKNOWN_SUBSCRIBER),
    ({"cascade": "nope"}, Status.UNKNOWN_BALANCE_TYPE),
    ({"amount": 10_001}, Status.INSUFFICIENT_FUNDS),
])
def test_reserve_input_rules(changes: dict[str, object], status: Status) -> None:
    led = funded()
    args: dict[str, object] = {"msisdn": A, "amount": 100, "ttl_s": 60, **changes}
    assert led.run(c.Reserve(key="r", **args)).status is status  # type: ignore[arg-type]
    assert led.bal(A).reserved == 0


def test_a_reservation_only_counts_buckets_that_outlive_it() -> None:
    led = MemoryLedger()
    led.wallet(A)
    led.credit(A, "SMS", 100, validity_days=1)
    assert led.run(c.Reserve(key="r1", msisdn=A, amount=50, ttl_s=DAY_S * 2,
                             balance_type="SMS")).status is Status.INSUFFICIENT_FUNDS
    assert led.run(c.Reserve(key="r2", msisdn=A, amount=50, ttl_s=3600,
                             balance_type="SMS")).ok


def test_report_usage_commits_and_reserves_the_next_chunk_in_one_step() -> None:
    led = funded()
    rid = led.run(c.Reserve(key="r", msisdn=A, amount=3000, ttl_s=60)).data["reservation_id"]
    step = led.run(c.ReportUsage(key="u", reservation_id=rid, used=3000, reserve_next=3000,
                                 ttl_s=60))
    assert step.ok
    assert step.data["granted"] == 3000
    assert (led.bal(A).total, led.bal(A).reserved) == (7000, 3000)
    short = led.run(c.ReportUsage(key="u2", reservation_id=step.data["next_reservation_id"],
                                  used=3000, reserve_next=5000, ttl_s=60))
    assert short.ok
    assert short.data["granted"] == 0
    assert short.data["next_status"] == Status.INSUFFICIENT_FUNDS.value
    assert (led.bal(A).total, led.bal(A).reserved) == (4000, 0)
    assert led.conserved()


def test_the_first_debit_activates_a_pre_use_wallet() -> None:
    from core.snapshots import WalletState

    led = MemoryLedger()
    led.wallet(A, state=WalletState.PRE_USE, cash=1000)
    assert led.run(c.Charge(key="c", msisdn=A, amount=10)).ok
    assert led.snapshot(A).state is WalletState.ACTIVE


def test_an_expired_wallet_cannot_spend() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=1000, expires_at=led.now + 10)
    led.advance(10)
    outcome = led.run(c.Charge(key="c", msisdn=A, amount=10))
    assert outcome.status is Status.WALLET_NOT_ACTIVE
    assert outcome.data["state"] == "expired"
