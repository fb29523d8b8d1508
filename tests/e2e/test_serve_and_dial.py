"""The whole thing as an operator and a tester use it: ``selfcare demo-seed``, ``selfcare
serve`` in its own process, then ``selfcare dial`` and ``selfcare ivr`` against it over HTTP;
the server stops gracefully on SIGINT."""

from __future__ import annotations

import csv
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SECRET = "e2e-shared-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    url: str
    env: dict[str, str]
    pins: list[str]
    process: subprocess.Popen[str]

    def selfcare(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gateway", *args], cwd=REPO, env=self.env,
                              input=stdin, capture_output=True, text=True, timeout=60,
                              check=False)


def wait_for_line(process: subprocess.Popen[str], marker: str, timeout_s: float = 60) -> None:
    """Read the server's output until ``marker`` shows (aiohttp prints where it listens)."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout_s
    seen: list[str] = []
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while not any(marker in line for line in seen):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or process.poll() is not None:
                raise RuntimeError("server did not start: " + "".join(seen))
            if selector.select(timeout=remaining):
                seen.append(process.stdout.readline())


def serve(tmp_path: Path, **extra: str) -> Iterator[Served]:
    port = free_port()
    env = {**os.environ, "SELFCARE_LEDGER__PATH": str(tmp_path / "ledger.db"),
           "SELFCARE_HTTP__PORT": str(port), "SELFCARE_LEDGER__SYNCHRONOUS": "normal",
           "PYTHONUNBUFFERED": "1", **extra}
    seeded = subprocess.run([sys.executable, "-m", "gateway", "demo-seed"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert seeded.returncode == 0, seeded.stderr
    with (tmp_path / "demo-vouchers.csv").open() as fh:
        pins = [row["pin"] for row in csv.DictReader(fh)]
    process = subprocess.Popen([sys.executable, "-m", "gateway", "serve"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_line(process, f"Running on http://127.0.0.1:{port}")
        yield Served(f"http://127.0.0.1:{port}", env, pins, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the read-mostly tests; each uses its own wallet (see the numbers)."""
    yield from serve(tmp_path_factory.mktemp("served"))


def test_dial_a_balance_and_a_recharge(served: Served) -> None:
    balance = served.selfcare("dial", "*100#", "--msisdn", "+254700000001", stdin="1\n")
    assert balance.returncode == 0, balance.stderr
    assert balance.stdout.startswith("Welcome to Demo Telecom\n1 My balance\n")
    assert "> 1\n" in balance.stdout
    assert "Airtime KES 100.00" in balance.stdout
    recharge = served.selfcare("dial", f"*100*{served.pins[0]}#", "--msisdn", "0700000003")
    assert recharge.returncode == 0, recharge.stderr
    assert recharge.stdout == ("Umeongeza salio kwa KES 50.00. "
                               "Salio lako sasa ni KES 150.00.\n")


def test_dial_a_transfer_step_by_step_and_hang_up(served: Served) -> None:
    done = served.selfcare("dial", "*100#", "--msisdn", "+254700000002",
                           stdin="3\n0700000004\n20\n1\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(
        "Vous avez envoyé 20,00 KES au 0700000004. Nouveau solde : 79,00 KES.")
    hung_up = served.selfcare("dial", "*100#", "--msisdn", "+254700000001", stdin="3\n")
    assert hung_up.returncode == 0
    assert hung_up.stdout.rstrip().endswith("Enter the recipient's phone number:\n0 Back")


def test_ivr_prints_the_announcement_sequence(served: Served) -> None:
    shown = served.selfcare("ivr", "--msisdn", "+254700000004", "--format", "vxml")
    assert shown.returncode == 0, shown.stderr
    root = ET.fromstring(shown.stdout)
    assert root.tag == "{http://www.w3.org/2001/vxml}vxml"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    as_json = served.selfcare("ivr", "--msisdn", "+254700000004")
    assert '"language": "ar"' in as_json.stdout


def test_the_server_stops_gracefully(tmp_path: Path) -> None:
    for served in serve(tmp_path):
        assert served.selfcare("dial", "*100*1#", "--msisdn", "+254700000001").returncode == 0
        served.process.send_signal(signal.SIGINT)
        assert served.process.wait(timeout=30) == 0


def test_a_signing_gateway_refuses_an_unsigned_dial(tmp_path: Path) -> None:
    for served in serve(tmp_path, SELFCARE_SECURITY__AUTH_ENABLED="yes",
                        SELFCARE_SECURITY__HMAC_SECRET=SECRET):
        unsigned = served.selfcare("dial", "*100#", "--msisdn", "+254700000001",
                                   "--secret", "")
        assert unsigned.returncode == 1
        assert "403" in unsigned.stderr
        signed = served.selfcare("dial", "*100#", "--msisdn", "+254700000001", stdin="1\n")
        assert signed.returncode == 0, signed.stderr  # the secret comes from the settings
        assert "Airtime KES 100.00" in signed.stdout
