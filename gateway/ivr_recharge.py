"""Voucher recharge by phone: ``POST /ivr/recharge``, a TwiML ``<Gather>`` flow.

1. The call arrives (``From``, ``CallSid``, no ``Digits``): a ``<Gather input="dtmf">`` asks
   for the PIN (up to 20 keys, "#" ends) and posts them back here as ``Digits``; without an
   answer a ``<Redirect>`` asks again, up to three times, then says goodbye.
2. ``Digits`` arrive: the PIN goes to the ledger with the idempotency key
   ``ivr:{CallSid}:{attempt}``, so a webhook the platform retries recharges once and plays
   the same outcome; the outcome announcement is the answer (after a wrong PIN with attempts
   left, followed by a new ``<Gather>``).

The attempt number and the caller's language travel in the action URL's query (relative to
this one, so a path prefix before the gateway keeps working). The PIN is never logged or
echoed. Same authentication as every callback; a request without ``From``/``msisdn`` or
without ``CallSid`` gets ``400 {"error", "field"}``.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from aiohttp import web

from announcements.prompts import AnnouncementSequence, Prompt
from announcements.recordings import RecordingLocation
from announcements.twiml import twiml_gather, twiml_play
from core.catalog import Provider
from core.pins import looks_like_pin
from core.service import Ledger
from gateway.auth import CallbackAuth
from gateway.channels_http import BadField, body_fields
from gateway.ivr import LANGUAGE, TWIML_TYPE, caller
from gateway.ivr_prompts import (
    ENTER_PIN,
    GENERIC_ERROR,
    INVALID_PIN,
    NO_INPUT,
    NOT_A_SUBSCRIBER,
    recharge_prompts,
)
from gateway.metrics import Metrics
from translations.renderer import Renderer

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
PIN_MAX_DIGITS = 20
GATHER_TIMEOUT_S = 10
CALL_SID_MAX = 64


class IvrRecharge:
    def __init__(self, *, ledger: Ledger, auth: CallbackAuth, renderer: Renderer,
                 provider: Provider, recordings: RecordingLocation, metrics: Metrics) -> None:
        self.ledger = ledger
        self.auth = auth
        self.renderer = renderer
        self.provider = provider
        self.recordings = recordings
        self.metrics = metrics

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        refusal = self.auth.refusal(request, body)
        if refusal is not None:
            return self.auth.forbidden(request, refusal)
        try:
            fields = body_fields(request, body)
            msisdn = caller(fields, self.ledger)
            call = fields.get("CallSid", "")
            if not call or len(call) > CALL_SID_MAX or not call.isprintable():
                raise BadField("CallSid", "missing or malformed")
        except BadField as exc:
            return exc.response()
        attempt = _attempt(request.query.get("attempt"))
        language = request.query.get("language", "")
        if not LANGUAGE.fullmatch(language):
            wallet = await self.ledger.wallet(msisdn)
            if wallet is None:
                return self._play((NOT_A_SUBSCRIBER,), self.renderer.language_for(None))
            language = self.renderer.language_for(wallet.language)
        else:
            language = self.renderer.language_for(language)
        digits = fields.get("Digits")
        if digits is None:
            if attempt > MAX_ATTEMPTS:
                return self._play((NO_INPUT,), language)
            return self._gather((ENTER_PIN,), language, attempt)
        pin = digits.strip().rstrip("#")
        if not looks_like_pin(pin):
            if attempt >= MAX_ATTEMPTS:
                return self._play((INVALID_PIN, NO_INPUT), language)
            return self._gather((INVALID_PIN, ENTER_PIN), language, attempt + 1)
        try:
            outcome = await self.ledger.recharge(msisdn, pin, key=f"ivr:{call}:{attempt}",
                                                 channel="ivr")
        except Exception:
            log.exception("IVR recharge failed", extra={"call": call})
            return self._play((GENERIC_ERROR,), language)
        self.metrics.ledger_outcome("ivr", "recharge", outcome.status.value)
        log.info("ivr recharge: %s", outcome.status.value,
                 extra={"call": call, "msisdn": msisdn, "status": outcome.status.value,
                        "replayed": outcome.replayed})
        prompts, retry = recharge_prompts(outcome, self.provider, self.ledger.clock())
        if retry and attempt < MAX_ATTEMPTS:
            return self._gather((*prompts, ENTER_PIN), language, attempt + 1)
        return self._play(prompts, language)

    def _gather(self, prompts: tuple[Prompt, ...], language: str, attempt: int
                ) -> web.Response:
        action = "recharge?" + urlencode({"attempt": attempt, "language": language})
        again = "recharge?" + urlencode({"attempt": attempt + 1, "language": language})
        document = twiml_gather(AnnouncementSequence(language, prompts), self.recordings,
                                action_url=action, num_digits=PIN_MAX_DIGITS,
                                timeout_s=GATHER_TIMEOUT_S, finish_on_key="#",
                                redirect_url=again)
        return web.Response(body=document, content_type=TWIML_TYPE, charset="utf-8")

    def _play(self, prompts: tuple[Prompt, ...], language: str) -> web.Response:
        document = twiml_play(AnnouncementSequence(language, prompts), self.recordings)
        return web.Response(body=document, content_type=TWIML_TYPE, charset="utf-8")


def _attempt(raw: str | None) -> int:
    if raw is None or not raw.isascii() or not raw.isdigit():
        return 1
    return max(1, min(int(raw), MAX_ATTEMPTS + 1))
