"""IVR balance announcements: ``POST /ivr/balance``.

Fields (a form, as Twilio posts, or a JSON object; ``format`` may also be a query parameter,
since an IVR platform's webhook URL is where it can be configured):

* ``msisdn`` or ``From``: the caller (required);
* ``language``: the announcement language (default: the wallet's; a language the provider
  does not offer falls back to its fallback language);
* ``plan``: a cumulative balance plan (default ``[ivr] default_plan``);
* ``format``: ``json`` (announcements.ivr_json), ``twiml`` or ``vxml``. Without it the
  Accept header picks: application/voicexml+xml -> vxml, application/xml or text/xml ->
  twiml, anything else -> json.

Errors are ``400 {"error", "field"}`` naming the field (a missing or unparseable msisdn, a
malformed language, an unknown plan or format). An unknown subscriber is 404 in JSON; in
TwiML or VoiceXML it is a document playing ``errors/not_a_subscriber`` (a 4xx would make the
IVR platform play its own generic failure message to the caller).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

from aiohttp import web

from announcements.ivr_json import sequence_json
from announcements.loading import ProviderPlans
from announcements.prompts import AnnouncementSequence
from announcements.recordings import RecordingLocation
from announcements.sequence import plan_sequence
from announcements.twiml import twiml_play
from announcements.voicexml import voicexml_document
from core.msisdn import InvalidMsisdn
from core.service import Ledger
from gateway.auth import CallbackAuth
from gateway.channels_http import BadField, body_fields
from gateway.ivr_prompts import NOT_A_SUBSCRIBER
from translations.renderer import Renderer

LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
TWIML_TYPE = "application/xml"
VXML_TYPE = "application/voicexml+xml"


class IvrFormat(StrEnum):
    JSON = "json"
    TWIML = "twiml"
    VXML = "vxml"


def pick_format(given: str | None, accept: str) -> IvrFormat:
    if given:
        try:
            return IvrFormat(given.strip().lower())
        except ValueError:
            raise BadField("format", "one of json, twiml, vxml") from None
    accept = accept.lower()
    if "voicexml" in accept:
        return IvrFormat.VXML
    if "application/xml" in accept or "text/xml" in accept:
        return IvrFormat.TWIML
    return IvrFormat.JSON


def caller(fields: Mapping[str, str], ledger: Ledger) -> str:
    """The caller's MSISDN in E.164 (``msisdn`` or Twilio's ``From``)."""
    raw = fields.get("msisdn") or fields.get("From")
    if not raw:
        raise BadField("msisdn", "missing (msisdn or From)")
    try:
        return ledger.msisdn(raw)
    except InvalidMsisdn:
        raise BadField("msisdn", "not a phone number") from None


def requested_language(fields: Mapping[str, str]) -> str | None:
    language = fields.get("language") or None
    if language is not None and not LANGUAGE.fullmatch(language):
        raise BadField("language", "not a language code (e.g. en, sw, fr_CA)")
    return language


def sequence_response(sequence: AnnouncementSequence, form: IvrFormat,
                      recordings: RecordingLocation) -> web.Response:
    if form is IvrFormat.TWIML:
        return web.Response(body=twiml_play(sequence, recordings), content_type=TWIML_TYPE,
                            charset="utf-8")
    if form is IvrFormat.VXML:
        return web.Response(body=voicexml_document(sequence, recordings),
                            content_type=VXML_TYPE, charset="utf-8")
    return web.json_response(sequence_json(sequence))


class IvrBalance:
    def __init__(self, *, ledger: Ledger, auth: CallbackAuth, renderer: Renderer,
                 plans: ProviderPlans, default_plan: str, recordings: RecordingLocation
                 ) -> None:
        self.ledger = ledger
        self.auth = auth
        self.renderer = renderer
        self.plans = plans
        self.default_plan = default_plan
        self.recordings = recordings

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        refusal = self.auth.refusal(request, body)
        if refusal is not None:
            return self.auth.forbidden(request, refusal)
        try:
            fields = body_fields(request, body)
            form = pick_format(fields.get("format") or request.query.get("format"),
                               request.headers.get("Accept", ""))
            msisdn = caller(fields, self.ledger)
            language = requested_language(fields)
            plan_name = fields.get("plan") or self.default_plan
            plan = self.plans.plan(plan_name)
            if plan is None:
                raise BadField("plan", f"no plan named {plan_name!r}")
        except BadField as exc:
            return exc.response()
        wallet = await self.ledger.wallet(msisdn)
        if wallet is None:
            if form is IvrFormat.JSON:
                return web.json_response({"error": "unknown subscriber", "field": "msisdn"},
                                         status=404)
            spoken = self.renderer.language_for(language)
            return sequence_response(AnnouncementSequence(spoken, (NOT_A_SUBSCRIBER,)), form,
                                     self.recordings)
        spoken = self.renderer.language_for(language or wallet.language)
        return sequence_response(plan_sequence(wallet, plan, spoken), form, self.recordings)
