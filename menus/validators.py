"""Input validators: the subscriber's text -> a typed answer, or the notice to show with the
prompt again. Pure functions over the text and the provider's facts.

* voucher PIN: ASCII digits only, 10 to 20 of them (core.pins); the PIN itself goes to the ledger,
  which counts wrong ones; a text that cannot be a PIN is an invalid choice and is not counted.
* MSISDN: parsed with phonenumbers in the provider's region (core.msisdn), kept in E.164.
* amount: in the currency's major units with up to its number of decimals (KES: 2), the
  decimal mark typed as ".", "," or "*" (a USSD keypad has no "."), within the limits; kept
  as an integer of minor units ("50*5" -> 5050). Never a float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.msisdn import InvalidMsisdn, normalize
from core.pins import looks_like_pin
from menus.session import Answer
from translations.messages import InvalidChoice, MenuText, Message, TransferInvalidAmount

_AMOUNT = re.compile(r"([0-9]{1,12})(?:[.,*]([0-9]+))?")
_PHONE = re.compile(r"\+?[0-9]{3,20}")


@dataclass(frozen=True, slots=True)
class Valid:
    value: Answer


@dataclass(frozen=True, slots=True)
class Invalid:
    notice: Message


Checked = Valid | Invalid


def voucher_pin(text: str, min_length: int = 10, max_length: int = 20) -> Checked:
    # ASCII only: USSD input is [0-9*#], and str.isdigit() would take other scripts' digits.
    if text.isascii() and looks_like_pin(text, min_length, max_length):
        return Valid(text)
    return Invalid(InvalidChoice())


def msisdn(text: str, region: str) -> Checked:
    if not _PHONE.fullmatch(text):
        return Invalid(MenuText("invalid_number"))
    try:
        return Valid(normalize(text, region))
    except InvalidMsisdn:
        return Invalid(MenuText("invalid_number"))


def amount(text: str, digits: int, min_minor: int, max_minor: int) -> Checked:
    """``text`` in major units with at most ``digits`` decimals, between the limits (minor)."""
    refused = Invalid(TransferInvalidAmount(min_minor=min_minor, max_minor=max_minor))
    found = _AMOUNT.fullmatch(text)
    if found is None:
        return refused
    whole, fraction = found.group(1), found.group(2) or ""
    if len(fraction) > digits:
        return refused
    minor = int(whole) * 10**digits + int(fraction.ljust(digits, "0") or "0")
    if not min_minor <= minor <= max_minor:
        return refused
    return Valid(minor)
