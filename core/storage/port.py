"""The narrow interface the Ledger service needs from a store.

SqliteStore implements it; a PostgreSQL adapter would implement the same five methods (with
``SELECT ... FOR UPDATE`` or serializable transactions where SQLite has BEGIN IMMEDIATE) and
leave the domain untouched: ``write_batch`` hands it a pure function to run between loading
the rows ``needs`` names and persisting the Book's changes, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from core.book import Book
from core.catalog import Catalog
from core.clock import EpochSeconds
from core.executor import Needs, StoredOutcome

T = TypeVar("T")


class LedgerStore(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def write_batch(
        self, needs: Needs, keys: Sequence[str], now: EpochSeconds,
        work: Callable[[Book, dict[str, StoredOutcome]], T],
    ) -> T:
        """Load what ``needs`` names and the stored outcomes of ``keys``, run ``work``, write
        what it changed, commit; or, if anything raises, change nothing."""
        ...

    async def read_accounts(self, msisdns: Sequence[str], now: EpochSeconds) -> Book:
        """A read-only Book of the wallets behind ``msisdns``, from one consistent snapshot."""
        ...

    async def catalog(self) -> Catalog:
        """The catalog as committed now."""
        ...
