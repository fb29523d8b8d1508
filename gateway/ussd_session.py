"""The stored USSD session: the menu session plus what the channel needs to tell a new step
from a replayed one. One JSON value per session id (gateway.sessions), for example::

    {"v": 1, "msisdn": "+254700000001", "code": "*100#", "step": 2, "cursor": 12,
     "reply": "Send KES 50.00 to ...", "end": false,
     "menu": {"state": "transfer_confirm", "lang": "en", "page": 0, "noticed": false,
              "answers": {"recipient": "+254700000002", "amount": 5000}}}

``step`` is the last step answered and ``reply``/``end`` what it answered, so a replayed step
gets the same screen without running anything again. ``cursor`` is how much of the channel's
cumulative input the session has read (Africa's Talking: characters of ``text``); the input
itself is not kept, since it may hold a voucher PIN.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from menus.present import Reply
from menus.session import MenuSession

VERSION = 1


@dataclass(frozen=True, slots=True)
class UssdRecord:
    msisdn: str
    service_code: str
    menu: MenuSession
    step: int
    cursor: int
    reply: Reply


def encode(record: UssdRecord) -> str:
    """The record as compact JSON, the same text as ``json.dumps(..., ensure_ascii=False,
    separators=(",", ":"))`` of the documented object (a test holds the two equal), built
    directly: every step writes one, and going through ``json.dumps`` with its intermediate
    dicts cost about twice as much. Strings go through json's own escaper."""
    menu = record.menu
    answers = json.dumps(dict(menu.answers), ensure_ascii=False, separators=(",", ":")
                         ) if menu.answers else "{}"
    return (
        f'{{"v":{VERSION},"msisdn":{encode_basestring(record.msisdn)},'
        f'"code":{encode_basestring(record.service_code)},"step":{int(record.step)},'
        f'"cursor":{int(record.cursor)},"reply":{encode_basestring(record.reply.text)},'
        f'"end":{"true" if record.reply.end else "false"},'
        f'"menu":{{"state":{encode_basestring(menu.state)},'
        f'"lang":{encode_basestring(menu.language)},"answers":{answers},'
        f'"page":{int(menu.page)},"noticed":{"true" if menu.noticed else "false"}}}}}'
    )


def decode(text: str) -> UssdRecord | None:
    """None for a value this version cannot read (another version's, or damaged): the session
    then starts again, which moves no money."""
    try:
        raw: Any = json.loads(text)
        if raw.get("v") != VERSION:
            return None
        msisdn, code, step, cursor = raw["msisdn"], raw["code"], raw["step"], raw["cursor"]
        reply, end = raw["reply"], raw["end"]
        if not (isinstance(msisdn, str) and isinstance(code, str) and isinstance(step, int)
                and isinstance(cursor, int) and isinstance(reply, str)
                and isinstance(end, bool)):
            return None
        return UssdRecord(msisdn, code, MenuSession.from_json(raw["menu"]), step, cursor,
                          Reply(reply, end))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
