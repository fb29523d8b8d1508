"""Mutable rows of one transaction's working set.

Why mutable: under group commit several commands of one batch touch the same wallet, and each
must see the effects of the ones before it. The rows live only inside one ``Book`` (one
transaction); handlers check every rule before they change anything, and the outcomes they
return are frozen. ``dirty``/``new``/``gone`` tell storage what to write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from core.clock import EpochSeconds
from core.snapshots import WalletState


class ReservationState(StrEnum):
    OPEN = "open"
    COMMITTED = "committed"
    RELEASED = "released"
    EXPIRED = "expired"


class SystemAccount(StrEnum):
    """Provider-side accounts that value moves from and to: nothing is created or lost, so per
    balance type the wallets' buckets plus these accounts always sum to zero."""

    ISSUANCE = "issuance"  # recharges, products, counters and expenditure accrue from here
    ADJUSTMENTS = "adjustments"  # operator credits and debits
    REVENUE = "revenue"  # charges and purchases
    FEES = "fees"  # transfer fees
    EXPIRED = "expired"  # expired buckets, expenditure period resets
    CONVERSION = "conversion"  # between a wallet's own balance types


@dataclass(slots=True)
class Bucket:
    id: int
    account_id: int
    type_id: int
    value: int
    expires_at: EpochSeconds | None
    created_at: EpochSeconds
    product: str | None = None
    warned: bool = False  # an expiry-soon notice went out for this bucket
    rolled: bool = False  # already rolled over once; expires for good next time
    new: bool = False
    dirty: bool = False
    gone: bool = False
    # The expiry as loaded: storage rewrites the expiry index entry only when it changed.
    stored_expires_at: EpochSeconds | None = None

    def live(self, now: EpochSeconds) -> bool:
        return not self.gone and (self.expires_at is None or self.expires_at > now)


@dataclass(slots=True)
class Balance:
    account_id: int
    type_id: int
    credit_limit: int = 0
    quota_ref: int = 0  # the level thresholds are measured against; reset by a credit
    thresholds_fired: int = 0  # bit i set: i-th ascending threshold already notified
    buckets: list[Bucket] = field(default_factory=list)
    checked_at: EpochSeconds = -1  # stale buckets already expired as of this instant
    new: bool = False
    dirty: bool = False
    gone: bool = False

    def book_value(self) -> int:
        return sum(b.value for b in self.buckets if not b.gone)

    def live_value(self, now: EpochSeconds) -> int:
        return sum(b.value for b in self.buckets if b.live(now))


@dataclass(slots=True)
class Reservation:
    id: int
    account_id: int
    msisdn: str
    session_id: str
    path: tuple[int, ...]  # balance type ids the reservation may draw on, in order
    parts: dict[int, int]  # type id -> amount held
    state: ReservationState
    created_at: EpochSeconds
    expires_at: EpochSeconds
    used: int = 0
    ended_at: EpochSeconds | None = None
    new: bool = False
    dirty: bool = False

    @property
    def amount(self) -> int:
        return sum(self.parts.values())

    def holds(self, now: EpochSeconds) -> bool:
        return self.state is ReservationState.OPEN and self.expires_at > now


@dataclass(slots=True)
class Subscriber:
    msisdn: str
    account_id: int
    language: str
    spending_limit: int | None = None
    spent: int = 0
    spent_period_end: EpochSeconds | None = None
    is_owner: bool = True
    new: bool = False
    dirty: bool = False


@dataclass(slots=True)
class Account:
    id: int
    provider_id: int
    wallet_type: str
    state: WalletState
    owner_msisdn: str
    created_at: EpochSeconds
    activated_at: EpochSeconds | None = None
    expires_at: EpochSeconds | None = None
    recharge_locked_until: EpochSeconds | None = None
    balances: dict[int, Balance] = field(default_factory=dict)
    reservations: dict[int, Reservation] = field(default_factory=dict)
    new: bool = False
    dirty: bool = False

    def reserved(self, type_id: int, now: EpochSeconds) -> int:
        return sum(r.parts.get(type_id, 0) for r in self.reservations.values() if r.holds(now))


@dataclass(slots=True)
class Voucher:
    serial: str
    batch_id: int
    state: str  # created | active | frozen | redeemed
    values: dict[str, int]  # balance type name -> amount
    validity_days: int
    provider_id: int
    redeemed_by: int | None = None
    redeemed_at: EpochSeconds | None = None
    dirty: bool = False


@dataclass(frozen=True, slots=True)
class JournalLine:
    op_id: int
    provider_id: int
    type_id: int
    delta: int
    before: int
    after: int
    account_id: int | None = None
    system_account: SystemAccount | None = None
    bucket_id: int | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    id: int
    at: EpochSeconds
    kind: str
    key: str | None
    channel: str
    status: str
    provider_id: int | None
    msisdn: str | None
    detail: str  # JSON, never a secret


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    at: EpochSeconds
    kind: str
    msisdn: str
    account_id: int
    payload: str  # JSON
    dedup_key: str
