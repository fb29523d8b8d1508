"""API bearer tokens: random 32 bytes, shown once, stored as their SHA-256.

A plain hash is enough here (no salt, no slow KDF): a token has 256 bits of entropy, so there
is nothing to guess from its hash, and a fast lookup by hash keeps every request cheap.
Roles: ``read`` may GET; ``write`` may also POST, PATCH and DELETE.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass

from core.clock import EpochSeconds
from core.service import Ledger

ROLES = ("read", "write")
PREFIX = "sct_"  # recognisable in a leaked config file or a secret scanner


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    name: str
    role: str
    created_at: EpochSeconds
    revoked_at: EpochSeconds | None


class TokenError(ValueError):
    """A token command that cannot be done (duplicate name, unknown role): exit code 2."""


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(ledger: Ledger, *, name: str, role: str) -> str:
    """A new token; the return value is the only place it ever exists in clear."""
    if role not in ROLES:
        raise TokenError(f"--role: one of {', '.join(ROLES)}, got {role!r}")
    if not name.strip() or len(name) > 100:
        raise TokenError("--name: 1 to 100 characters")
    token = new_token()
    try:
        async with ledger.store.transaction() as conn:
            await conn.execute(
                "INSERT INTO tmf_tokens (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, role, token_hash(token), ledger.clock()))
    except sqlite3.IntegrityError:
        raise TokenError(f"--name: a token named {name!r} exists already") from None
    return token


async def list_tokens(ledger: Ledger) -> list[TokenInfo]:
    rows = await ledger.store.query(
        "SELECT id, name, role, created_at, revoked_at FROM tmf_tokens ORDER BY id")
    return [TokenInfo(int(r[0]), str(r[1]), str(r[2]), int(r[3]),
                      None if r[4] is None else int(r[4])) for r in rows]


async def revoke_token(ledger: Ledger, name: str) -> bool:
    async with ledger.store.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE tmf_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
            (ledger.clock(), name))
        return bool(cursor.rowcount)


async def role_of(ledger: Ledger, token: str) -> str | None:
    rows = await ledger.store.query(
        "SELECT role FROM tmf_tokens WHERE token_hash = ? AND revoked_at IS NULL",
        (token_hash(token),))
    return str(rows[0][0]) if rows else None
