"""announcements/ is pure rendering: no I/O frameworks, no asyncio, nothing from gateway/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "announcements"
FORBIDDEN = ("asyncio", "aiohttp", "aiosqlite", "redis", "smpplib", "gateway", "menus")


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_no_io_imports(module: Path) -> None:
    imported: list[str] = []
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
    assert [m for m in imported if m.split(".")[0] in FORBIDDEN] == []
