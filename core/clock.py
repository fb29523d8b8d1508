"""Time in the ledger: integer epoch seconds (UTC), passed in as ``now`` and never read here.

Integers keep storage, comparison and arithmetic exact; conversion to dates happens at the edges.
"""

from __future__ import annotations

from datetime import UTC, datetime

EpochSeconds = int
DAY_S = 86_400


def days_until(expires_at: EpochSeconds, now: EpochSeconds) -> int:
    """Whole days remaining, rounded up: 1 means 'expires within one day'; 0 means expired."""
    remaining = expires_at - now
    if remaining <= 0:
        return 0
    return -(-remaining // DAY_S)


def to_datetime(ts: EpochSeconds) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


def from_datetime(dt: datetime) -> EpochSeconds:
    if dt.tzinfo is None:
        raise ValueError("naive datetime: the ledger needs an aware (UTC) time")
    return int(dt.timestamp())
