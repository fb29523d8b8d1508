"""Inquiries take one of two roads: a few at once are read on the event loop's own connection,
a larger gathering on a reader thread. Both must answer the same, from committed state."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from core.service import Ledger
from core.storage import sqlite, sqlite_batch
from tests.ledger_support import Keys, new_wallet

NUMBERS = [f"+2547000009{n:02d}" for n in range(40, 52)]


@pytest.fixture
def threads_used(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread each read_batch ran on."""
    used: list[str] = []
    real = sqlite_batch.read_batch

    def recording(*args: Any) -> Any:
        used.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(sqlite_batch, "read_batch", recording)
    return used


async def test_a_few_inquiries_are_read_on_the_loop_and_many_on_a_reader(
        ledger: Ledger, keys: Keys, threads_used: list[str]) -> None:
    for index, number in enumerate(NUMBERS):
        await new_wallet(ledger, number, cash=100 * (index + 1))
    assert len(NUMBERS) > sqlite.INLINE_READ_MAX
    loop_thread = threading.current_thread().name

    one = await ledger.wallet(NUMBERS[0])
    assert threads_used == [loop_thread]

    threads_used.clear()
    many = await asyncio.gather(*(ledger.wallet(n) for n in NUMBERS))
    assert threads_used  # at least one batch went past the inline limit to a reader
    assert any(name != loop_thread for name in threads_used)

    assert one is not None
    assert many[0] == one
    cash = []
    for wallet in many:
        assert wallet is not None
        balance = wallet.balance("General Cash")
        assert balance is not None
        cash.append(balance.total)
    assert cash == [100 * (i + 1) for i in range(len(NUMBERS))]
