"""Provider documents: a provider's translations and cumulative balance plans as JSON in the
ledger database (table ``provider_documents``), so the console edits them at run time and
every gateway process reads the same ones.

A body keeps the shape of the TOML file it was first imported from (``config/translations``,
``config/plans``), so what an operator reads in the files is what the database holds. Each
save bumps the document's ``version``: processes compare versions to notice a change, and a
save names the version it edited, so two operators saving at once cannot overwrite each other
unseen.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.clock import EpochSeconds
from core.storage.sqlite import SqliteStore

KINDS = ("translations", "plans")


class StaleDocument(Exception):
    """The document changed since the editor read it: nothing was saved."""


@dataclass(frozen=True, slots=True)
class Document:
    provider: str
    kind: str
    body: dict[str, Any]
    version: int
    updated_at: EpochSeconds


def file_body(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """A TOML file's content as a document body. The translations file's stand-in balance
    types and its provider id give way to the ledger's (the channels add the id at build)."""
    if kind == "translations":
        return {k: v for k, v in data.items() if k not in ("balance_types", "provider_id")}
    return dict(data)


async def get_document(store: SqliteStore, provider: str, kind: str) -> Document | None:
    rows = await store.query(
        "SELECT body, version, updated_at FROM provider_documents WHERE provider = ? "
        "AND kind = ?", (provider, kind))
    if not rows:
        return None
    body, version, updated_at = rows[0]
    return Document(provider, kind, json.loads(body), int(version), int(updated_at))


async def insert_if_absent(store: SqliteStore, provider: str, kind: str,
                           body: Mapping[str, Any], now: EpochSeconds) -> bool:
    """Store ``body`` as version 1 unless the provider has this document already."""
    async with store.transaction() as conn:
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO provider_documents (provider, kind, body, version, "
            "updated_at) VALUES (?, ?, ?, 1, ?)", (provider, kind, _dumps(body), now))
        return bool(cursor.rowcount)


async def save_document(store: SqliteStore, provider: str, kind: str, body: Mapping[str, Any],
                        *, edited_version: int, now: EpochSeconds) -> int:
    """Replace the document that was at ``edited_version``; returns the new version. Raises
    StaleDocument (nothing saved) when another save came first."""
    async with store.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE provider_documents SET body = ?, version = version + 1, updated_at = ? "
            "WHERE provider = ? AND kind = ? AND version = ?",
            (_dumps(body), now, provider, kind, edited_version))
        if not cursor.rowcount:
            raise StaleDocument(f"the {kind} of {provider!r} changed meanwhile: reload the "
                                "page and make the change again")
    return edited_version + 1


async def change_stamp(store: SqliteStore) -> tuple[Any, ...]:
    """Changes whenever the catalog or any document does: what the channels are built from."""
    catalog = await store.query("SELECT value FROM meta WHERE key = 'catalog_version'")
    docs = await store.query(
        "SELECT provider, kind, version FROM provider_documents ORDER BY provider, kind")
    return (catalog[0][0] if catalog else 0, *docs)


def _dumps(body: Mapping[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True)
