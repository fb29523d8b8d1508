"""The ``selfcare`` command line against a real SQLite file, as an operator runs it."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    env = {**os.environ, "SELFCARE_LEDGER__PATH": str(tmp_path / "ledger.db")}

    def selfcare(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gateway", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    return selfcare


def test_demo_seed_is_idempotent_and_writes_the_demo_pins(run: Run, tmp_path: Path) -> None:
    first = run("demo-seed")
    assert first.returncode == 0, first.stderr
    assert "4 new wallets" in first.stdout
    pins = list(csv.DictReader((tmp_path / "demo-vouchers.csv").open()))
    assert len(pins) == 20
    again = run("demo-seed")
    assert again.returncode == 0
    assert "0 new wallets, 0 new operations, 0 new vouchers" in again.stdout
    shown = run("wallets", "show", "0700000002", "--json")
    wallet = json.loads(shown.stdout)
    assert wallet["language"] == "fr"
    cash = next(b for b in wallet["balances"] if b["balance_type"] == "General Cash")
    assert cash["total"] == 10_000


def test_vouchers_csv_holds_the_pins_and_the_database_does_not(run: Run, tmp_path: Path) -> None:
    assert run("demo-seed").returncode == 0
    made = run("vouchers", "create", "--count", "25", "--value", "2000", "--balance-type",
               "General Cash", "--out", "batch.csv", "--batch", "b25")
    assert made.returncode == 0, made.stderr
    rows = list(csv.DictReader((tmp_path / "batch.csv").open()))
    assert len(rows) == 25
    assert len({r["pin"] for r in rows}) == 25
    assert oct((tmp_path / "batch.csv").stat().st_mode)[-3:] == "600"
    db = sqlite3.connect(tmp_path / "ledger.db")
    dump = "\n".join(db.iterdump())
    assert all(r["pin"] not in dump for r in rows)
    assert run("vouchers", "freeze", "--batch", "b25").stdout.startswith("25 vouchers")
    shown = json.loads(run("vouchers", "show", rows[0]["serial"]).stdout)
    assert shown["state"] == "frozen"
    assert "pin" not in shown


def test_journal_export_lists_every_line_for_finance(run: Run, tmp_path: Path) -> None:
    assert run("demo-seed").returncode == 0
    out = run("journal", "export", "--since", "2000-01-01", "--out", "j.csv")
    assert out.returncode == 0, out.stderr
    lines = list(csv.DictReader((tmp_path / "j.csv").open()))
    assert lines
    assert sum(int(r["delta"]) for r in lines) == 0  # double entry over the whole export
    assert {r["operation"] for r in lines} >= {"adjust", "provision_product"}
    later = run("journal", "export", "--since", "2999-01-01")
    assert later.stdout.strip().count("\n") == 0  # the header only


def test_ledger_check_passes_and_then_catches_a_tampered_balance(run: Run, tmp_path: Path
                                                                 ) -> None:
    assert run("demo-seed").returncode == 0
    assert run("ledger", "check").returncode == 0
    db = sqlite3.connect(tmp_path / "ledger.db")
    db.execute("UPDATE buckets SET value = value + 1 WHERE id = (SELECT MIN(id) FROM buckets "
               "WHERE value > 0)")
    db.commit()
    db.close()
    broken = run("ledger", "check")
    assert broken.returncode == 1
    assert "conservation" in broken.stdout
    assert "journal replays to wallet balances" in broken.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("wallets", "show", "12"), "not a valid phone number"),
    (("vouchers", "create", "--count", "0", "--value", "5", "--balance-type", "General Cash",
      "--out", "x.csv"), "must be positive"),
])
def test_bad_input_gets_a_clear_answer_and_exit_2(run: Run, args: tuple[str, ...],
                                                  message: str) -> None:
    assert run("demo-seed").returncode == 0
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_bad_setting_names_its_key(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[http]\nprot = 8080\n")
    result = run("--config", str(bad), "ledger", "check")
    assert result.returncode == 2
    assert "http.prot" in result.stderr
