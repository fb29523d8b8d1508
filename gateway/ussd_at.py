"""USSD over HTTP, the Africa's Talking convention (PROTOCOLS.md).

``POST /ussd/at``: form fields ``sessionId``, ``serviceCode``, ``phoneNumber``,
``networkCode`` and ``text``, where ``text`` is every input of the session so far joined with
"*" ("" on the first step). The answer is ``200 text/plain`` "CON <screen>" (wait for input)
or "END <screen>". ``POST /ussd/at/events``: the end-of-session notification.

Reading ``text``: an input may itself contain "*", so it cannot be split. The session keeps
how many characters of ``text`` it has read (its cursor); the new input is what follows
"<read part>*". The step number is derived from ``text`` alone (0 for "", else the number of
"*" plus one): it grows with every step whatever the inputs hold, and the same request
always has the same number, which makes the idempotency key ``ussd:{sessionId}:{step}``.

Bad requests. A 4xx (or a body without CON/END) makes the aggregator drop the subscriber's
session with a generic network error, so a request that comes from a subscriber's session
gets "END <apology>" (200) in the fallback language, and the log says which field:
``phoneNumber`` missing or not a phone number, ``serviceCode`` missing or not a menu of this
gateway, ``text`` missing or over 1,000 characters. Only what cannot be a subscriber's
session at all gets ``400 {"error", "field"}``: a body that is not a UTF-8 urlencoded form
(``field: "body"``), and ``sessionId`` missing or malformed (no session exists to answer
into). An unknown MSISDN gets the localized "not a subscriber" END; an over-long or non-digit
input, the invalid-choice screen. Authentication failures get 403 before any of this.

``networkCode`` is optional and unused (the MSISDN identifies the provider's subscriber).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from aiohttp import web

from core.msisdn import InvalidMsisdn, normalize
from gateway.auth import CallbackAuth
from gateway.channels_http import BadField, form_fields
from gateway.metrics import Metrics
from gateway.ussd_dialogue import UssdDialogue, UssdHop
from menus.present import Reply

log = logging.getLogger(__name__)
SESSION_ID = re.compile(r"[A-Za-z0-9_.:\-]{1,128}")
MAX_TEXT = 1_000
_CODE = re.compile(r"\*([0-9]+)((?:\*[0-9]+)*)#")


def step_of(text: str) -> int:
    """The step a cumulative ``text`` belongs to: 0 for "", else inputs so far (each input
    adds one "*" plus whatever it holds, so this grows strictly along a session)."""
    return text.count("*") + 1 if text else 0


def new_input(text: str, cursor: int) -> str | None:
    """What ``text`` adds after the ``cursor`` characters already read; None if it does not
    extend them the Africa's Talking way ("<read part>*<new input>")."""
    if cursor == 0:
        return text
    if len(text) > cursor and text[cursor] == "*":
        return text[cursor + 1:]
    return None


@lru_cache(maxsize=65_536)
def e164(phone: str, region: str) -> str:
    """``phoneNumber`` in E.164; raises InvalidMsisdn. Memoized: parsing with phonenumbers
    costs more than the rest of the request's parsing, and a subscriber sends the same
    number at every step."""
    return normalize(phone, region)


@lru_cache(maxsize=1_024)
def split_code(service_code: str) -> tuple[str, str | None] | None:
    """``*100*1#`` -> (``*100#``, "1"); ``*100#`` -> (``*100#``, None); None if malformed.
    Memoized: a gateway serves a few codes and shortcuts, sent again at every step."""
    found = _CODE.fullmatch(service_code.strip())
    if found is None:
        return None
    extension = found.group(2)[1:]
    return f"*{found.group(1)}#", extension or None


class AfricasTalking:
    def __init__(self, dialogue: UssdDialogue, auth: CallbackAuth, metrics: Metrics,
                 default_region: str) -> None:
        self.dialogue = dialogue
        self.auth = auth
        self.metrics = metrics
        self.region = default_region

    async def callback(self, request: web.Request) -> web.Response:
        body = await request.read()
        refusal = self.auth.refusal(request, body)
        if refusal is not None:
            return self.auth.forbidden(request, refusal)
        try:
            fields, session_id = _session_form(request, body)
        except BadField as exc:
            return exc.response()
        phone, code, text = fields.get("phoneNumber"), fields.get("serviceCode"), fields.get("text")
        if phone is None or code is None or text is None:
            missing = [n for n, v in (("phoneNumber", phone), ("serviceCode", code),
                                      ("text", text)) if v is None]
            return self._apology(session_id, f"missing {', '.join(missing)}")
        try:
            msisdn = e164(phone, self.region)
        except InvalidMsisdn:
            return self._apology(session_id, "phoneNumber is not a phone number")
        split = split_code(code)
        if split is None:
            return self._apology(session_id, "serviceCode is not a USSD code")
        if len(text) > MAX_TEXT:
            return self._apology(session_id, f"text is over {MAX_TEXT} characters")
        record = await self.dialogue.load(session_id)
        hop = UssdHop(session_id=session_id, msisdn=msisdn, service_code=split[0],
                      extension=split[1], step=step_of(text),
                      input=new_input(text, record.cursor) if record is not None else None,
                      cursor=len(text))
        return _answer(await self.dialogue.hop(hop, record))

    async def events(self, request: web.Request) -> web.Response:
        """The aggregator's end-of-session notice: count it and drop the session."""
        body = await request.read()
        refusal = self.auth.refusal(request, body)
        if refusal is not None:
            return self.auth.forbidden(request, refusal)
        try:
            fields, session_id = _session_form(request, body)
        except BadField as exc:
            return exc.response()
        status = fields.get("status", "")
        self.metrics.session_ended(status)
        await self.dialogue.forget(session_id)
        log.debug("ussd session ended", extra={"session": session_id, "status": status})
        return web.json_response({"status": "ok"})

    def _apology(self, session_id: str, problem: str) -> web.Response:
        log.warning("ussd request refused: %s", problem,
                    extra={"session": session_id, "problem": problem})
        self.metrics.menu_step("unknown", "refused")
        return _answer(self.dialogue.apology(None))


def _session_form(request: web.Request, body: bytes) -> tuple[dict[str, str], str]:
    """The callback's form fields and its checked sessionId; BadField naming the field."""
    fields = form_fields(request, body)
    session_id = fields.get("sessionId", "")
    if not SESSION_ID.fullmatch(session_id):
        raise BadField("sessionId", "missing or malformed (1-128 of A-Z a-z 0-9 _ . : -)")
    return fields, session_id


def _answer(reply: Reply) -> web.Response:
    prefix = "END " if reply.end else "CON "
    return web.Response(text=prefix + reply.text, content_type="text/plain", charset="utf-8")
