"""The narrow interface the Ledger service needs from a store.

SqliteStore implements it; a PostgreSQL adapter would implement the same methods (with
``SELECT ... FOR UPDATE`` or serializable transactions where SQLite has BEGIN IMMEDIATE) and
leave the domain untouched: ``write_batch`` hands it a pure function to run between loading
the rows ``needs`` names and persisting the Book's changes, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from core import commands as c
from core.book import Book
from core.catalog import Catalog
from core.clock import EpochSeconds
from core.executor import Needs, StoredOutcome
from core.outcomes import Outcome
from core.snapshots import SubscriberInfo

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

    async def execute(self, cmds: Sequence[c.Command], now: EpochSeconds) -> list[Outcome]:
        """The Ledger's group commit: ``write_batch`` with the command executor as the work
        (where the store runs it, a thread or a process of its own, is the store's choice)."""
        ...

    async def read_accounts(self, msisdns: Sequence[str], now: EpochSeconds) -> Book:
        """A read-only Book of the wallets behind ``msisdns``, from one consistent snapshot."""
        ...

    async def read_batch(self, wallets: Sequence[str], subscribers: Sequence[str],
                         now: EpochSeconds) -> tuple[Book, dict[str, SubscriberInfo]]:
        """``read_accounts`` of ``wallets`` plus the SubscriberInfo of each known number in
        ``subscribers``, from one snapshot."""
        ...

    async def catalog(self) -> Catalog:
        """The catalog as committed now."""
        ...
