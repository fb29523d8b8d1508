"""Builders for the value types rendering consumes: the demo translation set, balance types,
balances and wallets at one fixed instant. Plain functions (not pytest fixtures) so property
tests and the benchmark can call them too."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from core.balance_types import BalanceType
from core.clock import DAY_S, EpochSeconds, from_datetime
from core.snapshots import BalanceSnapshot, BucketSnapshot, WalletSnapshot, WalletState
from translations.config import TranslationSet
from translations.loading import load_translation_set
from translations.renderer import Renderer

REPO = Path(__file__).resolve().parents[3]
DEMO_CONFIG = REPO / "config" / "translations" / "demo.toml"
LANGUAGES = ("en", "fr", "sw", "ar")
AS_OF: EpochSeconds = from_datetime(datetime(2025, 1, 15, 12, 0, tzinfo=UTC))
MSISDN = "254712345678"


@lru_cache(maxsize=1)
def demo_set() -> TranslationSet:
    return load_translation_set(DEMO_CONFIG)


@lru_cache(maxsize=1)
def demo_renderer() -> Renderer:
    return Renderer(demo_set())


def balance_type(name: str) -> BalanceType:
    found = demo_set().balance_type(name)
    assert found is not None, name
    return found


def balance(
    type_name: str,
    total: int,
    *,
    reserved: int = 0,
    expires_in_days: int | None = None,
    expires_in_s: int | None = None,
    as_of: EpochSeconds = AS_OF,
) -> BalanceSnapshot:
    """One balance in one bucket; expiry given in whole days (or seconds) after ``as_of``."""
    expires_at = None
    if expires_in_days is not None:
        expires_at = as_of + expires_in_days * DAY_S
    if expires_in_s is not None:
        expires_at = as_of + expires_in_s
    bucket = BucketSnapshot(id=1, value=total, expires_at=expires_at)
    return BalanceSnapshot(
        balance_type=balance_type(type_name),
        total=total,
        reserved=reserved,
        credit_limit=0,
        buckets=(bucket,),
    )


def wallet(
    balances: tuple[BalanceSnapshot, ...],
    *,
    language: str = "en",
    expires_in_days: int | None = 120,
    wallet_type: str = "Prepaid",
    as_of: EpochSeconds = AS_OF,
) -> WalletSnapshot:
    return WalletSnapshot(
        wallet_id=42,
        msisdn=MSISDN,
        provider_id=1,
        currency="KES",
        wallet_type=wallet_type,
        language=language,
        state=WalletState.ACTIVE,
        activated_at=as_of - 400 * DAY_S,
        expires_at=None if expires_in_days is None else as_of + expires_in_days * DAY_S,
        balances=balances,
        as_of=as_of,
    )


def six_balances() -> tuple[BalanceSnapshot, ...]:
    """The six translated balance types of the demo provider, with varied expiries."""
    return (
        balance("Promo Cash", 5_000, expires_in_days=7),
        balance("General Cash", 123_450, reserved=1_000),
        balance("Voice", 3_725, expires_in_days=30),
        balance("Data", 1_536_000_000, expires_in_days=3),
        balance("SMS", 20, expires_in_days=30),
        balance("Monthly Spend", 125_000, expires_in_days=16),
    )


def demo_wallet(language: str = "en") -> WalletSnapshot:
    """The golden wallet: the six balances plus the untranslated "Bad PIN" counter."""
    return wallet((*six_balances(), balance("Bad PIN", 2)), language=language)
