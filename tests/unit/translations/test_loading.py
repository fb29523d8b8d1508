"""Loading translation sets from TOML: the demo file, and every kind of mistake in a file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from core.units import UnitKind
from tests.unit.translations.fixtures import DEMO_CONFIG, demo_set
from translations.config import ValidationError
from translations.loading import load_translation_set, translation_set_from_dict


def demo_data() -> dict[str, Any]:
    with DEMO_CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def errors_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as raised:
        translation_set_from_dict(data)
    return raised.value.errors


def test_the_demo_provider_loads() -> None:
    tset = demo_set()
    assert (tset.provider_name, tset.currency) == ("Demo Telecom", "KES")
    assert tset.languages == ("en", "fr", "sw", "ar")
    assert [bt.name for bt in tset.balance_types] == [
        "General Cash",
        "Promo Cash",
        "Voice",
        "Data",
        "SMS",
        "Bad PIN",
        "Monthly Spend",
    ]
    general = tset.balance_type("General Cash")
    assert general is not None
    assert general.is_default_cash
    voice = tset.balance_type("Voice")
    assert voice is not None
    assert voice.unit.kind is UnitKind.TIME
    assert tset.missing_wallet_translations() == []


def test_the_fraud_counter_has_no_translation_in_any_language() -> None:
    tset = demo_set()
    assert all(tset.balance_translation(lang, "Bad PIN") is None for lang in tset.languages)


def test_every_other_balance_type_is_translated_in_every_language() -> None:
    tset = demo_set()
    for language in tset.languages:
        for balance_type in tset.balance_types:
            if balance_type.name != "Bad PIN":
                assert tset.balance_translation(language, balance_type.name) is not None


def test_unknown_keys_are_errors_not_ignored() -> None:
    data = demo_data()
    data["balance_type_translations"][0]["transalted_name"] = "typo"
    data["colour"] = "blue"
    assert errors_of(data) == [
        ("balance_type_translations[0].transalted_name", "unknown key"),
        ("colour", "unknown key"),
    ]


def test_missing_and_mistyped_keys_are_all_reported() -> None:
    data = demo_data()
    del data["currency"]
    data["rates"][0]["denominator"] = 129.0  # a float rate: never
    data["wallet_name_translations"][1]["translation"] = 7
    assert errors_of(data) == [
        ("currency", "is required"),
        ("rates[0].denominator", "must be a whole number (not a float)"),
        ("wallet_name_translations[1].translation", "must be a string"),
    ]


def test_a_rule_broken_in_the_file_is_named_by_its_path() -> None:
    data = demo_data()
    data["balance_type_translations"][3]["balance_expiry_text"] = "valid for days"
    assert [field for field, _ in errors_of(data)] == [
        "balance_type_translations[3].balance_expiry_text"
    ]


def test_bad_balance_types_in_the_stand_in_section_use_core_rules() -> None:
    data = demo_data()
    data["balance_types"][1]["is_default_cash"] = True  # a second default cash type
    data["balance_types"][2]["unit_kind"] = "minutes"
    fields = [field for field, _ in errors_of(data)]
    assert "balance_types[2].unit_kind" in fields
    assert "balance_types[1].is_default_cash" in fields


def test_each_language_needs_a_wallet_name_translation() -> None:
    data = demo_data()
    data["wallet_name_translations"] = [
        w for w in data["wallet_name_translations"] if w["language"] != "sw"
    ]
    assert errors_of(data) == [
        ("wallet_name_translations", "no translation of 'Prepaid' into 'sw'")
    ]


def test_balance_types_given_by_the_caller_replace_the_file_section() -> None:
    data = demo_data()
    types = demo_set().balance_types
    del data["balance_types"]
    assert translation_set_from_dict(data, types).balance_types == types
    with pytest.raises(ValidationError, match="given by the caller"):
        translation_set_from_dict(demo_data(), types)


def test_a_file_that_is_not_toml(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("languages = [", encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        load_translation_set(bad)
    assert raised.value.fields == ["(file)"]
