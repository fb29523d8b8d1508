"""NCC balance and wallet texts: which balances are listed, and how each line is built."""

from __future__ import annotations

import dataclasses
from typing import Any

from core.clock import DAY_S
from tests.unit.translations.fixtures import balance, demo_set, demo_wallet, wallet
from translations.config import BalanceTypeTranslation, TranslationSet, WalletNameTranslation
from translations.ncc import Layout, NccTexts, joined, without_name
from translations.rates import CurrencyRate

NBSP = "\xa0"


def texts_for(*translations: BalanceTypeTranslation, **changes: Any) -> NccTexts:
    tset = dataclasses.replace(demo_set(), balance_type_translations=translations, **changes)
    return NccTexts(tset)


def en(type_name: str, **fields: Any) -> BalanceTypeTranslation:
    values: dict[str, Any] = {
        "language": "en",
        "balance_type_name": type_name,
        "translated_name": type_name,
        "balance_expiry_text": "valid %d day(s)",
    }
    values.update(fields)
    return BalanceTypeTranslation(**values)


def lines(texts: NccTexts, *balances: Any, language: str = "en") -> tuple[str, ...]:
    return texts.balance_texts(wallet(balances), language)


def test_a_balance_type_without_a_translation_is_not_mentioned() -> None:
    texts = texts_for(en("Voice"))
    assert lines(texts, balance("Voice", 60), balance("Data", 10**9), balance("Bad PIN", 2)) == (
        "Voice 1 min 0 s",
    )


def test_a_translation_in_another_language_does_not_count() -> None:
    texts = texts_for(en("Voice"))
    assert lines(texts, balance("Voice", 60), language="fr") == ()


def test_the_demo_never_mentions_the_fraud_counter() -> None:
    texts = NccTexts(demo_set())
    for language in demo_set().languages:
        listed = texts.balance_lines(demo_wallet(language), language)
        assert "Bad PIN" not in [line.balance_type_name for line in listed]
        assert len(listed) == 6


def test_an_empty_name_leaves_the_value_alone() -> None:
    texts = texts_for(
        en("SMS", translated_name=""),
        en("Voice", translated_name="", single_format="Calls: {name} {balance}"),
    )
    assert lines(texts, balance("SMS", 20), balance("Voice", 75)) == ("20 SMS", "Calls: 1 min 15 s")


def test_cash_lines_use_the_cldr_currency_format() -> None:
    texts = texts_for(en("General Cash", translated_name="Airtime"))
    assert lines(texts, balance("General Cash", 10_050)) == (f"Airtime KES{NBSP}100.50",)


def test_ncc_literal_layout_with_code_and_amount() -> None:
    texts = texts_for(
        en("General Cash", translated_name="Gen", single_format="{name} {currency}{amount}")
    )
    assert lines(texts, balance("General Cash", 2_000)) == ("Gen KES20.00",)


def test_the_figure_shown_is_what_is_available_now() -> None:
    texts = texts_for(en("General Cash", translated_name="Airtime"))
    assert lines(texts, balance("General Cash", 10_000, reserved=2_500)) == (
        f"Airtime KES{NBSP}75.00",
    )


def test_expiry_text_takes_whole_days_left_rounded_up() -> None:
    texts = texts_for(en("Data", no_balance_expiry_text="no expiry"))
    one_and_a_half_days = 3 * DAY_S // 2
    assert lines(texts, balance("Data", 250_000_000, expires_in_s=one_and_a_half_days)) == (
        "Data 250 MB valid 2 day(s)",
    )
    assert lines(texts, balance("Data", 250_000_000)) == ("Data 250 MB no expiry",)


def test_an_empty_no_expiry_text_adds_nothing() -> None:
    texts = texts_for(en("Data"))
    assert lines(texts, balance("Data", 250_000_000)) == ("Data 250 MB",)


def test_separators_go_between_balances_not_after_the_last() -> None:
    texts = texts_for(en("Voice", separator=","), en("SMS", separator=";"))
    assert lines(texts, balance("Voice", 60), balance("SMS", 3)) == (
        "Voice 1 min 0 s,",
        "SMS 3 SMS",
    )
    assert lines(texts, balance("SMS", 3), balance("Voice", 60)) == (
        "SMS 3 SMS;",
        "Voice 1 min 0 s",
    )


