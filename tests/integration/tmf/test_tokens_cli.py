"""``selfcare tokens``: create prints the token once, list never shows it, revoke ends it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.tmf.tokens import token_hash

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    env = {**os.environ, "SELFCARE_LEDGER__PATH": str(tmp_path / "ledger.db")}

    def selfcare(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gateway", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    return selfcare


def test_tokens_are_printed_once_and_stored_hashed(run: Run, tmp_path: Path) -> None:
    made = run("tokens", "create", "--role", "write", "--name", "crm")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("sct_")
    assert len(token) > 40
    assert "shown this once" in made.stderr
    listed = run("tokens", "list", "--json")
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["role"], r["revoked_at"]) for r in rows] == [("crm", "write", None)]
    assert token not in listed.stdout
    db = sqlite3.connect(tmp_path / "ledger.db")
    dump = "\n".join(db.iterdump())
    assert token not in dump
    assert token_hash(token) in dump
    db.close()
    again = run("tokens", "create", "--role", "read", "--name", "crm")
    assert again.returncode == 2
    assert "--name" in again.stderr
    revoked = run("tokens", "revoke", "--name", "crm")
    assert revoked.returncode == 0, revoked.stderr
    assert "revoked" in run("tokens", "list").stdout
    assert run("tokens", "revoke", "--name", "crm").returncode == 1


def test_a_role_must_be_read_or_write(run: Run) -> None:
    bad = run("tokens", "create", "--role", "admin", "--name", "x")
    assert bad.returncode == 2
    assert "--role" in bad.stderr
