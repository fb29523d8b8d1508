"""A writer process killed with SIGKILL in the middle of its traffic loses nothing it
acknowledged and leaves no half-written operation: the reopened file holds every acknowledged
outcome under its key, with its effect, and passes ``check_ledger`` and ``selfcare ledger
check``. Twice over the same file, so recovery is followed by more writes and another crash."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from core.service import Ledger
from tests.integration.ledger.invariants import (
    problems,
    reopen_ledger,
    stored_outcomes,
    system_balance,
)
from tests.integration.ledger.ledger_worker import HOT, SINK, Record
from tests.ledger_support import REPO, Clock, balance, new_wallet, open_ledger

WORKER = Path(__file__).with_name("ledger_worker.py")
SELFCARE = Path(sys.executable).with_name("selfcare")
FUNDING = 2_000_000
ACKS_BEFORE_KILL = 300
TIMEOUT_S = 60


async def read_acks(proc: asyncio.subprocess.Process, count: int) -> list[Record]:
    """Acknowledgements from the writer's pipe, as they come, until there are ``count``."""
    assert proc.stdout is not None
    assert proc.stderr is not None
    acks: list[Record] = []
    while len(acks) < count:
        line = await asyncio.wait_for(proc.stdout.readline(), TIMEOUT_S)
        if not line:
            raise AssertionError(f"writer ended early: {(await proc.stderr.read()).decode()}")
        acks.append(json.loads(line))
    return acks


async def crash_writer(db: Path, prefix: str) -> list[Record]:
    """Run a writer on ``db`` until it has acknowledged ACKS_BEFORE_KILL commands, then
    SIGKILL it while it is still writing. Returns what it acknowledged."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(WORKER), "writer", str(db), prefix,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        acks = await read_acks(proc, ACKS_BEFORE_KILL)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGKILL)
        await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return acks


async def cli_check(db: Path) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELFCARE_")}
    proc = await asyncio.create_subprocess_exec(
        str(SELFCARE), "ledger", "check", cwd=REPO, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, env={**env, "SELFCARE_LEDGER__PATH": str(db)})
    out, _ = await asyncio.wait_for(proc.communicate(), TIMEOUT_S)
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def assert_acknowledged_and_consistent(ledger: Ledger, clock: Clock,
                                             acks: list[Record], prefixes: tuple[str, ...]
                                             ) -> None:
    stored = {k: json.loads(v) for k, v in (await stored_outcomes(ledger.store)).items()}
    # Every acknowledged command is stored under its key, with the outcome it was given.
    assert [a["key"] for a in acks if a["key"] not in stored] == []
    assert [a for a in acks if stored[a["key"]] != a["outcome"]] == []

    # Effects and idempotency records were committed together, acknowledged or not: the sink
    # (credited only by the writers' adjustments) holds exactly what the stored adjustments
    # applied, and the fee account one fee per stored successful transfer.
    written = [o for k, o in stored.items() if k.startswith(prefixes) and o["status"] == "ok"]
    stored_credits = sum(o["data"]["applied"] for o in written if "applied" in o["data"])
    stored_fees = sum(o["data"]["fee"] for o in written if "fee" in o["data"])
    acked_credits = sum(a["amount"] for a in acks if a["op"] == "adjust" and a["status"] == "ok")
    assert acked_credits <= await balance(ledger, SINK) == stored_credits
    assert await system_balance(ledger.store, "fees") == stored_fees
    # Transfers only move value between the hot wallets and the fee account.
    assert sum([await balance(ledger, m) for m in HOT]) + stored_fees == len(HOT) * FUNDING
    assert await problems(ledger.store, clock()) == []


async def test_acknowledged_writes_survive_sigkill_and_the_file_stays_healthy(
        tmp_path: Path, clock: Clock) -> None:
    db = tmp_path / "ledger.db"
    ledger = await open_ledger(db, clock)
    for msisdn in HOT:
        await new_wallet(ledger, msisdn, cash=FUNDING)
    await new_wallet(ledger, SINK)
    await ledger.close()

    acks: list[Record] = []
    prefixes: tuple[str, ...] = ()
    for prefix in ("first", "second"):
        acks += await crash_writer(db, prefix)
        prefixes += (f"{prefix}-",)

        ledger = await reopen_ledger(db, clock)
        try:
            await assert_acknowledged_and_consistent(ledger, clock, acks, prefixes)
        finally:
            await ledger.close()
        status, output = await cli_check(db)
        assert status == 0, output
        assert output.splitlines()[-1] == "ledger check: ok"
