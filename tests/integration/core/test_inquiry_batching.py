"""Concurrent inquiries gather into shared reads, and each caller still gets its own wallet."""

from __future__ import annotations

import asyncio

from core.service import Ledger
from tests.ledger_support import new_wallet

WALLETS = {f"+25470000090{n}": 1000 * (n + 1) for n in range(3)}


async def test_concurrent_inquiries_share_reads_and_answer_each_caller(ledger: Ledger) -> None:
    for msisdn, funds in WALLETS.items():
        await new_wallet(ledger, msisdn, cash=funds)
    asked = [*WALLETS] * 10 + ["+254700000999", "not a number"]
    before = ledger.read_batches
    answers = await asyncio.gather(*(ledger.wallet(m) for m in asked))
    for msisdn, wallet in zip(asked, answers, strict=True):
        if msisdn in WALLETS:
            assert wallet is not None
            assert wallet.msisdn == msisdn
            cash = wallet.balance("General Cash")
            assert cash is not None
            assert cash.total == WALLETS[msisdn]
        else:
            assert wallet is None
    reads = ledger.read_batches - before
    assert 1 <= reads < len(asked) - 1  # gathered, not one read per inquiry


async def test_an_inquiry_after_a_write_sees_it(ledger: Ledger) -> None:
    msisdn = next(iter(WALLETS))
    await new_wallet(ledger, msisdn, cash=500)
    first = await ledger.wallet(msisdn)
    assert first is not None
    cash = first.balance("General Cash")
    assert cash is not None
    assert cash.total == 500
