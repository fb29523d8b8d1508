"""Variables as text a TTS engine reads well, per language (for TwiML ``<Say>`` and VoiceXML).

Babel (2.18) has no spelled-out numbers (CLDR RBNF), so numbers stay digits, which every TTS
engine reads as numbers in its own language, while the words around them come from CLDR:

* Amounts: whole major units with the CLDR currency name in the locale's word order and plural
  ("100 Kenyan shillings", "shilingi za Kenya 100"); a non-zero minor part is added with a
  connector and minor-unit name from ``MINOR_UNITS`` ("100 Kenyan shillings and 50 cents"). CLDR
  has no minor-unit names, so a (language, currency) missing from that table falls back to the
  locale's decimal ("100.50 Kenyan shillings"), which some engines read as "point five zero".
  Never a float: the decimal is built from the integer.
* Time: hours, minutes and seconds, the zero parts left out, joined the locale's way
  ("1 hour, 5 minutes and 30 seconds").
* Data: decimal multiples (1 kB = 1,000 bytes, 1 GB = 10^9), as ``translations.formats`` shows
  them on USSD and SMS, so both channels agree; the largest whole unit and the whole next one
  ("1 gigabyte and 500 megabytes"); anything smaller is left unsaid, so the figure spoken never
  exceeds the balance. Zero is "0 megabytes", as on screen.
* Units and counters: the number alone; the recording around it names what is counted.
* Days: "5 days".

Numbers are never grouped ("1234", not "1,234"), so no engine mistakes a group separator for a
decimal one. Unit words use CLDR's long form where the locale has one, else the short form
(Swahili has only short duration units: "siku 5").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_currency, get_currency_precision
from babel.units import format_unit, get_unit_name

from announcements.prompts import Amount, Days, Units, Variable
from core.units import UnitKind

# (language, currency) -> (connector, minor unit for plural 'one', for other plurals), each
# minor pattern with {0} for the number. Extend alongside the recordings.
MINOR_UNITS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("en", "KES"): ("and", "{0} cent", "{0} cents"),
    ("sw", "KES"): ("na", "senti {0}", "senti {0}"),
    ("en", "USD"): ("and", "{0} cent", "{0} cents"),
    ("en", "EUR"): ("and", "{0} cent", "{0} cents"),
    ("fr", "EUR"): ("et", "{0} centime", "{0} centimes"),
    ("en", "GBP"): ("and", "{0} penny", "{0} pence"),
}

_DATA_UNITS = (
    (10**9, "digital-gigabyte"),
    (10**6, "digital-megabyte"),
    (10**3, "digital-kilobyte"),
    (1, "digital-byte"),
)
_TIME_UNITS = ((3600, "duration-hour"), (60, "duration-minute"), (1, "duration-second"))


def locale_for(language: str) -> Locale:
    """The Babel locale for a language tag ("en", "en-KE", "sw_KE"); unknown ones raise
    ``babel.UnknownLocaleError``: a language without CLDR data is a configuration bug."""
    return Locale.parse(language.replace("-", "_"))


def spoken(variable: Variable, language: str) -> str:
    """What a TTS engine should say for ``variable`` in ``language`` (rules in the docstring)."""
    locale = locale_for(language)
    match variable:
        case Amount(minor=minor, currency=currency):
            return spoken_amount(minor, currency, locale)
        case Units(value=value, kind=UnitKind.TIME):
            return _in_parts(value, _TIME_UNITS, locale, keep=3, zero="duration-second")
        case Units(value=value, kind=UnitKind.DATA):
            return _in_parts(value, _DATA_UNITS, locale, keep=2, zero="digital-megabyte")
        case Units(value=value):
            return str(value)
        case Days(count=count):
            return _unit(count, "duration-day", locale)


def spoken_amount(minor: int, currency: str, locale: Locale) -> str:
    digits = get_currency_precision(currency)
    major, cents = divmod(abs(minor), 10**digits)
    sign = -1 if minor < 0 else 1
    words = MINOR_UNITS.get((locale.language, currency))
    if cents and words is None:
        return format_currency(
            decimal_amount(minor, currency), currency, format_type="name", locale=locale
        )
    parts: list[str] = []
    if major or not cents:
        parts.append(_whole_currency(sign * major, currency, locale))
    if cents and words is not None:
        connector, one, other = words
        # The sign goes on the first number spoken: "-50 cents", not "0 shillings and -50".
        n = cents if parts else sign * cents
        parts.append((one if locale.plural_form(cents) == "one" else other).format(n))
        if len(parts) == 2:
            parts.insert(1, connector)
    return " ".join(parts)


def decimal_amount(minor: int, currency: str) -> Decimal:
    """Minor units as an exact decimal of major units (10050 KES -> 100.50)."""
    return Decimal(minor).scaleb(-get_currency_precision(currency))


def _whole_currency(major: int, currency: str, locale: Locale) -> str:
    # format "0": no grouping and no decimals, so the engine reads one plain number.
    return format_currency(
        major, currency, format="0", currency_digits=False, format_type="name", locale=locale
    )


def _in_parts(
    value: int, units: tuple[tuple[int, str], ...], locale: Locale, *, keep: int, zero: str
) -> str:
    """``value`` split into the given units, largest first, zero parts dropped, at most ``keep``
    consecutive units from the largest non-zero one; the remainder is truncated, never rounded
    up. Zero is spoken in the ``zero`` unit."""
    magnitude = abs(value)
    first = next((i for i, (size, _) in enumerate(units) if magnitude >= size), len(units) - 1)
    parts: list[str] = []
    for size, unit in units[first : first + keep]:
        count, magnitude = divmod(magnitude, size)
        if count:
            parts.append(_unit(-count if value < 0 and not parts else count, unit, locale))
    if not parts:
        parts.append(_unit(0, zero, locale))
    return str(format_list(parts, locale=locale))


def _unit(count: int, unit: str, locale: Locale) -> str:
    length: Literal["long", "short"] = (
        "long" if get_unit_name(unit, length="long", locale=locale) else "short"
    )
    return str(format_unit(count, unit, length=length, format="0", locale=locale))
