"""Translation configuration rules: each bad input is refused, naming its field, and nothing
changes (sets are immutable; a refused addition leaves the original as it was)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.unit.translations.fixtures import demo_set
from translations.config import (
    BalanceTypeTranslation,
    TranslationSet,
    ValidationError,
    WalletNameTranslation,
)
from translations.rates import CurrencyRate
from translations.rules import days_text_problem


def empty_set(**changes: Any) -> TranslationSet:
    """The demo provider's set with no translations (so any translation may be added)."""
    base = dataclasses.replace(
        demo_set(), balance_type_translations=(), wallet_name_translations=()
    )
    return dataclasses.replace(base, **changes)


def voice(**changes: Any) -> BalanceTypeTranslation:
    fields: dict[str, Any] = {
        "language": "en",
        "balance_type_name": "Voice",
        "translated_name": "Voice",
        "balance_expiry_text": "valid %d day(s)",
    }
    fields.update(changes)
    return BalanceTypeTranslation(**fields)


def cash(**changes: Any) -> BalanceTypeTranslation:
    return voice(balance_type_name="General Cash", translated_name="Airtime", **changes)


def prepaid(**changes: Any) -> WalletNameTranslation:
    fields: dict[str, Any] = {
        "language": "en",
        "wallet_type": "Prepaid",
        "translation": "Prepaid",
        "wallet_expiry_text": "valid %d day(s)",
    }
    fields.update(changes)
    return WalletNameTranslation(**fields)


def refused_fields(
    tset: TranslationSet, translation: BalanceTypeTranslation | WalletNameTranslation
) -> list[str]:
    if isinstance(translation, BalanceTypeTranslation):
        with pytest.raises(ValidationError) as raised:
            tset.with_balance_type_translation(translation)
    else:
        with pytest.raises(ValidationError) as raised:
            tset.with_wallet_name_translation(translation)
    return raised.value.fields


def test_a_valid_translation_is_added_to_a_new_set_and_the_old_one_is_unchanged() -> None:
    before = empty_set()
    after = before.with_balance_type_translation(voice())
    assert after.balance_translation("en", "Voice") == voice()
    assert before.balance_translation("en", "Voice") is None
    assert before.balance_type_translations == ()


@pytest.mark.parametrize(
    ("translation", "field"),
    [
        (voice(balance_expiry_text="valid for days"), "balance_expiry_text"),
        (voice(balance_expiry_text="%d of %d"), "balance_expiry_text"),
        (voice(balance_expiry_text="50% off, %d days"), "balance_expiry_text"),
        (voice(translated_name="Voice minutes remaining"), "translated_name"),  # 23 chars
        (voice(translated_name="Voice\nminutes"), "translated_name"),
        (voice(language="de"), "language"),
        (voice(balance_type_name="Video"), "balance_type_name"),
        (voice(single_currency="USD"), "single_currency"),
        (voice(dual_currency="USD"), "dual_currency"),
        (voice(dual_format="({balance})"), "dual_format"),
        (voice(single_format="{name} {amount}"), "single_format"),  # {amount}: cash only
        (voice(single_format="{name}"), "single_format"),  # no value at all
        (voice(single_format="{name} {balance:>10}"), "single_format"),
        (voice(single_format="{name {balance}"), "single_format"),
        (voice(separator=" ,  "), "separator"),
        (cash(single_currency="XYZ"), "single_currency"),
        (cash(single_currency="EUR"), "single_currency"),  # no KES -> EUR rate
        (cash(dual_currency="KES"), "dual_currency"),  # same as the single currency
        (cash(dual_format="({balance})"), "dual_format"),  # no dual currency
        (cash(dual_currency="USD", dual_format="{price}"), "dual_format"),
    ],
)
def test_a_bad_balance_type_translation_is_refused_naming_its_field(
    translation: BalanceTypeTranslation, field: str
) -> None:
    before = empty_set()
    assert refused_fields(before, translation) == [field]
    assert before.balance_type_translations == ()


def test_a_second_translation_for_the_same_language_and_balance_type_is_refused() -> None:
    tset = empty_set().with_balance_type_translation(voice())
    assert refused_fields(tset, voice(translated_name="Calls")) == ["balance_type_name"]
    assert tset.balance_translation("en", "Voice") == voice()


def test_the_same_balance_type_in_another_language_is_fine() -> None:
    tset = empty_set().with_balance_type_translation(voice())
    tset = tset.with_balance_type_translation(voice(language="fr", translated_name="Appels"))
    assert len(tset.balance_type_translations) == 2


