"""Fixtures shared by every test layer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.service import Ledger
from tests.ledger_support import Clock, Keys, open_ledger


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keys() -> Keys:
    return Keys()


@pytest.fixture
async def ledger(tmp_path: Path, clock: Clock) -> AsyncIterator[Ledger]:
    """A ledger on a real SQLite file with the demo catalog and no wallets."""
    led = await open_ledger(tmp_path / "ledger.db", clock)
    try:
        yield led
    finally:
        await led.close()
