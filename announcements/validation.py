"""The rules a cumulative balance plan must keep, checked against the provider's balance types.

``validate_plan`` returns every broken rule as (field, message), like core's
``validate_balance_type``; ``resolution.resolve_plan`` raises them as one ``ValidationError``.

Category names: NCC says "a unique name ... up to 30 alphanumeric characters". We read that as
ASCII letters and digits, with single spaces allowed between words ("Bonus Data"): names show on
consoles and in logs and are matched by the playback order, so no leading, trailing or double
spaces, no punctuation and no look-alike letters. Uniqueness ignores case ("Data" and "DATA" in
one plan would be indistinguishable when spoken about).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from announcements.errors import FieldError
from announcements.fallbacks import resolved_announcements
from announcements.plans import (
    ANNOUNCEMENT_SLOTS,
    BalanceCategory,
    CategoryAnnouncements,
    CumulativeBalancePlan,
)
from core.balance_types import AnnouncementRef, BalanceType
from core.units import UnitKind

PLAN_NAME_MAX = 50  # as balance type names (core.balance_types)
CATEGORY_NAME_MAX = 30  # NCC 'Category Name'
_CATEGORY_NAME = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")
PLAYABLE_UNIT_TYPES = (UnitKind.CASH, UnitKind.TIME, UnitKind.DATA, UnitKind.UNITS)


def provider_types(
    provider_id: int, balance_types: Iterable[BalanceType]
) -> dict[str, BalanceType]:
    """The provider's balance types by name; another provider's types are unknown to its plans."""
    return {bt.name: bt for bt in balance_types if bt.provider_id == provider_id}


def fits(type_kind: UnitKind, unit_type: UnitKind) -> bool:
    """Whether a balance type of ``type_kind`` may join a category of ``unit_type``."""
    return type_kind is unit_type or (unit_type is UnitKind.UNITS and type_kind is UnitKind.COUNTER)


def validate_plan(
    plan: CumulativeBalancePlan, balance_types: Iterable[BalanceType], currency: str
) -> list[FieldError]:
    """Every rule ``plan`` breaks, as (field, message); empty means it can be resolved and played.

    ``balance_types`` may hold other providers' types (they are ignored); ``currency`` is the
    provider's, the one cash categories fall back to currency maps for.
    """
    types = provider_types(plan.provider_id, balance_types)
    errors: list[FieldError] = []
    if not plan.name.strip():
        errors.append(("name", "a name is required"))
    elif len(plan.name) > PLAN_NAME_MAX:
        errors.append(("name", f"at most {PLAN_NAME_MAX} characters"))
    if not plan.categories:
        errors.append(("categories", "a plan needs at least one balance category"))
    seen: set[str] = set()
    for i, category in enumerate(plan.categories):
        path = f"categories[{i}]"
        errors += _name_errors(category.name, f"{path}.name", seen)
        errors += _category_errors(category, path, types, currency)
    errors += _playback_order_errors(plan)
    return errors


def _name_errors(name: str, path: str, seen: set[str]) -> list[FieldError]:
    if not name:
        return [(path, "a name is required")]
    errors: list[FieldError] = []
    if len(name) > CATEGORY_NAME_MAX:
        errors.append((path, f"at most {CATEGORY_NAME_MAX} characters"))
    if not _CATEGORY_NAME.fullmatch(name):
        errors.append((path, "letters and digits only, words separated by single spaces"))
    key = name.casefold()
    if key in seen:
        errors.append((path, f"another category is already named {name!r}"))
    seen.add(key)
    return errors


def _category_errors(
    category: BalanceCategory, path: str, types: Mapping[str, BalanceType], currency: str
) -> list[FieldError]:
    errors: list[FieldError] = []
    if category.unit_type is UnitKind.COUNTER:
        errors.append((f"{path}.unit_type", "counter balance types belong to a 'units' category"))
    elif category.unit_type not in PLAYABLE_UNIT_TYPES:
        errors.append((f"{path}.unit_type", "must be cash, time, data or units"))
    type_errors = _balance_type_errors(category, f"{path}.balance_types", types)
    errors += type_errors
    errors += _ref_errors(category.announcements, f"{path}.announcements")
    # A missing fallback is only worth reporting once the type list itself is sound; otherwise
    # a misspelt type name would also show as a missing announcement.
    if not type_errors:
        errors += _fallback_errors(category, path, types, currency)
    return errors


def _balance_type_errors(
    category: BalanceCategory, path: str, types: Mapping[str, BalanceType]
) -> list[FieldError]:
    if not category.balance_types:
        return [(path, "assign at least one balance type")]
    errors: list[FieldError] = []
    for j, name in enumerate(category.balance_types):
        item = f"{path}[{j}]"
        if name in category.balance_types[:j]:
            errors.append((item, f"{name!r} is listed twice; it would be counted twice"))
        bt = types.get(name)
        if bt is None:
            errors.append((item, f"no balance type named {name!r} for this provider"))
        elif not fits(bt.unit.kind, category.unit_type):
            errors.append(
                (item, f"{name!r} counts {bt.unit.kind}; the category counts {category.unit_type}")
            )
    return errors


def _ref_errors(announcements: CategoryAnnouncements, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    for slot in ANNOUNCEMENT_SLOTS:
        ref: AnnouncementRef | None = getattr(announcements, slot)
        if ref is None:
            continue
        for part in ("set", "entry"):
            if not getattr(ref, part).strip():
                errors.append((f"{path}.{slot}.{part}", "must not be blank"))
    return errors


def _fallback_errors(
    category: BalanceCategory, path: str, types: Mapping[str, BalanceType], currency: str
) -> list[FieldError]:
    resolved = resolved_announcements(category, types, currency)
    where = f"{path}.announcements"
    errors: list[FieldError] = []
    for slot, word in (("positive", "positive"), ("negative", "negative/no credit")):
        if getattr(resolved, slot) is not None:
            continue
        if category.unit_type is UnitKind.CASH:
            source = f"a currency map for {currency}"
        else:
            source = f"a {word} announcement"
        message = f"set one on the category, or give one of its balance types {source}"
        errors.append((f"{where}.{slot}", message))
    if category.play_expiry:
        for slot, word in (
            ("days_until_expiry", "expiry"),
            ("expiry_within_one_day", "single day expiry"),
        ):
            if getattr(resolved, slot) is None:
                errors.append(
                    (
                        f"{where}.{slot}",
                        "play expiry is set: set one on the category, or give one of its "
                        f"balance types a {word} announcement",
                    )
                )
    return errors


def _playback_order_errors(plan: CumulativeBalancePlan) -> list[FieldError]:
    names = [c.name for c in plan.categories]
    errors: list[FieldError] = []
    listed: set[str] = set()
    for name in plan.playback_order:
        if name not in names:
            errors.append(("playback_order", f"lists {name!r}, which is not a category"))
        elif name in listed:
            errors.append(("playback_order", f"lists {name!r} more than once"))
        listed.add(name)
    errors += [
        ("playback_order", f"does not list {name!r}")
        for name in dict.fromkeys(names)
        if name not in listed
    ]
    return errors
