"""Commands the ledger executes. Each money-moving command carries an idempotency key chosen by
the caller from the network (USSD sessionId + step, SMPP source + message reference, the API's
Idempotency-Key) and the channel it came from, for the journal.

Commands hold no secrets: a voucher PIN is turned into its keyed hash at the service edge, so
the domain, the idempotency store and the journal never see it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

from core.snapshots import WalletState


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    key: str
    channel: str = "api"

    def fingerprint(self) -> str:
        """A digest of the parameters (not the key or channel): the same key with other
        parameters is a conflict, not a replay. Parameters are str, int, None and StrEnum
        values, whose repr is stable across processes and versions."""
        cls = type(self)
        values = tuple(getattr(self, name) for name in _parameter_names(cls))
        blob = f"{cls.__name__}{values!r}".encode()
        return hashlib.blake2b(blob, digest_size=16).hexdigest()


_NAMES: dict[type, tuple[str, ...]] = {}


def _parameter_names(cls: type[Command]) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls)
                                    if f.name not in ("key", "channel"))
    return names


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateWallet(Command):
    msisdn: str
    provider: str
    wallet_type: str = "Prepaid"
    language: str = "en"
    state: WalletState = WalletState.ACTIVE
    expires_at: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AddSubscriber(Command):
    """Share an existing wallet with another MSISDN (family plan, data pool, business)."""

    owner_msisdn: str
    msisdn: str
    language: str = "en"
    spending_limit: int | None = None  # per calendar month, in the default cash type's units


@dataclass(frozen=True, slots=True, kw_only=True)
class SetWalletState(Command):
    msisdn: str
    state: WalletState


@dataclass(frozen=True, slots=True, kw_only=True)
class SetLanguage(Command):
    msisdn: str
    language: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SetCreditLimit(Command):
    msisdn: str
    balance_type: str
    credit_limit: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Adjust(Command):
    """Operator credit (amount > 0) or debit (amount < 0) with a reason; value moves from or to
    the provider's adjustment account. ``validity_days`` dates a credit's bucket."""

    msisdn: str
    balance_type: str
    amount: int
    reason: str
    validity_days: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Recharge(Command):
    msisdn: str
    pin_hash: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Transfer(Command):
    """Subscriber to subscriber in the default cash type (or ``balance_type``)."""

    from_msisdn: str
    to_msisdn: str
    amount: int
    balance_type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Convert(Command):
    """Between a wallet's own balance types at the provider's configured ratio."""

    msisdn: str
    from_type: str
    to_type: str
    amount: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Charge(Command):
    """An immediate debit along a cascade (or one balance type)."""

    msisdn: str
    amount: int
    cascade: str | None = None
    balance_type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reserve(Command):
    msisdn: str
    amount: int
    ttl_s: int
    session_id: str = ""
    cascade: str | None = None
    balance_type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitReservation(Command):
    """Consume ``used`` of the reservation; the rest returns. Terminal."""

    reservation_id: int
    used: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseReservation(Command):
    reservation_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportUsage(Command):
    """Commit what was used of the current reservation and reserve the next chunk in the same
    transaction (a charging session's interim update)."""

    reservation_id: int
    used: int
    reserve_next: int
    ttl_s: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BuyProduct(Command):
    """Pay for a product from cash and create its buckets: both, or neither."""

    msisdn: str
    product: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProvisionProduct(Command):
    """Create a product's buckets without payment (fulfilment, operator gift)."""

    msisdn: str
    product: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Housekeeping(Command):
    """Expire buckets and reservations, reset expenditure periods, warn of coming expiries.
    ``limit`` bounds the work of one transaction."""

    limit: int = 1000


MoneyCommand = (
    Adjust | Recharge | Transfer | Convert | Charge | Reserve | CommitReservation
    | ReleaseReservation | ReportUsage | BuyProduct | ProvisionProduct
)
