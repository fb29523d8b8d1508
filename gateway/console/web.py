"""What every console handler shares: keys, the template environment, the session guard
(login and CSRF), the chosen provider and the page renderer.

Security choices, each for a reason: the session cookie is HttpOnly (no script reads it) and
SameSite=Strict (no other site's page sends it), Secure when the console is served over
HTTPS; every POST form carries the session's CSRF token, compared in constant time, and a
POST without it gets 403 before any handler runs (so nothing changes); pages are never
cached and never framed.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web
from aiohttp.typedefs import Handler
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core.catalog import Provider
from core.service import Ledger
from gateway.console.reload import WATCH
from gateway.console.users import SESSION_MAX_S, ConsoleSession, load_session
from gateway.keys import LEDGER, SETTINGS
from gateway.settings import Settings

PREFIX = "/console"
HERE = Path(__file__).resolve().parent
COOKIE = "selfcare_console"
LOGIN_CSRF_COOKIE = "selfcare_console_login"
PUBLIC_PATHS = frozenset({f"{PREFIX}/login"})
STATIC_PREFIX = f"{PREFIX}/static/"

TEMPLATES = web.AppKey("console_templates", Environment)
MAIN_APP = web.AppKey("console_main_app", web.Application)
SESSION = web.RequestKey("console_session", ConsoleSession)

# Screens in the navigation, in NCC's tab order: (screen id, path, label).
NAV = (
    ("units", "/units", "Balance units"),
    ("balance-types", "/balance-types", "Balance types"),
    ("currency-maps", "/currency-maps", "Currency maps"),
    ("translations", "/translations", "Balance type translations"),
    ("wallet-names", "/wallet-names", "Wallet name translations"),
    ("plans", "/plans", "Cumulative balance plans"),
    ("wallets", "/wallets", "Wallets"),
    ("vouchers", "/vouchers", "Vouchers"),
)
NOTICES = {
    "saved": "Saved.", "deleted": "Deleted.", "frozen": "Vouchers frozen.",
    "unfrozen": "Vouchers unfrozen.", "moved": "Playback order changed.",
    "provider": "Service provider changed.", "adjusted": "Adjustment applied.",
    "replayed": "This adjustment was applied already (the same form was sent twice): "
                "nothing more was done.",
}


def template_environment() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def ledger_of(request: web.Request) -> Ledger:
    return request.config_dict[LEDGER]


def settings_of(request: web.Request) -> Settings:
    return request.config_dict[SETTINGS]


def session_of(request: web.Request) -> ConsoleSession:
    return request[SESSION]


def url(path: str) -> str:
    return PREFIX + path


def q(part: str) -> str:
    """A path segment (balance type names have spaces)."""
    return quote(part, safe="")


def redirect(path: str, notice: str | None = None) -> web.HTTPSeeOther:
    target = url(path)
    if notice:
        target += ("&" if "?" in target else "?") + f"notice={notice}"
    return web.HTTPSeeOther(target)


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Login for every page but the login page and the stylesheet; CSRF for every POST."""
    public = request.path in PUBLIC_PATHS or request.path.startswith(STATIC_PREFIX)
    if not public:
        cookie = request.cookies.get(COOKIE)
        ledger = ledger_of(request)
        session = await load_session(ledger.store, cookie, ledger.clock()) if cookie else None
        if session is None:
            wanted = request.path_qs if request.method == "GET" else url("/")
            raise web.HTTPSeeOther(url(f"/login?next={quote(wanted, safe='')}"))
        if request.method == "POST":
            form = await request.post()
            token = form.get("csrf_token")
            if not isinstance(token, str) or not hmac.compare_digest(
                    token.encode(), session.csrf_token.encode()):
                raise web.HTTPForbidden(text="The form's CSRF token is missing or wrong: "
                                             "nothing was changed. Reload the page.")
        request[SESSION] = session
    response = await handler(request)
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
    return response


def set_session_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    response.set_cookie(COOKIE, value, path=PREFIX, httponly=True, samesite="Strict",
                        secure=request.secure, max_age=SESSION_MAX_S)


def login_csrf(request: web.Request, response: web.StreamResponse) -> str:
    """A pre-session token for the login form (double submit: cookie and field must match)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, path=PREFIX, httponly=True,
                        samesite="Strict", secure=request.secure)
    return token


async def providers(request: web.Request) -> tuple[Provider, ...]:
    return (await ledger_of(request).store.catalog()).providers


async def current_provider(request: web.Request) -> Provider:
    """The provider chosen in the selector; by default the gateway's own."""
    found = await providers(request)
    if not found:
        raise web.HTTPServiceUnavailable(text="the ledger has no provider yet")
    wanted = session_of(request).provider or settings_of(request).provider.name
    return next((p for p in found if p.name == wanted), found[0])


def _channel_error(request: web.Request) -> str | None:
    main = request.app[MAIN_APP]
    return main[WATCH].last_error if WATCH in main else None


async def page(request: web.Request, template: str, *, screen: str = "",
               status: int = 200, **context: Any) -> web.Response:
    session = session_of(request)
    notice = NOTICES.get(request.query.get("notice", ""))
    provider = await current_provider(request)
    body = request.app[TEMPLATES].get_template(template).render(
        nav=NAV, screen=screen, prefix=PREFIX, user=session.username,
        csrf=session.csrf_token, providers=[p.name for p in await providers(request)],
        provider=provider, notice=notice, here=request.path_qs, q=q,
        channel_error=_channel_error(request), **context)
    return web.Response(text=body, content_type="text/html", status=status)