def test_the_default_cash_balance_comes_first() -> None:
    texts = texts_for(en("Voice"), en("General Cash", translated_name="Airtime"))
    assert lines(texts, balance("Voice", 60), balance("General Cash", 100)) == (
        f"Airtime KES{NBSP}1.00",
        "Voice 1 min 0 s",
    )


def test_dual_currency_converts_at_the_fixed_rate_and_truncates() -> None:
    texts = texts_for(en("General Cash", translated_name="Airtime", dual_currency="USD"))
    # 1,000.00 KES / 129 = 7.7519... USD -> 7.75
    assert lines(texts, balance("General Cash", 100_000)) == (
        f"Airtime KES{NBSP}1,000.00 (USD{NBSP}7.75)",
    )


def test_a_single_currency_override_shows_the_balance_in_that_currency() -> None:
    rates = (CurrencyRate(from_currency="KES", to_currency="JPY", numerator=115, denominator=100),)
    texts = texts_for(en("Promo Cash", translated_name="Promo", single_currency="JPY"), rates=rates)
    # 100.00 KES * 1.15 = 115 JPY (no minor unit)
    assert lines(texts, balance("Promo Cash", 10_000)) == (f"Promo JPY{NBSP}115",)


def test_conversion_between_currencies_of_different_digits() -> None:
    rate = CurrencyRate(from_currency="KES", to_currency="KWD", numerator=1, denominator=420)
    assert rate.convert_minor(100_000) == 2_380  # 1,000.00 KES -> 2.380 KWD (3 digits)
    assert rate.convert_minor(-100_000) == -2_380  # truncated toward zero both ways
    back = CurrencyRate(from_currency="JPY", to_currency="KES", numerator=87, denominator=100)
    assert back.convert_minor(1_000) == 87_000  # 1,000 JPY -> 870.00 KES


def test_the_wallet_line_names_the_wallet_and_its_expiry() -> None:
    texts = NccTexts(demo_set())
    assert texts.wallet_text(demo_wallet("en"), "en") == "Prepaid valid 120 day(s)"
    no_expiry = wallet((), expires_in_days=None)
    assert texts.wallet_text(no_expiry, "en") == "Prepaid"


def test_a_wallet_type_without_translation_falls_back_to_its_name() -> None:
    texts = NccTexts(demo_set())
    assert texts.wallet_text(wallet((), wallet_type="Hybrid"), "en") == "Hybrid"


def test_the_no_wallet_expiry_text_is_used_when_the_wallet_does_not_expire() -> None:
    tset: TranslationSet = dataclasses.replace(
        demo_set(),
        wallet_name_translations=(
            WalletNameTranslation(
                language="en",
                wallet_type="Prepaid",
                translation="Prepaid",
                wallet_expiry_text="valid %d day(s)",
                no_wallet_expiry_text="never expires",
            ),
        ),
    )
    assert NccTexts(tset).wallet_text(wallet((), expires_in_days=None), "en") == (
        "Prepaid never expires"
    )


def test_balance_lines_and_texts_agree() -> None:
    texts = NccTexts(demo_set())
    for language in demo_set().languages:
        snapshot = demo_wallet(language)
        assert joined(texts.balance_lines(snapshot, language)) == texts.balance_texts(
            snapshot, language
        )


def test_without_name_closes_up_the_gap() -> None:
    assert without_name("{name} {balance}") == "{balance}"
    assert without_name("{balance} ({name})") == "{balance} ()"
    assert without_name("Total {name}  {balance} {{x}}") == "Total {balance} {{x}}"


def test_layout_fills_constants_once_and_keeps_braces_in_them_literal() -> None:
    layout = Layout.compile("{name}: {currency}{amount}", {"name": "A{b}", "currency": "KES"})
    assert layout.head == "A{b}: KES"
    assert layout.fields == frozenset({"amount"})
    assert layout.render({"amount": "1.00"}) == "A{b}: KES1.00"
