"""Typed application keys: every resource the handlers share, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from core.service import Ledger
from gateway.settings import Settings

if TYPE_CHECKING:  # the channel modules import these keys themselves
    from gateway.channels import ChannelHandlers, Channels
    from gateway.metrics import Metrics
    from gateway.sessions import SessionStore
    from gateway.ussd_dialogue import UssdDialogue

SETTINGS = web.AppKey("settings", Settings)
LEDGER = web.AppKey("ledger", Ledger)

# Channels (gateway/channels.py): built at start-up, read by every channel request.
CHANNELS: web.AppKey[Channels] = web.AppKey("channels")
CHANNEL_HANDLERS: web.AppKey[ChannelHandlers] = web.AppKey("channel_handlers")
SESSIONS: web.AppKey[SessionStore] = web.AppKey("sessions")
USSD: web.AppKey[UssdDialogue] = web.AppKey("ussd")
METRICS: web.AppKey[Metrics] = web.AppKey("metrics")
