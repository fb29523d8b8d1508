"""CLDR number patterns compiled once per locale, applied with integer arithmetic.

Babel is the source of every symbol and pattern here, but ``NumberPattern.apply`` costs about
30 µs a call (it re-reads locale data and goes through ``Decimal``); a six-balance summary
would spend 200 µs in it alone. Our values are integers in a known scale (cents, hundredths of
a megabyte), so once a pattern's prefixes, suffixes, symbols and grouping are extracted, the
rest is ``divmod`` and string joins (~1 µs). ``tests/unit/translations/test_numerals.py`` checks
the compiled styles against Babel itself over arbitrary values, so the two cannot drift apart.

Babel's behaviour is reproduced on purpose, quirks included: the minus sign comes from the
pattern (Babel does not substitute the locale's minus symbol), grouping ignores CLDR's
minimumGroupingDigits, digits are Latin (``numbering_system="latn"``, Babel's default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

NBSP = "\u00a0"
# CLDR currencySpacing: an alphabetic currency sign next to a digit gets U+00A0 between them
# ("KES 100.50", not "KES100.50"). ICU applies it; Babel does not, so we do it to the pattern.
_SIGN_BEFORE_DIGIT = re.compile(r"¤¤(?=[#0-9@])")
_SIGN_AFTER_DIGIT = re.compile(r"(?<=[#0-9@])¤¤")
_QUOTED = re.compile(r"'([^']*)'")


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """One CLDR pattern for one locale (and currency), ready to format scaled integers."""

    positive_prefix: str
    negative_prefix: str
    positive_suffix: str
    negative_suffix: str
    decimal_symbol: str
    group_symbol: str
    primary_group: int
    secondary_group: int
    min_int_digits: int
    # Groups of three (almost every locale): Python's own "," grouping, in C, then the
    # locale's symbol swapped in. Other groupings (e.g. Indian 3;2) take the general loop.
    _thousands: bool = field(init=False, repr=False, compare=False)
    # Below this a whole number has no group separator: str() is the whole job.
    _ungrouped_below: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        thousands = self.primary_group == self.secondary_group == 3 and self.min_int_digits <= 1
        object.__setattr__(self, "_thousands", thousands)
        ungrouped = 10**self.primary_group if self.min_int_digits <= 1 else 0
        object.__setattr__(self, "_ungrouped_below", ungrouped)

    def format(self, value: int, scale: int = 0, min_frac: int = 0) -> str:
        """``value × 10**-scale`` exactly, with at least ``min_frac`` fraction digits and
        trailing zeros beyond that dropped. No rounding: callers pass the digits they want
        shown (a currency's minor units, or a quantity already rounded down)."""
        if not scale and 0 <= value < self._ungrouped_below:  # seconds, counts, days
            return self.positive_prefix + str(value) + self.positive_suffix
        negative = value < 0
        magnitude = -value if negative else value
        if scale > 0:
            whole, part = divmod(magnitude, 10**scale)
            frac = str(part).zfill(scale)
            if min_frac < scale:
                kept = frac.rstrip("0")
                frac = kept if len(kept) >= min_frac else frac[:min_frac]
        else:
            whole, frac = magnitude, ""
        if self._thousands:
            number = f"{whole:,}"
            if self.group_symbol != ",":
                number = number.replace(",", self.group_symbol)
        else:
            number = self._group(str(whole).rjust(self.min_int_digits, "0"))
        if frac:
            number = number + self.decimal_symbol + frac
        if negative:
            return self.negative_prefix + number + self.negative_suffix
        return self.positive_prefix + number + self.positive_suffix

    def _group(self, digits: str) -> str:
        size = self.primary_group
        if len(digits) <= size:
            return digits
        groups = [digits[-size:]]
        digits = digits[:-size]
        size = self.secondary_group
        while len(digits) > size:
            groups.append(digits[-size:])
            digits = digits[:-size]
        groups.append(digits)
        return self.group_symbol.join(reversed(groups))


def compile_pattern(pattern: str, locale: Locale, currency: str | None = None) -> NumberStyle:
    """Compile a CLDR/Babel number pattern. ``¤¤`` becomes the ISO code, ``¤`` the locale's
    symbol for ``currency``; ``¤¤¤`` (a plural-dependent name) is not supported."""
    if "¤¤¤" in pattern:
        raise ValueError("currency names (¤¤¤) depend on the amount; not supported")
    parsed = parse_pattern(pattern)

    def affix(text: str) -> str:
        if currency is not None:
            text = text.replace("¤¤", currency.upper())
            if "¤" in text:
                text = text.replace("¤", get_currency_symbol(currency, locale))
        return _QUOTED.sub(lambda m: m.group(1) or "'", text)

    return NumberStyle(
        positive_prefix=affix(parsed.prefix[0]),
        negative_prefix=affix(parsed.prefix[1]),
        positive_suffix=affix(parsed.suffix[0]),
        negative_suffix=affix(parsed.suffix[1]),
        decimal_symbol=get_decimal_symbol(locale, numbering_system="latn"),
        group_symbol=get_group_symbol(locale, numbering_system="latn"),
        primary_group=parsed.grouping[0],
        secondary_group=parsed.grouping[1],
        min_int_digits=parsed.int_prec[0],
    )


def iso_currency_pattern(locale: Locale) -> str:
    """The locale's standard currency pattern showing the ISO code (``¤¤``) instead of a
    symbol, with CLDR's currency spacing applied (see module constants)."""
    pattern = locale.currency_formats["standard"].pattern
    pattern = re.sub("¤+", "¤¤", pattern)
    pattern = _SIGN_BEFORE_DIGIT.sub("¤¤" + NBSP, pattern)
    return _SIGN_AFTER_DIGIT.sub(NBSP + "¤¤", pattern)


@lru_cache(maxsize=64)
def parse_locale(locale: str) -> Locale:
    """A Babel ``Locale`` for "fr", "fr_FR" or "fr-FR", parsed once (parsing costs ~10 µs)."""
    return Locale.parse(locale.replace("-", "_"))


@lru_cache(maxsize=512)
def money_style(locale: str, currency: str) -> NumberStyle:
    loc = parse_locale(locale)
    return compile_pattern(iso_currency_pattern(loc), loc, currency)


@lru_cache(maxsize=64)
def decimal_style(locale: str) -> NumberStyle:
    loc = parse_locale(locale)
    return compile_pattern(loc.decimal_formats[None].pattern, loc)


@lru_cache(maxsize=64)
def percent_style(locale: str) -> NumberStyle:
    """The percent pattern with its x100 scale undone: ``format(80)`` is "80%"."""
    loc = parse_locale(locale)
    return compile_pattern(loc.percent_formats[None].pattern, loc)


@lru_cache(maxsize=512)
def currency_digits(currency: str) -> int:
    """Minor-unit digits of an ISO 4217 currency per CLDR: KES 2, JPY 0, KWD 3."""
    return int(get_currency_precision(currency))
