"""``selfcare serve``: logging, the app, graceful shutdown.

Logs are structured: with ``[logging] json = true`` one JSON object per line holding the
record's message and the fields handlers pass as ``extra`` (session, step, operation,
status, ...); otherwise plain text. No handler logs a voucher PIN, a raw USSD ``text`` (it may
hold one) or a secret.
"""

from __future__ import annotations

import gc
import json
import logging
import sys

from aiohttp import web

from gateway.app import create_app
from gateway.channels import ChannelConfigError
from gateway.settings import Settings

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
            "logger": record.name, "message": record.getMessage(),
        }
        entry.update((k, v) for k, v in record.__dict__.items() if k not in _STANDARD)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    if settings.logging.json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=settings.logging.level.value, handlers=[handler], force=True)
    # smpplib logs whole PDUs (bind passwords, PINs) at DEBUG: never let them through.
    logging.getLogger("smpplib").setLevel(logging.WARNING)


# Each full (gen-2) pass of the cyclic collector walks every object start-up made (templates,
# menus, catalog, ~68,000 objects): 34 ms of a stalled event loop measured on the demo
# configuration, which lands in the p99. Start-up objects are moved out of its sight
# (gc.freeze: a full pass then takes ~0 ms) and young passes run less often; request garbage
# is mostly acyclic and freed by reference counting anyway.
GC_THRESHOLDS = (50_000, 20, 100)


async def _settle_heap(app: web.Application) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def serve(settings: Settings) -> int:
    configure_logging(settings)
    if not settings.security.auth_enabled:
        logging.getLogger(__name__).warning(
            "callback authentication is OFF (demo configuration): do not expose this gateway")
    try:
        app = create_app(settings)
        app.on_startup.append(_settle_heap)  # after the ledger and channels are built
        web.run_app(app, host=settings.http.host, port=settings.http.port,
                    shutdown_timeout=settings.http.shutdown_timeout_s, access_log=None)
    except ChannelConfigError as exc:
        print(f"selfcare: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0
