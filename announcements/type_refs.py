"""What a balance type announces on its own (NCC 'Balance Type Announcements' and 'Currency to
Announcement Maps'). Used for per-type sequences and as the fallback for plan categories.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.balance_types import AnnouncementRef, BalanceType, CurrencyAnnouncementMap


@dataclass(frozen=True, slots=True)
class ValueRefs:
    positive: AnnouncementRef | None
    negative: AnnouncementRef | None


def currency_map_for(bt: BalanceType, currency: str) -> CurrencyAnnouncementMap | None:
    """The type's map for ``currency``: one whose Currency One is it, else one whose Currency Two
    is it (a provider's primary currency wins over a secondary one), else none."""
    maps = bt.currency_announcements
    return next((m for m in maps if m.currency_one == currency), None) or next(
        (m for m in maps if m.currency_two == currency), None
    )


def value_refs(bt: BalanceType, currency: str) -> ValueRefs:
    """Positive and negative/no-credit refs: cash types take them from their currency map (NCC
    forbids positive/negative on a cash type itself); other types from their announcements."""
    if bt.is_cash:
        found = currency_map_for(bt, currency)
        if found is None:
            return ValueRefs(None, None)
        return ValueRefs(found.positive, found.negative)
    return ValueRefs(bt.announcements.positive, bt.announcements.negative)
