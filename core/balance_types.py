"""Balance types and the NCC field rules that constrain them.

Field names follow the NCC CCS 'Balance Type Details' screen. ``validate_balance_type`` returns
every broken rule as (field, message) so an API or console can show each next to its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from core.units import BalanceUnit, UnitKind

MAX_DISPLAY_TO_SPEND_RATIO_HUNDREDTHS = 999  # 9.99
MAX_QUOTA_THRESHOLDS = 3


class Category(StrEnum):
    CHARGEABLE = "chargeable"
    CROSS = "cross"
    EXPENDITURE = "expenditure"
    FRAUD = "fraud"
    INTERNAL = "internal"
    QUOTA = "quota"


class ExpenditureType(StrEnum):
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"
    WALLET = "wallet"


class ExpiryBasis(StrEnum):
    """What fixes the day (and month) an expenditure balance's period ends on."""

    BALANCE_CREATION = "balance_creation"
    FIXED_DATE = "fixed_date"
    WALLET_ACTIVATION = "wallet_activation"
    WALLET_EXPIRY = "wallet_expiry"


class MaxBalancePolicy(StrEnum):
    REJECT_CREDITS_OVER = "reject_credits_over"  # NCC default: all or nothing
    LIMIT_ADDITIONAL_CREDITS = "limit_additional_credits"  # cap, record what was cut


@dataclass(frozen=True, slots=True)
class AnnouncementRef:
    """An IVR prompt: an announcement set and an entry within it."""

    set: str
    entry: str


@dataclass(frozen=True, slots=True)
class BalanceTypeAnnouncements:
    """NCC 'Balance Type Announcements' tab. Positive/negative are for non-cash types only;
    cash types use currency-to-announcement maps instead."""

    expiry: AnnouncementRef | None = None
    single_day_expiry: AnnouncementRef | None = None
    positive: AnnouncementRef | None = None
    negative: AnnouncementRef | None = None


@dataclass(frozen=True, slots=True)
class CurrencyAnnouncementMap:
    """NCC 'Currency to Announcement Maps' for a cash balance type."""

    currency_one: str
    currency_two: str | None
    positive: AnnouncementRef
    negative: AnnouncementRef


@dataclass(frozen=True, slots=True)
class BalanceType:
    id: int
    provider_id: int
    name: str
    unit: BalanceUnit
    category: Category
    is_default_cash: bool = False
    display_to_spend_ratio_hundredths: int = 100  # 1.00; integers, never floats
    allow_credit: bool = False
    expenditure_type: ExpenditureType = ExpenditureType.NONE
    expiry_basis: ExpiryBasis = ExpiryBasis.BALANCE_CREATION
    fixed_expiry_date: date | None = None
    contributes_to_expenditure: bool = False
    recreate_bucket_on_expiry: bool = False
    delete_after_last_bucket_expiry: bool = False
    exclude_from_creation: bool = False
    play_announcement_if_zero: bool = False
    max_balance: int | None = None
    max_balance_policy: MaxBalancePolicy = MaxBalancePolicy.REJECT_CREDITS_OVER
    quota_thresholds_pct: tuple[int, ...] = ()  # stored largest first (NCC), fired ascending
    low_balance_threshold: int | None = None  # 'low balance' outbox event below this
    rollover_days: int = 0  # an expiring bucket's rest lives on this many days, once
    announcements: BalanceTypeAnnouncements = field(default_factory=BalanceTypeAnnouncements)
    currency_announcements: tuple[CurrencyAnnouncementMap, ...] = ()

    @property
    def is_cash(self) -> bool:
        return self.unit.kind is UnitKind.CASH

    @property
    def is_expenditure(self) -> bool:
        return self.category is Category.EXPENDITURE


