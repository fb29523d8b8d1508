"""The floor under bench/ledger.py: the same workload, callers, service and group-commit
pipeline (queue, writer thread, WAL syncer, checkpointer), with the ledger's transaction
replaced by a skeleton that runs no domain rule at all, reads nothing but the batch's
idempotency keys (no wallet) and writes only fixed rows.

What it answers: how fast and with what tail latency this machine could serve the charging
workload if the ledger's rules cost nothing. What the skeleton cannot reach, no write path
run by this pipeline can reach on the same machine: the real one does at least as much.

    --rows none      no SQL: the pipeline alone (the syncer still flushes the WAL)
    --rows minimal   one UPDATE of an existing bucket, one operation, one idempotency row
    --rows charging  the rows a lean charging ledger must write per command, on the real
                     tables and indexes: add credit = the bucket and two journal lines;
                     reserve = a reservation; usage-and-reserve = the ended reservation, the
                     next one, the cash and expenditure buckets and three journal lines
                     (wallet, revenue, expenditure); each also one operation and one
                     idempotency row

Every other option is bench/ledger.py's; the writer runs as a thread (the skeleton lives in
this process) and single calls are skipped (they would read skeleton rows). Use a throwaway
copy of a seeded database: the skeleton's rows are not a ledger's (`selfcare ledger check`
would rightly reject it).

    .venv/bin/python bench/ledger_floor.py --rows charging --db COPY --seconds 15 --rate 5000
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ledger as charging_bench  # bench/ledger.py, through the path above

from core import commands as c
from core.clock import EpochSeconds
from core.outcomes import Outcome, ok
from core.storage import sqlite_batch
from core.storage import sqlite_rows as rows

ROW_SETS = ("none", "minimal", "charging")
OPERATION_SQL = ("INSERT INTO operations (id, at, kind, idempotency_key, channel, status, "
                 "provider_id, msisdn, detail) VALUES (?,?,?,?,'bench','ok',1,?,'{}')")
JOURNAL_SQL = ("INSERT INTO journal (op_id, provider_id, type_id, account_id, system_account, "
               "bucket_id, delta, before, after) VALUES (?,1,1,?,?,?,?,0,0)")
RESERVATION_SQL = rows.insert_sql("reservations", rows.RESERVATION_COLS)
BUCKET_SQL = "UPDATE buckets SET value = value WHERE id = ?"  # a write, the value kept


class Skeleton:
    """A stand-in for sqlite_batch.execute_commands: the bench's outcomes, fixed writes."""

    def __init__(self, row_set: str) -> None:
        self.row_set = row_set
        self.rng = random.Random(11)
        self.next_ids: dict[str, int] = {}

    def __call__(self, conn: sqlite3.Connection, _cache: object, cmds: Sequence[c.Command],
                 now: EpochSeconds, _wallets: object = None) -> list[Outcome]:
        if self.row_set == "none":
            return [self.outcome(cmd, self.take("reservations"), now) for cmd in cmds]
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not self.next_ids:
                self.next_ids = {t: conn.execute(
                    f"SELECT COALESCE(MAX(id), 0) + 1 FROM {t}").fetchone()[0]
                    for t in ("operations", "reservations", "buckets", "accounts")}
            marks, params = rows.in_list([cmd.key for cmd in cmds])
            conn.execute(f"SELECT key FROM idempotency WHERE key IN ({marks})",
                         params).fetchall()
            writes: dict[str, list[tuple[object, ...]]] = {}
            outcomes = [self.command(cmd, now, writes) for cmd in cmds]
            for sql, params_list in writes.items():
                conn.executemany(sql, params_list)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return outcomes

    def take(self, table: str) -> int:
        value = self.next_ids.get(table, 1)
        self.next_ids[table] = value + 1
        return value

    def random_id(self, table: str) -> int:
        return self.rng.randrange(1, self.next_ids[table])

    def outcome(self, cmd: c.Command, reservation_id: int, now: EpochSeconds) -> Outcome:
        if isinstance(cmd, c.ReportUsage):
            return ok(reservation_id=cmd.reservation_id, used=cmd.used,
                      next_reservation_id=reservation_id, granted=cmd.reserve_next,
                      next_status="ok")
        if isinstance(cmd, c.Reserve):
            return ok(reservation_id=reservation_id, amount=cmd.amount,
                      expires_at=now + cmd.ttl_s)
        return ok()

    def command(self, cmd: c.Command, now: EpochSeconds,
                writes: dict[str, list[tuple[object, ...]]]) -> Outcome:
        def write(sql: str, *params: object) -> None:
            writes.setdefault(sql, []).append(params)

        op = self.take("operations")
        msisdn = getattr(cmd, "msisdn", None)
        write(OPERATION_SQL, op, now, type(cmd).__name__, cmd.key, msisdn)
        write("INSERT INTO idempotency (key, fingerprint, outcome, created_at) "
              "VALUES (?, '', '{}', ?)", cmd.key, now)
        bucket = self.random_id("buckets")
        reservation = 0
        if self.row_set == "minimal":
            write("UPDATE buckets SET warned = warned WHERE id = ?", bucket)
        elif isinstance(cmd, c.Adjust):
            write(BUCKET_SQL, bucket)
            account = self.random_id("accounts")
            write(JOURNAL_SQL, op, account, None, bucket, cmd.amount)
            write(JOURNAL_SQL, op, None, "adjustments", None, -cmd.amount)
        else:
            reservation = self.take("reservations")
            account = self.random_id("accounts")
            write(RESERVATION_SQL, reservation, account, msisdn or "", cmd.key, "1", "1:500",
                  "open", now, now + 300, 0, None)
            if isinstance(cmd, c.ReportUsage):
                write("UPDATE reservations SET state = ?, used = ?, ended_at = ? WHERE id = ?",
                      "committed", cmd.used, now, cmd.reservation_id)
                write(BUCKET_SQL, bucket)
                write(BUCKET_SQL, bucket + 1)
                write(JOURNAL_SQL, op, account, None, bucket, -cmd.used)
                write(JOURNAL_SQL, op, None, "revenue", None, cmd.used)
                write(JOURNAL_SQL, op, account, None, bucket + 1, cmd.used)
        return self.outcome(cmd, reservation, now)


