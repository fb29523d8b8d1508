"""Catalog <-> plain dicts (JSON in storage, TOML in config/). One shape for both, so what an
operator writes in config/ledger/*.toml is exactly what the database keeps.

Unknown keys and wrong types raise ``CatalogError`` naming the field: a typo in configuration
must stop the load, not be ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from typing import Any

from core.balance_types import (
    AnnouncementRef,
    BalanceType,
    BalanceTypeAnnouncements,
    Category,
    CurrencyAnnouncementMap,
    ExpenditureType,
    ExpiryBasis,
    MaxBalancePolicy,
    sorted_thresholds,
)
from core.catalog import Conversion, Policies, Product, ProductItem, TransferPolicy
from core.units import BalanceUnit, UnitKind


class CatalogError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _check_keys(raw: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in raw:
        if key not in allowed:
            raise CatalogError(f"{where}.{key}", "unknown key")


def _typed(raw: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str,
           default: Any = dataclasses.MISSING) -> Any:
    if key not in raw:
        if default is dataclasses.MISSING:
            raise CatalogError(f"{where}.{key}", "required")
        return default
    value = raw[key]
    if isinstance(value, bool) and kind is int:
        raise CatalogError(f"{where}.{key}", "must be a whole number")
    if not isinstance(value, kind):
        raise CatalogError(f"{where}.{key}", f"wrong type {type(value).__name__}")
    return value


def _enum(raw: Mapping[str, Any], key: str, enum: type[Any], where: str, default: Any) -> Any:
    value = raw.get(key, default.value)
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(m.value for m in enum)
        raise CatalogError(f"{where}.{key}", f"one of {choices}") from None


def _ref(raw: Any, where: str) -> AnnouncementRef | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise CatalogError(where, "expected a table with set and entry")
    _check_keys(raw, {"set", "entry"}, where)
    return AnnouncementRef(_typed(raw, "set", str, where), _typed(raw, "entry", str, where))


def _ref_json(ref: AnnouncementRef | None) -> dict[str, str] | None:
    return None if ref is None else {"set": ref.set, "entry": ref.entry}


BALANCE_TYPE_KEYS = {
    "name", "unit", "category", "is_default_cash", "display_to_spend_ratio_hundredths",
    "allow_credit", "expenditure_type", "expiry_basis", "fixed_expiry_date",
    "contributes_to_expenditure", "recreate_bucket_on_expiry",
    "delete_after_last_bucket_expiry", "exclude_from_creation", "play_announcement_if_zero",
    "max_balance", "max_balance_policy", "quota_thresholds_pct", "low_balance_threshold",
    "rollover_days", "announcements", "currency_announcements",
}


def balance_type_from_dict(raw: Mapping[str, Any], *, type_id: int, provider_id: int,
                           unit: BalanceUnit, where: str = "balance_type") -> BalanceType:
    _check_keys(raw, BALANCE_TYPE_KEYS, where)
    fixed = raw.get("fixed_expiry_date")
    if isinstance(fixed, str):
        try:
            fixed = date.fromisoformat(fixed)
        except ValueError:
            raise CatalogError(f"{where}.fixed_expiry_date", "not an ISO date") from None
    ann = raw.get("announcements", {})
    _check_keys(ann, {"expiry", "single_day_expiry", "positive", "negative"},
                f"{where}.announcements")
    maps = []
    for i, m in enumerate(raw.get("currency_announcements", [])):
        w = f"{where}.currency_announcements[{i}]"
        _check_keys(m, {"currency_one", "currency_two", "positive", "negative"}, w)
        positive, negative = _ref(m.get("positive"), w + ".positive"), _ref(
            m.get("negative"), w + ".negative")
        if positive is None or negative is None:
            raise CatalogError(w, "positive and negative announcements are required")
        maps.append(CurrencyAnnouncementMap(_typed(m, "currency_one", str, w),
                                            m.get("currency_two"), positive, negative))
    thresholds = _typed(raw, "quota_thresholds_pct", list, where, [])
    return BalanceType(
        id=type_id, provider_id=provider_id, name=_typed(raw, "name", str, where), unit=unit,
        category=_enum(raw, "category", Category, where, Category.CHARGEABLE),
        is_default_cash=_typed(raw, "is_default_cash", bool, where, False),
        display_to_spend_ratio_hundredths=_typed(raw, "display_to_spend_ratio_hundredths", int,
                                                 where, 100),
        allow_credit=_typed(raw, "allow_credit", bool, where, False),
        expenditure_type=_enum(raw, "expenditure_type", ExpenditureType, where,
                               ExpenditureType.NONE),
        expiry_basis=_enum(raw, "expiry_basis", ExpiryBasis, where,
                           ExpiryBasis.BALANCE_CREATION),
        fixed_expiry_date=fixed,
        contributes_to_expenditure=_typed(raw, "contributes_to_expenditure", bool, where,
                                          False),
        recreate_bucket_on_expiry=_typed(raw, "recreate_bucket_on_expiry", bool, where, False),
        delete_after_last_bucket_expiry=_typed(raw, "delete_after_last_bucket_expiry", bool,
                                               where, False),
        exclude_from_creation=_typed(raw, "exclude_from_creation", bool, where, False),
        play_announcement_if_zero=_typed(raw, "play_announcement_if_zero", bool, where, False),
        max_balance=_typed(raw, "max_balance", int, where, None),
        max_balance_policy=_enum(raw, "max_balance_policy", MaxBalancePolicy, where,
                                 MaxBalancePolicy.REJECT_CREDITS_OVER),
        quota_thresholds_pct=sorted_thresholds([int(t) for t in thresholds]),
        low_balance_threshold=_typed(raw, "low_balance_threshold", int, where, None),
        rollover_days=_typed(raw, "rollover_days", int, where, 0),
        announcements=BalanceTypeAnnouncements(
            expiry=_ref(ann.get("expiry"), f"{where}.announcements.expiry"),
            single_day_expiry=_ref(ann.get("single_day_expiry"),
                                   f"{where}.announcements.single_day_expiry"),
            positive=_ref(ann.get("positive"), f"{where}.announcements.positive"),
            negative=_ref(ann.get("negative"), f"{where}.announcements.negative"),
        ),
        currency_announcements=tuple(maps),
    )


def balance_type_to_dict(bt: BalanceType) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": bt.name, "unit": bt.unit.name, "category": bt.category.value,
        "is_default_cash": bt.is_default_cash,
        "display_to_spend_ratio_hundredths": bt.display_to_spend_ratio_hundredths,
        "allow_credit": bt.allow_credit, "expenditure_type": bt.expenditure_type.value,
        "expiry_basis": bt.expiry_basis.value,
        "contributes_to_expenditure": bt.contributes_to_expenditure,
        "recreate_bucket_on_expiry": bt.recreate_bucket_on_expiry,
        "delete_after_last_bucket_expiry": bt.delete_after_last_bucket_expiry,
        "exclude_from_creation": bt.exclude_from_creation,
        "play_announcement_if_zero": bt.play_announcement_if_zero,
        "max_balance_policy": bt.max_balance_policy.value,
        "quota_thresholds_pct": list(bt.quota_thresholds_pct),
        "rollover_days": bt.rollover_days,
    }
    if bt.fixed_expiry_date is not None:
        out["fixed_expiry_date"] = bt.fixed_expiry_date.isoformat()
    if bt.max_balance is not None:
        out["max_balance"] = bt.max_balance
    if bt.low_balance_threshold is not None:
        out["low_balance_threshold"] = bt.low_balance_threshold
    ann = {k: _ref_json(getattr(bt.announcements, k)) for k in
           ("expiry", "single_day_expiry", "positive", "negative")}
    out["announcements"] = {k: v for k, v in ann.items() if v is not None}
    out["currency_announcements"] = [
        {"currency_one": m.currency_one, "positive": _ref_json(m.positive),
         "negative": _ref_json(m.negative),
         **({"currency_two": m.currency_two} if m.currency_two else {})}
        for m in bt.currency_announcements
    ]
    return out


def unit_kind(raw: Any, where: str) -> UnitKind:
    try:
        return UnitKind(raw)
    except ValueError:
        choices = ", ".join(k.value for k in UnitKind)
        raise CatalogError(where, f"one of {choices}") from None


PROVIDER_KEYS = {"name", "currency", "default_region", "languages", "fallback_language",
                 "wallet_types", "policies", "cascades", "conversions"}


def provider_settings_from_dict(raw: Mapping[str, Any], where: str = "provider") -> dict[str, Any]:
    """The provider's own fields (not types/products) as keyword arguments for Provider."""
    _check_keys(raw, PROVIDER_KEYS, where)
    pol = raw.get("policies", {})
    _check_keys(pol, {f.name for f in dataclasses.fields(Policies)}, f"{where}.policies")
    tr = pol.get("transfer", {})
    _check_keys(tr, {f.name for f in dataclasses.fields(TransferPolicy)},
                f"{where}.policies.transfer")
    transfer = TransferPolicy(**{k: _typed(tr, k, int, f"{where}.policies.transfer")
                                 for k in tr})
    policy_args = {k: v for k, v in pol.items() if k != "transfer"}
    for k, v in policy_args.items():
        if k == "loyalty_types":
            if not isinstance(v, list) or not all(isinstance(t, str) for t in v):
                raise CatalogError(f"{where}.policies.{k}", "a list of balance type names")
            policy_args[k] = tuple(v)
        elif k != "bad_pin_type" and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
            raise CatalogError(f"{where}.policies.{k}", "must be a whole number >= 0")
    conversions = []
    for i, c in enumerate(raw.get("conversions", [])):
        w = f"{where}.conversions[{i}]"
        _check_keys(c, {"from_type", "to_type", "numerator", "denominator"}, w)
        conv = Conversion(_typed(c, "from_type", str, w), _typed(c, "to_type", str, w),
                          _typed(c, "numerator", int, w), _typed(c, "denominator", int, w))
        if conv.numerator <= 0 or conv.denominator <= 0:
            raise CatalogError(w, "numerator and denominator must be positive")
        conversions.append(conv)
    cascades = raw.get("cascades", {})
    for name, types in cascades.items():
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise CatalogError(f"{where}.cascades.{name}", "a list of balance type names")
    return {
        "name": _typed(raw, "name", str, where),
        "currency": _typed(raw, "currency", str, where),
        "default_region": _typed(raw, "default_region", str, where, "KE"),
        "languages": tuple(_typed(raw, "languages", list, where, ["en"])),
        "fallback_language": _typed(raw, "fallback_language", str, where, "en"),
        "wallet_types": tuple(_typed(raw, "wallet_types", list, where, ["Prepaid"])),
        "policies": Policies(**policy_args, transfer=transfer),
        "cascades": {k: tuple(v) for k, v in cascades.items()},
        "conversions": tuple(conversions),
    }


