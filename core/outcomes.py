"""Business outcomes are values: a status from a fixed set plus JSON-safe data.

Statuses are checked in the order handlers document (TigerBeetle's result codes): the first rule
a command breaks is the one reported, so a caller always gets the same answer for the same input.
Outcomes are stored verbatim for idempotent replays, so ``data`` holds only JSON values and
never a secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    OK = "ok"
    # input
    INVALID_AMOUNT = "invalid_amount"
    INVALID_MSISDN = "invalid_msisdn"
    UNKNOWN_SUBSCRIBER = "unknown_subscriber"
    UNKNOWN_BALANCE_TYPE = "unknown_balance_type"
    UNKNOWN_PRODUCT = "unknown_product"
    UNKNOWN_PROVIDER = "unknown_provider"
    UNKNOWN_LANGUAGE = "unknown_language"
    UNKNOWN_WALLET_TYPE = "unknown_wallet_type"
    ALREADY_EXISTS = "already_exists"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    # wallet state
    WALLET_NOT_ACTIVE = "wallet_not_active"
    WALLET_TERMINATED = "wallet_terminated"
    RECIPIENT_NOT_ACTIVE = "recipient_not_active"
    # funds and policies
    INSUFFICIENT_FUNDS = "insufficient_funds"
    MAX_BALANCE_EXCEEDED = "max_balance_exceeded"
    SPENDING_LIMIT_EXCEEDED = "spending_limit_exceeded"
    TRANSFER_BELOW_MINIMUM = "transfer_below_minimum"
    TRANSFER_ABOVE_MAXIMUM = "transfer_above_maximum"
    SAME_WALLET = "same_wallet"
    DIFFERENT_PROVIDER = "different_provider"
    NO_CONVERSION = "no_conversion"
    # vouchers
    BAD_PIN = "bad_pin"
    RECHARGE_LOCKED = "recharge_locked"
    VOUCHER_USED = "voucher_used"
    VOUCHER_FROZEN = "voucher_frozen"
    VOUCHER_INACTIVE = "voucher_inactive"
    # reservations
    UNKNOWN_RESERVATION = "unknown_reservation"
    RESERVATION_CLOSED = "reservation_closed"
    RESERVATION_EXPIRED = "reservation_expired"
    COMMIT_EXCEEDS_RESERVED = "commit_exceeds_reserved"


@dataclass(frozen=True, slots=True)
class Outcome:
    status: Status
    data: Mapping[str, Any] = field(default_factory=dict)
    replayed: bool = False  # True when returned from the idempotency store

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status.value, "data": dict(self.data)}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], *, replayed: bool = False) -> Outcome:
        return cls(Status(raw["status"]), dict(raw["data"]), replayed)


def fail(status: Status, **data: Any) -> Outcome:
    return Outcome(status, data)


def ok(**data: Any) -> Outcome:
    return Outcome(Status.OK, data)
