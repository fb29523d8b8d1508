"""Balance units: what a balance type counts, always as an integer of its smallest unit."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class UnitKind(StrEnum):
    """The measure behind a unit. The smallest unit is fixed per kind and never changes:

    cash -> the currency's minor unit (cents; KES 2 digits, JPY 0, KWD 3),
    time -> seconds, data -> bytes, units -> one message/event, counter -> one count.
    """

    CASH = "cash"
    TIME = "time"
    DATA = "data"
    UNITS = "units"
    COUNTER = "counter"

    @property
    def is_cash(self) -> bool:
        return self is UnitKind.CASH


@dataclass(frozen=True, slots=True)
class BalanceUnit:
    """A named unit of a service provider (NCC 'Balance Units': e.g. Cash, Seconds, Bad PIN)."""

    id: int
    provider_id: int
    name: str
    kind: UnitKind
