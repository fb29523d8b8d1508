"""``selfcare serve``: logging, the app, graceful shutdown."""

from __future__ import annotations

import logging

from aiohttp import web

from gateway.app import create_app
from gateway.settings import Settings


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.logging.level.value,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # smpplib logs whole PDUs (bind passwords, PINs) at DEBUG: never let them through.
    logging.getLogger("smpplib").setLevel(logging.WARNING)


def serve(settings: Settings) -> int:
    configure_logging(settings)
    if not settings.security.auth_enabled:
        logging.getLogger(__name__).warning(
            "callback authentication is OFF (demo configuration): do not expose this gateway")
    web.run_app(create_app(settings), host=settings.http.host, port=settings.http.port,
                shutdown_timeout=settings.http.shutdown_timeout_s, access_log=None)
    return 0
