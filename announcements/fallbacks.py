"""Where a category's announcements come from when the category leaves one unset.

The rule, the same for every ref: the category's own ref if set; otherwise the ref of the first
balance type, in the category's listed order, that has one. For positive and negative/no credit
that is the type's currency map for the provider's currency (cash) or the type's own
positive/negative (non-cash); for days-until-expiry it is the type's Expiry announcement, for
expiry-within-one-day its Single Day Expiry announcement.

The lookup goes by the plan's list, not by which types a wallet happens to hold, so the outcome
is fixed when the plan is saved and can be validated then.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from announcements.plans import BalanceCategory, CategoryAnnouncements
from announcements.type_refs import value_refs
from core.balance_types import AnnouncementRef, BalanceType

_TypeRef = Callable[[BalanceType], AnnouncementRef | None]


def resolved_announcements(
    category: BalanceCategory, types: Mapping[str, BalanceType], currency: str
) -> CategoryAnnouncements:
    """The category's announcements with every unset ref filled from its balance types where
    one of them has it. Names missing from ``types`` are passed over (validation reports them)."""
    own = category.announcements
    listed = [types[name] for name in category.balance_types if name in types]

    def first(mine: AnnouncementRef | None, theirs: _TypeRef) -> AnnouncementRef | None:
        if mine is not None:
            return mine
        return next((ref for bt in listed if (ref := theirs(bt)) is not None), None)

    return CategoryAnnouncements(
        category=own.category,
        positive=first(own.positive, lambda bt: value_refs(bt, currency).positive),
        negative=first(own.negative, lambda bt: value_refs(bt, currency).negative),
        days_until_expiry=first(own.days_until_expiry, lambda bt: bt.announcements.expiry),
        expiry_within_one_day=first(
            own.expiry_within_one_day, lambda bt: bt.announcements.single_day_expiry
        ),
    )
