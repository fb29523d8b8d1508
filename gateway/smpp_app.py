"""SMS keywords and the SMPP bind in the app's lifecycle (``cleanup_ctx``, after the channels).

* ``setup_sms``: the transport-free ``SmsService`` (app[SMS]) and its store of pending transfer
  confirmations: the session store's backend (memory, or Redis shared by every gateway
  process) with its own key prefix and a TTL just over the five minutes a YES may take.
* ``setup_smpp``: when ``[smpp] enabled``, an ``SmppSession`` (app[SMPP_LINK]) that binds as a
  transceiver, keeps itself bound (reconnects with capped back-off) and hands what arrives to
  ``SmppChannel``; closed with a clean unbind at shutdown. Start-up does not wait for the
  bind: ``/readyz`` says whether it is bound. The dialect and the bind type are checked when
  the app is created, so a typo stops ``selfcare serve`` at once, naming the key.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import AsyncIterator
from dataclasses import replace

from aiohttp import web

from gateway.channels import ChannelConfigError
from gateway.keys import (
    CHANNEL_LISTENERS,
    CHANNELS,
    LEDGER,
    METRICS,
    SESSIONS,
    SETTINGS,
    SMPP_LINK,
    SMS,
)
from gateway.sessions import Clock, open_session_store
from gateway.settings import SmppBind, SmppSettings
from gateway.smpp import Backoff, SmppConfig, SmppSession
from gateway.smpp_channel import SmppChannel, SmppMetrics
from gateway.smpp_ussd import SmppUssd
from gateway.smpp_ussd_dialects import UnknownDialect, UssdDialect, dialect_named
from gateway.sms_service import PENDING_TTL_S, PendingTransfers, SmsService
from gateway.ussd_dialogue import UssdDialogue
from menus.sms_keywords import Keywords, KeywordsError

log = logging.getLogger(__name__)

USSD_SMPP_CHANNEL = "ussd_smpp"


def setup_sms(app: web.Application, *, clock: Clock | None = None) -> None:
    """app[SMS] once the channels are built; ``clock`` drives the in-memory TTL (tests)."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        settings = app[SETTINGS]
        sessions = settings.sessions
        store = open_session_store(
            replace(sessions, ttl_s=PENDING_TTL_S,
                    key_prefix=f"{sessions.key_prefix}sms-pending:"), clock)
        pending = PendingTransfers(store)
        path = settings.provider.config_dir / "sms" / "keywords.toml"
        built = app[CHANNELS]
        try:
            service = SmsService.build(ledger=app[LEDGER], renderer=built.renderer,
                                       menus=built.menus, keywords=Keywords.load(path),
                                       pending=pending, metrics=app[METRICS])
        except (OSError, tomllib.TOMLDecodeError, KeywordsError, ValueError) as exc:
            await pending.close()
            raise ChannelConfigError(f"{path}: {exc}") from None
        app[SMS] = service
        app[CHANNEL_LISTENERS].append(lambda channels: service.use(channels.renderer,
                                                                   channels.menus))
        yield
        await pending.close()

    app.cleanup_ctx.append(context)


def smpp_config(settings: SmppSettings) -> SmppConfig:
    """The bind's settings; raises ChannelConfigError naming the key this gateway cannot do."""
    if settings.bind is not SmppBind.TRANSCEIVER:
        raise ChannelConfigError(
            f"smpp.bind: only \"transceiver\" is supported (USSD and SMS replies go out on the "
            f"bind they came in on), got {settings.bind.value!r}")
    return SmppConfig(
        host=settings.host, port=settings.port, system_id=settings.system_id,
        password=settings.password.reveal(), system_type=settings.system_type,
        response_timeout_s=float(settings.response_timeout_s),
        enquire_link_interval_s=float(settings.enquire_link_s),
        window_size=settings.window, submits_per_s=float(settings.throughput_per_s),
        # A burst of one window's worth: a full window of replies may be due at once.
        submit_burst=settings.window,
        reconnect_backoff=Backoff(float(settings.reconnect_min_s),
                                  float(settings.reconnect_max_s)))


def dialect_of(settings: SmppSettings) -> UssdDialect:
    try:
        return dialect_named(settings.dialect)
    except UnknownDialect as exc:
        raise ChannelConfigError(str(exc)) from None


def setup_smpp(app: web.Application) -> None:
    """The bind's lifecycle when ``[smpp] enabled``; the dialect is checked either way."""
    settings = app[SETTINGS].smpp
    dialect = dialect_of(settings)
    if not settings.enabled:
        return
    config = smpp_config(settings)

    async def context(app: web.Application) -> AsyncIterator[None]:
        built = app[CHANNELS]
        dialogue = UssdDialogue(ledger=app[LEDGER], menus=built.menus, store=app[SESSIONS],
                                renderer=built.renderer, metrics=app[METRICS],
                                channel=USSD_SMPP_CHANNEL)
        app[CHANNEL_LISTENERS].append(lambda channels: dialogue.use(channels.menus,
                                                                    channels.renderer))
        ussd = SmppUssd(dialogue, dialect, region=built.provider.default_region,
                        source_addr=settings.source_addr, service_type=settings.service_type)
        channel = SmppChannel(ussd=ussd, sms=app[SMS], sms_short_code=settings.sms_short_code,
                              metrics=SmppMetrics(app[METRICS]))
        session = SmppSession(config, channel)
        channel.attach(session)
        await session.start()
        app[SMPP_LINK] = session
        log.info("smpp: binding to %s:%d as %r (dialect %s)", config.host, config.port,
                 config.system_id, dialect.name)
        yield
        await session.close()

    app.cleanup_ctx.append(context)


def smpp_readiness(app: web.Application) -> str | None:
    """``"bound"`` or ``"not bound"`` when the bind is enabled, None when it is not."""
    if not app[SETTINGS].smpp.enabled:
        return None
    session = app.get(SMPP_LINK)
    return "bound" if session is not None and session.bound else "not bound"