def provider_settings_to_dict(fields: Mapping[str, Any]) -> dict[str, Any]:
    policies: Policies = fields["policies"]
    return {
        "name": fields["name"], "currency": fields["currency"],
        "default_region": fields["default_region"], "languages": list(fields["languages"]),
        "fallback_language": fields["fallback_language"],
        "wallet_types": list(fields["wallet_types"]),
        "policies": {**{f.name: (list(v) if isinstance(v := getattr(policies, f.name), tuple)
                                 else v)
                        for f in dataclasses.fields(Policies) if f.name != "transfer"},
                     "transfer": dataclasses.asdict(policies.transfer)},
        "cascades": {k: list(v) for k, v in fields["cascades"].items()},
        "conversions": [dataclasses.asdict(c) for c in fields["conversions"]],
    }


def product_from_dict(raw: Mapping[str, Any], where: str = "product") -> Product:
    _check_keys(raw, {"name", "price", "price_type", "items", "description"}, where)
    items = []
    for i, it in enumerate(_typed(raw, "items", list, where)):
        w = f"{where}.items[{i}]"
        _check_keys(it, {"balance_type", "amount", "validity_days"}, w)
        amount = _typed(it, "amount", int, w)
        if amount <= 0:
            raise CatalogError(f"{w}.amount", "must be positive")
        items.append(ProductItem(_typed(it, "balance_type", str, w), amount,
                                 _typed(it, "validity_days", int, w, None)))
    price = _typed(raw, "price", int, where)
    if price < 0:
        raise CatalogError(f"{where}.price", "must not be negative")
    return Product(_typed(raw, "name", str, where), price, _typed(raw, "price_type", str, where),
                   tuple(items), _typed(raw, "description", str, where, ""))


def product_to_dict(p: Product) -> dict[str, Any]:
    return {"name": p.name, "price": p.price, "price_type": p.price_type,
            "description": p.description,
            "items": [{k: v for k, v in dataclasses.asdict(i).items() if v is not None}
                      for i in p.items]}
