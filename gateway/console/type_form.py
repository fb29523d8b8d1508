"""The balance type form (NCC 'Balance Type Details', 'Announcements' and 'Quota
Notifications' tabs) <-> the catalog codec's mapping.

Which fields are enabled follows NCC: by category, unit and expenditure type
(``disabled_fields``). A disabled field is not submitted by the browser, so the server reads it
as its default: the same rule on both sides, and ``validate_balance_type`` has the last word.
Amounts are whole numbers of the unit's smallest part; the display-to-spend ratio is typed as
NCC shows it ("1.00", 0 to 9.99) and kept as hundredths (an integer, never a float).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from core.balance_types import (
    MAX_QUOTA_THRESHOLDS,
    BalanceType,
    Category,
    ExpenditureType,
    ExpiryBasis,
    MaxBalancePolicy,
)
from core.catalog import Provider
from core.units import UnitKind

FLAGS = ("is_default_cash", "allow_credit", "contributes_to_expenditure",
         "recreate_bucket_on_expiry", "delete_after_last_bucket_expiry",
         "exclude_from_creation", "play_announcement_if_zero")
ANNOUNCEMENT_SLOTS = ("expiry", "single_day_expiry", "positive", "negative")
THRESHOLD_FIELDS = tuple(f"quota_thresholds_pct_{i}" for i in range(1, MAX_QUOTA_THRESHOLDS + 1))
_RATIO = re.compile(r"\d(?:\.\d{1,2})?")
_INTEGER = re.compile(r"-?\d{1,18}")
MAX_BALANCE_CATEGORIES = {Category.CHARGEABLE.value, Category.CROSS.value, Category.FRAUD.value}


def values_of(bt: BalanceType | None) -> dict[str, str]:
    """The form's values (strings, "on" for a ticked box) for an existing type or a new one."""
    if bt is None:
        return {"name": "", "unit": "", "category": "chargeable", "display_to_spend_ratio": "1.00",
                "expenditure_type": "none", "expiry_basis": "balance_creation",
                "max_balance_policy": "reject_credits_over", "rollover_days": "0"}
    values = {
        "name": bt.name, "unit": bt.unit.name, "category": bt.category.value,
        "display_to_spend_ratio": f"{bt.display_to_spend_ratio_hundredths // 100}."
                                  f"{bt.display_to_spend_ratio_hundredths % 100:02d}",
        "expenditure_type": bt.expenditure_type.value, "expiry_basis": bt.expiry_basis.value,
        "fixed_expiry_date": bt.fixed_expiry_date.isoformat() if bt.fixed_expiry_date else "",
        "max_balance": "" if bt.max_balance is None else str(bt.max_balance),
        "max_balance_policy": bt.max_balance_policy.value,
        "low_balance_threshold": ("" if bt.low_balance_threshold is None
                                  else str(bt.low_balance_threshold)),
        "rollover_days": str(bt.rollover_days),
    }
    values.update({flag: "on" for flag in FLAGS if getattr(bt, flag)})
    ascending = sorted(bt.quota_thresholds_pct)  # entered in any order; stored largest first
    values.update({name: str(t) for name, t in zip(THRESHOLD_FIELDS, ascending, strict=False)})
    for slot in ANNOUNCEMENT_SLOTS:
        ref = getattr(bt.announcements, slot)
        if ref is not None:
            values[f"announcements_{slot}_set"] = ref.set
            values[f"announcements_{slot}_entry"] = ref.entry
    return values


def unit_kind(provider: Provider, unit_name: str) -> UnitKind | None:
    return next((u.kind for u in provider.units if u.name == unit_name), None)


