"""The compiled number styles must print exactly what Babel prints, for any value."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal, format_percent
from hypothesis import given
from hypothesis import strategies as st

from translations.numerals import (
    currency_digits,
    decimal_style,
    iso_currency_pattern,
    money_style,
    parse_locale,
    percent_style,
)

# The demo languages, plus locales with other shapes: Indian grouping (3;2), apostrophe
# grouping, a suffix currency with comma decimals, a prefix sign after the currency.
LOCALES = ["en", "fr", "sw", "ar", "en_IN", "de_CH", "de", "nl", "sw_KE", "ar_EG", "ja"]
CURRENCIES = ["KES", "JPY", "KWD", "USD", "EUR", "TZS", "INR", "BHD", "CLF"]
amounts = st.integers(min_value=-(10**15), max_value=10**15)


@given(locale=st.sampled_from(LOCALES), currency=st.sampled_from(CURRENCIES), amount=amounts)
def test_money_matches_babel(locale: str, currency: str, amount: int) -> None:
    digits = currency_digits(currency)
    expected = format_currency(
        Decimal(amount).scaleb(-digits),
        currency,
        format=iso_currency_pattern(parse_locale(locale)),
        locale=locale,
        currency_digits=True,
    )
    assert money_style(locale, currency).format(amount, digits, digits) == expected


@given(locale=st.sampled_from(LOCALES), value=amounts, scale=st.sampled_from([0, 1, 2, 3]))
def test_decimal_matches_babel(locale: str, value: int, scale: int) -> None:
    expected = format_decimal(Decimal(value).scaleb(-scale), locale=locale)
    assert decimal_style(locale).format(value, scale) == expected


@given(locale=st.sampled_from(LOCALES), percent=st.integers(-1000, 100_000))
def test_percent_matches_babel(locale: str, percent: int) -> None:
    expected = format_percent(Decimal(percent).scaleb(-2), locale=locale)
    assert percent_style(locale).format(percent) == expected


def test_iso_pattern_puts_a_no_break_space_between_code_and_digits() -> None:
    # CLDR currencySpacing, which ICU applies and Babel does not.
    assert iso_currency_pattern(parse_locale("en")) == "¤¤\xa0#,##0.00"
    assert iso_currency_pattern(parse_locale("fr")) == "#,##0.00\xa0¤¤"
    assert iso_currency_pattern(parse_locale("sw")) == "¤¤\xa0#,##0.00"


def test_indian_grouping() -> None:
    assert decimal_style("en_IN").format(123456789) == "12,34,56,789"
