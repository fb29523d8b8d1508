"""Calendar-month boundaries (UTC) for per-subscriber spending limits."""

from __future__ import annotations

from datetime import UTC, datetime

from core.clock import EpochSeconds, to_datetime


def month_end(now: EpochSeconds) -> EpochSeconds:
    """Midnight UTC at the start of the next calendar month."""
    d = to_datetime(now)
    year, month = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp())
