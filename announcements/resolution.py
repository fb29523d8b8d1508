"""A valid plan with every fallback settled: what sequences are built from.

Resolving once, when the plan is loaded or saved, means a sequence never meets a half-configured
category: ``positive`` and ``negative`` are always there, and so are the expiry refs whenever
``play_expiry`` is set. A plan that breaks a rule never becomes a ``ResolvedPlan``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from announcements.errors import ValidationError
from announcements.fallbacks import resolved_announcements
from announcements.plans import BalanceCategory, CumulativeBalancePlan
from announcements.validation import provider_types, validate_plan
from core.balance_types import AnnouncementRef, BalanceType
from core.units import UnitKind


@dataclass(frozen=True, slots=True)
class ResolvedCategory:
    name: str
    unit_type: UnitKind
    balance_types: tuple[str, ...]
    use_unreserved_balances: bool
    play_zero_balance: bool
    play_expiry: bool
    announcement: AnnouncementRef | None  # the category's own; nothing to fall back to
    positive: AnnouncementRef
    negative: AnnouncementRef
    days_until_expiry: AnnouncementRef | None  # never None when play_expiry
    expiry_within_one_day: AnnouncementRef | None  # never None when play_expiry


@dataclass(frozen=True, slots=True)
class ResolvedPlan:
    source: CumulativeBalancePlan  # what the operator saved, for editing and round trips
    currency: str
    categories: tuple[ResolvedCategory, ...]  # in playback order

    @property
    def provider_id(self) -> int:
        return self.source.provider_id

    @property
    def name(self) -> str:
        return self.source.name


def resolve_plan(
    plan: CumulativeBalancePlan, balance_types: Iterable[BalanceType], currency: str
) -> ResolvedPlan:
    """Check ``plan`` against the provider's balance types and settle its fallbacks.

    Raises ``ValidationError`` with every broken rule; nothing is returned half-built.
    """
    catalogue = tuple(balance_types)
    errors = validate_plan(plan, catalogue, currency)
    if errors:
        raise ValidationError(errors)
    types = provider_types(plan.provider_id, catalogue)
    by_name = {c.name: c for c in plan.categories}
    return ResolvedPlan(
        source=plan,
        currency=currency,
        categories=tuple(_resolve(by_name[name], types, currency) for name in plan.playback_order),
    )


def _resolve(
    category: BalanceCategory, types: dict[str, BalanceType], currency: str
) -> ResolvedCategory:
    refs = resolved_announcements(category, types, currency)
    # validate_plan has reported any category these would fail for.
    assert refs.positive is not None
    assert refs.negative is not None
    return ResolvedCategory(
        name=category.name,
        unit_type=category.unit_type,
        balance_types=category.balance_types,
        use_unreserved_balances=category.use_unreserved_balances,
        play_zero_balance=category.play_zero_balance,
        play_expiry=category.play_expiry,
        announcement=refs.category,
        positive=refs.positive,
        negative=refs.negative,
        days_until_expiry=refs.days_until_expiry,
        expiry_within_one_day=refs.expiry_within_one_day,
    )
