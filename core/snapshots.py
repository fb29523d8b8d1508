"""Read models the ledger hands out: what a wallet holds at one instant.

Rendering (translations/, announcements/) and the APIs consume these; they carry no behaviour
beyond derived figures, so they can be built freely in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.balance_types import BalanceType
from core.clock import EpochSeconds


class WalletState(StrEnum):
    PRE_USE = "pre_use"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


@dataclass(frozen=True, slots=True)
class BucketSnapshot:
    id: int
    value: int
    expires_at: EpochSeconds | None
    product: str | None = None


@dataclass(frozen=True, slots=True)
class BalanceSnapshot:
    """One balance type of a wallet. ``total`` sums unexpired buckets; ``reserved`` is what open
    reservations hold; ``available`` is what may still be reserved or spent before credit."""

    balance_type: BalanceType
    total: int
    reserved: int
    credit_limit: int
    buckets: tuple[BucketSnapshot, ...]

    @property
    def available(self) -> int:
        return self.total - self.reserved

    @property
    def earliest_expiry(self) -> EpochSeconds | None:
        dated = [b.expires_at for b in self.buckets if b.expires_at is not None and b.value]
        return min(dated) if dated else None


@dataclass(frozen=True, slots=True)
class WalletSnapshot:
    wallet_id: int
    msisdn: str
    provider_id: int
    currency: str  # ISO 4217 code of the provider's cash types, e.g. "KES"
    wallet_type: str
    language: str
    state: WalletState
    activated_at: EpochSeconds | None
    expires_at: EpochSeconds | None
    balances: tuple[BalanceSnapshot, ...]
    as_of: EpochSeconds

    def balance(self, type_name: str) -> BalanceSnapshot | None:
        return next((b for b in self.balances if b.balance_type.name == type_name), None)


@dataclass(frozen=True, slots=True)
class SubscriberInfo:
    """Who a number is, without its balances: what a USSD dialogue's first step needs (is this
    a subscriber, in which language do we answer, may the wallet be used). One indexed row
    read instead of a whole wallet snapshot."""

    msisdn: str
    account_id: int
    provider_id: int
    language: str
    wallet_type: str
    wallet_state: WalletState  # as stored: an expired wallet still says active here
    wallet_expires_at: EpochSeconds | None
    is_owner: bool  # False for a number sharing someone else's wallet