def disabled_fields(values: Mapping[str, str], provider: Provider) -> set[str]:
    """NCC's enabling rules, from what the form holds now (mirrored in static/console.js)."""
    category = values.get("category", "")
    is_cash = unit_kind(provider, values.get("unit", "")) is UnitKind.CASH
    off: set[str] = set()
    if not is_cash:
        off.add("is_default_cash")
    if values.get("expenditure_type", "none") != "none":
        off.add("display_to_spend_ratio")
    if category != Category.EXPENDITURE.value:
        off |= {"expenditure_type", "recreate_bucket_on_expiry"}
    else:
        off.add("rollover_days")
    if values.get("expiry_basis") != ExpiryBasis.FIXED_DATE.value:
        off.add("fixed_expiry_date")
    if category != Category.CHARGEABLE.value:
        off.add("contributes_to_expenditure")
    if category == Category.FRAUD.value or values.get("is_default_cash") == "on":
        off.add("delete_after_last_bucket_expiry")
    if category not in MAX_BALANCE_CATEGORIES:
        off |= {"max_balance", "max_balance_policy"}
    if is_cash:
        off |= {f"announcements_{slot}_{part}" for slot in ("positive", "negative")
                for part in ("set", "entry")}
    return off


def read_form(form: Mapping[str, Any], existing: BalanceType | None, provider: Provider
              ) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """(the form's values to show again, the codec mapping, field errors)."""
    values = {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    if existing is not None:
        values["name"] = existing.name  # the name is the type's key: it never changes
    off = disabled_fields(values, provider)
    for name in off:  # what the browser would not have sent
        values.pop(name, None)
    errors: dict[str, str] = {}
    body: dict[str, Any] = {"name": values.get("name", ""), "unit": values.get("unit", ""),
                            "category": values.get("category", "")}
    for flag in FLAGS:
        body[flag] = values.get(flag) == "on"
    ratio = values.get("display_to_spend_ratio", "1.00")
    if _RATIO.fullmatch(ratio):
        whole, _, cents = ratio.partition(".")
        body["display_to_spend_ratio_hundredths"] = int(whole) * 100 + int(cents.ljust(2, "0"))
    else:
        errors["display_to_spend_ratio"] = "a ratio from 0 to 9.99, e.g. 1.00"
    body["expenditure_type"] = values.get("expenditure_type", ExpenditureType.NONE.value)
    body["expiry_basis"] = values.get("expiry_basis", ExpiryBasis.BALANCE_CREATION.value)
    if values.get("fixed_expiry_date"):
        body["fixed_expiry_date"] = values["fixed_expiry_date"]
    body["max_balance_policy"] = values.get("max_balance_policy",
                                            MaxBalancePolicy.REJECT_CREDITS_OVER.value)
    for name in ("max_balance", "low_balance_threshold", "rollover_days"):
        raw = values.get(name, "")
        if not raw:
            continue
        if _INTEGER.fullmatch(raw):
            body[name] = int(raw)
        else:
            errors[name] = "a whole number of the unit's smallest part (no decimals)"
    thresholds = []
    for name in THRESHOLD_FIELDS:
        raw = values.get(name, "")
        if raw and _INTEGER.fullmatch(raw):
            thresholds.append(int(raw))
        elif raw:
            errors["quota_thresholds_pct"] = "each threshold is a whole percentage"
    # NCC sorts the thresholds largest first on saving, whatever order they were typed in.
    body["quota_thresholds_pct"] = sorted(thresholds, reverse=True)
    announcements = {}
    for slot in ANNOUNCEMENT_SLOTS:
        ref_set = values.get(f"announcements_{slot}_set", "")
        entry = values.get(f"announcements_{slot}_entry", "")
        if ref_set and entry:
            announcements[slot] = {"set": ref_set, "entry": entry}
        elif ref_set or entry:
            errors[f"announcements_{slot}"] = "give both the announcement set and the entry"
    body["announcements"] = announcements
    if existing is not None:  # edited on the currency maps screen
        body["currency_announcements"] = [
            {"currency_one": m.currency_one, "positive": {"set": m.positive.set,
                                                          "entry": m.positive.entry},
             "negative": {"set": m.negative.set, "entry": m.negative.entry},
             **({"currency_two": m.currency_two} if m.currency_two else {})}
            for m in existing.currency_announcements]
    return values, body, errors


def error_field(field: str) -> str:
    """validate_balance_type's field -> the form field it is shown next to."""
    return {"quota_thresholds_pct": "quota_thresholds_pct",
            "announcements": "announcements_positive",
            "currency_announcements": "_form"}.get(field, field)
