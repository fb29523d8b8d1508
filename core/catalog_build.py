"""Build a Provider straight from a config mapping, with ids assigned in order: for pure tests
and tools that need the domain's view of a catalog without a database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.balance_types import validate_balance_type
from core.catalog import Provider
from core.catalog_codec import (
    CatalogError,
    balance_type_from_dict,
    product_from_dict,
    provider_settings_from_dict,
    unit_kind,
)
from core.units import BalanceUnit


def build_provider(config: Mapping[str, Any], provider_id: int = 1) -> Provider:
    fields = provider_settings_from_dict(config["provider"])
    units = {u["name"]: BalanceUnit(i, provider_id, u["name"],
                                    unit_kind(u["kind"], f"units[{i - 1}].kind"))
             for i, u in enumerate(config.get("units", []), start=1)}
    types = []
    for i, raw in enumerate(config.get("balance_types", []), start=1):
        where = f"balance_types[{i - 1}]"
        unit = units.get(raw.get("unit", ""))
        if unit is None:
            raise CatalogError(f"{where}.unit", f"unknown unit {raw.get('unit')!r}")
        types.append(balance_type_from_dict({k: v for k, v in raw.items() if k != "unit"},
                                            type_id=i, provider_id=provider_id, unit=unit,
                                            where=where))
    for i, bt in enumerate(types):
        for field, message in validate_balance_type(bt, tuple(t for t in types if t is not bt)):
            raise CatalogError(f"balance_types[{i}].{field}", message)
    products = tuple(product_from_dict(p, f"products[{i}]")
                     for i, p in enumerate(config.get("products", [])))
    return Provider(id=provider_id, units=tuple(units.values()), balance_types=tuple(types),
                    products=products, **fields)