def main() -> None:
    ap = argparse.ArgumentParser(
        description="The charging workload through the ledger's own pipeline, with a "
                    "skeleton transaction that applies no rule: what the machine allows.",
        add_help=False)
    ap.add_argument("--rows", choices=ROW_SETS, default="charging",
                    help="what the skeleton writes per command (see the module docstring)")
    ap.add_argument("--writer", choices=("thread",), default="thread",
                    help="thread only: the skeleton lives in this process")
    ap.add_argument("--db", type=Path, required=True,
                    help="a throwaway copy of a seeded database (the skeleton cannot seed)")
    if {"-h", "--help"} & set(sys.argv[1:]):
        ap.print_help()
        print("\nThe other options are bench/ledger.py's:\n")
        sys.argv = [sys.argv[0], "--help"]
        asyncio.run(charging_bench.main())  # prints its help and exits
    ours, rest = ap.parse_known_args()
    if not ours.db.exists():
        ap.error(f"--db: no database at {ours.db}; seed one with bench/ledger.py first")
    sqlite_batch.execute_commands = Skeleton(ours.rows)  # type: ignore[assignment]
    print(f"floor: the ledger's transaction replaced by the '{ours.rows}' skeleton "
          "(no domain rules)")
    # Single calls run real inquiries against skeleton writes: nothing worth printing.
    sys.argv = [sys.argv[0], *rest, "--db", str(ours.db), "--writer", "thread", "--single", "0"]
    asyncio.run(charging_bench.main())


if __name__ == "__main__":
    main()
