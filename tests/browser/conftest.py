"""Browser tests: the real app (``selfcare serve`` in its own process, on a fresh demo ledger in
a temporary directory) driven by headless Chromium through Playwright.

The browser is Debian's ``chromium`` (scripts/ensure-peers.sh installs it for ``make test``),
launched by path: Playwright's own browser downloads are never used. Without it the tests skip
with the reason, except in CI (``CI=true``), where they fail: CI must run them.

One server per test session and one browser per test module (starting either costs more than a
test; the module scope is because Playwright's sync driver keeps an asyncio loop running on this
thread while it is open, which would break the async tests of the other layers); each test gets
a fresh browser context (no cookies shared) and its own subscriber where it moves money.
Every test leaves a screenshot of its last page at
``$SELFCARE_ARTIFACTS/screenshots/<test>.png`` (default ``var/test-artifacts``), pass or fail;
``shot(page, name)`` saves more along the way.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0
PAGE_TIMEOUT_MS = 10_000  # a step of these pages takes milliseconds; 10 s means it is broken
SCREEN_WIDTH, SCREEN_HEIGHT = 1280, 860


@dataclass(frozen=True)
class Served:
    url: str
    env: dict[str, str]
    pins: tuple[str, ...]  # the demo batch's voucher PINs (KES 50.00 each), unused so far
    log: Path

    def selfcare(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """The CLI against the served ledger (``selfcare wallets show``, say)."""
        return subprocess.run([sys.executable, "-m", "gateway", *args], cwd=REPO, env=self.env,
                              input=stdin, capture_output=True, text=True, timeout=60,
                              check=False)

    def get_json(self, path: str) -> object:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.load(response)


def artifacts_dir() -> Path:
    return Path(os.environ.get("SELFCARE_ARTIFACTS") or REPO / "var" / "test-artifacts")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    """Debian's chromium, or the test stops: failed in CI (CI=true: the browser tests must
    run there), skipped with the reason elsewhere."""
    executable = chromium_path()
    if executable is not None:
        return executable
    reason = "Debian's chromium is needed for the browser tests"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI must run them (scripts/ensure-peers.sh installs it)")
    pytest.skip(f"{reason}; `make peers` (scripts/ensure-peers.sh) installs it")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path,
               timeout_s: float = START_TIMEOUT_S) -> None:
    """Poll ``/readyz`` until it answers 200, against a deadline; fail at once if the server
    exits. The pause between polls is a wait on the process itself."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # not listening yet, or not ready (503)
        if time.monotonic() > deadline:
            raise RuntimeError(f"server not ready in {timeout_s} s: {log.read_text()[-2000:]}")
        try:
            process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"server exited with {process.returncode}: {log.read_text()[-2000:]}")


def serve(directory: Path, **extra_env: str) -> Iterator[Served]:
    """``selfcare demo-seed`` then ``selfcare serve`` on a free port, in ``directory``."""
    port = _free_port()
    env = {**os.environ, "SELFCARE_LEDGER__PATH": str(directory / "ledger.db"),
           "SELFCARE_HTTP__PORT": str(port), "SELFCARE_LEDGER__SYNCHRONOUS": "normal",
           "SELFCARE_SIMULATOR__ENABLED": "true", "PYTHONUNBUFFERED": "1", **extra_env}
    seeded = subprocess.run([sys.executable, "-m", "gateway", "demo-seed"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert seeded.returncode == 0, seeded.stderr
    with (directory / "demo-vouchers.csv").open() as fh:
        pins = tuple(row["pin"] for row in csv.DictReader(fh))
    log = directory / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "gateway", "serve"], cwd=REPO,
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, log)
        yield Served(url, env, pins, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    yield from serve(tmp_path_factory.mktemp("browser-served"))


@pytest.fixture(scope="session")
def pins(served: Served) -> Iterator[str]:
    """Hands out each demo voucher PIN once per session (a used PIN is spent)."""
    return iter(served.pins)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=require_chromium(), headless=True)
    try:
        yield launched
    finally:
        launched.close()


def _artifact_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


Shot = Callable[[Page, str], Path]


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Shot:
    """``shot(page, "step")`` saves ``screenshots/<test>-<step>.png`` and returns its path."""

    def save(page: Page, step: str) -> Path:
        path = artifacts_dir() / "screenshots" / _artifact_name(f"{request.node.name}-{step}.png")
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def page(browser: Browser, served: Served, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(base_url=served.url,
                                  viewport={"width": SCREEN_WIDTH, "height": SCREEN_HEIGHT})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    opened = context.new_page()
    try:
        yield opened
    finally:
        path = artifacts_dir() / "screenshots" / _artifact_name(f"{request.node.name}.png")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            opened.screenshot(path=str(path), full_page=True)
        finally:
            context.close()
