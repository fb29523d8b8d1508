"""Fixtures for the SMPP integration tests against the npm ``smpp`` SMSC peer."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.integration.gateway.conftest import (  # noqa: F401  (the gateway's fixtures)
    channels,
    ledger_file,
    pins,
    redis_server,
    redis_url,
    template,
)
from tests.integration.smpp.node_smsc import NodeSmsc

PEER_DIR = Path(__file__).resolve().parents[2] / "peers" / "smsc"
SYSTEM_ID = "selfcare"
PASSWORD = "nodePw1"


@pytest.fixture(scope="session")
def node_binary() -> str:
    """node, with the peer's npm dependencies installed (``npm ci`` from the lock file)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        reason = "node and npm are needed for the SMPP SMSC peer (tests/peers/smsc)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI must run these tests")
        pytest.skip(f"{reason}; install Node.js to run them")
    if not (PEER_DIR / "node_modules" / "smpp").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=PEER_DIR, check=True, timeout=600
        )
    return node


@pytest.fixture
async def peer(node_binary: str) -> AsyncIterator[NodeSmsc]:
    smsc = NodeSmsc(node_binary, PEER_DIR, system_id=SYSTEM_ID, password=PASSWORD)
    await smsc.start()
    try:
        yield smsc
    finally:
        await smsc.stop()
