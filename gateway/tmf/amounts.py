"""TMF quantities <-> ledger integers.

The ledger counts in each balance type's smallest unit (cents, seconds, bytes, messages). TMF's
``amount.amount`` is a decimal number in major units for cash (KES 12.50), so cash converts
with the currency's minor digits (Babel: KES 2, JPY 0, KWD 3), exactly, through Decimal: a
request with more decimals than the currency has is refused, never rounded. Non-cash amounts
are whole numbers of their unit.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import get_currency_precision

from core.balance_types import BalanceType
from core.units import UnitKind
from gateway.tmf.errors import bad_request

# What ``amount.units`` says for each kind of unit (cash says its ISO 4217 code).
UNIT_NAMES: dict[UnitKind, str] = {
    UnitKind.TIME: "seconds", UnitKind.DATA: "bytes", UnitKind.UNITS: "SMS",
    UnitKind.COUNTER: "count",
}
USAGE_TYPES: dict[UnitKind, str] = {
    UnitKind.CASH: "monetary", UnitKind.TIME: "voice", UnitKind.DATA: "data",
    UnitKind.UNITS: "sms", UnitKind.COUNTER: "other",
}
MAX_MINOR = 2**53  # beyond this a JSON number no longer holds every integer exactly


def minor_digits(currency: str) -> int:
    return int(get_currency_precision(currency))


def units_of(bt: BalanceType, currency: str) -> str:
    return currency if bt.unit.kind is UnitKind.CASH else UNIT_NAMES[bt.unit.kind]


def usage_type(bt: BalanceType) -> str:
    return USAGE_TYPES[bt.unit.kind]


def number(minor: int, bt: BalanceType, currency: str) -> int | float:
    """The JSON number for ``minor`` smallest units of ``bt``. Cash with decimals becomes a
    float whose shortest repr is the exact decimal (true below 2**53 minor units)."""
    if bt.unit.kind is not UnitKind.CASH:
        return minor
    digits = minor_digits(currency)
    if digits == 0 or minor % 10**digits == 0:
        return int(minor // 10**digits)
    return float(Decimal(minor).scaleb(-digits))


def quantity(minor: int, bt: BalanceType, currency: str) -> dict[str, Any]:
    return {"amount": number(minor, bt, currency), "units": units_of(bt, currency)}


def money(minor: int, currency: str) -> dict[str, Any]:
    """TMF Money ``{unit, value}`` of a cash amount."""
    digits = minor_digits(currency)
    value: int | float = (minor // 10**digits if minor % 10**digits == 0
                          else float(Decimal(minor).scaleb(-digits)))
    return {"unit": currency, "value": value}


def decimal_of(value: object, field: str) -> Decimal:
    """A JSON number (parsed with Decimal for floats) as Decimal; anything else is a 400."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise bad_request(field, "must be a number")
    result = Decimal(value)
    if not result.is_finite():
        raise bad_request(field, "must be a finite number")
    return result


def to_minor(raw: object, bt: BalanceType, currency: str, *, field: str = "amount") -> int:
    """Parse a TMF Quantity ``{"amount": n, "units": u}`` into ``bt``'s smallest unit.

    ``units`` is optional; when given it must be the balance type's (case-insensitive).
    Raises TmfError (400) naming ``amount.amount`` or ``amount.units``."""
    if not isinstance(raw, dict):
        raise bad_request(field, "must be an object {amount, units}")
    if "amount" not in raw:
        raise bad_request(f"{field}.amount", "is required")
    units = raw.get("units")
    expected = units_of(bt, currency)
    if units is not None:
        if not isinstance(units, str):
            raise bad_request(f"{field}.units", "must be a string")
        if units.casefold() != expected.casefold():
            raise bad_request(f"{field}.units",
                              f"{bt.name} counts in {expected!r}, got {units!r}")
    value = decimal_of(raw["amount"], f"{field}.amount")
    digits = minor_digits(currency) if bt.unit.kind is UnitKind.CASH else 0
    try:
        scaled = value.scaleb(digits)
        if scaled != scaled.to_integral_value():
            what = (f"at most {digits} decimal places for {currency}" if digits
                    else f"a whole number of {expected}")
            raise bad_request(f"{field}.amount", f"must be {what}, got {value}")
        minor = int(scaled)
    except InvalidOperation:
        raise bad_request(f"{field}.amount", "is out of range") from None
    if abs(minor) >= MAX_MINOR:
        raise bad_request(f"{field}.amount", "is out of range")
    return minor
