"""The layering ARCHITECTURE.md promises, checked on the source: the domain is synchronous
and pure; rendering knows nothing of the wire or storage."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IO_MODULES = {"asyncio", "aiosqlite", "sqlite3", "redis", "aiohttp", "smpplib", "socket"}
# The async service, its storage adapters and the whole-database tools may do I/O.
CORE_IO_ALLOWED = {"service.py", "check.py", "seed.py"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def domain_modules() -> list[Path]:
    core = REPO / "core"
    return [p for p in core.rglob("*.py")
            if "storage" not in p.parts and p.name not in CORE_IO_ALLOWED]


@pytest.mark.parametrize("path", domain_modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_the_core_domain_does_no_io(path: Path) -> None:
    assert imports(path) & IO_MODULES == set()
    assert "gateway" not in imports(path)


@pytest.mark.parametrize("package", ["translations", "announcements", "menus"])
def test_rendering_and_menus_know_nothing_of_the_wire(package: str) -> None:
    for path in (REPO / package).rglob("*.py"):
        assert imports(path) & (IO_MODULES | {"gateway"}) == set(), path
