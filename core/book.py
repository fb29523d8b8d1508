"""One transaction's working set and the primitive moves handlers compose.

Every move is double-entry: value leaves one account and enters another, and each side is a
journal line, so per balance type the lines of an operation sum to zero and the journal
replays to the balances. Handlers check their rules first and only then call these moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core import json_text
from core.balance_types import BalanceType, Category
from core.catalog import Catalog, Provider
from core.clock import DAY_S, EpochSeconds
from core.periods import anchor_date, next_period_end
from core.rows import (
    Account,
    Balance,
    Bucket,
    JournalLine,
    Operation,
    OutboxEvent,
    Subscriber,
    SystemAccount,
    Voucher,
)


@dataclass(slots=True)
class IdAllocator:
    """Row ids handed out inside the write transaction (the write lock makes MAX(id)+1 safe
    across processes), so a whole batch can be written with executemany."""

    next_ids: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value


@dataclass(slots=True)
class OpContext:
    id: int
    kind: str
    key: str | None
    channel: str
    provider_id: int | None
    msisdn: str | None


@dataclass(slots=True)
class Book:
    catalog: Catalog
    now: EpochSeconds
    ids: IdAllocator
    accounts: dict[int, Account] = field(default_factory=dict)
    subscribers: dict[str, Subscriber] = field(default_factory=dict)
    system: dict[tuple[int, SystemAccount, int], int] = field(default_factory=dict)
    vouchers: dict[str, Voucher] = field(default_factory=dict)  # by pin hash
    reservation_owner: dict[int, int] = field(default_factory=dict)  # reservation -> account
    operations: list[Operation] = field(default_factory=list)
    journal: list[JournalLine] = field(default_factory=list)
    outbox: list[OutboxEvent] = field(default_factory=list)
    system_dirty: set[tuple[int, SystemAccount, int]] = field(default_factory=set)
    open_ops: list[OpContext] = field(default_factory=list)
    idempotency: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (fp, json)

    # -- lookups ---------------------------------------------------------------------------
    def account_of(self, msisdn: str) -> Account | None:
        sub = self.subscribers.get(msisdn)
        return self.accounts.get(sub.account_id) if sub is not None else None

    def provider(self, account: Account) -> Provider:
        return self.catalog.provider(account.provider_id)

    # -- operations --------------------------------------------------------------------------
    def begin(
        self, kind: str, *, key: str | None, channel: str, provider_id: int | None,
        msisdn: str | None,
    ) -> OpContext:
        op = OpContext(self.ids.take("operations"), kind, key, channel, provider_id, msisdn)
        self.open_ops.append(op)
        return op

    def finish(self, op: OpContext, status: str, detail: dict[str, Any] | None = None) -> None:
        """Record the operation. Every begun operation is finished, failures included: a
        failed command may still have expired stale buckets, and those lines need their
        operation."""
        self.open_ops.remove(op)
        self.operations.append(
            Operation(
                op.id, self.now, op.kind, op.key, op.channel, status, op.provider_id, op.msisdn,
                json_text.dumps(detail or {}),
            )
        )

    def discard(self, op: OpContext) -> None:
        """Drop an operation that changed nothing (housekeeping that found nothing due)."""
        self.open_ops.remove(op)

    def finish_open(self, status: str, detail: dict[str, Any] | None = None) -> None:
        for op in list(self.open_ops):
            self.finish(op, status, detail)

    # -- balances ----------------------------------------------------------------------------
    def balance(self, op: OpContext, account: Account, bt: BalanceType) -> Balance:
        """The account's balance of ``bt``, created if missing, with stale buckets expired
        first (journaled in ``op``) so that what handlers see is what is really there."""
        bal = account.balances.get(bt.id)
        if bal is not None and not bal.gone:
            self._expire_stale(op, account, bal, bt)
        if bal is None or bal.gone:
            # Deleted after its last bucket expired (maybe just now): the balance starts again.
            # Its gone buckets move along so that storage still deletes their rows.
            fresh = Balance(account.id, bt.id, new=True, dirty=True, checked_at=self.now)
            if bal is not None:
                fresh.buckets = bal.buckets
                fresh.credit_limit = bal.credit_limit
            account.balances[bt.id] = fresh
            bal = fresh
        return bal

    def expire(self, op: OpContext, account: Account, bt: BalanceType) -> None:
        """Expire what is stale in this balance (housekeeping), without re-creating a balance
        that its last expiry deleted."""
        bal = account.balances.get(bt.id)
        if bal is not None and not bal.gone:
            self._expire_stale(op, account, bal, bt)

    def minimum(self, bal: Balance, bt: BalanceType) -> int:
        return -bal.credit_limit if bt.allow_credit else 0

    def headroom(
        self, op: OpContext, account: Account, bt: BalanceType, *,
        until: EpochSeconds | None = None,
    ) -> int:
        """How much may still be debited (or, with ``until``, reserved until then) from this
        balance type. A reservation counts only buckets that outlive it: otherwise a bucket
        expiring under an open reservation could make its commit overdraw the balance."""
        self.expire(op, account, bt)
        bal = account.balances.get(bt.id)
        if bal is None or bal.gone:
            return 0  # looking must not bring back a balance its last expiry deleted
        horizon = self.now if until is None else until
        value = sum(b.value for b in bal.buckets if b.live(horizon))
        available = value - account.reserved(bt.id, self.now)
        return max(0, available - self.minimum(bal, bt))

    def _system_move(self, op: OpContext, provider_id: int, name: SystemAccount, type_id: int,
                     delta: int) -> None:
        key = (provider_id, name, type_id)
        before = self.system.get(key, 0)
        self.system[key] = before + delta
        self.system_dirty.add(key)
        self.journal.append(
            JournalLine(op.id, provider_id, type_id, delta, before, before + delta,
                        system_account=name)
        )

    def _wallet_line(self, op: OpContext, account: Account, type_id: int, delta: int,
                     before: int, bucket_id: int | None) -> None:
        self.journal.append(
            JournalLine(op.id, account.provider_id, type_id, delta, before, before + delta,
                        account_id=account.id, bucket_id=bucket_id)
        )

    def credit(
        self,
        op: OpContext,
        account: Account,
        bt: BalanceType,
        amount: int,
        source: SystemAccount | None,
        *,
        validity_days: int | None = None,
        expires_at: EpochSeconds | None = None,
        product: str | None = None,
        own_bucket: bool = False,
    ) -> Bucket:
        """Add ``amount`` to the balance. A product (or ``own_bucket``) gets a bucket of its
        own; otherwise the main bucket grows and its expiry moves out to at least
        now + validity_days."""
        bal = self.balance(op, account, bt)
        before = bal.book_value()
        if validity_days:
            expires_at = self.now + validity_days * DAY_S
        separate = own_bucket or product is not None
        bucket = None if separate else self._main_bucket(bal)
        if bucket is None:
            bucket = self._new_bucket(bal, 0, expires_at, product)
        elif validity_days and bucket.expires_at is not None and expires_at is not None:
            bucket.expires_at = max(bucket.expires_at, expires_at)
        bucket.value += amount
        bucket.dirty = True
        self._wallet_line(op, account, bt.id, amount, before, bucket.id)
        if source is not None:
            self._system_move(op, account.provider_id, source, bt.id, -amount)
        self._after_credit(bal, bt)
        return bucket

    def debit(
        self,
        op: OpContext,
        account: Account,
        bt: BalanceType,
        amount: int,
        dest: SystemAccount | None,
        *,
        msisdn: str | None = None,
        accrue_expenditure: bool = True,
    ) -> None:
        """Take ``amount`` from the balance, earliest-expiring buckets first; past zero it runs
        into the credit limit on the undated main bucket. Callers check headroom first."""
        bal = self.balance(op, account, bt)
        before = bal.book_value()
        remaining = amount
        for bucket in sorted(
            (b for b in bal.buckets if b.live(self.now) and b.value > 0),
            key=lambda b: (b.expires_at is None, b.expires_at or 0, b.id),
        ):
            take = min(bucket.value, remaining)
            bucket.value -= take
            bucket.dirty = True
            remaining -= take
            if not remaining:
                break
        if remaining:
            main = self._main_bucket(bal, undated_only=True) or self._new_bucket(bal, 0, None,
                                                                                  None)
            main.value -= remaining
            main.dirty = True
        self._wallet_line(op, account, bt.id, -amount, before, None)
        if dest is not None:
            self._system_move(op, account.provider_id, dest, bt.id, amount)
        self._after_debit(op, account, bal, bt, before, before - amount, msisdn)
        if accrue_expenditure and bt.contributes_to_expenditure:
            self._accrue_expenditure(op, account, amount)

    def move_between_wallets(
        self, op: OpContext, sender: Account, recipient: Account, bt: BalanceType, amount: int,
        *, msisdn: str | None = None,
    ) -> None:
        """Wallet to wallet with no system account in between: the recipient's credit line is
        exactly the sender's debit line, so the operation still sums to zero."""
        self.debit(op, sender, bt, amount, None, msisdn=msisdn, accrue_expenditure=False)
        self.credit(op, recipient, bt, amount, None)

    # -- internals ---------------------------------------------------------------------------
    def _main_bucket(self, bal: Balance, *, undated_only: bool = False) -> Bucket | None:
        candidates = [
            b for b in bal.buckets
            if b.product is None and b.live(self.now) and not (undated_only and b.expires_at)
        ]
        if not candidates:
            return None
        return max(candidates, key=lambda b: (b.expires_at is None, b.expires_at or 0, b.id))

    def _new_bucket(self, bal: Balance, value: int, expires_at: EpochSeconds | None,
                    product: str | None) -> Bucket:
        bucket = Bucket(self.ids.take("buckets"), bal.account_id, bal.type_id, value,
                        expires_at, self.now, product, new=True, dirty=True)
        bal.buckets.append(bucket)
        return bucket

    def _expire_stale(self, op: OpContext, account: Account, bal: Balance,
                      bt: BalanceType) -> None:
        if bal.checked_at == self.now:
            return  # new buckets always expire after now, so nothing has gone stale since
        bal.checked_at = self.now
        stale = [b for b in bal.buckets if not b.gone and b.expires_at is not None
                 and b.expires_at <= self.now]
        if not stale:
            return
        for bucket in stale:
            before = bal.book_value()
            if bucket.value > 0 and bt.rollover_days and not bucket.rolled:
                assert bucket.expires_at is not None
                rolled = self._new_bucket(bal, bucket.value,
                                          bucket.expires_at + bt.rollover_days * DAY_S,
                                          bucket.product)
                rolled.rolled = True
                self._wallet_line(op, account, bt.id, -bucket.value, before, bucket.id)
                self._wallet_line(op, account, bt.id, bucket.value, before - bucket.value,
                                  rolled.id)
            elif bucket.value:
                self._wallet_line(op, account, bt.id, -bucket.value, before, bucket.id)
                self._system_move(op, account.provider_id, SystemAccount.EXPIRED, bt.id,
                                  bucket.value)
            bucket.value = 0
            bucket.gone = True
            bucket.dirty = True
        if bt.is_expenditure and bt.recreate_bucket_on_expiry:
            self._open_expenditure_period(account, bal, bt)
        elif bt.delete_after_last_bucket_expiry and not any(b.live(self.now)
                                                            for b in bal.buckets):
            bal.gone = True
            bal.dirty = True

    def _open_expenditure_period(self, account: Account, bal: Balance,
                                 bt: BalanceType) -> Bucket | None:
        anchor = anchor_date(bt, created_at=account.created_at,
                             activated_at=account.activated_at,
                             wallet_expires_at=account.expires_at)
        end = next_period_end(bt, self.now, anchor, account.expires_at)
        return self._new_bucket(bal, 0, end, None)

    def _accrue_expenditure(self, op: OpContext, account: Account, amount: int) -> None:
        for et in self.provider(account).expenditure_types():
            bal = account.balances.get(et.id)
            if bal is None or bal.gone:
                continue  # the wallet has no such expenditure balance (excluded at creation)
            bal = self.balance(op, account, et)
            bucket = next((b for b in bal.buckets if b.live(self.now)), None)
            if bucket is None:
                bucket = self._open_expenditure_period(account, bal, et)
                assert bucket is not None
            before = bal.book_value()
            bucket.value += amount
            bucket.dirty = True
            self._wallet_line(op, account, et.id, amount, before, bucket.id)
            self._system_move(op, account.provider_id, SystemAccount.ISSUANCE, et.id, -amount)

    def _after_credit(self, bal: Balance, bt: BalanceType) -> None:
        if bt.quota_thresholds_pct:
            # A credit sets a new quota to measure usage against and re-arms every threshold.
            bal.quota_ref = bal.live_value(self.now)
            bal.thresholds_fired = 0
            bal.dirty = True

    def _after_debit(self, op: OpContext, account: Account, bal: Balance, bt: BalanceType,
                     before: int, after: int, msisdn: str | None) -> None:
        to = msisdn or account.owner_msisdn
        if bt.quota_thresholds_pct and bal.quota_ref > 0:
            used_pct = (bal.quota_ref - after) * 100 // bal.quota_ref
            for index, pct in enumerate(sorted(bt.quota_thresholds_pct)):
                bit = 1 << index
                if used_pct >= pct and not bal.thresholds_fired & bit:
                    bal.thresholds_fired |= bit
                    bal.dirty = True
                    self.emit(account, to, "threshold_reached",
                              {"balance_type": bt.name, "percent": pct, "balance": after},
                              f"threshold:{account.id}:{bt.id}:{op.id}:{pct}")
        low = bt.low_balance_threshold
        if low is not None and before >= low > after:
            self.emit(account, to, "low_balance", {"balance_type": bt.name, "balance": after},
                      f"low:{account.id}:{bt.id}:{op.id}")

    def emit(self, account: Account, msisdn: str, kind: str, payload: dict[str, Any],
             dedup_key: str) -> None:
        """Queue a notification in the same transaction as the change that caused it."""
        self.outbox.append(OutboxEvent(self.now, kind, msisdn, account.id,
                                       json_text.dumps(payload), dedup_key))

    def create_balances(self, op: OpContext, account: Account,
                        types: Iterable[BalanceType]) -> None:
        for bt in types:
            if bt.exclude_from_creation or bt.id in account.balances:
                continue
            bal = Balance(account.id, bt.id, new=True, dirty=True)
            account.balances[bt.id] = bal
            if bt.category is Category.EXPENDITURE and account.activated_at is not None:
                self._open_expenditure_period(account, bal, bt)
