"""Values as subscribers read them: money, time, data, messages, counters."""

from __future__ import annotations

import pytest

from core.units import UnitKind
from translations.formats import (
    format_amount,
    format_data,
    format_integer,
    format_messages,
    format_minutes_seconds,
    format_money,
    format_percent,
    format_seconds,
    format_value,
)

NBSP, NNBSP, RLM = "\xa0", "\u202f", "\u200f"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (10_050, "KES", f"KES{NBSP}100.50"),  # 2 minor digits
        (1_234_567, "JPY", f"JPY{NBSP}1,234,567"),  # no minor unit
        (1_234_567, "KWD", f"KWD{NBSP}1,234.567"),  # 3 minor digits (fils)
        (5, "KES", f"KES{NBSP}0.05"),
        (0, "KES", f"KES{NBSP}0.00"),
        (-250, "KES", f"-KES{NBSP}2.50"),
    ],
)
def test_money_in_english_uses_cldr_digits_and_the_iso_code(
    amount: int, currency: str, expected: str
) -> None:
    assert format_money(amount, currency, "en") == expected
    assert format_value(UnitKind.CASH, amount, currency, "en") == expected


def test_money_in_french_has_comma_decimals_and_narrow_no_break_space_groups() -> None:
    assert format_money(123_456_789, "KES", "fr") == f"1{NNBSP}234{NNBSP}567,89{NBSP}KES"
    assert format_money(1_234_567, "KWD", "fr") == f"1{NNBSP}234,567{NBSP}KWD"
    assert format_amount(123_450, "KES", "fr") == f"1{NNBSP}234,50"


def test_money_in_arabic_and_swahili() -> None:
    assert format_money(123_450, "KES", "ar") == f"{RLM}1,234.50{NBSP}KES"
    assert format_money(-500, "KES", "ar") == f"{RLM}-5.00{NBSP}KES"
    assert format_money(123_450, "KES", "sw") == f"KES{NBSP}1,234.50"


def test_money_locale_variants_parse() -> None:
    assert format_money(10_050, "KES", "fr-FR") == format_money(10_050, "KES", "fr_FR")


@pytest.mark.parametrize(
    ("seconds", "language", "plain", "minutes"),
    [
        (300, "en", "300 seconds", "5 min 0 s"),
        (1, "en", "1 second", "0 min 1 s"),
        (3_725, "en", "3,725 seconds", "62 min 5 s"),
        (1, "fr", "1 seconde", "0 min 1 s"),
        (0, "fr", "0 seconde", "0 min 0 s"),  # French singular covers 0
        (300, "fr", "300 secondes", "5 min 0 s"),
        (300, "sw", "sekunde 300", "dakika 5 sekunde 0"),
        (0, "ar", "0 ثانية", "0 د 0 ث"),
        (1, "ar", "ثانية واحدة", "0 د 1 ث"),
        (2, "ar", "ثانيتان", "0 د 2 ث"),
        (5, "ar", "5 ثوانٍ", "0 د 5 ث"),
        (45, "ar", "45 ثانية", "0 د 45 ث"),
        (300, "ar", "300 ثانية", "5 د 0 ث"),
    ],
)
def test_time_in_seconds_and_in_minutes_and_seconds(
    seconds: int, language: str, plain: str, minutes: str
) -> None:
    assert format_seconds(seconds, language) == plain
    assert format_minutes_seconds(seconds, language) == minutes
    assert format_value(UnitKind.TIME, seconds, "KES", language) == minutes


def test_negative_time_carries_one_sign() -> None:
    assert format_minutes_seconds(-90, "en") == "-1 min 30 s"
    assert format_minutes_seconds(-30, "en") == "-0 min 30 s"


@pytest.mark.parametrize(
    ("amount_bytes", "language", "expected"),
    [
        (1_500_000_000, "en", "1.5 GB"),
        (250_000_000, "en", "250 MB"),
        (1_000_000_000, "en", "1 GB"),
        (999_999_999, "en", "999.99 MB"),  # rounded down, never up to "1 GB"
        (1_536_000_000, "en", "1.53 GB"),
        (512_000, "en", "512 kB"),
        (0, "en", "0 MB"),
        (12_345_000_000, "en", "12.34 GB"),
        (1_500_000_000, "fr", "1,5 Go"),
        (250_000_000, "fr", "250 Mo"),
        (1_234_000_000_000, "fr", f"1{NNBSP}234 Go"),
        (1_500_000_000, "sw", "1.5 GB"),
        (1_500_000_000, "ar", "1.5 غيغابايت"),
        (-2_500_000, "en", "-2.5 MB"),
    ],
)
def test_data_in_decimal_megabytes_and_gigabytes(
    amount_bytes: int, language: str, expected: str
) -> None:
    assert format_data(amount_bytes, language) == expected
    assert format_value(UnitKind.DATA, amount_bytes, "KES", language) == expected


@pytest.mark.parametrize(
    ("count", "language", "expected"),
    [
        (20, "en", "20 SMS"),
        (1, "en", "1 SMS"),
        (1_000, "fr", f"1{NNBSP}000 SMS"),
        (20, "sw", "SMS 20"),
        (0, "ar", "0 رسالة"),
        (1, "ar", "رسالة واحدة"),
        (2, "ar", "رسالتان"),
        (3, "ar", "3 رسائل"),
        (11, "ar", "11 رسالة"),
        (100, "ar", "100 رسالة"),
    ],
)
def test_messages_take_the_languages_plural_forms(count: int, language: str, expected: str) -> None:
    assert format_messages(count, language) == expected
    assert format_value(UnitKind.UNITS, count, "KES", language) == expected


def test_counters_are_bare_localized_integers() -> None:
    assert format_value(UnitKind.COUNTER, 5, "KES", "en") == "5"
    assert format_value(UnitKind.COUNTER, 12_345, "KES", "fr") == f"12{NNBSP}345"
    assert format_integer(12_345, "en") == "12,345"


def test_percentages() -> None:
    assert format_percent(80, "en") == "80%"
    assert format_percent(80, "fr") == f"80{NBSP}%"


def test_a_locale_without_a_catalog_gets_english_words_and_its_own_numbers() -> None:
    assert format_seconds(1_500, "de") == "1.500 seconds"
    assert format_data(1_500_000_000, "de") == "1,5 GB"
