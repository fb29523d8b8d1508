"""SMS transfers take two messages: ``TRANSFER <number> <amount>`` is answered with a
confirmation request and remembered as a ``PendingTransfer``; ``YES`` within ``ttl_s`` (five
minutes) completes it. Pure: the caller keeps the pending transfer (one JSON value per MSISDN in
the session store, with the same TTL) and supplies ``now``.

A newer TRANSFER replaces the pending one; a YES with nothing pending, or too late, completes
nothing (the adapter answers with help or "expired"). The idempotency key comes from the
pending transfer itself, so a YES delivered twice moves money once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.clock import EpochSeconds

CONFIRMATION_TTL_S = 300


@dataclass(frozen=True, slots=True)
class PendingTransfer:
    recipient: str  # E.164
    amount_minor: int
    created_at: EpochSeconds

    def expires_at(self, ttl_s: int = CONFIRMATION_TTL_S) -> EpochSeconds:
        return self.created_at + ttl_s

    def idempotency_key(self, msisdn: str) -> str:
        """The Transfer command's key: one per confirmation request, whatever repeats it."""
        return f"sms:{msisdn}:transfer:{self.created_at}:{self.recipient}:{self.amount_minor}"

    def to_json(self) -> dict[str, Any]:
        return {"recipient": self.recipient, "amount_minor": self.amount_minor,
                "created_at": self.created_at}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> PendingTransfer:
        """Raises ValueError on anything but what ``to_json`` wrote."""
        if set(raw) != {"recipient", "amount_minor", "created_at"}:
            raise ValueError(f"pending transfer keys: {sorted(raw)}")
        recipient = raw["recipient"]
        if not isinstance(recipient, str) or not recipient:
            raise ValueError("pending transfer: recipient must be a non-empty string")
        return cls(recipient, _count(raw, "amount_minor"), _count(raw, "created_at"))


def _count(raw: Mapping[str, Any], name: str) -> int:
    value = raw[name]
    # bool is an int subclass; True is not an amount.
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"pending transfer: {name} must be a non-negative integer")
    return value


def confirm(pending: PendingTransfer | None, now: EpochSeconds,
            ttl_s: int = CONFIRMATION_TTL_S) -> PendingTransfer | None:
    """The transfer a YES at ``now`` completes: ``pending`` while ``now`` is within ``ttl_s``
    of the request (the last second included), else None."""
    if pending is None or now > pending.expires_at(ttl_s):
        return None
    return pending