def test_editing_replaces_the_record_with_the_same_key() -> None:
    tset = empty_set().with_balance_type_translation(voice())
    edited = tset.with_balance_type_translation(
        voice(translated_name="Calls"), replace_existing=True
    )
    translation = edited.balance_translation("en", "Voice")
    assert translation is not None
    assert translation.translated_name == "Calls"
    assert len(edited.balance_type_translations) == 1


def test_every_broken_rule_is_reported_at_once() -> None:
    bad = voice(translated_name="x" * 21, balance_expiry_text="no days", single_currency="USD")
    assert refused_fields(empty_set(), bad) == [
        "translated_name",
        "balance_expiry_text",
        "single_currency",
    ]


def test_an_empty_translated_name_is_allowed() -> None:
    tset = empty_set().with_balance_type_translation(voice(translated_name=""))
    assert tset.balance_translation("en", "Voice") is not None


def test_currency_fields_are_fine_on_cash_types_with_a_rate() -> None:
    tset = empty_set().with_balance_type_translation(
        cash(single_currency="USD", dual_currency="KES", single_format="{name} {currency}{amount}")
    )
    assert tset.balance_translation("en", "General Cash") is not None


@pytest.mark.parametrize(
    ("translation", "field"),
    [
        (prepaid(translation=""), "translation"),
        (prepaid(translation="   "), "translation"),
        (prepaid(translation="Prepaid plans"), "translation"),  # 13 chars
        (prepaid(wallet_expiry_text="valid"), "wallet_expiry_text"),
        (prepaid(wallet_type="Postpaid"), "wallet_type"),
        (prepaid(language="de"), "language"),
    ],
)
def test_a_bad_wallet_name_translation_is_refused_naming_its_field(
    translation: WalletNameTranslation, field: str
) -> None:
    before = empty_set()
    assert refused_fields(before, translation) == [field]
    assert before.wallet_name_translations == ()


def test_a_second_wallet_name_translation_is_refused() -> None:
    tset = empty_set().with_wallet_name_translation(prepaid())
    assert refused_fields(tset, prepaid(translation="PAYG")) == ["wallet_type"]


def test_missing_wallet_translations_are_listed() -> None:
    tset = empty_set().with_wallet_name_translation(prepaid())
    assert tset.missing_wallet_translations() == [
        ("fr", "Prepaid"),
        ("sw", "Prepaid"),
        ("ar", "Prepaid"),
    ]


def test_a_set_built_with_bad_records_names_each_by_its_index() -> None:
    with pytest.raises(ValidationError) as raised:
        empty_set(
            balance_type_translations=(voice(), voice(), cash(separator=";;;;")),
            wallet_name_translations=(prepaid(translation=""),),
        )
    assert raised.value.fields == [
        "balance_type_translations[1].balance_type_name",
        "balance_type_translations[2].separator",
        "wallet_name_translations[0].translation",
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"currency": "XXQ"}, "currency"),
        ({"languages": ()}, "languages"),
        ({"languages": ("en", "en"), "fallback_language": "en"}, "languages"),
        ({"languages": ("en", "zz"), "fallback_language": "en"}, "languages"),
        ({"fallback_language": "de"}, "fallback_language"),
        ({"provider_name": " "}, "provider_name"),
        ({"wallet_types": ("Prepaid", "Prepaid")}, "wallet_types"),
    ],
)
def test_bad_provider_fields_are_refused(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        empty_set(**changes)
    assert field in raised.value.fields


@pytest.mark.parametrize(
    ("rate", "field"),
    [
        (
            CurrencyRate(from_currency="KES", to_currency="KES", numerator=1, denominator=1),
            "rates[0].to_currency",
        ),
        (
            CurrencyRate(from_currency="KES", to_currency="USD", numerator=0, denominator=129),
            "rates[0].numerator",
        ),
        (
            CurrencyRate(from_currency="KES", to_currency="USD", numerator=1, denominator=-5),
            "rates[0].denominator",
        ),
        (
            CurrencyRate(from_currency="KES", to_currency="QQQ", numerator=1, denominator=5),
            "rates[0].to_currency",
        ),
    ],
)
def test_bad_rates_are_refused(rate: CurrencyRate, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        empty_set(rates=(rate,))
    assert field in raised.value.fields


def test_days_text_rules() -> None:
    assert days_text_problem("valid %d days") is None
    assert days_text_problem("100%% valid for %d days") is None
    assert days_text_problem("valid") is not None
    assert days_text_problem("%d/%d") is not None
    assert days_text_problem("%s days") is not None
    assert days_text_problem("ends in %d%") is not None


def test_the_error_message_names_every_field() -> None:
    error = ValidationError([("translated_name", "too long"), ("separator", "too long")])
    assert str(error) == "translated_name: too long; separator: too long"
