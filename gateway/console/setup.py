"""``setup_console(app)``: the console as a sub-application at ``/console`` with its own
middleware (login, CSRF), and the task that keeps this process's channels in step with edits
made by other processes."""

from __future__ import annotations

from aiohttp import web

from gateway.console import (
    reload,
    screen_auth,
    screen_plans,
    screen_translations,
    screen_types,
    screen_units,
    screen_vouchers,
    screen_wallets,
)
from gateway.console.web import HERE, MAIN_APP, PREFIX, TEMPLATES, guard, template_environment


def console_app(main: web.Application) -> web.Application:
    sub = web.Application(middlewares=[guard])
    sub[TEMPLATES] = template_environment()
    sub[MAIN_APP] = main
    for module in (screen_auth, screen_units, screen_types, screen_translations,
                   screen_plans, screen_wallets, screen_vouchers):
        sub.add_routes(module.routes)
    sub.router.add_static("/static/", HERE / "static", name="static")
    screen_vouchers.setup_jobs(sub)
    return sub


def setup_console(app: web.Application) -> None:
    """Mount the console; call after setup_channels (the reload needs the channels)."""
    app.add_subapp(PREFIX, console_app(app))
    reload.setup_watch(app)
