"""Log in, log out, choose the service provider, the home page."""

from __future__ import annotations

import hmac

from aiohttp import web

from gateway.console import users
from gateway.console.web import (
    COOKIE,
    LOGIN_CSRF_COOKIE,
    PREFIX,
    TEMPLATES,
    ledger_of,
    login_csrf,
    page,
    providers,
    redirect,
    session_of,
    set_session_cookie,
    url,
)

routes = web.RouteTableDef()


def _safe_next(raw: object) -> str:
    """Only a console path: a login must not bounce anyone to another site."""
    if isinstance(raw, str) and raw.startswith(PREFIX + "/") and not raw.startswith("//") \
            and "\\" not in raw:
        return raw
    return url("/")


def _login_page(request: web.Request, *, username: str = "", error: str = "",
                status: int = 200) -> web.Response:
    response = web.Response(content_type="text/html", status=status)
    token = login_csrf(request, response)
    response.text = request.app[TEMPLATES].get_template("login.html").render(
        prefix=PREFIX, csrf=token, next=_safe_next(request.query.get("next")),
        username=username, error=error)
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    return _login_page(request)


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    form = await request.post()
    token, cookie = form.get("csrf_token"), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not isinstance(token, str) or not cookie or not hmac.compare_digest(
            token.encode(), cookie.encode()):
        raise web.HTTPForbidden(text="The login form's CSRF token is missing or wrong. "
                                     "Reload the login page.")
    username, password = form.get("username"), form.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return _login_page(request, error="User name and password are required.", status=400)
    ledger = ledger_of(request)
    user_id = await users.authenticate(ledger.store, username, password)
    if user_id is None:
        # One message for an unknown name and a wrong password: no hint which it was.
        return _login_page(request, username=username, status=401,
                           error="Wrong user name or password.")
    cookie_value = await users.start_session(ledger.store, user_id, ledger.clock())
    response = web.HTTPSeeOther(_safe_next(form.get("next")))
    set_session_cookie(request, response, cookie_value)
    response.del_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    raise response


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    cookie = request.cookies.get(COOKIE)
    if cookie:
        await users.end_session(ledger_of(request).store, cookie)
    response = web.HTTPSeeOther(url("/login"))
    response.del_cookie(COOKIE, path=PREFIX)
    raise response


@routes.post("/provider")
async def choose_provider(request: web.Request) -> web.Response:
    form = await request.post()
    wanted = form.get("provider")
    if wanted not in {p.name for p in await providers(request)}:
        raise web.HTTPBadRequest(text="provider: no such service provider")
    assert isinstance(wanted, str)
    await users.select_provider(ledger_of(request).store, session_of(request), wanted)
    back = _safe_next(form.get("next")).removeprefix(PREFIX) or "/"
    raise redirect(back.split("?", 1)[0], "provider")


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    return await page(request, "home.html", screen="home")


@routes.get("")
async def home_bare(request: web.Request) -> web.Response:
    raise redirect("/")
