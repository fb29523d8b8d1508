"""The shortest command sequences behind failures the state machine in test_stateful.py found,
kept as plain dialogues so that each one names its rule."""

from __future__ import annotations

from core import commands as c
from core.outcomes import Outcome, Status
from core.service import Ledger
from tests.integration.ledger.invariants import imbalances, problems
from tests.ledger_support import Clock, Keys, balance, new_wallet

ALICE = "+254744000001"
DAY_S = 86_400


async def promo_credit(ledger: Ledger, keys: Keys, amount: int) -> Outcome:
    return await ledger.execute(c.Adjust(key=keys("promo"), msisdn=ALICE,
                                         balance_type="Promo Cash", amount=amount,
                                         reason="bonus", validity_days=1))


# -- an expired Promo Cash bucket (delete_after_last_bucket_expiry) touched twice ----------------

async def test_a_new_promo_credit_after_the_old_one_expired_creates_no_money(
        ledger: Ledger, clock: Clock, keys: Keys) -> None:
    await new_wallet(ledger, ALICE, cash=10_000)
    assert (await promo_credit(ledger, keys, 5_000)).ok
    clock.advance(DAY_S)  # the 5_000 expire

    credited = await promo_credit(ledger, keys, 3_000)

    assert credited.ok
    assert credited.data["balance"] == 3_000
    assert await balance(ledger, ALICE, "Promo Cash") == 3_000
    assert await imbalances(ledger.store) == {}
    assert await problems(ledger.store, clock()) == []


async def test_two_charges_in_one_batch_after_promo_expired_create_no_money(
        ledger: Ledger, clock: Clock, keys: Keys) -> None:
    await new_wallet(ledger, ALICE, cash=10_000)
    assert (await promo_credit(ledger, keys, 5_000)).ok
    clock.advance(DAY_S)

    charged = await ledger.execute_many([
        c.Charge(key=keys("charge"), msisdn=ALICE, amount=100, cascade="default"),
        c.Charge(key=keys("charge"), msisdn=ALICE, amount=100, cascade="default")])

    assert [o.data["charged"] for o in charged] == [{"General Cash": 100}] * 2
    assert await balance(ledger, ALICE) == 9_800
    assert await imbalances(ledger.store) == {}
    assert await problems(ledger.store, clock()) == []


# -- a closed reservation gets the same answer whether or not it closed in the same batch --------

async def reserve(ledger: Ledger, keys: Keys, ttl_s: int = 60) -> int:
    held = await ledger.execute(c.Reserve(key=keys("reserve"), msisdn=ALICE, amount=1_000,
                                          ttl_s=ttl_s))
    assert held.ok, held
    return int(held.data["reservation_id"])


async def test_committing_a_committed_reservation_says_it_is_closed(
        ledger: Ledger, keys: Keys) -> None:
    await new_wallet(ledger, ALICE, cash=10_000)
    rid = await reserve(ledger, keys)
    assert (await ledger.execute(c.CommitReservation(key=keys("commit"), reservation_id=rid,
                                                     used=400))).ok

    again = await ledger.execute(c.CommitReservation(key=keys("commit"), reservation_id=rid,
                                                     used=400))

    assert again == Outcome(Status.RESERVATION_CLOSED, {"state": "committed"})


async def test_a_closed_reservation_answers_the_same_in_one_batch_or_two(
        ledger: Ledger, keys: Keys) -> None:
    await new_wallet(ledger, ALICE, cash=10_000)
    together, apart = await reserve(ledger, keys), await reserve(ledger, keys)

    in_one_batch = await ledger.execute_many([
        c.ReleaseReservation(key=keys("release"), reservation_id=together),
        c.ReleaseReservation(key=keys("release"), reservation_id=together)])
    assert (await ledger.execute(c.ReleaseReservation(key=keys("release"),
                                                      reservation_id=apart))).ok
    in_a_later_batch = await ledger.execute(c.ReleaseReservation(key=keys("release"),
                                                                 reservation_id=apart))

    assert in_one_batch[1] == Outcome(Status.RESERVATION_CLOSED, {"state": "released"})
    assert in_a_later_batch == in_one_batch[1]


async def test_a_lapsed_reservation_is_expired_then_closed(
        ledger: Ledger, clock: Clock, keys: Keys) -> None:
    await new_wallet(ledger, ALICE, cash=10_000)
    rid = await reserve(ledger, keys, ttl_s=60)
    clock.advance(60)

    first = await ledger.execute(c.ReleaseReservation(key=keys("release"), reservation_id=rid))
    second = await ledger.execute(c.ReleaseReservation(key=keys("release"), reservation_id=rid))

    assert first == Outcome(Status.RESERVATION_EXPIRED, {})
    assert second == Outcome(Status.RESERVATION_CLOSED, {"state": "expired"})
    assert await balance(ledger, ALICE) == 10_000
