"""Channels that follow the catalog and the provider documents while the gateway runs.

``reload_channels(app)`` rebuilds the channels (renderer, menus, plans) from the ledger and
swaps them into the app, so the very next USSD reply or IVR sequence uses them; the console
calls it after every save. Other gateway processes on the same database notice a change on
their next check (every ``WATCH_INTERVAL_S``): the catalog version or a document version moved.
A rebuild that fails leaves the running channels as they were and says why in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from gateway.channels import Channels, build_channels, install_channels
from gateway.console.documents import change_stamp
from gateway.keys import CHANNELS, LEDGER, SETTINGS

log = logging.getLogger(__name__)
WATCH_INTERVAL_S = 5.0


@dataclass(slots=True)
class ChannelWatch:
    interval_s: float = WATCH_INTERVAL_S
    stamp: tuple[Any, ...] | None = None  # what the installed channels were built from
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    reloads: int = 0
    last_error: str | None = None  # why the saved configuration does not run (console banner)


WATCH = web.AppKey("console_channel_watch", ChannelWatch)


async def reload_channels(app: web.Application) -> Channels:
    """Rebuild the channels from the ledger and install them. Raises ChannelConfigError
    (the running channels stay) when they cannot be built."""
    watch = app[WATCH]
    async with watch.lock:
        ledger = app[LEDGER]
        stamp = await change_stamp(ledger.store)  # read first: a later change reloads again
        try:
            built = await build_channels(app[SETTINGS], ledger)
        except Exception as exc:
            watch.last_error = str(exc)
            raise
        install_channels(app, built)
        watch.stamp = stamp
        watch.reloads += 1
        watch.last_error = None
        log.info("channels reloaded (catalog and provider documents %s)", stamp)
        return built


async def check_once(app: web.Application) -> bool:
    """Reload when another process changed what the channels are built from."""
    watch = app[WATCH]
    if await change_stamp(app[LEDGER].store) == watch.stamp:
        return False
    try:
        await reload_channels(app)
    except Exception:
        # Keep serving with what works; the stamp moves on so the log is not flooded.
        watch.stamp = await change_stamp(app[LEDGER].store)
        log.exception("channels not reloaded: the new configuration does not build")
        return False
    return True


def setup_watch(app: web.Application) -> None:
    app[WATCH] = ChannelWatch()

    async def context(app: web.Application) -> AsyncIterator[None]:
        watch = app[WATCH]
        if CHANNELS in app:
            watch.stamp = await change_stamp(app[LEDGER].store)
        task = asyncio.create_task(_watch(app), name="console-channel-watch")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(context)


async def _watch(app: web.Application) -> None:
    watch = app[WATCH]
    while True:
        await asyncio.sleep(watch.interval_s)
        if CHANNELS not in app:
            continue
        try:
            await check_once(app)
        except Exception:  # the ledger was unreachable: try again next round
            log.exception("channel watch failed")
