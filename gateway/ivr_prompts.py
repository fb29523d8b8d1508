"""The IVR's own prompts (beyond balance plans): voucher recharge by DTMF and errors.

Recordings, like the balance plans', live at {announcement base URL}/{language}/{set}/{entry}
.wav and are worded to come before the value spoken after them:

    recharge/enter_pin       "Please enter your voucher PIN, then press hash."
    recharge/invalid_pin     "That is not a voucher PIN."
    recharge/ok              "Your recharge was successful. You received" + amount
    recharge/new_balance     "Your balance is now" + amount
    recharge/bad_pin         "Wrong PIN. Attempts left:" + count
    recharge/locked          "Too many wrong PINs. Recharge is locked for" + duration
    recharge/voucher_used    "This voucher has already been used."
    recharge/no_input        "We did not receive a PIN. Goodbye."
    errors/not_a_subscriber  "This service is for prepaid customers only."
    errors/generic           "Sorry, something went wrong. Please try again later."
"""

from __future__ import annotations

from announcements.prompts import Amount, Prompt, Units
from core.catalog import Provider
from core.clock import EpochSeconds
from core.outcomes import Outcome, Status
from core.units import UnitKind

ENTER_PIN = Prompt("recharge", "enter_pin")
INVALID_PIN = Prompt("recharge", "invalid_pin")
NO_INPUT = Prompt("recharge", "no_input")
VOUCHER_USED = Prompt("recharge", "voucher_used")
NOT_A_SUBSCRIBER = Prompt("errors", "not_a_subscriber")
GENERIC_ERROR = Prompt("errors", "generic")


def recharge_prompts(outcome: Outcome, provider: Provider, now: EpochSeconds
                     ) -> tuple[tuple[Prompt, ...], bool]:
    """What to play after a recharge attempt, and whether the caller may try another PIN."""
    data = outcome.data
    currency = provider.currency
    match outcome.status:
        case Status.OK:
            cash_names = {t.name for t in provider.balance_types if t.is_cash}
            credited = sum(v for k, v in data.get("credited", {}).items() if k in cash_names)
            cash = provider.default_cash
            balance = data.get("balances", {}).get(cash.name, 0) if cash is not None else 0
            return (Prompt("recharge", "ok", (Amount(credited, currency),)),
                    Prompt("recharge", "new_balance", (Amount(balance, currency),))), False
        case Status.BAD_PIN if isinstance(data.get("attempts_left"), int):
            left = data["attempts_left"]
            if left == 0:
                return (_locked(data.get("locked_until"), now),), False
            return (Prompt("recharge", "bad_pin", (Units(left, UnitKind.COUNTER),)),), True
        case Status.RECHARGE_LOCKED:
            return (_locked(data.get("locked_until"), now),), False
        case Status.VOUCHER_USED:
            return (VOUCHER_USED,), False
        case Status.UNKNOWN_SUBSCRIBER:
            return (NOT_A_SUBSCRIBER,), False
    return (GENERIC_ERROR,), False


def _locked(locked_until: object, now: EpochSeconds) -> Prompt:
    remaining = locked_until - now if isinstance(locked_until, int) else 0
    return Prompt("recharge", "locked", (Units(max(remaining, 0), UnitKind.TIME),))
