"""TMF quantities <-> ledger integers: exact, with each currency's own minor digits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.balance_types import BalanceType, Category
from core.units import BalanceUnit, UnitKind
from gateway.tmf.amounts import number, quantity, to_minor
from gateway.tmf.errors import TmfError


def a_type(kind: UnitKind) -> BalanceType:
    return BalanceType(id=1, provider_id=1, name="T", unit=BalanceUnit(1, 1, "U", kind),
                       category=Category.CHARGEABLE)


CASH, SMS = a_type(UnitKind.CASH), a_type(UnitKind.UNITS)


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    (Decimal("12.50"), "KES", 1250), (Decimal("0.1"), "KES", 10), (7, "KES", 700),
    (Decimal("1500"), "JPY", 1500), (Decimal("1.005"), "KWD", 1005),
    (Decimal("-2.25"), "KES", -225), (Decimal("1E+2"), "KES", 10_000),
])
def test_cash_converts_exactly_with_the_currency_digits(amount: Decimal | int, currency: str,
                                                        minor: int) -> None:
    assert to_minor({"amount": amount, "units": currency}, CASH, currency) == minor


@pytest.mark.parametrize(("raw", "currency", "field"), [
    ({"amount": Decimal("1.005")}, "KES", "amount.amount"),
    ({"amount": Decimal("1.5")}, "JPY", "amount.amount"),
    ({"amount": "1"}, "KES", "amount.amount"),
    ({"amount": True}, "KES", "amount.amount"),
    ({"amount": Decimal("1e400")}, "KES", "amount.amount"),
    ({"units": "KES"}, "KES", "amount.amount"),
    ({"amount": 1, "units": "USD"}, "KES", "amount.units"),
    ({"amount": 1, "units": 5}, "KES", "amount.units"),
    ([1], "KES", "amount"),
])
def test_what_cannot_be_exact_is_refused_naming_the_field(raw: object, currency: str,
                                                          field: str) -> None:
    with pytest.raises(TmfError) as caught:
        to_minor(raw, CASH, currency)
    assert (caught.value.status, caught.value.field) == (400, field)


def test_non_cash_counts_whole_units() -> None:
    assert to_minor({"amount": 50, "units": "sms"}, SMS, "KES") == 50
    with pytest.raises(TmfError):
        to_minor({"amount": Decimal("0.5")}, SMS, "KES")
    assert quantity(50, SMS, "KES") == {"amount": 50, "units": "SMS"}


def test_output_numbers_round_trip() -> None:
    assert number(1250, CASH, "KES") == 12.5
    assert number(1200, CASH, "KES") == 12
    assert number(1005, CASH, "KWD") == 1.005
    assert repr(number(123_456_789_012_345, CASH, "KES")) == "1234567890123.45"
