"""TMF654 accumulated balance figures, from a real SQLite ledger."""

from __future__ import annotations

from core import commands as c
from core.clock import DAY_S
from core.service import Ledger, accumulated_balance
from tests.ledger_support import Clock, new_wallet

A = "+254700000701"


async def test_each_figure_comes_from_its_documented_source(ledger: Ledger,
                                                            clock: Clock) -> None:
    await new_wallet(ledger, A, cash=50_000)
    assert (await ledger.execute(c.Adjust(key="promo", msisdn=A, balance_type="Promo Cash",
                                          amount=700, reason="bonus"))).ok
    assert (await ledger.execute(c.Charge(key="last-month", msisdn=A, amount=1000,
                                          balance_type="General Cash"))).ok
    clock.advance(40 * DAY_S)  # the T0 month is now the previous billing cycle
    assert (await ledger.execute(c.Charge(key="now", msisdn=A, amount=2500,
                                          balance_type="General Cash"))).ok
    reserved = await ledger.execute(c.Reserve(key="r", msisdn=A, amount=3000, ttl_s=3 * DAY_S,
                                              balance_type="General Cash"))
    assert reserved.ok
    assert (await ledger.execute(c.Adjust(key="today", msisdn=A, balance_type="SMS",
                                          amount=40, reason="x", validity_days=1))).ok
    clock.advance(DAY_S - 60)  # the SMS bucket now expires within the minute, i.e. today
    acc = await accumulated_balance(ledger, A)
    assert acc is not None
    cash = acc.by_type["General Cash"]
    assert cash.credit == 50_000 - 1000 - 2500
    assert cash.reserved == 3000
    assert cash.accepted == 2500
    assert cash.billing == 1000
    assert acc.by_type["Promo Cash"].loyalty == 700
    assert cash.loyalty == 0
    assert acc.by_type["SMS"].receivable == 40  # expires before the end of today
    chargeable = acc.by_category["chargeable"]
    assert chargeable.credit == cash.credit + 700 + 40
    assert acc.by_category["expenditure"].credit == 2500  # this cycle's spend


async def test_an_unknown_wallet_has_no_accumulated_balance(ledger: Ledger) -> None:
    assert await accumulated_balance(ledger, "+254700000799") is None
