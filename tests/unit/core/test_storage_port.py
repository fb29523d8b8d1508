"""The SQLite store fulfils the storage port the service is written against."""

from __future__ import annotations

from pathlib import Path

from core.storage.port import LedgerStore
from core.storage.sqlite import SqliteStore


def test_sqlite_store_implements_the_port(tmp_path: Path) -> None:
    store: LedgerStore = SqliteStore(tmp_path / "l.db")  # mypy checks the structure
    for name in ("open", "close", "write_batch", "execute", "read_accounts", "read_batch",
                 "catalog"):
        assert callable(getattr(store, name))
