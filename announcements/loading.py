"""Plans from TOML or dicts (``config/plans/*.toml``, admin API bodies), and back.

A file holds one provider's plans, naming the provider as the ledger's catalog does (ids are
the database's; the currency and balance types are the catalog's, not repeated here)::

    provider = "Demo Telecom"
    [[plans]]
    name = "Standard"
    playback_order = ["Airtime", "Talktime"]
    [[plans.categories]]
    name = "Airtime"
    unit_type = "cash"
    balance_types = ["General Cash", "Promo Cash"]
    use_unreserved_balances = true      # the three flags default to false (NCC: unchecked)
    play_zero_balance = true
    play_expiry = true
    announcements.category = { set = "balances", entry = "airtime" }   # each slot optional

Unknown keys, missing keys and wrong types are errors naming the key's path; every error in the
file is reported at once, and nothing is returned unless the whole file is valid.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from announcements.errors import FieldError, ValidationError
from announcements.plans import (
    ANNOUNCEMENT_SLOTS,
    BalanceCategory,
    CategoryAnnouncements,
    CumulativeBalancePlan,
)
from announcements.resolution import ResolvedPlan, resolve_plan
from core.balance_types import AnnouncementRef, BalanceType
from core.units import UnitKind

_FLAGS = ("use_unreserved_balances", "play_zero_balance", "play_expiry")


class PlanProvider(Protocol):
    """What plans need of a provider; ``core.catalog.Provider`` has it all."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def balance_types(self) -> tuple[BalanceType, ...]: ...


@dataclass(frozen=True, slots=True)
class ProviderPlans:
    provider_id: int
    provider_name: str
    currency: str
    plans: tuple[ResolvedPlan, ...]

    def plan(self, name: str) -> ResolvedPlan | None:
        return next((p for p in self.plans if p.name == name), None)


def load_provider_plans(path: Path, provider: PlanProvider) -> ProviderPlans:
    with path.open("rb") as f:
        return provider_plans_from_dict(tomllib.load(f), provider)


def provider_plans_from_dict(data: Mapping[str, object], provider: PlanProvider) -> ProviderPlans:
    """Raises ``ValidationError`` with every shape and rule error in the file."""
    errors: list[FieldError] = []
    _known_keys(data, "", {"provider", "plans"}, errors)
    named = _str(data, "provider", "", errors)
    if named is not None and named != provider.name:
        errors.append(("provider", f"these plans are for {named!r}, not {provider.name!r}"))
    plans: list[ResolvedPlan] = []
    names: set[str] = set()
    for i, item in enumerate(_list(data, "plans", "", errors)):
        path = f"plans[{i}]"
        plan = _plan(item, path, provider.id, errors)
        if plan is None:
            continue
        if plan.name.casefold() in names:
            errors.append((f"{path}.name", f"another plan is already named {plan.name!r}"))
        names.add(plan.name.casefold())
        try:
            plans.append(resolve_plan(plan, provider.balance_types, provider.currency))
        except ValidationError as e:
            errors += [(f"{path}.{field}", message) for field, message in e.errors]
    if errors:
        raise ValidationError(errors)
    return ProviderPlans(provider.id, provider.name, provider.currency, tuple(plans))


def plan_from_dict(data: object, provider_id: int) -> CumulativeBalancePlan:
    """One plan's shape (admin API body); check it with ``resolution.resolve_plan`` next."""
    errors: list[FieldError] = []
    plan = _plan(data, "", provider_id, errors)
    if errors or plan is None:
        raise ValidationError(errors or [("", "a plan is a table")])
    return plan


def plan_to_dict(plan: CumulativeBalancePlan) -> dict[str, Any]:
    """The inverse of ``plan_from_dict`` (without the provider, which the file or URL holds)."""
    return {
        "name": plan.name,
        "playback_order": list(plan.playback_order),
        "categories": [_category_to_dict(c) for c in plan.categories],
    }


def _category_to_dict(category: BalanceCategory) -> dict[str, Any]:
    refs = {
        slot: {"set": ref.set, "entry": ref.entry}
        for slot in ANNOUNCEMENT_SLOTS
        if (ref := getattr(category.announcements, slot)) is not None
    }
    return {
        "name": category.name,
        "unit_type": category.unit_type.value,
        "balance_types": list(category.balance_types),
        **{flag: getattr(category, flag) for flag in _FLAGS},
        "announcements": refs,
    }


