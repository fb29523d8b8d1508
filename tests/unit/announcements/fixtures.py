"""Demo Telecom's balance types and small builders for wallet snapshots.

The types mirror config/ledger/demo.toml, the provider that config/plans/demo.toml is written
for; they are spelt out here so sequence tests read without the catalog loader.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from announcements.loading import ProviderPlans, load_provider_plans
from core.balance_types import (
    AnnouncementRef,
    BalanceType,
    BalanceTypeAnnouncements,
    Category,
    CurrencyAnnouncementMap,
    ExpenditureType,
)
from core.clock import DAY_S, EpochSeconds
from core.snapshots import BalanceSnapshot, BucketSnapshot, WalletSnapshot, WalletState
from core.units import BalanceUnit, UnitKind

CONFIG = Path(__file__).resolve().parents[3] / "config"
DEMO_PLANS = CONFIG / "plans" / "demo.toml"
DEMO_LEDGER = CONFIG / "ledger" / "demo.toml"
PROVIDER_ID = 1
CURRENCY = "KES"
NOW: EpochSeconds = 1_750_000_000
HOUR_S = 3_600


def ref(entry: str, set_: str = "balances") -> AnnouncementRef:
    return AnnouncementRef(set_, entry)


KES = BalanceUnit(1, PROVIDER_ID, "Kenyan Shilling", UnitKind.CASH)
SECONDS = BalanceUnit(2, PROVIDER_ID, "Seconds", UnitKind.TIME)
BYTES = BalanceUnit(3, PROVIDER_ID, "Bytes", UnitKind.DATA)
MESSAGES = BalanceUnit(4, PROVIDER_ID, "Messages", UnitKind.UNITS)
BAD_PINS = BalanceUnit(5, PROVIDER_ID, "Bad PIN", UnitKind.COUNTER)

# Announcement refs and flags as in config/ledger/demo.toml (test_demo_config checks it).
GENERAL_CASH = BalanceType(
    id=1,
    provider_id=PROVIDER_ID,
    name="General Cash",
    unit=KES,
    category=Category.CHARGEABLE,
    is_default_cash=True,
    contributes_to_expenditure=True,
    announcements=BalanceTypeAnnouncements(
        expiry=ref("cash_expires"), single_day_expiry=ref("cash_expires_today")
    ),
    currency_announcements=(
        CurrencyAnnouncementMap("KES", None, ref("cash_positive"), ref("cash_negative")),
    ),
)
PROMO_CASH = BalanceType(
    id=2,
    provider_id=PROVIDER_ID,
    name="Promo Cash",
    unit=KES,
    category=Category.CHARGEABLE,
    currency_announcements=(
        CurrencyAnnouncementMap("KES", None, ref("promo_positive"), ref("promo_negative")),
    ),
)
VOICE = BalanceType(
    id=3,
    provider_id=PROVIDER_ID,
    name="Voice",
    unit=SECONDS,
    category=Category.CHARGEABLE,
    play_announcement_if_zero=True,
    announcements=BalanceTypeAnnouncements(
        expiry=ref("voice_expires"),
        single_day_expiry=ref("voice_expires_today"),
        positive=ref("voice_positive"),
        negative=ref("voice_none"),
    ),
)
DATA = BalanceType(
    id=4,
    provider_id=PROVIDER_ID,
    name="Data",
    unit=BYTES,
    category=Category.CHARGEABLE,
    announcements=BalanceTypeAnnouncements(
        expiry=ref("data_expires"),
        single_day_expiry=ref("data_expires_today"),
        positive=ref("data_positive"),
        negative=ref("data_none"),
    ),
)
SMS = BalanceType(
    id=5,
    provider_id=PROVIDER_ID,
    name="SMS",
    unit=MESSAGES,
    category=Category.CHARGEABLE,
    announcements=BalanceTypeAnnouncements(positive=ref("sms_positive"), negative=ref("sms_none")),
)
BAD_PIN = BalanceType(
    id=6, provider_id=PROVIDER_ID, name="Bad PIN", unit=BAD_PINS, category=Category.FRAUD
)
MONTHLY_SPEND = BalanceType(
    id=7,
    provider_id=PROVIDER_ID,
    name="Monthly Spend",
    unit=KES,
    category=Category.EXPENDITURE,
    expenditure_type=ExpenditureType.MONTHLY,
)
DEMO_TYPES = (GENERAL_CASH, PROMO_CASH, VOICE, DATA, SMS, BAD_PIN, MONTHLY_SPEND)


@dataclass(frozen=True, slots=True)
class Provider:
    """The part of core.catalog.Provider that plans need (announcements.loading.PlanProvider)."""

    id: int
    name: str
    currency: str
    balance_types: tuple[BalanceType, ...]


DEMO_PROVIDER = Provider(PROVIDER_ID, "Demo Telecom", CURRENCY, DEMO_TYPES)

_ids = itertools.count(1)


def bucket(value: int, expires_in_s: int | None = None) -> BucketSnapshot:
    """A bucket expiring ``expires_in_s`` after NOW (negative: already expired), or never."""
    expires_at = None if expires_in_s is None else NOW + expires_in_s
    return BucketSnapshot(id=next(_ids), value=value, expires_at=expires_at)


def balance(bt: BalanceType, *buckets: BucketSnapshot | int, reserved: int = 0) -> BalanceSnapshot:
    """A balance whose total is the sum of its unexpired buckets; plain ints are undated buckets."""
    held = tuple(b if isinstance(b, BucketSnapshot) else bucket(b) for b in buckets)
    total = sum(b.value for b in held if b.expires_at is None or b.expires_at > NOW)
    return BalanceSnapshot(bt, total=total, reserved=reserved, credit_limit=0, buckets=held)


def wallet(
    *balances: BalanceSnapshot,
    provider_id: int = PROVIDER_ID,
    currency: str = CURRENCY,
    as_of: EpochSeconds = NOW,
) -> WalletSnapshot:
    return WalletSnapshot(
        wallet_id=42,
        msisdn="+254700000001",
        provider_id=provider_id,
        currency=currency,
        wallet_type="Primary",
        language="en",
        state=WalletState.ACTIVE,
        activated_at=NOW - 30 * DAY_S,
        expires_at=None,
        balances=balances,
        as_of=as_of,
    )


def demo_plans() -> ProviderPlans:
    return load_provider_plans(DEMO_PLANS, DEMO_PROVIDER)
