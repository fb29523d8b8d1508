"""A small LRU with a TTL, for spotting a mobile-originated message delivered twice.

An SMSC redelivers a deliver_sm whose response came late (~30 s), so the same MO can arrive twice.
The session acknowledges both and hands both up: whether and how to deduplicate is the
application's call (for money-moving commands, the ledger's idempotency key is the real guard).
This is the tool it can use for the cheap case.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from gateway.smpp.inbound import InboundPdu

K = TypeVar("K", bound=Hashable)


class TtlLru(Generic[K]):
    """Remembers keys for ``ttl_s`` seconds from first sight, at most ``max_entries`` of them."""

    def __init__(
        self,
        *,
        ttl_s: float = 120.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl_s <= 0 or max_entries < 1:
            raise ValueError("TtlLru needs ttl_s > 0 and max_entries >= 1")
        self._ttl_s = ttl_s
        self._max_entries = max_entries
        self._clock = clock
        self._seen: OrderedDict[K, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, key: K) -> bool:
        self._expire(self._clock())
        return key in self._seen

    def seen(self, key: K) -> bool:
        """True if ``key`` was recorded within the TTL (a duplicate); else record it, False.

        A repeat does not extend the TTL: the window counts from the first delivery.
        """
        now = self._clock()
        self._expire(now)
        if key in self._seen:
            return True
        self._seen[key] = now
        while len(self._seen) > self._max_entries:
            self._seen.popitem(last=False)
        return False

    def _expire(self, now: float) -> None:
        deadline = now - self._ttl_s
        while self._seen:
            key, first_seen = next(iter(self._seen.items()))
            if first_seen > deadline:
                break
            del self._seen[key]


def mo_dedup_key(message: InboundPdu) -> tuple[str, str, str]:
    """(source, destination, message_ref): same sender and same network reference.

    Caveat: a USSD centre that uses user_message_reference as its *session* id keeps it for every
    step of a dialogue; with such a centre, include the text or the step in the key.
    """
    return (message.source_addr, message.destination_addr, message.message_ref)
