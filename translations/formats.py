"""Balance values as a subscriber reads them, in one locale.

Amounts arrive as integers of the balance type's smallest unit (``core.units.UnitKind``):
cash in the currency's minor unit, time in seconds, data in bytes, units in messages, counters
in counts. Numbers follow CLDR via Babel (compiled once, see ``translations.numerals``); the
unit words come from the gettext catalogs, with the language's plural forms.

Choices, all visible to subscribers:

* Cash shows the ISO 4217 code in the locale's CLDR *standard* currency pattern, with CLDR's
  currency spacing: en "KES 100.50", fr "100,50 KES", sw "KES 100.50", ar "‏100.50 KES". The
  code rather than the CLDR symbol because the symbol varies by locale for the same provider
  (en "KES", sw and en_KE "Ksh", a bare "$" is ambiguous) and NCC's message format specifies
  "[Currency Code][Balance]". Minor digits are CLDR's (KES 2, JPY 0, KWD 3), never rounded: the
  ledger's integer is shown exactly.
* Time: :func:`format_value` shows minutes and seconds ("5 min 0 s"), always both parts so
  every time balance reads the same way; :func:`format_seconds` gives the seconds form
  ("300 seconds"). NCC shows time "in both seconds and in minutes and seconds"; a per-type
  choice would need a field NCC does not have, so the compact form is the default and the
  other is offered to templates.
* Data uses decimal units (1 kB = 1,000 bytes, 1 MB = 10^6, 1 GB = 10^9) as operators' bundles
  ("1GB daily") and handsets' usage meters do; GB from 1 GB up, MB from 1 MB up (and for zero),
  kB below; at most two decimals, rounded *down* so a balance is never overstated.
* Units are messages: "20 SMS". Counters are a bare localized integer: "5".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from core.clock import to_datetime
from core.units import UnitKind
from translations.catalogs import unit_translations
from translations.numerals import (
    NumberStyle,
    currency_digits,
    decimal_style,
    money_style,
    percent_style,
)

KILOBYTE = 1_000
MEGABYTE = 1_000_000
GIGABYTE = 1_000_000_000
SECONDS_PER_MINUTE = 60
_DATA_DECIMALS = 2
_DATA_SCALE = 10**_DATA_DECIMALS


class LocaleFormats:
    """Every value format of one locale, with its Babel data compiled and its catalog's
    lookups bound, so a call is arithmetic, a dict lookup or two and one ``%``."""

    __slots__ = ("_decimal", "_money", "_percent", "_words", "locale")

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self._decimal = decimal_style(locale)
        self._percent = percent_style(locale)
        # Called as ``self._words.gettext(...)``: the name before the parenthesis is what
        # ``pybabel extract`` recognises, so these strings reach the catalogs.
        self._words = unit_translations(locale)
        self._money: dict[str, tuple[NumberStyle, int]] = {}

    def value(self, kind: UnitKind, amount: int, currency: str) -> str:
        """See :func:`format_value`."""
        return self.for_kind(kind, currency)(amount)

    def for_kind(self, kind: UnitKind, currency: str) -> Callable[[int], str]:
        """The formatter :func:`format_value` uses for ``kind``, to keep and call later."""
        if kind == UnitKind.CASH:
            style, digits = self._money_style(currency)
            return lambda amount: style.format(amount, digits, digits)
        if kind == UnitKind.TIME:
            return self.minutes_seconds
        if kind == UnitKind.DATA:
            return self.data
        if kind == UnitKind.UNITS:
            return self.messages
        return self.integer

    def _money_style(self, currency: str) -> tuple[NumberStyle, int]:
        entry = self._money.get(currency)
        if entry is None:
            entry = (money_style(self.locale, currency), currency_digits(currency))
            self._money[currency] = entry
        return entry

    def money(self, amount_minor: int, currency: str) -> str:
        style, digits = self._money_style(currency)
        return style.format(amount_minor, digits, digits)

    def amount(self, amount_minor: int, currency: str) -> str:
        digits = self._money_style(currency)[1]
        return self._decimal.format(amount_minor, digits, digits)

    def integer(self, value: int) -> str:
        return self._decimal.format(value)

    def percent(self, percent: int) -> str:
        return self._percent.format(percent)

    def seconds(self, seconds: int) -> str:
        template = self._words.ngettext("%(seconds)s second", "%(seconds)s seconds", abs(seconds))
        return template % {"seconds": self._decimal.format(seconds)}

    def minutes_seconds(self, seconds: int) -> str:
        minutes, rest = divmod(abs(seconds), SECONDS_PER_MINUTE)
        style = self._decimal
        minutes_text = style.format(minutes)
        if seconds < 0:
            # The sign belongs to the whole duration; the pattern's negative affixes carry it.
            minutes_text = style.negative_prefix + minutes_text + style.negative_suffix
        template = self._words.gettext("%(minutes)s min %(seconds)s s")
        return template % {"minutes": minutes_text, "seconds": style.format(rest)}

    def data(self, amount_bytes: int) -> str:
        magnitude = abs(amount_bytes)
        if magnitude >= GIGABYTE:
            size, template = GIGABYTE, self._words.gettext("%(amount)s GB")
        elif magnitude >= MEGABYTE or magnitude == 0:
            size, template = MEGABYTE, self._words.gettext("%(amount)s MB")
        else:
            size, template = KILOBYTE, self._words.gettext("%(amount)s kB")
        hundredths = magnitude * _DATA_SCALE // size  # floor: never overstate a balance
        if amount_bytes < 0:
            hundredths = -hundredths
        return template % {"amount": self._decimal.format(hundredths, _DATA_DECIMALS)}

    def messages(self, count: int) -> str:
        template = self._words.ngettext("%(count)s SMS", "%(count)s SMS", abs(count))
        return template % {"count": self._decimal.format(count)}


@lru_cache(maxsize=64)
def locale_formats(locale: str) -> LocaleFormats:
    """The (cached) formats of ``locale``: "fr", "fr_FR" or "fr-FR"."""
    return LocaleFormats(locale)


def format_value(kind: UnitKind, amount: int, currency: str, locale: str) -> str:
    """``amount`` (smallest unit of ``kind``) for a subscriber reading ``locale``.

    ``currency`` is used for cash only (ISO 4217 code of ``amount``'s minor unit).
    """
    return locale_formats(locale).value(kind, amount, currency)


def format_money(amount_minor: int, currency: str, locale: str) -> str:
    """CLDR standard currency format with the ISO code: en KES 10050 -> "KES\u00a0100.50"."""
    return locale_formats(locale).money(amount_minor, currency)


def format_amount(amount_minor: int, currency: str, locale: str) -> str:
    """The number alone, in the currency's digits: fr KES 123450 -> "1\u202f234,50"."""
    return locale_formats(locale).amount(amount_minor, currency)


def format_integer(value: int, locale: str) -> str:
    """A whole number with the locale's grouping: fr 1234567 -> "1\u202f234\u202f567"."""
    return locale_formats(locale).integer(value)


def format_percent(percent: int, locale: str) -> str:
    """A whole percentage: en "80%", fr "80\u00a0%"."""
    return locale_formats(locale).percent(percent)


def format_seconds(seconds: int, locale: str) -> str:
    """Seconds in words, plural-aware: en "300 seconds", sw "sekunde 300"."""
    return locale_formats(locale).seconds(seconds)


def format_minutes_seconds(seconds: int, locale: str) -> str:
    """Minutes and seconds, both always shown: 300 -> en "5 min 0 s", 45 -> "0 min 45 s"."""
    return locale_formats(locale).minutes_seconds(seconds)


def format_data(amount_bytes: int, locale: str) -> str:
    """Bytes in decimal kB/MB/GB, at most two decimals, rounded down: en "1.5 GB"."""
    return locale_formats(locale).data(amount_bytes)


def format_messages(count: int, locale: str) -> str:
    """A count of messages with its plural word: en "20 SMS", ar "رسالتان" for 2."""
    return locale_formats(locale).messages(count)


def format_date(at: int, locale: str) -> str:
    """The UTC calendar date of epoch seconds ``at`` in the locale's CLDR medium format:
    en "Nov 25, 2026", fr "25 nov. 2026", sw "25 Nov 2026"."""
    # Imported here: babel.dates reads the system time zone when imported (see catalogs.py).
    from babel.dates import format_date as cldr_date

    return cldr_date(to_datetime(at).date(), "medium", locale=locale)
