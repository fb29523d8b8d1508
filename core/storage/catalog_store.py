"""Loading and saving the catalog (providers, units, balance types, products) in SQLite.

Every save bumps ``meta.catalog_version`` in the same transaction, so every process notices
the change at its next batch and reloads.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import aiosqlite

from core.balance_types import BalanceType, validate_balance_type
from core.catalog import Catalog, Provider
from core.catalog_codec import (
    CatalogError,
    balance_type_from_dict,
    balance_type_to_dict,
    product_from_dict,
    product_to_dict,
    provider_settings_from_dict,
    provider_settings_to_dict,
    unit_kind,
)
from core.units import BalanceUnit


def load_catalog(conn: sqlite3.Connection, version: int) -> Catalog:
    """The whole catalog, read on a database thread (synchronous sqlite3)."""
    providers = []
    for pid, definition in conn.execute("SELECT id, definition FROM providers ORDER BY id"):
        fields = provider_settings_from_dict(json.loads(definition))
        units = tuple(
            BalanceUnit(uid, pid, name, unit_kind(kind, "unit"))
            for uid, name, kind in conn.execute(
                "SELECT id, name, kind FROM balance_units WHERE provider_id = ? ORDER BY id",
                (pid,)))
        by_id = {u.id: u for u in units}
        types = tuple(
            balance_type_from_dict({k: v for k, v in json.loads(d).items() if k != "unit"},
                                   type_id=tid, provider_id=pid, unit=by_id[uid])
            for tid, uid, d in conn.execute(
                "SELECT id, unit_id, definition FROM balance_types WHERE provider_id = ? "
                "ORDER BY id", (pid,)))
        products = tuple(
            product_from_dict(json.loads(d)) for (d,) in conn.execute(
                "SELECT definition FROM products WHERE provider_id = ? ORDER BY id", (pid,)))
        providers.append(Provider(id=pid, units=units, balance_types=types, products=products,
                                  **fields))
    return Catalog(tuple(providers), version)


async def _bump(conn: aiosqlite.Connection) -> None:
    await conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'catalog_version'")


async def save_provider(conn: aiosqlite.Connection, raw: Mapping[str, Any],
                        units: Sequence[Mapping[str, Any]],
                        balance_types: Sequence[Mapping[str, Any]],
                        products: Sequence[Mapping[str, Any]]) -> int:
    """Create or update a whole provider configuration inside the caller's write transaction
    (so it is all or nothing). Balance types are matched by name and never deleted (NCC);
    units and products are upserted by name. Raises CatalogError naming the field."""
    fields = provider_settings_from_dict(raw)
    row = await (await conn.execute("SELECT id FROM providers WHERE name = ?",
                                    (fields["name"],))).fetchone()
    definition = json.dumps(provider_settings_to_dict(fields), sort_keys=True)
    if row is None:
        cur = await conn.execute("INSERT INTO providers (name, definition) VALUES (?, ?)",
                                 (fields["name"], definition))
        pid = int(cur.lastrowid or 0)
    else:
        pid = int(row[0])
        await conn.execute("UPDATE providers SET definition = ? WHERE id = ?",
                           (definition, pid))
    unit_ids = await _save_units(conn, pid, units)
    await _save_types(conn, pid, unit_ids, balance_types, fields)
    for i, raw_product in enumerate(products):
        product = product_from_dict(raw_product, f"products[{i}]")
        await conn.execute(
            "INSERT INTO products (provider_id, name, definition) VALUES (?, ?, ?) "
            "ON CONFLICT (provider_id, name) DO UPDATE SET definition = excluded.definition",
            (pid, product.name, json.dumps(product_to_dict(product), sort_keys=True)))
    await _bump(conn)
    return pid


async def save_unit(conn: aiosqlite.Connection, pid: int, unit_id: int | None, name: str,
                    kind: str) -> None:
    """Add a balance unit (``unit_id`` None) or rename / re-kind one, inside the caller's
    write transaction. sqlite3.IntegrityError when another unit of the provider has the name."""
    if unit_id is None:
        await conn.execute("INSERT INTO balance_units (provider_id, name, kind) VALUES (?, ?, ?)",
                           (pid, name, kind))
    else:
        await conn.execute("UPDATE balance_units SET name = ?, kind = ? WHERE id = ? "
                           "AND provider_id = ?", (name, kind, unit_id, pid))
    await _bump(conn)


async def delete_unit(conn: aiosqlite.Connection, pid: int, unit_id: int) -> None:
    """Delete a balance unit inside the caller's write transaction. sqlite3.IntegrityError
    when a balance type uses it (the foreign key refuses)."""
    await conn.execute("DELETE FROM balance_units WHERE id = ? AND provider_id = ?",
                       (unit_id, pid))
    await _bump(conn)


async def _save_units(conn: aiosqlite.Connection, pid: int,
                      units: Sequence[Mapping[str, Any]]) -> dict[str, BalanceUnit]:
    for i, u in enumerate(units):
        where = f"units[{i}]"
        if set(u) - {"name", "kind"} or not isinstance(u.get("name"), str):
            raise CatalogError(where, "a unit has exactly a name and a kind")
        await conn.execute(
            "INSERT INTO balance_units (provider_id, name, kind) VALUES (?, ?, ?) "
            "ON CONFLICT (provider_id, name) DO UPDATE SET kind = excluded.kind",
            (pid, u["name"], unit_kind(u.get("kind"), f"{where}.kind").value))
    return {name: BalanceUnit(uid, pid, name, unit_kind(kind, "unit"))
            for uid, name, kind in await conn.execute_fetchall(
                "SELECT id, name, kind FROM balance_units WHERE provider_id = ?", (pid,))}


async def _save_types(conn: aiosqlite.Connection, pid: int, unit_ids: dict[str, BalanceUnit],
                      raw_types: Sequence[Mapping[str, Any]], fields: Mapping[str, Any]
                      ) -> None:
    existing = {name: tid for tid, name in await conn.execute_fetchall(
        "SELECT id, name FROM balance_types WHERE provider_id = ?", (pid,))}
    parsed: list[BalanceType] = []
    for i, raw in enumerate(raw_types):
        where = f"balance_types[{i}]"
        unit = unit_ids.get(raw.get("unit", ""))
        if unit is None:
            raise CatalogError(f"{where}.unit", f"unknown unit {raw.get('unit')!r}")
        body = {k: v for k, v in raw.items() if k != "unit"}
        tid = existing.get(str(raw.get("name")), -(i + 1))
        parsed.append(balance_type_from_dict(body, type_id=tid, provider_id=pid, unit=unit,
                                             where=where))
    for i, bt in enumerate(parsed):
        others = tuple(o for o in parsed if o is not bt)
        for field, message in validate_balance_type(bt, others):
            raise CatalogError(f"balance_types[{i}].{field}", message)
    names = {bt.name for bt in parsed} | set(existing)
    for cascade, members in fields["cascades"].items():
        for name in members:
            if name not in names:
                raise CatalogError(f"provider.cascades.{cascade}", f"unknown type {name!r}")
    for bt in parsed:
        definition = json.dumps(balance_type_to_dict(bt), sort_keys=True)
        await conn.execute(
            "INSERT INTO balance_types (provider_id, name, unit_id, definition) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (provider_id, name) DO UPDATE SET "
            "unit_id = excluded.unit_id, definition = excluded.definition",
            (pid, bt.name, bt.unit.id, definition))

