"""Logging in and out, sessions, CSRF, the provider selector, console users."""

from __future__ import annotations

import io

import pytest

from gateway import cli
from tests.integration.console.conftest import PASSWORD, USER, Console

SCREENS = ("/units", "/balance-types", "/currency-maps", "/translations", "/wallet-names",
           "/plans", "/wallets", "/vouchers")


@pytest.mark.parametrize("path", ["/", *SCREENS])
async def test_not_logged_in_goes_to_the_login_page(anonymous: Console, path: str) -> None:
    async with anonymous.client.get(f"/console{path}", allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"].startswith("/console/login?next=")
    page = await anonymous.get(path)
    assert page.url.split("?")[0].endswith("/console/login")
    assert 'id="username"' in page.text
    assert 'id="password"' in page.text


async def test_a_post_when_not_logged_in_changes_nothing(anonymous: Console) -> None:
    before = await anonymous.ledger.store.query("SELECT COUNT(*) FROM balance_units")
    page = await anonymous.post("/units/new", {"name": "Points", "kind": "units"},
                                csrf="forged", follow=False)
    assert page.status == 303
    assert await anonymous.ledger.store.query("SELECT COUNT(*) FROM balance_units") == before


async def test_login_sets_a_strict_http_only_cookie(anonymous: Console) -> None:
    await anonymous.get("/login")
    async with anonymous.client.post("/console/login", data={
            "username": USER, "password": PASSWORD, "csrf_token": anonymous.csrf,
            "next": "/console/units"}, allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/console/units"
        cookie = response.cookies["selfcare_console"]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Strict"
        assert cookie["path"] == "/console"
    stored = await anonymous.ledger.store.query("SELECT id_hash FROM console_sessions")
    assert stored
    assert cookie.value not in {r[0] for r in stored}


async def test_a_wrong_password_or_user_is_refused_alike(anonymous: Console) -> None:
    wrong = await anonymous.login(password="not the password")
    unknown = await anonymous.login(username="nobody")
    assert wrong.status == unknown.status == 401
    assert wrong.error("login") == unknown.error("login") == "Wrong user name or password."
    assert (await anonymous.get("/units")).url.split("?")[0].endswith("/login")


async def test_login_without_its_csrf_token_is_forbidden(anonymous: Console) -> None:
    await anonymous.get("/login")
    page = await anonymous.post("/login", {"username": USER, "password": PASSWORD}, csrf=None)
    assert page.status == 403


async def test_no_open_redirect_after_login(anonymous: Console) -> None:
    await anonymous.get("/login")
    async with anonymous.client.post("/console/login", data={
            "username": USER, "password": PASSWORD, "csrf_token": anonymous.csrf,
            "next": "https://evil.example/"}, allow_redirects=False) as response:
        assert response.headers["Location"] == "/console/"


@pytest.mark.parametrize("token", [None, "wrong-token"])
async def test_a_post_without_the_session_csrf_token_is_403_and_changes_nothing(
        console: Console, token: str | None) -> None:
    before = await console.ledger.store.query("SELECT name FROM balance_units ORDER BY id")
    page = await console.post("/units/new", {"name": "Points", "kind": "units"}, csrf=token)
    assert page.status == 403
    assert await console.ledger.store.query("SELECT name FROM balance_units ORDER BY id") \
        == before


async def test_logout_ends_the_session(console: Console) -> None:
    assert (await console.get("/units")).h1 == "Balance units"
    page = await console.post("/logout", {})
    assert page.url.endswith("/console/login")
    assert (await console.get("/units")).url.split("?")[0].endswith("/login")
    assert await console.ledger.store.query("SELECT COUNT(*) FROM console_sessions") == [(0,)]


async def test_a_session_expires_when_idle(console: Console) -> None:
    await console.ledger.store.query("SELECT 1")
    async with console.ledger.store.transaction() as conn:
        await conn.execute("UPDATE console_sessions SET expires_at = ?",
                           (console.ledger.clock() - 1,))
    assert (await console.get("/units")).url.split("?")[0].endswith("/login")


@pytest.mark.parametrize("path", ["/", *SCREENS])
async def test_every_screen_has_a_title_the_nav_and_the_provider_selector(
        console: Console, path: str) -> None:
    page = await console.get(path)
    assert page.status == 200, page.text[:300]
    assert page.h1
    assert '<select id="provider" name="provider">' in page.text
    assert '<option value="Demo Telecom" selected>Demo Telecom</option>' in page.text
    for screen in ("units", "balance-types", "plans", "wallets", "vouchers"):
        assert f'id="nav-{screen}"' in page.text
    assert page.text.count('name="csrf_token"') >= 2  # the selector and log out at least


async def test_choosing_a_provider_is_remembered(console: Console) -> None:
    page = await console.post("/provider", {"provider": "Demo Telecom", "next": "/console/units"})
    assert page.status == 200
    assert page.h1 == "Balance units"
    assert await console.ledger.store.query("SELECT provider FROM console_sessions") == [
        ("Demo Telecom",)]
    refused = await console.post("/provider", {"provider": "Nope", "next": "/console/units"})
    assert refused.status == 400


async def test_passwords_are_stored_as_salted_scrypt(console: Console) -> None:
    rows = await console.ledger.store.query("SELECT password_hash FROM console_users")
    (stored,) = rows[0]
    assert stored.startswith("scrypt$")
    assert PASSWORD not in stored


def test_console_users_cli(settings: object, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    from gateway.settings import Settings
    assert isinstance(settings, Settings)
    monkeypatch.setenv("SELFCARE_LEDGER__PATH", str(settings.ledger.path))
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
    assert cli.main(["console-users", "add", "ops", "--password-stdin"]) == 0
    assert "a long enough secret" not in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["console-users", "add", "ops2", "--password-stdin"]) == 2
    assert "at least 8 characters" in capsys.readouterr().err
    assert cli.main(["console-users", "list"]) == 0
    listed = capsys.readouterr().out
    assert "ops " in listed
    assert USER in listed
    assert "ops2" not in listed
    assert cli.main(["console-users", "remove", "ops"]) == 0
    assert cli.main(["console-users", "remove", "ops"]) == 1
