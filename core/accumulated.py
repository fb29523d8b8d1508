"""TMF654 accumulated balances: one wallet's figures per balance type and per category.

Where each figure comes from (all integers in the type's smallest unit):

- credit: the live balance, i.e. the sum of unexpired buckets (negative when running on credit).
- reserved: what open, unexpired reservations hold (reservations awaiting accept).
- accepted: usage committed in the current billing cycle and not yet billed: the debits of
  charges, reservation commits and product purchases since the cycle began (the journal).
- loyalty: the live balance of the provider's loyalty (bonus) balance types, else 0.
- billing: the same usage sum for the previous, closed billing cycle.
- receivable: the value expected to change today: buckets whose expiry falls before the end of
  the current day (UTC), which will leave the wallet unless used.

The billing cycle is the calendar month (UTC).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from core.clock import DAY_S, EpochSeconds, to_datetime
from core.snapshots import BalanceSnapshot, WalletSnapshot

USAGE_OPERATIONS = ("charge", "commit", "buy_product")


@dataclass(frozen=True, slots=True)
class Figures:
    credit: int = 0
    reserved: int = 0
    accepted: int = 0
    loyalty: int = 0
    billing: int = 0
    receivable: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.credit + other.credit, self.reserved + other.reserved,
                       self.accepted + other.accepted, self.loyalty + other.loyalty,
                       self.billing + other.billing, self.receivable + other.receivable)


@dataclass(frozen=True, slots=True)
class AccumulatedBalance:
    msisdn: str
    currency: str
    as_of: EpochSeconds
    by_type: Mapping[str, Figures]
    by_category: Mapping[str, Figures]


def cycle_bounds(now: EpochSeconds) -> tuple[EpochSeconds, EpochSeconds]:
    """(start of the previous cycle, start of the current cycle)."""
    d = to_datetime(now)
    current = datetime(d.year, d.month, 1, tzinfo=UTC)
    previous = datetime(d.year - 1, 12, 1, tzinfo=UTC) if d.month == 1 else datetime(
        d.year, d.month - 1, 1, tzinfo=UTC)
    return int(previous.timestamp()), int(current.timestamp())


def _receivable(balance: BalanceSnapshot, now: EpochSeconds) -> int:
    day_end = now - now % DAY_S + DAY_S
    return sum(b.value for b in balance.buckets
               if b.expires_at is not None and now < b.expires_at <= day_end)


def accumulate(wallet: WalletSnapshot, *, accepted: Mapping[str, int],
               billed: Mapping[str, int], loyalty_types: frozenset[str]
               ) -> AccumulatedBalance:
    """Combine a snapshot with the journal's usage sums (by balance type name)."""
    by_type: dict[str, Figures] = {}
    by_category: dict[str, Figures] = {}
    for b in wallet.balances:
        name = b.balance_type.name
        figures = Figures(
            credit=b.total, reserved=b.reserved, accepted=accepted.get(name, 0),
            loyalty=b.total if name in loyalty_types else 0, billing=billed.get(name, 0),
            receivable=_receivable(b, wallet.as_of))
        by_type[name] = figures
        category = b.balance_type.category.value
        by_category[category] = by_category.get(category, Figures()) + figures
    return AccumulatedBalance(wallet.msisdn, wallet.currency, wallet.as_of, by_type,
                              by_category)
