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
    return json.dumps({
        "v": VERSION, "msisdn": record.msisdn, "code": record.service_code,
        "step": record.step, "cursor": record.cursor, "reply": record.reply.text,
        "end": record.reply.end, "menu": record.menu.to_json(),
    }, ensure_ascii=False, separators=(",", ":"))


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
