"""Validators: typed answers out of keypad text, never a float."""

from __future__ import annotations

import pytest

from menus.validators import Invalid, Valid, amount, msisdn, voucher_pin
from translations.messages import InvalidChoice, MenuText, TransferInvalidAmount


@pytest.mark.parametrize(("text", "ok"), [
    ("12345678901234", True), ("1234567890", True), ("12345678901234567890", True),
    ("123456789", False), ("123456789012345678901", False), ("1234 5678901", False),
    ("12345678a01234", False), ("", False), ("١٢٣٤٥٦٧٨٩٠١", False)])
def test_voucher_pins(text: str, ok: bool) -> None:
    assert voucher_pin(text) == (Valid(text) if ok else Invalid(InvalidChoice()))


@pytest.mark.parametrize(("text", "expected"), [
    ("0700000002", "+254700000002"), ("254700000002", "+254700000002"),
    ("+254700000002", "+254700000002"), ("+447911123456", "+447911123456")])
def test_msisdns_become_e164(text: str, expected: str) -> None:
    assert msisdn(text, "KE") == Valid(expected)


@pytest.mark.parametrize("text", ["07", "hello", "0700-000-002", "*", "", "+", "1" * 25])
def test_invalid_numbers(text: str) -> None:
    assert msisdn(text, "KE") == Invalid(MenuText("invalid_number"))


@pytest.mark.parametrize(("text", "minor"), [
    ("50", 5_000), ("50.5", 5_050), ("50.05", 5_005), ("50*5", 5_050), ("50,50", 5_050),
    ("10", 1_000), ("10000", 1_000_000), ("0010", 1_000)])
def test_amounts_in_major_units_become_minor_units(text: str, minor: int) -> None:
    assert amount(text, 2, 1_000, 1_000_000) == Valid(minor)


@pytest.mark.parametrize("text", ["9.99", "10000.01", "50.505", "5e3", "-50", "50.", ".5",
                                  "1*2*3", "", "fifty", "9" * 13])
def test_amounts_out_of_range_or_malformed(text: str) -> None:
    assert amount(text, 2, 1_000, 1_000_000) == Invalid(
        TransferInvalidAmount(min_minor=1_000, max_minor=1_000_000))


def test_a_currency_without_minor_units_takes_no_decimals() -> None:
    assert amount("500", 0, 1, 10_000) == Valid(500)
    assert isinstance(amount("500.5", 0, 1, 10_000), Invalid)
