"""Cumulative balance plans as the operator configures them (NCC 'Cumulative Balance Plans').

A plan groups a provider's balance types into named balance categories; the Cumulative Balances
IVR node sums each category and plays its announcements in the plan's playback order. This module
is the editable shape only: ``validation`` checks it against the provider's balance types and
``resolution`` turns a valid plan into the ``ResolvedPlan`` that sequences are built from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from announcements.errors import ValidationError
from core.balance_types import AnnouncementRef
from core.units import UnitKind


@dataclass(frozen=True, slots=True)
class CategoryAnnouncements:
    """NCC 'Balance Category' announcement sections. Every one is optional here: positive,
    negative and the two expiry refs fall back to the balance types' own announcements (see
    ``resolution``); a category announcement left unset is simply not played."""

    category: AnnouncementRef | None = None
    positive: AnnouncementRef | None = None
    negative: AnnouncementRef | None = None
    days_until_expiry: AnnouncementRef | None = None
    expiry_within_one_day: AnnouncementRef | None = None


# Slot names, as written in plan files and named in validation errors.
ANNOUNCEMENT_SLOTS = tuple(f.name for f in fields(CategoryAnnouncements))


@dataclass(frozen=True, slots=True)
class BalanceCategory:
    name: str
    unit_type: UnitKind  # cash, time, data or units; counter balance types go under units
    balance_types: tuple[str, ...]  # by name, in the order fallbacks are looked for
    announcements: CategoryAnnouncements = field(default_factory=CategoryAnnouncements)
    use_unreserved_balances: bool = False  # play total - reserved instead of total
    play_zero_balance: bool = False
    play_expiry: bool = False


@dataclass(frozen=True, slots=True)
class CumulativeBalancePlan:
    provider_id: int
    name: str
    categories: tuple[BalanceCategory, ...]
    # Spans every category whatever its unit type (NCC 'Playback Order'); kept apart from
    # ``categories`` because the console edits the two independently.
    playback_order: tuple[str, ...]

    def category(self, name: str) -> BalanceCategory | None:
        return next((c for c in self.categories if c.name == name), None)


def move_up(plan: CumulativeBalancePlan, category: str) -> CumulativeBalancePlan:
    """The plan with ``category`` one place earlier in the playback order (the console's UP
    button: already first means no change)."""
    return _move(plan, category, -1)


def move_down(plan: CumulativeBalancePlan, category: str) -> CumulativeBalancePlan:
    """The plan with ``category`` one place later in the playback order (DOWN; last: no change)."""
    return _move(plan, category, +1)


def _move(plan: CumulativeBalancePlan, category: str, step: int) -> CumulativeBalancePlan:
    order = list(plan.playback_order)
    if category not in order:
        raise ValidationError([("playback_order", f"no category named {category!r}")])
    i = order.index(category)
    j = i + step
    if not 0 <= j < len(order):
        return plan
    order[i], order[j] = order[j], order[i]
    return replace(plan, playback_order=tuple(order))
