"""Voucher batches in SQLite: creation (PINs stored only as keyed hashes), freezing, lookup.

Creating vouchers moves no value (it moves at redemption), but each change is still recorded
as an operation for the audit trail."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import aiosqlite

from core.clock import EpochSeconds
from core.storage.sqlite_rows import placeholders

VOUCHER_STATES = ("created", "active", "frozen", "redeemed")


@dataclass(frozen=True, slots=True)
class VoucherInfo:
    serial: str
    batch: str
    state: str
    values: Mapping[str, int]
    validity_days: int
    redeemed_by_msisdn: str | None
    redeemed_at: EpochSeconds | None


async def create_batch(
    conn: aiosqlite.Connection, *, provider_id: int, name: str, values: Mapping[str, int],
    validity_days: int, now: EpochSeconds, state: str,
    pins: Sequence[tuple[str, str]], on_chunk: Callable[[int], None] | None = None,
) -> tuple[int, list[str]]:
    """Insert a batch; ``pins`` are (pin, pin_hash) pairs. Returns the batch id and the
    serials, in the order of ``pins``. Runs inside the caller's write transaction."""
    cur = await conn.execute(
        "INSERT INTO voucher_batches (provider_id, name, vals, validity_days, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (provider_id, name, json.dumps(dict(values), sort_keys=True), validity_days, now))
    batch_id = int(cur.lastrowid or 0)
    serials = [f"{batch_id:05d}{i:08d}" for i in range(1, len(pins) + 1)]
    chunk = 5000
    for start in range(0, len(pins), chunk):
        part = pins[start:start + chunk]
        await conn.executemany(
            "INSERT INTO vouchers (serial, batch_id, pin_hash, state) VALUES (?, ?, ?, ?)",
            [(serial, batch_id, h, state)
             for serial, (_pin, h) in zip(serials[start:start + chunk], part, strict=True)])
        if on_chunk is not None:
            on_chunk(len(part))
    await record(conn, now, "voucher_batch_created", {"batch_id": batch_id, "name": name,
                                                      "count": len(pins), "state": state})
    return batch_id, serials


async def existing_hashes(conn: aiosqlite.Connection, hashes: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(hashes), 5000):
        part = hashes[start:start + 5000]
        found.update(r[0] for r in await conn.execute_fetchall(
            f"SELECT pin_hash FROM vouchers WHERE pin_hash IN ({placeholders(len(part))})",
            tuple(part)))
    return found


async def set_state(conn: aiosqlite.Connection, *, serial: str | None, batch: str | None,
                    state: str, now: EpochSeconds) -> int:
    """Freeze (state 'frozen') or unfreeze/activate ('active') vouchers that are not yet
    redeemed, by serial or by batch name. Returns how many changed."""
    if state not in ("frozen", "active"):
        raise ValueError("state: frozen or active")
    if serial is not None:
        cur = await conn.execute(
            "UPDATE vouchers SET state = ? WHERE serial = ? AND state != 'redeemed'",
            (state, serial))
    else:
        cur = await conn.execute(
            "UPDATE vouchers SET state = ? WHERE state != 'redeemed' AND batch_id IN "
            "(SELECT id FROM voucher_batches WHERE name = ?)", (state, batch))
    await record(conn, now, f"voucher_{state}", {"serial": serial, "batch": batch,
                                                 "changed": cur.rowcount})
    return cur.rowcount


async def lookup(conn: aiosqlite.Connection, serial: str) -> VoucherInfo | None:
    row = await (await conn.execute(
        "SELECT v.serial, b.name, v.state, b.vals, b.validity_days, a.owner_msisdn, "
        "v.redeemed_at FROM vouchers v JOIN voucher_batches b ON b.id = v.batch_id "
        "LEFT JOIN accounts a ON a.id = v.redeemed_by WHERE v.serial = ?",
        (serial,))).fetchone()
    if row is None:
        return None
    return VoucherInfo(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6])


async def record(conn: aiosqlite.Connection, now: EpochSeconds, kind: str,
                 detail: Mapping[str, object]) -> None:
    await conn.execute(
        "INSERT INTO operations (at, kind, idempotency_key, channel, status, detail) "
        "VALUES (?, ?, NULL, 'admin', 'ok', ?)", (now, kind, json.dumps(detail, sort_keys=True)))
