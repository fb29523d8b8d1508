"""A pure, in-memory ledger for rule tests: one Book kept across commands, no storage.

The same handlers and executor as production run here; only persistence is missing, so
these tests pin the domain rules and run in microseconds."""

from __future__ import annotations

from typing import Any

from core import commands as c
from core.book import Book, IdAllocator
from core.catalog import Catalog
from core.catalog_build import build_provider
from core.executor import StoredOutcome, run_batch
from core.inquiry import wallet_snapshot
from core.outcomes import Outcome
from core.rows import SystemAccount, Voucher
from core.snapshots import BalanceSnapshot, WalletSnapshot
from tests.ledger_support import T0, demo_catalog


class MemoryLedger:
    def __init__(self, config: dict[str, Any] | None = None, now: int = T0) -> None:
        provider = build_provider(config or demo_catalog())
        ids = IdAllocator({t: 1 for t in ("accounts", "buckets", "reservations", "operations")})
        self.book = Book(Catalog((provider,)), now, ids)
        self.provider = provider
        self.n = 0

    @property
    def now(self) -> int:
        return self.book.now

    def advance(self, seconds: int) -> None:
        self.book.now += seconds

    def run(self, cmd: c.Command) -> Outcome:
        stored = {k: StoredOutcome(fp, out) for k, (fp, out) in self.book.idempotency.items()}
        [outcome] = run_batch(self.book, [cmd], stored)
        return outcome

    def key(self) -> str:
        self.n += 1
        return f"k{self.n}"

    def wallet(self, msisdn: str, *, cash: int = 0, **kwargs: Any) -> str:
        created = self.run(c.CreateWallet(key=self.key(), msisdn=msisdn,
                                          provider=self.provider.name, **kwargs))
        assert created.ok, created
        if cash:
            self.credit(msisdn, "General Cash", cash)
        return msisdn

    def credit(self, msisdn: str, type_name: str, amount: int, **kwargs: Any) -> Outcome:
        outcome = self.run(c.Adjust(key=self.key(), msisdn=msisdn, balance_type=type_name,
                                    amount=amount, reason="test", **kwargs))
        return outcome

    def snapshot(self, msisdn: str) -> WalletSnapshot:
        snap = wallet_snapshot(self.book, msisdn)
        assert snap is not None
        return snap

    def bal(self, msisdn: str, type_name: str = "General Cash") -> BalanceSnapshot:
        found = self.snapshot(msisdn).balance(type_name)
        assert found is not None, type_name
        return found

    def total(self, msisdn: str, type_name: str = "General Cash") -> int:
        found = self.snapshot(msisdn).balance(type_name)
        return 0 if found is None else found.total

    def system(self, account: SystemAccount, type_name: str) -> int:
        bt = self.provider.type_named(type_name)
        assert bt is not None
        return self.book.system.get((self.provider.id, account, bt.id), 0)

    def voucher(self, pin_hash: str, values: dict[str, int], *, validity_days: int = 30,
                state: str = "active", serial: str = "S1") -> None:
        self.book.vouchers[pin_hash] = Voucher(serial, 1, state, values, validity_days,
                                               self.provider.id)

    def events(self, kind: str) -> list[str]:
        return [e.payload for e in self.book.outbox if e.kind == kind]

    def conserved(self) -> bool:
        """Per balance type, wallet buckets plus system accounts sum to zero."""
        totals: dict[int, int] = {}
        for account in self.book.accounts.values():
            for bal in account.balances.values():
                totals[bal.type_id] = totals.get(bal.type_id, 0) + bal.book_value()
        for (_p, _a, type_id), value in self.book.system.items():
            totals[type_id] = totals.get(type_id, 0) + value
        return all(v == 0 for v in totals.values())