def _plan(
    data: object, path: str, provider_id: int, errors: list[FieldError]
) -> CumulativeBalancePlan | None:
    table = _as_table(data, path, errors)
    if table is None:
        return None
    before = len(errors)
    _known_keys(table, path, {"name", "playback_order", "categories"}, errors)
    name = _str(table, "name", path, errors)
    order = _str_list(table, "playback_order", path, errors)
    categories = [
        _category(item, f"{_join(path, 'categories')}[{i}]", errors)
        for i, item in enumerate(_list(table, "categories", path, errors))
    ]
    if len(errors) > before or name is None or order is None:
        return None
    return CumulativeBalancePlan(
        provider_id=provider_id,
        name=name,
        categories=tuple(c for c in categories if c is not None),
        playback_order=tuple(order),
    )


def _category(data: object, path: str, errors: list[FieldError]) -> BalanceCategory | None:
    table = _as_table(data, path, errors)
    if table is None:
        return None
    before = len(errors)
    keys = {"name", "unit_type", "balance_types", "announcements", *_FLAGS}
    _known_keys(table, path, keys, errors)
    name = _str(table, "name", path, errors)
    unit_type = _unit_type(table, path, errors)
    balance_types = _str_list(table, "balance_types", path, errors)
    flags = {flag: _bool(table, flag, path, errors) for flag in _FLAGS}
    announcements = _announcements(table.get("announcements", {}), path, errors)
    if len(errors) > before or name is None or unit_type is None or balance_types is None:
        return None
    return BalanceCategory(
        name=name,
        unit_type=unit_type,
        balance_types=tuple(balance_types),
        announcements=announcements,
        use_unreserved_balances=flags["use_unreserved_balances"],
        play_zero_balance=flags["play_zero_balance"],
        play_expiry=flags["play_expiry"],
    )


def _announcements(data: object, path: str, errors: list[FieldError]) -> CategoryAnnouncements:
    path = _join(path, "announcements")
    table = _as_table(data, path, errors)
    if table is None:
        return CategoryAnnouncements()
    _known_keys(table, path, set(ANNOUNCEMENT_SLOTS), errors)
    refs: dict[str, AnnouncementRef | None] = {}
    for slot in ANNOUNCEMENT_SLOTS:
        if slot not in table:
            continue
        ref_path = _join(path, slot)
        ref = _as_table(table[slot], ref_path, errors)
        if ref is None:
            continue
        _known_keys(ref, ref_path, {"set", "entry"}, errors)
        set_, entry = _str(ref, "set", ref_path, errors), _str(ref, "entry", ref_path, errors)
        if set_ is not None and entry is not None:
            refs[slot] = AnnouncementRef(set_, entry)
    return CategoryAnnouncements(**refs)


def _unit_type(table: Mapping[str, object], path: str, errors: list[FieldError]) -> UnitKind | None:
    value = _str(table, "unit_type", path, errors)
    if value is None:
        return None
    try:
        return UnitKind(value)
    except ValueError:
        errors.append((_join(path, "unit_type"), "one of cash, time, data, units"))
        return None


# -- typed reads that record an error instead of raising --------------------------------------


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _as_table(value: object, path: str, errors: list[FieldError]) -> Mapping[str, object] | None:
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        return value
    errors.append((path, "must be a table"))
    return None


def _known_keys(
    table: Mapping[str, object], path: str, known: set[str], errors: list[FieldError]
) -> None:
    errors += [(_join(path, key), "unknown key") for key in table if key not in known]


def _present(table: Mapping[str, object], key: str, path: str, errors: list[FieldError]) -> bool:
    if key not in table:
        errors.append((_join(path, key), "missing"))
        return False
    return True


def _str(table: Mapping[str, object], key: str, path: str, errors: list[FieldError]) -> str | None:
    if not _present(table, key, path, errors):
        return None
    value = table[key]
    if not isinstance(value, str):
        errors.append((_join(path, key), "must be a string"))
        return None
    return value


def _bool(table: Mapping[str, object], key: str, path: str, errors: list[FieldError]) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        errors.append((_join(path, key), "must be true or false"))
        return False
    return value


def _list(
    table: Mapping[str, object], key: str, path: str, errors: list[FieldError]
) -> list[object]:
    if not _present(table, key, path, errors):
        return []
    value = table[key]
    if not isinstance(value, list):
        errors.append((_join(path, key), "must be a list"))
        return []
    return value


def _str_list(
    table: Mapping[str, object], key: str, path: str, errors: list[FieldError]
) -> list[str] | None:
    if not _present(table, key, path, errors):
        return None
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append((_join(path, key), "must be a list of strings"))
        return None
    return [str(v) for v in value]
