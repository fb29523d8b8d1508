"""Wallet lookup and operator adjustments (a reason required; one adjustment per form)."""

from __future__ import annotations

from tests.integration.console.conftest import Console, Page
from tests.ledger_support import balance

ALICE = "+254700000001"


def key_of(page: Page) -> str:
    key = page.value("idempotency_key")
    assert key, "the adjust form carries a fresh idempotency key"
    return key


async def test_lookup_shows_balances_buckets_reservations_and_the_journal(
        console: Console) -> None:
    page = await console.get("/wallets", msisdn="0700000001")
    assert page.status == 200
    assert page.h1 == "Wallets"
    assert "Wallet 1 of +254700000001" in page.text
    assert 'id="balance-General-Cash"' in page.text
    assert 'id="balance-Voice"' in page.text
    assert "no expiry" in page.text or "Z" in page.text  # bucket expiry shown
    assert 'id="reservations"' in page.text
    assert 'id="journal"' in page.text
    assert "demo seed" in page.text  # the seed's adjustment reason, in the journal


async def test_lookup_errors(console: Console) -> None:
    unknown = await console.get("/wallets", msisdn="0799999999")
    assert unknown.status == 404
    assert unknown.error("msisdn") == "no wallet for this number"
    bad = await console.get("/wallets", msisdn="not a number")
    assert bad.error("msisdn") == "not a phone number"


async def test_an_adjustment_applies_once_per_form(console: Console) -> None:
    form = await console.get("/wallets", msisdn=ALICE)
    key = key_of(form)
    data = {"balance_type": "General Cash", "amount": "2500", "reason": "goodwill credit",
            "validity_days": "", "idempotency_key": key}
    page = await console.post("/wallets/%2B254700000001/adjust", data)
    assert page.status == 200
    assert "Adjustment applied." in page.text
    assert await balance(console.ledger, ALICE) == 12_500
    assert "goodwill credit (console: operator)" in page.text  # the journal shows it
    again = await console.post("/wallets/%2B254700000001/adjust", data)  # double submit
    assert "applied already" in again.text
    assert await balance(console.ledger, ALICE) == 12_500
    assert key_of(again) != key  # a new form, a new key


async def test_a_bad_adjustment_is_refused_inline_and_moves_nothing(console: Console) -> None:
    key = key_of(await console.get("/wallets", msisdn=ALICE))
    page = await console.post("/wallets/%2B254700000001/adjust", {
        "balance_type": "General Cash", "amount": "12.50", "reason": "",
        "idempotency_key": key})
    assert page.status == 400
    assert "whole" in (page.error("amount") or "")
    assert page.error("reason") == "a reason is required"
    too_much = await console.post("/wallets/%2B254700000001/adjust", {
        "balance_type": "General Cash", "amount": "-50000", "reason": "debit",
        "idempotency_key": key})
    assert too_much.status == 409
    assert "refused" in (too_much.text)
    assert await balance(console.ledger, ALICE) == 10_000
