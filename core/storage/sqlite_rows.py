"""Row <-> working-set conversion for SQLite: which columns, in which order. Kept apart from
the connection handling so the statements and their tuples are read side by side."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from core.book import Book
from core.rows import (
    Account,
    Balance,
    Bucket,
    Reservation,
    ReservationState,
    Subscriber,
    Voucher,
)
from core.snapshots import WalletState

Row = Sequence[Any]


def placeholders(n: int) -> str:
    return ",".join("?" * n)


def in_list(values: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
    """Placeholders and parameters for ``IN (...)``, padded to a power of two by repeating
    the last value: a batch's lists vary in length, and with one SQL text per length SQLite
    re-prepared every query of every batch (the statement cache holds 128)."""
    if not values:
        return "NULL", ()  # IN (NULL) matches nothing
    size = 1 << (len(values) - 1).bit_length()
    padded = tuple(values)
    return placeholders(size), padded + padded[-1:] * (size - len(padded))


ACCOUNT_COLS = ("id, provider_id, wallet_type, state, owner_msisdn, created_at, activated_at, "
                "expires_at, recharge_locked_until")


def account_from_row(r: Row) -> Account:
    return Account(r[0], r[1], r[2], WalletState(r[3]), r[4], r[5], r[6], r[7], r[8])


def account_to_row(a: Account) -> Row:
    return (a.id, a.provider_id, a.wallet_type, a.state.value, a.owner_msisdn, a.created_at,
            a.activated_at, a.expires_at, a.recharge_locked_until)


def account_update_row(a: Account) -> Row:
    """The parameters of update_sql("accounts", ACCOUNT_COLS, "id"): the id goes last."""
    return (*account_to_row(a)[1:], a.id)


SUBSCRIBER_COLS = "msisdn, account_id, language, spending_limit, spent, spent_period_end, is_owner"


def subscriber_from_row(r: Row) -> Subscriber:
    return Subscriber(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]))


def subscriber_to_row(s: Subscriber) -> Row:
    return (s.msisdn, s.account_id, s.language, s.spending_limit, s.spent, s.spent_period_end,
            int(s.is_owner))


# A subscriber never moves to another account: leaving account_id out keeps its index as is.
SUBSCRIBER_UPDATE_SQL = ("UPDATE subscribers SET language = ?, spending_limit = ?, spent = ?, "
                         "spent_period_end = ?, is_owner = ? WHERE msisdn = ?")


def subscriber_update_row(s: Subscriber) -> Row:
    return (s.language, s.spending_limit, s.spent, s.spent_period_end, int(s.is_owner),
            s.msisdn)


BALANCE_COLS = "account_id, type_id, credit_limit, quota_ref, thresholds_fired"


def balance_from_row(r: Row) -> Balance:
    return Balance(r[0], r[1], r[2], r[3], r[4])


def balance_to_row(b: Balance) -> Row:
    return (b.account_id, b.type_id, b.credit_limit, b.quota_ref, b.thresholds_fired)


BUCKET_COLS = "id, account_id, type_id, value, expires_at, created_at, product, warned, rolled"


def bucket_from_row(r: Row) -> Bucket:
    return Bucket(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), bool(r[8]),
                  stored_expires_at=r[4])


def bucket_to_row(b: Bucket) -> Row:
    return (b.id, b.account_id, b.type_id, b.value, b.expires_at, b.created_at, b.product,
            int(b.warned), int(b.rolled))


RESERVATION_COLS = ("id, account_id, msisdn, session_id, path, parts, state, created_at, "
                    "expires_at, used, ended_at")


def parse_parts(text: str) -> dict[int, int]:
    parts = {}
    for part in text.split(","):
        type_id, amount = part.split(":")
        parts[int(type_id)] = int(amount)
    return parts


def reservation_from_row(r: Row) -> Reservation:
    return Reservation(r[0], r[1], r[2], r[3], tuple(int(t) for t in r[4].split(",")),
                       parse_parts(r[5]), ReservationState(r[6]), r[7], r[8], r[9], r[10])


def reservation_to_row(r: Reservation) -> Row:
    # path "3,1" and parts "3:500,1:200": compact text, parsed far faster than JSON on the
    # hot path of every charging session.
    return (r.id, r.account_id, r.msisdn, r.session_id, ",".join(map(str, r.path)),
            ",".join(f"{t}:{a}" for t, a in r.parts.items()), r.state.value, r.created_at,
            r.expires_at, r.used, r.ended_at)


def voucher_from_row(r: Row) -> tuple[str, Voucher]:
    """(pin_hash, voucher) from vouchers joined with their batch."""
    return r[0], Voucher(r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7], r[8])


def insert_sql(table: str, cols: str) -> str:
    return f"INSERT INTO {table} ({cols}) VALUES ({placeholders(len(cols.split(',')))})"


def update_sql(table: str, cols: str, key: str) -> str:
    """UPDATE of every column but ``key`` (a single column), which is the last parameter."""
    names = [c.strip() for c in cols.split(",") if c.strip() != key]
    return f"UPDATE {table} SET {', '.join(f'{n} = ?' for n in names)} WHERE {key} = ?"


def upsert_sql(table: str, cols: str, key: str) -> str:
    names = [c.strip() for c in cols.split(",")]
    keys = {k.strip() for k in key.split(",")}
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in keys)
    return (f"INSERT INTO {table} ({cols}) VALUES ({placeholders(len(names))}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}")


def attach(book: Book, accounts: Iterable[Account], subscribers: Iterable[Subscriber],
           balances: Iterable[Balance], buckets: Iterable[Bucket],
           reservations: Iterable[Reservation]) -> None:
    for a in accounts:
        book.accounts[a.id] = a
    for s in subscribers:
        book.subscribers[s.msisdn] = s
    for b in balances:
        book.accounts[b.account_id].balances[b.type_id] = b
    for k in buckets:
        bal = book.accounts[k.account_id].balances.get(k.type_id)
        if bal is None:  # a bucket whose balance row is missing: adopt it rather than lose it
            bal = Balance(k.account_id, k.type_id, new=True, dirty=True)
            book.accounts[k.account_id].balances[k.type_id] = bal
        bal.buckets.append(k)
    for r in reservations:
        book.accounts[r.account_id].reservations[r.id] = r
        book.reservation_owner[r.id] = r.account_id
