"""Wallet creation, states, shared wallets and operator adjustments."""

from __future__ import annotations

import json

import pytest

from core import commands as c
from core.outcomes import Status
from core.rows import SystemAccount
from core.snapshots import WalletState
from tests.unit.core.memory import MemoryLedger

A, B = "+254700000101", "+254700000102"


def test_a_new_wallet_gets_every_type_not_excluded_from_creation() -> None:
    led = MemoryLedger()
    led.wallet(A)
    names = {b.balance_type.name for b in led.snapshot(A).balances}
    assert names == {"General Cash", "Promo Cash", "Voice", "Data", "SMS", "Monthly Spend"}
    assert "Bad PIN" not in names  # excluded from creation


def test_a_second_wallet_for_one_msisdn_is_refused() -> None:
    led = MemoryLedger()
    led.wallet(A)
    again = led.run(c.CreateWallet(key="other", msisdn=A, provider="Demo Telecom"))
    assert again.status is Status.ALREADY_EXISTS


@pytest.mark.parametrize(("provider", "wallet_type", "status"), [
    ("Nobody", "Prepaid", Status.UNKNOWN_PROVIDER),
    ("Demo Telecom", "Postpaid", Status.UNKNOWN_WALLET_TYPE),
])
def test_wallet_creation_input(provider: str, wallet_type: str, status: Status) -> None:
    outcome = MemoryLedger().run(c.CreateWallet(key="x", msisdn=A, provider=provider,
                                                wallet_type=wallet_type))
    assert outcome.status is status


ADJUST_CASES = [
    ("zero", {"amount": 0}, Status.INVALID_AMOUNT),
    ("bool is not an amount", {"amount": True}, Status.INVALID_AMOUNT),
    ("unknown subscriber", {"msisdn": "+254799999999"}, Status.UNKNOWN_SUBSCRIBER),
    ("unknown type", {"balance_type": "Gold"}, Status.UNKNOWN_BALANCE_TYPE),
    ("debit beyond the balance", {"amount": -5001}, Status.INSUFFICIENT_FUNDS),
    ("credit over the reject-policy maximum", {"amount": 10_000_000}, Status.MAX_BALANCE_EXCEEDED),
]


@pytest.mark.parametrize(("changes", "status"), [(ch, st) for _, ch, st in ADJUST_CASES],
                         ids=[n for n, _, _ in ADJUST_CASES])
def test_adjustment_rules_change_nothing_when_broken(changes: dict[str, object],
                                                     status: Status) -> None:
    led = MemoryLedger()
    led.wallet(A, cash=5000)
    args: dict[str, object] = {"msisdn": A, "balance_type": "General Cash", "amount": 100,
                               "reason": "r", **changes}
    outcome = led.run(c.Adjust(key="adj", **args))  # type: ignore[arg-type]
    assert outcome.status is status
    assert led.total(A) == 5000
    assert led.conserved()


def test_adjustments_move_value_from_and_to_the_adjustment_account() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=5000)
    assert led.credit(A, "General Cash", -2000).ok
    assert led.total(A) == 3000
    assert led.system(SystemAccount.ADJUSTMENTS, "General Cash") == -3000
    assert led.conserved()


def test_limit_policy_caps_the_credit_and_records_what_was_cut() -> None:
    led = MemoryLedger()
    led.wallet(A)
    assert led.credit(A, "Promo Cash", 400_000).ok
    outcome = led.credit(A, "Promo Cash", 300_000)
    assert outcome.ok
    assert outcome.data["applied"] == 100_000
    assert outcome.data["exceeded"] == {"Promo Cash": 200_000}
    assert led.total(A, "Promo Cash") == 500_000


def test_a_terminated_wallet_takes_no_adjustment_and_cannot_come_back() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=100)
    assert led.run(c.SetWalletState(key="t", msisdn=A, state=WalletState.TERMINATED)).ok
    assert led.credit(A, "General Cash", 100).status is Status.WALLET_TERMINATED
    back = led.run(c.SetWalletState(key="u", msisdn=A, state=WalletState.ACTIVE))
    assert back.status is Status.WALLET_TERMINATED


def test_language_must_be_one_of_the_providers() -> None:
    led = MemoryLedger()
    led.wallet(A)
    assert led.run(c.SetLanguage(key="l1", msisdn=A, language="sw")).ok
    assert led.snapshot(A).language == "sw"
    assert led.run(c.SetLanguage(key="l2", msisdn=A, language="de")).status \
        is Status.UNKNOWN_LANGUAGE


def test_a_shared_wallet_is_spent_by_its_members_within_their_limits() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=100_000)
    assert led.run(c.AddSubscriber(key="s", owner_msisdn=A, msisdn=B,
                                   spending_limit=3000)).ok
    assert led.snapshot(B).wallet_id == led.snapshot(A).wallet_id
    assert led.run(c.Charge(key="c1", msisdn=B, amount=2000)).ok
    over = led.run(c.Charge(key="c2", msisdn=B, amount=1500))
    assert over.status is Status.SPENDING_LIMIT_EXCEEDED
    assert over.data["headroom"] == 1000
    assert led.run(c.Charge(key="c3", msisdn=A, amount=50_000)).ok  # the owner has no limit
    assert led.total(A) == 48_000


def test_credit_limit_lets_an_allowing_type_go_negative_down_to_the_limit() -> None:
    config = __import__("tests.ledger_support", fromlist=["demo_catalog"]).demo_catalog()
    config["balance_types"][0]["allow_credit"] = True
    led = MemoryLedger(config)
    led.wallet(A, cash=1000)
    assert led.run(c.SetCreditLimit(key="cl", msisdn=A, balance_type="General Cash",
                                    credit_limit=500)).ok
    assert led.run(c.Charge(key="c1", msisdn=A, amount=1400, balance_type="General Cash")).ok
    assert led.total(A) == -400
    assert led.run(c.Charge(key="c2", msisdn=A, amount=101, balance_type="General Cash")
                   ).status is Status.INSUFFICIENT_FUNDS
    assert led.conserved()


def test_no_credit_limit_on_a_type_that_does_not_allow_credit() -> None:
    led = MemoryLedger()
    led.wallet(A)
    refused = led.run(c.SetCreditLimit(key="cl", msisdn=A, balance_type="General Cash",
                                       credit_limit=500))
    assert refused.status is Status.INVALID_AMOUNT


def test_every_change_is_journaled_with_its_key_and_channel() -> None:
    led = MemoryLedger()
    led.wallet(A, cash=700)
    op = next(o for o in led.book.operations if o.kind == "adjust")
    assert op.key is not None
    assert op.channel == "api"
    lines = [j for j in led.book.journal if j.op_id == op.id]
    assert sorted(j.delta for j in lines) == [-700, 700]
    wallet_line = next(j for j in lines if j.account_id is not None)
    assert (wallet_line.before, wallet_line.after) == (0, 700)
    assert json.loads(op.detail)["reason"] == "test"
