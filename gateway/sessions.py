"""Where USSD sessions live between steps: one JSON value per session id with a TTL.

``MemorySessionStore`` (the default) keeps them in this process; ``RedisSessionStore``
(gateway/sessions_redis.py, ``[sessions] backend = "redis"``) shares them between gateway
processes behind one load balancer. Both forget a session ``ttl_s`` seconds after its last
write, so a session lives as long as the subscriber keeps answering within the TTL.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from gateway.settings import SessionBackend, SessionSettings

Clock = Callable[[], float]


class SessionStore(Protocol):
    async def get(self, session_id: str) -> str | None: ...
    async def put(self, session_id: str, value: str) -> None: ...
    async def delete(self, session_id: str) -> None: ...
    async def ping(self) -> None:
        """Raises when the store cannot be reached."""
    async def close(self) -> None: ...


class MemorySessionStore:
    """A dict ordered by last write. Every entry has the same TTL, so the oldest write expires
    first: expired entries are dropped from the front on each write (no scans, no timers)."""

    def __init__(self, ttl_s: int, clock: Clock = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()

    async def get(self, session_id: str) -> str | None:
        entry = self._entries.get(session_id)
        if entry is None:
            return None
        expires_at, value = entry
        if expires_at <= self._clock():
            del self._entries[session_id]
            return None
        return value

    async def put(self, session_id: str, value: str) -> None:
        now = self._clock()
        entries = self._entries
        entries[session_id] = (now + self.ttl_s, value)
        entries.move_to_end(session_id)
        while entries:
            oldest = next(iter(entries.values()))
            if oldest[0] > now:
                break
            entries.popitem(last=False)

    async def delete(self, session_id: str) -> None:
        self._entries.pop(session_id, None)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def open_session_store(settings: SessionSettings, clock: Clock | None = None) -> SessionStore:
    """The configured store; ``clock`` (memory only) is for tests that move time on."""
    if settings.backend is SessionBackend.REDIS:
        from gateway.sessions_redis import RedisSessionStore

        return RedisSessionStore(settings.redis_url, ttl_s=settings.ttl_s,
                                 key_prefix=settings.key_prefix)
    return MemorySessionStore(settings.ttl_s, clock or time.monotonic)
