"""``selfcare ledger check``: every invariant over the whole database, as set-based queries on
one read snapshot. Each finding names what is wrong and where; an empty list means healthy."""

from __future__ import annotations

from dataclasses import dataclass

from core.catalog import Catalog
from core.storage.sqlite import SqliteStore
from core.storage.sqlite_rows import parse_parts


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail}"


# (rule, SQL returning rows that break it, how to describe a row)
CHECKS: tuple[tuple[str, str], ...] = (
    ("conservation: each balance type sums to zero over wallets and system accounts",
     """SELECT type_id, SUM(v) FROM (
            SELECT type_id, value AS v FROM buckets
            UNION ALL SELECT type_id, value FROM system_balances)
        GROUP BY type_id HAVING SUM(v) != 0"""),
    ("journal replays to wallet balances",
     """WITH j AS (SELECT account_id, type_id, SUM(delta) AS s FROM journal
                   WHERE account_id IS NOT NULL GROUP BY account_id, type_id),
             b AS (SELECT account_id, type_id, SUM(value) AS s FROM buckets
                   GROUP BY account_id, type_id)
        SELECT j.account_id, j.type_id, j.s, COALESCE(b.s, 0) FROM j
            LEFT JOIN b USING (account_id, type_id) WHERE j.s != COALESCE(b.s, 0)
        UNION ALL
        SELECT b.account_id, b.type_id, COALESCE(j.s, 0), b.s FROM b
            LEFT JOIN j USING (account_id, type_id) WHERE j.s IS NULL AND b.s != 0"""),
    ("journal replays to system accounts",
     """WITH j AS (SELECT provider_id, system_account AS account, type_id, SUM(delta) AS s
                   FROM journal WHERE system_account IS NOT NULL
                   GROUP BY provider_id, system_account, type_id)
        SELECT s.provider_id, s.account, s.type_id, COALESCE(j.s, 0), s.value
        FROM system_balances s LEFT JOIN j USING (provider_id, account, type_id)
        WHERE COALESCE(j.s, 0) != s.value"""),
    ("each operation moves value, never creates it (its lines sum to zero per type)",
     """SELECT op_id, type_id, SUM(delta) FROM journal GROUP BY op_id, type_id
        HAVING SUM(delta) != 0"""),
    ("journal lines are consistent (after = before + delta)",
     "SELECT id, before, delta, after FROM journal WHERE after != before + delta"),
    ("every journal line belongs to a recorded operation",
     """SELECT j.id, j.op_id FROM journal j LEFT JOIN operations o ON o.id = j.op_id
        WHERE o.id IS NULL"""),
    ("reservations are open or in exactly one terminal state",
     """SELECT id, state FROM reservations
        WHERE state NOT IN ('open', 'committed', 'released', 'expired')
           OR (state = 'open' AND ended_at IS NOT NULL)
           OR (state != 'open' AND ended_at IS NULL)"""),
    ("redeemed vouchers name their wallet, others do not",
     """SELECT serial, state FROM vouchers
        WHERE (state = 'redeemed') != (redeemed_by IS NOT NULL)"""),
    ("every subscriber's wallet exists",
     """SELECT s.msisdn FROM subscribers s LEFT JOIN accounts a ON a.id = s.account_id
        WHERE a.id IS NULL"""),
    ("every bucket has its balance row",
     """SELECT k.id, k.account_id, k.type_id FROM buckets k LEFT JOIN balances b
        ON b.account_id = k.account_id AND b.type_id = k.type_id WHERE b.account_id IS NULL"""),
)


async def check_ledger(store: SqliteStore, now: int, limit: int = 20) -> list[Finding]:
    findings: list[Finding] = []
    for rule, sql in CHECKS:
        for row in (await store.query(sql))[:limit]:
            findings.append(Finding(rule, ", ".join(str(v) for v in row)))
    findings.extend(await _minimums(store, await store.catalog(), now, limit))
    return findings


async def _minimums(store: SqliteStore, catalog: Catalog, now: int, limit: int
                    ) -> list[Finding]:
    """No balance below its minimum (0, or minus the credit limit where the type allows
    credit), no more reserved than a balance can cover, no reservation that used more than
    it held. Reservation parts are compact text, so these run in Python over a stream."""
    credit_types = {t.id for p in catalog.providers for t in p.balance_types if t.allow_credit}
    rows = await store.query(
        """SELECT b.account_id, b.type_id, b.credit_limit, COALESCE(SUM(k.value), 0)
           FROM balances b LEFT JOIN buckets k
             ON k.account_id = b.account_id AND k.type_id = b.type_id
            AND (k.expires_at IS NULL OR k.expires_at > ?)
           GROUP BY b.account_id, b.type_id""", (now,))
    reserved: dict[tuple[int, int], int] = {}
    findings = []
    async for rid, account_id, parts, state, used, expires_at in store.stream(
            "SELECT id, account_id, parts, state, used, expires_at FROM reservations"):
        held = parse_parts(parts)
        if used > sum(held.values()):
            findings.append(Finding("a committed reservation used no more than it held",
                                    f"reservation {rid}: used {used} of {sum(held.values())}"))
        if state == "open" and expires_at > now:
            for type_id, amount in held.items():
                reserved[(account_id, type_id)] = reserved.get((account_id, type_id), 0) + amount
    for account_id, type_id, credit_limit, value in rows:
        minimum = -credit_limit if type_id in credit_types else 0
        on_hold = reserved.get((account_id, type_id), 0)
        if value < minimum:
            findings.append(Finding("no balance below its minimum",
                                    f"account {account_id} type {type_id}: {value} < {minimum}"))
        elif value - on_hold < minimum:
            findings.append(Finding("reservations within what the balance covers",
                                    f"account {account_id} type {type_id}: {value} - {on_hold}"))
    return findings[:limit]