def sorted_thresholds(thresholds: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """NCC stores quota thresholds largest first, whatever order they were entered in."""
    return tuple(sorted(thresholds, reverse=True))


def validate_balance_type(bt: BalanceType, others: tuple[BalanceType, ...] = ()) -> list[
    tuple[str, str]
]:
    """Every NCC rule the balance type breaks, as (field, message). Empty means valid.

    ``others`` are the provider's other balance types (for 'one default cash type').
    """
    errors: list[tuple[str, str]] = []
    if not bt.name.strip():
        errors.append(("name", "a name is required"))
    elif len(bt.name) > 50:
        errors.append(("name", "at most 50 characters"))
    if any(o.name == bt.name and o.id != bt.id for o in others):
        errors.append(("name", "another balance type already has this name"))
    if bt.is_default_cash:
        if not bt.is_cash:
            errors.append(("is_default_cash", "only a cash balance type can be the default"))
        if any(o.is_default_cash and o.id != bt.id for o in others):
            errors.append(("is_default_cash", "the provider already has a default cash type"))
    ratio = bt.display_to_spend_ratio_hundredths
    if not 0 <= ratio <= MAX_DISPLAY_TO_SPEND_RATIO_HUNDREDTHS:
        errors.append(("display_to_spend_ratio", "must be between 0 and 9.99"))
    if ratio != 100 and bt.expenditure_type is not ExpenditureType.NONE:
        errors.append(
            ("display_to_spend_ratio", "can only be set when the expenditure type is none")
        )
    if bt.category is Category.EXPENDITURE:
        if bt.expenditure_type is ExpenditureType.NONE:
            errors.append(("expenditure_type", "required for an expenditure balance type"))
    elif bt.expenditure_type is not ExpenditureType.NONE:
        errors.append(("expenditure_type", "must be none unless the category is expenditure"))
    if bt.expiry_basis is ExpiryBasis.FIXED_DATE and bt.fixed_expiry_date is None:
        errors.append(("fixed_expiry_date", "required when the expiry basis is a fixed date"))
    if bt.contributes_to_expenditure and bt.category is not Category.CHARGEABLE:
        errors.append(("contributes_to_expenditure", "only chargeable balance types contribute"))
    if bt.recreate_bucket_on_expiry and bt.category is not Category.EXPENDITURE:
        errors.append(("recreate_bucket_on_expiry", "only for expenditure balance types"))
    if bt.delete_after_last_bucket_expiry and (
        bt.category is Category.FRAUD or bt.is_default_cash
    ):
        errors.append(
            ("delete_after_last_bucket_expiry", "not allowed for fraud or the default cash type")
        )
    if bt.max_balance is not None:
        if bt.category not in (Category.CHARGEABLE, Category.CROSS, Category.FRAUD):
            errors.append(("max_balance", "only for chargeable, cross or fraud balance types"))
        if bt.max_balance <= 0:
            errors.append(("max_balance", "must be a positive whole number of the unit"))
    if len(bt.quota_thresholds_pct) > MAX_QUOTA_THRESHOLDS:
        errors.append(("quota_thresholds_pct", "at most three thresholds"))
    if any(not 1 <= t <= 100 for t in bt.quota_thresholds_pct):
        errors.append(("quota_thresholds_pct", "each threshold is a percentage from 1 to 100"))
    if len(set(bt.quota_thresholds_pct)) != len(bt.quota_thresholds_pct):
        errors.append(("quota_thresholds_pct", "thresholds must differ"))
    if tuple(bt.quota_thresholds_pct) != sorted_thresholds(bt.quota_thresholds_pct):
        errors.append(("quota_thresholds_pct", "must be stored largest first"))
    if bt.is_cash and (bt.announcements.positive or bt.announcements.negative):
        errors.append(
            ("announcements", "positive/negative announcements are for non-cash types only")
        )
    if bt.currency_announcements and not bt.is_cash:
        errors.append(("currency_announcements", "only cash balance types map currencies"))
    if bt.rollover_days < 0:
        errors.append(("rollover_days", "must not be negative"))
    if bt.rollover_days and bt.category is Category.EXPENDITURE:
        errors.append(("rollover_days", "expenditure balances reset, they do not roll over"))
    if bt.low_balance_threshold is not None and bt.low_balance_threshold < 0:
        errors.append(("low_balance_threshold", "must not be negative"))
    return errors
