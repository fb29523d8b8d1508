"""TTS text for variables: digits plus CLDR words, per language."""

from __future__ import annotations

import re

import pytest
from babel.core import UnknownLocaleError
from hypothesis import given
from hypothesis import strategies as st

from announcements.prompts import Amount, Days, Units, Variable
from announcements.speech import spoken
from core.units import UnitKind


@pytest.mark.parametrize(
    ("variable", "language", "text"),
    [
        (Amount(10_050, "KES"), "en", "100 Kenyan shillings and 50 cents"),
        (Amount(10_000, "KES"), "en", "100 Kenyan shillings"),
        (Amount(101, "KES"), "en-KE", "1 Kenyan shilling and 1 cent"),
        (Amount(5, "KES"), "en", "5 cents"),
        (Amount(0, "KES"), "en", "0 Kenyan shillings"),
        (Amount(-50, "KES"), "en", "-50 cents"),
        (Amount(-10_050, "KES"), "en", "-100 Kenyan shillings and 50 cents"),
        (Amount(10_050, "KES"), "sw", "shilingi za Kenya 100 na senti 50"),
        (Amount(123_456, "KES"), "en", "1234 Kenyan shillings and 56 cents"),  # no grouping
        (Amount(1_234, "JPY"), "en", "1234 Japanese yen"),  # no minor unit
        (Amount(10_050, "EUR"), "fr", "100 euros et 50 centimes"),
        # No minor-unit words for French shillings: the locale's decimal is the fallback.
        (Amount(10_050, "KES"), "fr", "100,50 shillings kényans"),
    ],
)
def test_amounts(variable: Amount, language: str, text: str) -> None:
    assert spoken(variable, language) == text


@pytest.mark.parametrize(
    ("variable", "language", "text"),
    [
        (Units(3_930, UnitKind.TIME), "en", "1 hour, 5 minutes, and 30 seconds"),
        (Units(60, UnitKind.TIME), "en", "1 minute"),
        (Units(0, UnitKind.TIME), "en", "0 seconds"),
        (Units(-90, UnitKind.TIME), "en", "-1 minute and 30 seconds"),
        (Units(330, UnitKind.TIME), "sw", "dakika 5 na sekunde 30"),
        (Units(1_500_000_000, UnitKind.DATA), "en", "1 gigabyte and 500 megabytes"),
        (Units(1_500_999_999, UnitKind.DATA), "en", "1 gigabyte and 500 megabytes"),  # truncated
        (Units(5_000_300, UnitKind.DATA), "en", "5 megabytes"),
        (Units(999, UnitKind.DATA), "en", "999 bytes"),
        (Units(0, UnitKind.DATA), "en", "0 megabytes"),
        (Units(2_000_000, UnitKind.DATA), "fr", "2\u00a0mégaoctets"),
        (Units(12, UnitKind.UNITS), "en", "12"),
        (Units(3, UnitKind.COUNTER), "sw", "3"),
        (Days(5), "en", "5 days"),
        (Days(5), "sw", "siku 5"),
        (Days(2), "fr", "2\u00a0jours"),  # CLDR's no-break space, as TTS engines accept
        (Units(1_234 * 10**9, UnitKind.DATA), "en", "1234 gigabytes"),  # no grouping
    ],
)
def test_units_and_days(variable: Variable, language: str, text: str) -> None:
    assert spoken(variable, language) == text


def test_a_language_without_cldr_data_is_a_configuration_error() -> None:
    with pytest.raises(UnknownLocaleError):
        spoken(Days(2), "xx")


@given(st.integers(-(10**12), 10**12))
def test_english_amounts_say_exactly_the_ledgers_integer(minor: int) -> None:
    text = spoken(Amount(minor, "KES"), "en")
    numbers = [int(n) for n in re.findall(r"-?\d+", text)]
    shillings = numbers[0] if "shilling" in text else 0
    cents = numbers[-1] if "cent" in text else 0
    sign = -1 if text.startswith("-") else 1
    assert sign * (abs(shillings) * 100 + abs(cents)) == minor


@given(st.integers(0, 10**13))
def test_data_is_never_overstated(value: int) -> None:
    sizes = {"gigabyte": 10**9, "megabyte": 10**6, "kilobyte": 10**3, "byte": 1}
    text = spoken(Units(value, UnitKind.DATA), "en")
    said = sum(int(n) * sizes[unit] for n, unit in re.findall(r"(\d+) (\w+?)s?\b", text))
    assert said <= value
    assert value - said < max(10**6, value // 1000 + 1)
