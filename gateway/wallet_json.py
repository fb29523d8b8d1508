"""JSON views of ledger read models, shared by the CLI and the HTTP API."""

from __future__ import annotations

from typing import Any

from core.clock import EpochSeconds, days_until, to_datetime
from core.snapshots import WalletSnapshot


def iso(ts: EpochSeconds | None) -> str | None:
    return None if ts is None else to_datetime(ts).isoformat().replace("+00:00", "Z")


def wallet_json(w: WalletSnapshot) -> dict[str, Any]:
    return {
        "wallet_id": w.wallet_id, "msisdn": w.msisdn, "wallet_type": w.wallet_type,
        "language": w.language, "state": w.state.value, "currency": w.currency,
        "activated_at": iso(w.activated_at), "expires_at": iso(w.expires_at),
        "as_of": iso(w.as_of),
        "balances": [
            {
                "balance_type": b.balance_type.name, "unit": b.balance_type.unit.kind.value,
                "total": b.total, "reserved": b.reserved, "available": b.available,
                "credit_limit": b.credit_limit, "expires_at": iso(b.earliest_expiry),
                "days_to_expiry": (days_until(b.earliest_expiry, w.as_of)
                                   if b.earliest_expiry else None),
                "buckets": [{"id": k.id, "value": k.value, "expires_at": iso(k.expires_at),
                             "product": k.product} for k in b.buckets],
            }
            for b in w.balances
        ],
    }
