"""Credit transfers and own-type conversions."""

from __future__ import annotations

import pytest

from core import commands as c
from core.handlers.transfers import transfer_fee
from core.outcomes import Status
from core.rows import SystemAccount
from core.snapshots import WalletState
from tests.unit.core.memory import MemoryLedger

A, B = "+254700000301", "+254700000302"


def pair(cash_a: int = 50_000, cash_b: int = 0) -> MemoryLedger:
    led = MemoryLedger()
    led.wallet(A, cash=cash_a)
    led.wallet(B, cash=cash_b)
    return led


def test_a_transfer_moves_the_amount_and_the_fee_goes_to_the_fee_account() -> None:
    led = pair()
    outcome = led.run(c.Transfer(key="t", from_msisdn=A, to_msisdn=B, amount=2000))
    assert outcome.ok
    assert outcome.data["fee"] == 100
    assert (led.total(A), led.total(B)) == (47_900, 2000)
    assert led.system(SystemAccount.FEES, "General Cash") == 100
    kinds = {e.kind: e.msisdn for e in led.book.outbox}
    assert kinds["transfer_sent"] == A
    assert kinds["transfer_received"] == B
    assert led.conserved()


CASES = [
    ("zero amount", {"amount": 0}, Status.INVALID_AMOUNT),
    ("negative amount", {"amount": -5}, Status.INVALID_AMOUNT),
    ("unknown sender", {"from_msisdn": "+254700000399"}, Status.UNKNOWN_SUBSCRIBER),
    ("unknown recipient", {"to_msisdn": "+254700000399"}, Status.UNKNOWN_SUBSCRIBER),
    ("to oneself", {"to_msisdn": A}, Status.SAME_WALLET),
    ("below the minimum", {"amount": 999}, Status.TRANSFER_BELOW_MINIMUM),
    ("above the maximum", {"amount": 1_000_001}, Status.TRANSFER_ABOVE_MAXIMUM),
    ("amount plus fee beyond the balance", {"amount": 49_950}, Status.INSUFFICIENT_FUNDS),
    ("unknown balance type", {"balance_type": "Gold"}, Status.UNKNOWN_BALANCE_TYPE),
]


@pytest.mark.parametrize(("changes", "status"), [(ch, st) for _, ch, st in CASES],
                         ids=[n for n, _, _ in CASES])
def test_transfer_rules_change_nothing_when_broken(changes: dict[str, object],
                                                   status: Status) -> None:
    led = pair()
    args: dict[str, object] = {"from_msisdn": A, "to_msisdn": B, "amount": 2000, **changes}
    assert led.run(c.Transfer(key="t", **args)).status is status  # type: ignore[arg-type]
    assert (led.total(A), led.total(B)) == (50_000, 0)


@pytest.mark.parametrize(("who", "state", "status"), [
    (A, WalletState.SUSPENDED, Status.WALLET_NOT_ACTIVE),
    (A, WalletState.TERMINATED, Status.WALLET_TERMINATED),
    (B, WalletState.SUSPENDED, Status.RECIPIENT_NOT_ACTIVE),
    (B, WalletState.TERMINATED, Status.RECIPIENT_NOT_ACTIVE),
])
def test_both_wallets_states_are_checked(who: str, state: WalletState, status: Status) -> None:
    led = pair()
    led.run(c.SetWalletState(key="s", msisdn=who, state=state))
    assert led.run(c.Transfer(key="t", from_msisdn=A, to_msisdn=B, amount=2000)).status \
        is status
    assert led.total(B) == 0


def test_a_transfer_over_the_recipients_maximum_is_refused() -> None:
    led = pair(cash_b=9_999_000)
    outcome = led.run(c.Transfer(key="t", from_msisdn=A, to_msisdn=B, amount=2000))
    assert outcome.status is Status.MAX_BALANCE_EXCEEDED
    assert outcome.data["party"] == "recipient"
    assert led.total(A) == 50_000


def test_transfers_do_not_count_as_expenditure() -> None:
    led = pair()
    led.run(c.Transfer(key="t", from_msisdn=A, to_msisdn=B, amount=2000))
    assert led.total(A, "Monthly Spend") == 0


@pytest.mark.parametrize(("amount", "flat", "bps", "fee"), [
    (1000, 100, 0, 100), (1000, 0, 150, 15), (1001, 0, 150, 16), (1, 0, 1, 1), (500, 0, 0, 0),
])
def test_fees_round_up_to_a_whole_minor_unit(amount: int, flat: int, bps: int, fee: int
                                             ) -> None:
    assert transfer_fee(amount, flat, bps) == fee


def test_a_conversion_uses_the_configured_ratio() -> None:
    led = pair()
    outcome = led.run(c.Convert(key="cv", msisdn=A, from_type="General Cash", to_type="Voice",
                                amount=1000))
    assert outcome.ok
    assert outcome.data["credited"] == 600
    assert (led.total(A), led.total(A, "Voice")) == (49_000, 600)
    assert led.conserved()


@pytest.mark.parametrize(("changes", "status"), [
    ({"to_type": "Data"}, Status.NO_CONVERSION),
    ({"from_type": "Gold"}, Status.UNKNOWN_BALANCE_TYPE),
    ({"amount": 1}, Status.INVALID_AMOUNT),  # 1 cent converts to 0 seconds
    ({"amount": 60_000}, Status.INSUFFICIENT_FUNDS),
])
def test_conversion_rules(changes: dict[str, object], status: Status) -> None:
    led = pair()
    args: dict[str, object] = {"msisdn": A, "from_type": "General Cash", "to_type": "Voice",
                               "amount": 1000, **changes}
    assert led.run(c.Convert(key="cv", **args)).status is status  # type: ignore[arg-type]
    assert led.total(A) == 50_000
