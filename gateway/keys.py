"""Typed application keys: every resource the handlers share, in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from core.service import Ledger
from gateway.settings import Settings

if TYPE_CHECKING:  # the channel modules import these keys themselves
    from gateway.channels import ChannelHandlers, Channels
    from gateway.metrics import Metrics
    from gateway.sessions import SessionStore
    from gateway.smpp import SmppSession
    from gateway.sms_service import SmsService
    from gateway.ussd_dialogue import UssdDialogue

SETTINGS = web.AppKey("settings", Settings)
LEDGER = web.AppKey("ledger", Ledger)

# Channels (gateway/channels.py): built at start-up, read by every channel request.
CHANNELS: web.AppKey[Channels] = web.AppKey("channels")
CHANNEL_HANDLERS: web.AppKey[ChannelHandlers] = web.AppKey("channel_handlers")
SESSIONS: web.AppKey[SessionStore] = web.AppKey("sessions")
USSD: web.AppKey[UssdDialogue] = web.AppKey("ussd")
METRICS: web.AppKey[Metrics] = web.AppKey("metrics")

# SMS keyword commands, transport-free (gateway/sms_service.py): the SMPP adapter and HTTP SMS
# webhooks hand it (msisdn, text, message id) and send back what it answers.
SMS: web.AppKey[SmsService] = web.AppKey("sms")
# Called with the new Channels each time they are installed (start-up, console reload), by
# whatever keeps its own renderer or menus (the SMS service, the SMPP USSD dialogue), so a
# console edit reaches every channel, not only those that read app[CHANNELS] per request.
CHANNEL_LISTENERS: web.AppKey[list[Callable[[Channels], None]]] = web.AppKey("channel_listeners")
# The SMPP bind (gateway/smpp_channel.py), present only when ``[smpp] enabled``: USSD over SMPP
# and SMS keywords arrive on it; senders of SMS (notifications) call ``submit`` on it.
SMPP_LINK: web.AppKey[SmppSession] = web.AppKey("smpp_link")
