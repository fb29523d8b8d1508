"""The notification sender in the app: started and stopped in ``cleanup_ctx``.

``setup_notifications(app)`` is called in ``create_app`` after the channels' and the SMPP link's
set-up (its start-up step reads ``app[CHANNELS]`` and ``app[SMPP_LINK]``, and, appended later,
it stops before them). It does nothing unless both ``[smpp] enabled`` and ``[notifications]
enabled``: without a bind there is no way to send, and the rows wait in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from gateway.channels import Channels
from gateway.keys import CHANNELS, LEDGER, METRICS, SETTINGS, SMPP_LINK
from gateway.notification_sender import NotificationSender, Rendering, SenderPolicy
from gateway.settings import Settings

NOTIFICATIONS = web.AppKey("notifications", NotificationSender)
STOP_GRACE_S = 5.0  # then the round is cancelled; rows it held go out after their lease


def policy_of(settings: Settings) -> SenderPolicy:
    n = settings.notifications
    return SenderPolicy(poll_s=n.poll_interval_ms / 1000, batch=n.batch,
                        max_age_s=n.max_age_s, max_attempts=n.max_attempts)


def rendering_of(channels: Channels) -> Rendering:
    # Every menu is bound to the same provider, so any one shows numbers the provider's way.
    display = next((m.bound.display_number for m in channels.menus.values()), str)
    return Rendering(channels.renderer, channels.provider, display)


def setup_notifications(app: web.Application) -> None:
    settings = app[SETTINGS]
    if settings.smpp.enabled and settings.notifications.enabled:
        app.cleanup_ctx.append(notifications_ctx)


async def notifications_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    sender = NotificationSender(
        app[LEDGER], app[SMPP_LINK],
        # Read at every round: the console may reload the channels while the gateway runs.
        lambda: rendering_of(app[CHANNELS]),
        source_addr=settings.smpp.sms_short_code, policy=policy_of(settings),
        metrics=app.get(METRICS))
    app[NOTIFICATIONS] = sender
    task = asyncio.create_task(sender.run(), name="notifications")
    yield
    sender.stop()
    done, _ = await asyncio.wait({task}, timeout=STOP_GRACE_S)
    if not done:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
