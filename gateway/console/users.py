"""Console users and their server-side sessions, in the ledger database (so every gateway
process shares them).

Passwords are kept as salted scrypt hashes (``scrypt$n$r$p$salt$hash``, hex): slow to guess
offline, unlike the API's token hashes (a token has 256 random bits; a password does not).
A session is a random cookie value; the database keeps its SHA-256 only, so a copy of the
database logs nobody in. Each session has its own CSRF token.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
import sqlite3
from dataclasses import dataclass

from core.clock import EpochSeconds
from core.storage.sqlite import SqliteStore

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # ~16 MiB and tens of ms per check
SALT_BYTES = 16
USERNAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
MIN_PASSWORD_CHARS = 8
SESSION_IDLE_S = 30 * 60  # a session unused this long ends
SESSION_MAX_S = 12 * 3600  # and none outlives a working day


class UserError(ValueError):
    """A user command that cannot be done (bad name, short password, duplicate)."""


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(digest) // 2)
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


# Checked when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = hash_password("not a password", salt=b"\0" * SALT_BYTES)


async def add_user(store: SqliteStore, username: str, password: str, now: EpochSeconds
                   ) -> None:
    if not USERNAME.fullmatch(username):
        raise UserError("username: 1 to 64 letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"password: at least {MIN_PASSWORD_CHARS} characters")
    hashed = await asyncio.to_thread(hash_password, password)  # scrypt is slow on purpose
    try:
        async with store.transaction() as conn:
            await conn.execute(
                "INSERT INTO console_users (username, password_hash, created_at) "
                "VALUES (?, ?, ?)", (username, hashed, now))
    except sqlite3.IntegrityError:
        raise UserError(f"username: a user named {username!r} exists already") from None


async def user_exists(store: SqliteStore, username: str) -> bool:
    return bool(await store.query("SELECT 1 FROM console_users WHERE username = ?",
                                  (username,)))


async def list_users(store: SqliteStore) -> list[tuple[str, EpochSeconds]]:
    rows = await store.query("SELECT username, created_at FROM console_users ORDER BY username")
    return [(str(name), int(at)) for name, at in rows]


async def remove_user(store: SqliteStore, username: str) -> bool:
    """Remove the user and end their sessions."""
    async with store.transaction() as conn:
        await conn.execute("DELETE FROM console_sessions WHERE user_id IN "
                           "(SELECT id FROM console_users WHERE username = ?)", (username,))
        cursor = await conn.execute("DELETE FROM console_users WHERE username = ?",
                                    (username,))
        return bool(cursor.rowcount)


async def authenticate(store: SqliteStore, username: str, password: str) -> int | None:
    """The user's id when the password is theirs."""
    rows = await store.query("SELECT id, password_hash FROM console_users WHERE username = ?",
                             (username,))
    stored = str(rows[0][1]) if rows else _DUMMY_HASH
    ok = await asyncio.to_thread(verify_password, password, stored)
    return int(rows[0][0]) if rows and ok else None


# -- sessions ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ConsoleSession:
    id_hash: str
    user_id: int
    username: str
    csrf_token: str
    provider: str | None
    created_at: EpochSeconds
    expires_at: EpochSeconds


def _id_hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


async def start_session(store: SqliteStore, user_id: int, now: EpochSeconds) -> str:
    """A new session; returns the cookie value (kept nowhere else)."""
    cookie = secrets.token_urlsafe(32)
    async with store.transaction() as conn:
        await conn.execute("DELETE FROM console_sessions WHERE expires_at <= ?", (now,))
        await conn.execute(
            "INSERT INTO console_sessions (id_hash, user_id, csrf_token, provider, created_at, "
            "expires_at) VALUES (?, ?, ?, NULL, ?, ?)",
            (_id_hash(cookie), user_id, secrets.token_urlsafe(32), now, now + SESSION_IDLE_S))
    return cookie


async def load_session(store: SqliteStore, cookie: str, now: EpochSeconds
                       ) -> ConsoleSession | None:
    rows = await store.query(
        "SELECT s.id_hash, s.user_id, u.username, s.csrf_token, s.provider, s.created_at, "
        "s.expires_at FROM console_sessions s JOIN console_users u ON u.id = s.user_id "
        "WHERE s.id_hash = ? AND s.expires_at > ?", (_id_hash(cookie), now))
    if not rows:
        return None
    r = rows[0]
    session = ConsoleSession(str(r[0]), int(r[1]), str(r[2]), str(r[3]),
                             None if r[4] is None else str(r[4]), int(r[5]), int(r[6]))
    # Slide the idle expiry, but write only once half of it has gone.
    if session.expires_at - now < SESSION_IDLE_S // 2:
        until = min(now + SESSION_IDLE_S, session.created_at + SESSION_MAX_S)
        async with store.transaction() as conn:
            await conn.execute("UPDATE console_sessions SET expires_at = ? WHERE id_hash = ?",
                               (until, session.id_hash))
    return session


async def end_session(store: SqliteStore, cookie: str) -> None:
    async with store.transaction() as conn:
        await conn.execute("DELETE FROM console_sessions WHERE id_hash = ?", (_id_hash(cookie),))


async def select_provider(store: SqliteStore, session: ConsoleSession, provider: str) -> None:
    async with store.transaction() as conn:
        await conn.execute("UPDATE console_sessions SET provider = ? WHERE id_hash = ?",
                           (provider, session.id_hash))
