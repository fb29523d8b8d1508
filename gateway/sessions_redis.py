"""Sessions in Redis, for several gateway processes: ``SET key value EX ttl`` per step,
``GET`` to resume, ``DEL`` at the end; one key per session and never a scan (no ``KEYS``)."""

from __future__ import annotations

import redis.asyncio as redis


class RedisSessionStore:
    def __init__(self, url: str, *, ttl_s: int, key_prefix: str) -> None:
        self.ttl_s = ttl_s
        self.prefix = key_prefix
        # decode_responses: values are JSON text; Redis stores the UTF-8 bytes.
        self._redis = redis.Redis.from_url(url, decode_responses=True)

    async def get(self, session_id: str) -> str | None:
        value = await self._redis.get(self.prefix + session_id)
        return value if isinstance(value, str) else None

    async def put(self, session_id: str, value: str) -> None:
        await self._redis.set(self.prefix + session_id, value, ex=self.ttl_s)

    async def delete(self, session_id: str) -> None:
        await self._redis.delete(self.prefix + session_id)

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        # aclose() is redis-py 5's name (close() is deprecated); the types-redis stubs predate it.
        await self._redis.aclose()  # type: ignore[attr-defined]
