"""Fixed display conversion rates between currencies (NCC single/dual balance currency).

A rate is a ratio of two integers, like ``core.catalog.Conversion``: no float ever touches an
amount. Conversion is for *display* only (the ledger holds one currency) and truncates toward
zero, so a converted figure never promises more than the ledger holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from translations.numerals import currency_digits


@dataclass(frozen=True, slots=True, kw_only=True)
class CurrencyRate:
    """One major unit of ``from_currency`` is worth ``numerator / denominator`` major units
    of ``to_currency`` (e.g. KES -> USD 1/129: 129 shillings to the dollar)."""

    from_currency: str
    to_currency: str
    numerator: int
    denominator: int

    def convert_minor(self, amount_minor: int) -> int:
        """``amount_minor`` of ``from_currency`` in ``to_currency`` minor units, truncated."""
        scale = currency_digits(self.to_currency) - currency_digits(self.from_currency)
        top = abs(amount_minor) * self.numerator
        bottom = self.denominator
        if scale >= 0:
            top *= 10**scale
        else:
            bottom *= 10**-scale
        converted = top // bottom
        return -converted if amount_minor < 0 else converted


def validate_rate(rate: CurrencyRate) -> list[tuple[str, str]]:
    """Broken rules of one rate as (field, message); currency codes are checked by callers
    that know which codes exist (see ``translations.config``)."""
    errors: list[tuple[str, str]] = []
    if rate.from_currency == rate.to_currency:
        errors.append(("to_currency", "must differ from from_currency"))
    if rate.numerator <= 0:
        errors.append(("numerator", "must be a positive whole number"))
    if rate.denominator <= 0:
        errors.append(("denominator", "must be a positive whole number"))
    return errors
