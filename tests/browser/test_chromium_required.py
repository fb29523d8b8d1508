"""Without Debian's chromium the browser tests fail in CI and skip elsewhere, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import require_chromium


@pytest.fixture
def no_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no browser on the PATH


@pytest.mark.usefixtures("no_chromium")
def test_in_ci_a_missing_chromium_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run them"):
        require_chromium()


@pytest.mark.usefixtures("no_chromium")
def test_elsewhere_a_missing_chromium_skips_with_the_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="make peers"):
        require_chromium()


def test_chromium_found_on_the_path_is_used(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))

    assert require_chromium() == str(fake)
