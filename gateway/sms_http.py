"""SMS keywords over HTTP: ``POST /sms/twilio``, a Twilio-style messaging webhook.

Request: ``application/x-www-form-urlencoded`` with ``From`` (the subscriber), ``To`` (our
number; unused, as the USSD ``networkCode`` is), ``Body`` (the text) and ``MessageSid`` (the
network's id of the message). The text goes to the transport-free SMS keyword service
(gateway/sms_service.py, ``app[SMS]``), the same one the SMPP link uses.

Answer: ``200 application/xml`` TwiML, one ``<Message>`` per reply text (a reply of several
messages is several ``<Message>`` elements; Twilio sends each):
``<Response><Message>Airtime KES 100.00 ...</Message></Response>``.

Idempotent per message. Twilio retries a webhook that fails or times out with the same
``MessageSid``. The money step's idempotency key is the service's
``sms:{msisdn}:twilio:{MessageSid}``, so a retry moves nothing twice; and the first reply is
kept (``REPLY_TTL_S``, in the session store's backend with a prefix of its own, so every gateway
process sharing Redis answers alike), so a retry gets the same words too, even for ``BAL`` after
the balance has moved.

Same callback authentication as USSD and IVR (gateway/auth.py; 403 before anything is parsed).
Bad requests get ``400 {"error", "field"}``: a body that is not a UTF-8 form, ``MessageSid``
missing or malformed, ``From`` missing or not a phone number, ``Body`` missing or over
``MAX_BODY`` characters. Nothing here logs ``Body``: it may hold a voucher PIN.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Sequence

from aiohttp import web

from announcements.xml_document import xml_document
from core.msisdn import InvalidMsisdn
from gateway.auth import CallbackAuth
from gateway.channels_http import BadField, form_fields
from gateway.keys import LEDGER, METRICS, SETTINGS, SMS
from gateway.sessions import SessionStore, open_session_store

log = logging.getLogger(__name__)

PATH = "/sms/twilio"
TWIML_TYPE = "application/xml"
# Twilio's SIDs are two letters and 32 hex digits; other platforms' ids are accepted if tame.
MESSAGE_SID = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")
MAX_BODY = 1_600  # Twilio's own limit for one (concatenated) message
# Retries come within minutes; after this a retry still moves no money (the ledger keeps the
# outcome per key for good), it may only word a BAL reply with the newer balance.
REPLY_TTL_S = 3_600
REPLY_PREFIX = "sms-http-reply:"

REPLIES: web.AppKey[SessionStore] = web.AppKey("sms_http_replies")


def twiml_messages(texts: Sequence[str]) -> bytes:
    """``<Response>`` with one ``<Message>`` per text (ElementTree escapes them)."""
    response = ET.Element("Response")
    for text in texts:
        ET.SubElement(response, "Message").text = text
    return xml_document(response)


def _twiml(texts: Sequence[str]) -> web.Response:
    return web.Response(body=twiml_messages(texts), content_type=TWIML_TYPE, charset="utf-8")


class TwilioSms:
    def __init__(self, auth: CallbackAuth) -> None:
        self.auth = auth

    async def callback(self, request: web.Request) -> web.Response:
        body = await request.read()
        refusal = self.auth.refusal(request, body)
        if refusal is not None:
            return self.auth.forbidden(request, refusal)
        app = request.app
        try:
            fields = form_fields(request, body)
            sid = fields.get("MessageSid", "")
            if not MESSAGE_SID.fullmatch(sid):
                raise BadField("MessageSid", "missing or malformed (1-64 of A-Z a-z 0-9 _ . : -)")
            raw_from = fields.get("From")
            if not raw_from:
                raise BadField("From", "missing")
            try:
                msisdn = app[LEDGER].msisdn(raw_from)
            except InvalidMsisdn:
                raise BadField("From", "not a phone number") from None
            text = fields.get("Body")
            if text is None:
                raise BadField("Body", "missing")
            if len(text) > MAX_BODY:
                raise BadField("Body", f"over {MAX_BODY} characters")
        except BadField as exc:
            return exc.response()
        replies = app[REPLIES]
        key = f"{msisdn}:{sid}"  # as the service's idempotency key: one message of one sender
        kept = await replies.get(key)
        if kept is not None:
            log.info("sms over http: replayed", extra={"channel": "sms", "message_sid": sid})
            return _twiml(json.loads(kept))
        # "twilio:": the SMPP link's message ids share the service's key space.
        reply = await app[SMS].handle(msisdn, text, message_id=f"twilio:{sid}")
        await replies.put(key, json.dumps(list(reply.texts), ensure_ascii=False))
        log.info("sms over http: %s", reply.result,
                 extra={"channel": "sms", "message_sid": sid, "result": reply.result})
        return _twiml(reply.texts)


def setup_sms_http(app: web.Application) -> None:
    """``POST /sms/twilio``; its reply store opens and closes with the app. Needs the channels
    set up first (``/metrics`` and the SMS service)."""
    settings = app[SETTINGS]
    endpoint = TwilioSms(CallbackAuth(settings.security))

    async def replies(app: web.Application) -> AsyncIterator[None]:
        store_settings = dataclasses.replace(
            settings.sessions, ttl_s=REPLY_TTL_S,
            key_prefix=settings.sessions.key_prefix + REPLY_PREFIX)
        store = open_session_store(store_settings)
        app[REPLIES] = store
        yield
        await store.close()

    app.cleanup_ctx.append(replies)
    app.router.add_post(PATH, app[METRICS].instrument("sms", PATH, endpoint.callback))
