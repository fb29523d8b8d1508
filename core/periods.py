"""Expenditure periods: when a daily/weekly/monthly/yearly/wallet expenditure balance resets.

NCC: the expiry is set at activation and moved on by one period each time it passes; the date
basis fixes which day (of the month, and month of the year) periods end on.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

from core.balance_types import BalanceType, ExpenditureType, ExpiryBasis
from core.clock import EpochSeconds, from_datetime, to_datetime


def _add_months(d: datetime, months: int, anchor_day: int) -> datetime:
    month_index = d.month - 1 + months
    year = d.year + month_index // 12
    month = month_index % 12 + 1
    day = min(anchor_day, calendar.monthrange(year, month)[1])
    return d.replace(year=year, month=month, day=day)


def _step(d: datetime, kind: ExpenditureType, anchor: date) -> datetime:
    if kind is ExpenditureType.DAILY:
        return d + timedelta(days=1)
    if kind is ExpenditureType.WEEKLY:
        return d + timedelta(days=7)
    if kind is ExpenditureType.MONTHLY:
        return _add_months(d, 1, anchor.day)
    if kind is ExpenditureType.YEARLY:
        nxt = _add_months(d, 12, anchor.day)
        return nxt.replace(month=anchor.month, day=min(anchor.day, _month_len(nxt.year, anchor)))
    raise ValueError(f"no period step for {kind}")


def _month_len(year: int, anchor: date) -> int:
    return calendar.monthrange(year, anchor.month)[1]


def anchor_date(
    bt: BalanceType,
    *,
    created_at: EpochSeconds,
    activated_at: EpochSeconds | None,
    wallet_expires_at: EpochSeconds | None,
) -> date:
    """The date whose day (and month) the periods follow, by the type's expiry basis."""
    basis = bt.expiry_basis
    if basis is ExpiryBasis.FIXED_DATE and bt.fixed_expiry_date is not None:
        return bt.fixed_expiry_date
    if basis is ExpiryBasis.WALLET_ACTIVATION and activated_at is not None:
        return to_datetime(activated_at).date()
    if basis is ExpiryBasis.WALLET_EXPIRY and wallet_expires_at is not None:
        return to_datetime(wallet_expires_at).date()
    return to_datetime(created_at).date()


def next_period_end(
    bt: BalanceType,
    now: EpochSeconds,
    anchor: date,
    wallet_expires_at: EpochSeconds | None,
) -> EpochSeconds | None:
    """The first period end strictly after ``now`` (midnight UTC on the anchored day).

    A 'wallet' expenditure follows the wallet's expiry; with no wallet expiry it never resets.
    """
    kind = bt.expenditure_type
    if kind is ExpenditureType.NONE:
        return None
    if kind is ExpenditureType.WALLET:
        return wallet_expires_at if wallet_expires_at and wallet_expires_at > now else None
    current = datetime(anchor.year, anchor.month, anchor.day, tzinfo=UTC)
    now_dt = to_datetime(now)
    if kind in (ExpenditureType.DAILY, ExpenditureType.WEEKLY):
        # Fixed-length periods: jump straight to the right one instead of stepping.
        step_days = 1 if kind is ExpenditureType.DAILY else 7
        elapsed_days = (now_dt - current).days
        current += timedelta(days=(elapsed_days // step_days) * step_days)
    if current > now_dt:
        # An anchor in the future (a fixed date): step back whole periods, then forward.
        while current > now_dt:
            current = _step_back(current, kind, anchor)
    while current <= now_dt:
        current = _step(current, kind, anchor)
    return from_datetime(current)


def _step_back(d: datetime, kind: ExpenditureType, anchor: date) -> datetime:
    if kind is ExpenditureType.DAILY:
        return d - timedelta(days=1)
    if kind is ExpenditureType.WEEKLY:
        return d - timedelta(days=7)
    if kind is ExpenditureType.MONTHLY:
        return _add_months(d, -1, anchor.day)
    return _add_months(d, -12, anchor.day)
