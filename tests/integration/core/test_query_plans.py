"""The queries that must stay cheap on a large ledger use the indexes meant for them (checked
with EXPLAIN QUERY PLAN on a real file): a partial index serves a query only when SQLite can
see from its text that the rows qualify, which is easy to lose in an edit."""

from __future__ import annotations

import pytest

from core.service import Ledger
from core.storage import sqlite_rows as rows
from gateway.tmf.operations import OP_COLUMNS, RESOURCES, kinds_sql, where


async def plan(ledger: Ledger, sql: str, params: tuple[object, ...]) -> str:
    found = await ledger.store.query(f"EXPLAIN QUERY PLAN {sql}", params)
    return " | ".join(str(r[-1]) for r in found)


@pytest.mark.parametrize("resource", sorted(RESOURCES))
@pytest.mark.parametrize("msisdn", [None, "+254700000001"])
async def test_tmf_listings_use_the_money_moves_index(ledger: Ledger, resource: str,
                                                      msisdn: str | None) -> None:
    condition, params = where(resource, msisdn)
    found = await plan(ledger, f"SELECT {OP_COLUMNS} FROM operations o WHERE {condition} "
                               f"ORDER BY o.id DESC LIMIT 10", tuple(params))
    assert "USING INDEX operations_money_moves" in found, found
    if msisdn is not None:
        assert "msisdn=?" in found, found


async def test_an_operation_is_found_by_key_through_the_index(ledger: Ledger) -> None:
    found = await plan(ledger, f"SELECT {OP_COLUMNS} FROM operations o WHERE "
                               f"{kinds_sql(('recharge',))} AND o.msisdn = ? AND "
                               f"o.idempotency_key = ?", ("+254700000001", "k"))
    assert "operations_money_moves (kind=? AND msisdn=?)" in found, found


def test_only_indexed_kinds_become_sql() -> None:
    with pytest.raises(ValueError, match="reserve"):
        kinds_sql(("reserve",))
    with pytest.raises(ValueError, match="not an indexed operation kind"):
        kinds_sql(("recharge'); DROP TABLE operations; --",))


async def test_charging_operations_stay_out_of_the_money_moves_index(ledger: Ledger) -> None:
    found = await ledger.store.query(
        "SELECT sql FROM sqlite_schema WHERE name = 'operations_money_moves'")
    assert "WHERE kind IN ('recharge', 'adjust', 'transfer')" in str(found[0][0])


async def test_a_wallets_open_reservations_are_found_through_their_index(
        ledger: Ledger) -> None:
    found = await plan(ledger, f"SELECT {rows.RESERVATION_COLS} FROM reservations WHERE "
                               f"account_id IN (?, ?) AND state = 'open' AND expires_at > ?",
                       (1, 2, 0))
    assert "reservations_open (account_id=?)" in found, found
