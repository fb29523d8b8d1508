"""Pacing: a token bucket for submits, capped exponential back-off with jitter."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delay before retry number ``attempt`` (0-based): initial * factor**attempt, capped.

    Jitter takes up to ``jitter`` (a fraction) off each delay, so that many gateways dropped by
    the same SMSC restart do not reconnect in lockstep, and the cap is never exceeded.
    """

    initial_s: float
    max_s: float
    factor: float = 2.0
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if self.initial_s < 0 or self.max_s < self.initial_s or self.factor < 1:
            raise ValueError("Backoff needs 0 <= initial_s <= max_s and factor >= 1")
        if not 0 <= self.jitter < 1:
            raise ValueError("Backoff jitter must be in [0, 1)")

    def delay(self, attempt: int, rng: random.Random) -> float:
        # min() before the power would overflow: cap the exponent instead.
        base = self.initial_s * self.factor ** min(attempt, 64)
        return min(self.max_s, base) * (1.0 - self.jitter * rng.random())


class TokenBucket:
    """At most ``rate_per_s`` takes per second on average, bursts of up to ``burst``.

    A take reserves its token at once (the level may go below zero) and then sleeps off the debt,
    so concurrent callers are served in arrival order without a lock. ``rate_per_s <= 0`` means
    no limit.
    """

    def __init__(
        self,
        rate_per_s: float,
        *,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._rate = rate_per_s
        self._burst = max(burst, 1.0)
        self._tokens = self._burst
        self._clock = clock
        self._sleep = sleep
        self._last = clock()

    async def take(self) -> None:
        if self._rate <= 0:
            return
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
        self._last = now
        self._tokens -= 1.0
        if self._tokens < 0:
            await self._sleep(-self._tokens / self._rate)
