"""Each NCC balance-type rule, one row per rule: the field it names when broken."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from core.balance_types import (
    AnnouncementRef,
    BalanceType,
    BalanceTypeAnnouncements,
    Category,
    ExpenditureType,
    ExpiryBasis,
    sorted_thresholds,
    validate_balance_type,
)
from core.catalog_build import build_provider
from core.catalog_codec import CatalogError
from core.units import BalanceUnit, UnitKind
from tests.ledger_support import demo_catalog

CASH = BalanceUnit(1, 1, "KES", UnitKind.CASH)
SECONDS = BalanceUnit(2, 1, "Seconds", UnitKind.TIME)
BASE = BalanceType(id=10, provider_id=1, name="Airtime", unit=CASH, category=Category.CHARGEABLE)
REF = AnnouncementRef("set", "entry")


def test_a_plain_chargeable_cash_type_is_valid() -> None:
    assert validate_balance_type(BASE) == []


BROKEN: list[tuple[str, dict[str, Any], str]] = [
    ("name required", {"name": " "}, "name"),
    ("ratio above 9.99", {"display_to_spend_ratio_hundredths": 1000}, "display_to_spend_ratio"),
    ("ratio below 0", {"display_to_spend_ratio_hundredths": -1}, "display_to_spend_ratio"),
    ("ratio only with expenditure none",
     {"category": Category.EXPENDITURE, "expenditure_type": ExpenditureType.MONTHLY,
      "display_to_spend_ratio_hundredths": 150}, "display_to_spend_ratio"),
    ("expenditure category needs a type", {"category": Category.EXPENDITURE},
     "expenditure_type"),
    ("expenditure type only for expenditure category",
     {"expenditure_type": ExpenditureType.DAILY}, "expenditure_type"),
    ("fixed date basis needs the date", {"expiry_basis": ExpiryBasis.FIXED_DATE},
     "fixed_expiry_date"),
    ("only chargeable types contribute", {"category": Category.INTERNAL,
                                          "contributes_to_expenditure": True},
     "contributes_to_expenditure"),
    ("re-create bucket only for expenditure", {"recreate_bucket_on_expiry": True},
     "recreate_bucket_on_expiry"),
    ("no delete-after-expiry for fraud", {"category": Category.FRAUD,
                                          "delete_after_last_bucket_expiry": True},
     "delete_after_last_bucket_expiry"),
    ("no delete-after-expiry for the default type", {"is_default_cash": True,
                                                     "delete_after_last_bucket_expiry": True},
     "delete_after_last_bucket_expiry"),
    ("max balance not for internal", {"category": Category.INTERNAL, "max_balance": 10},
     "max_balance"),
    ("max balance positive", {"max_balance": 0}, "max_balance"),
    ("at most three thresholds", {"quota_thresholds_pct": (90, 60, 30, 10)},
     "quota_thresholds_pct"),
    ("thresholds are percentages", {"quota_thresholds_pct": (120,)}, "quota_thresholds_pct"),
    ("thresholds stored largest first", {"quota_thresholds_pct": (30, 60)},
     "quota_thresholds_pct"),
    ("positive/negative announcements are for non-cash types",
     {"announcements": BalanceTypeAnnouncements(positive=REF)}, "announcements"),
    ("default cash must be cash", {"unit": SECONDS, "is_default_cash": True},
     "is_default_cash"),
    ("rollover not negative", {"rollover_days": -1}, "rollover_days"),
]


@pytest.mark.parametrize(("changes", "field"), [(c, f) for _, c, f in BROKEN],
                         ids=[name for name, _, _ in BROKEN])
def test_each_rule_names_its_field(changes: dict[str, Any], field: str) -> None:
    broken = dataclasses.replace(BASE, **changes)
    assert field in [f for f, _ in validate_balance_type(broken)]


def test_only_one_default_cash_type_per_provider() -> None:
    first = dataclasses.replace(BASE, is_default_cash=True)
    second = dataclasses.replace(BASE, id=11, name="Other", is_default_cash=True)
    assert ("is_default_cash" in [f for f, _ in validate_balance_type(second, (first,))])


def test_a_fixed_date_basis_with_its_date_is_valid() -> None:
    ok = dataclasses.replace(BASE, category=Category.EXPENDITURE,
                             expenditure_type=ExpenditureType.MONTHLY,
                             expiry_basis=ExpiryBasis.FIXED_DATE,
                             fixed_expiry_date=date(2026, 1, 15))
    assert validate_balance_type(ok) == []


def test_thresholds_are_stored_largest_first_whatever_the_entry_order() -> None:
    assert sorted_thresholds([60, 30, 90]) == (90, 60, 30)
    config = demo_catalog()
    config["balance_types"][2]["quota_thresholds_pct"] = [60, 30, 90]
    voice = build_provider(config).type_named("Voice")
    assert voice is not None
    assert voice.quota_thresholds_pct == (90, 60, 30)


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda c: c["balance_types"][0].update(colour="red"), "balance_types[0].colour"),
    (lambda c: c["balance_types"][1].update(category="bogus"), "balance_types[1].category"),
    (lambda c: c["balance_types"][2].update(unit="Furlongs"), "balance_types[2].unit"),
    (lambda c: c["balance_types"][0].update(max_balance="lots"), "balance_types[0].max_balance"),
    (lambda c: c["provider"]["policies"].update(bad_pin_limit=-1),
     "provider.policies.bad_pin_limit"),
    (lambda c: c["provider"].update(colour="red"), "provider.colour"),
    (lambda c: c["products"][0]["items"][0].update(amount=0), "products[0].items[0].amount"),
], ids=["unknown key", "bad enum", "unknown unit", "wrong type", "negative policy",
        "unknown provider key", "zero product amount"])
def test_configuration_errors_name_the_key(mutate: Any, field: str) -> None:
    config = demo_catalog()
    mutate(config)
    with pytest.raises(CatalogError) as caught:
        build_provider(config)
    assert caught.value.field == field


def test_two_default_cash_types_in_config_are_refused() -> None:
    config = demo_catalog()
    config["balance_types"][1]["is_default_cash"] = True
    with pytest.raises(CatalogError, match="is_default_cash"):
        build_provider(config)
