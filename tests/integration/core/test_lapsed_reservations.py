"""Lapsed reservations: left out of ordinary loads (they hold nothing), still ended by
housekeeping and still answered by id."""

from __future__ import annotations

from core import commands as c
from core.outcomes import Status
from core.service import Ledger
from tests.ledger_support import Clock, available, new_wallet

A = "+254700000801"


async def test_housekeeping_ends_lapsed_reservations_from_storage(ledger: Ledger,
                                                                  clock: Clock) -> None:
    await new_wallet(ledger, A, cash=10_000)
    for n in range(3):
        assert (await ledger.execute(c.Reserve(key=f"r{n}", msisdn=A, amount=1000,
                                               ttl_s=60))).ok
    assert await available(ledger, A) == 7000
    clock.advance(61)
    assert await available(ledger, A) == 10_000  # lapsed: they hold nothing any more
    swept = await ledger.execute(c.Housekeeping(key="hk"))
    assert swept.data["expired_reservations"] == 3
    states = await ledger.store.query("SELECT state, COUNT(*) FROM reservations GROUP BY 1")
    assert states == [("expired", 3)]


async def test_a_lapsed_reservation_is_still_found_by_id(ledger: Ledger, clock: Clock) -> None:
    await new_wallet(ledger, A, cash=10_000)
    held = await ledger.execute(c.Reserve(key="r", msisdn=A, amount=1000, ttl_s=60))
    clock.advance(61)
    late = await ledger.execute(c.CommitReservation(key="m", reservation_id=held.data[
        "reservation_id"], used=500))
    assert late.status is Status.RESERVATION_EXPIRED
    assert await available(ledger, A) == 10_000
