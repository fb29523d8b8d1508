"""Helpers for ledger tests: a controllable clock, the demo catalog, wallet factories."""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import commands as c
from core.outcomes import Outcome
from core.service import Ledger, LedgerAdmin
from core.storage.sqlite import SqliteStore

REPO = Path(__file__).resolve().parent.parent
DEMO_SEED = REPO / "config" / "ledger" / "demo.toml"
T0 = 1_795_000_000  # 2026-11-18T10:13:20Z: a fixed start for every test clock


@dataclass
class Clock:
    """Test time: integer epoch seconds, moved on explicitly."""

    now: int = T0

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += seconds


def demo_catalog(**policy_overrides: Any) -> dict[str, Any]:
    """The demo provider's catalog (no wallets, no vouchers), optionally with other policies."""
    with DEMO_SEED.open("rb") as fh:
        raw = tomllib.load(fh)
    config = {k: copy.deepcopy(raw[k]) for k in ("provider", "units", "balance_types",
                                                 "products")}
    config["provider"]["policies"].update(policy_overrides)
    return config


async def open_ledger(path: Path, clock: Clock, config: dict[str, Any] | None = None,
                      max_batch: int = 256, wallet_cache: int = 0) -> Ledger:
    ledger = Ledger(SqliteStore(path, wallet_cache=wallet_cache), pin_pepper="test-pepper",
                    clock=clock, max_batch=max_batch)
    await ledger.open()
    await LedgerAdmin(ledger).save_provider(config or demo_catalog())
    return ledger


class Keys:
    """Fresh idempotency keys for a test."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, prefix: str = "k") -> str:
        self.n += 1
        return f"{prefix}-{self.n}"


async def new_wallet(ledger: Ledger, msisdn: str, *, cash: int = 0, language: str = "en",
                     **kwargs: Any) -> Outcome:
    created = await ledger.execute(c.CreateWallet(key=f"create:{msisdn}", msisdn=msisdn,
                                                  provider="Demo Telecom", language=language,
                                                  **kwargs))
    assert created.ok, created
    if cash:
        credited = await ledger.execute(c.Adjust(key=f"fund:{msisdn}", msisdn=msisdn,
                                                 balance_type="General Cash", amount=cash,
                                                 reason="test funding"))
        assert credited.ok, credited
    return created


async def balance(ledger: Ledger, msisdn: str, type_name: str = "General Cash") -> int:
    wallet = await ledger.wallet(msisdn)
    assert wallet is not None
    found = wallet.balance(type_name)
    return found.total if found is not None else 0


async def available(ledger: Ledger, msisdn: str, type_name: str = "General Cash") -> int:
    wallet = await ledger.wallet(msisdn)
    assert wallet is not None
    found = wallet.balance(type_name)
    return found.available if found is not None else 0
