"""A menu session: where the subscriber is in the menu and what they have answered so far.

One small JSON value (the gateway stores it per USSD session, with a TTL): a state name, the
session language, a few typed answers (recipient MSISDN, amount in minor units, product name)
and the page of the current list. Never a voucher PIN: the engine hands a PIN to the ledger in
the step that receives it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

Answer = str | int


@dataclass(frozen=True, slots=True)
class MenuSession:
    state: str
    language: str
    answers: Mapping[str, Answer] = field(default_factory=dict)
    page: int = 0
    noticed: bool = False  # the current screen shows the invalid-choice line

    def at(self, state: str) -> MenuSession:
        """The session on the first screen of ``state`` (answers kept)."""
        return replace(self, state=state, page=0, noticed=False)

    def answer(self, name: str, value: Answer) -> MenuSession:
        return replace(self, answers={**self.answers, name: value})

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "lang": self.language, "answers": dict(self.answers),
                "page": self.page, "noticed": self.noticed}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> MenuSession:
        """Raises ValueError (or KeyError/TypeError) on a value this version did not write."""
        answers = raw["answers"]
        if not isinstance(answers, dict) or not all(
            isinstance(k, str) and isinstance(v, str | int) and not isinstance(v, bool)
            for k, v in answers.items()
        ):
            raise ValueError("answers must map names to strings or integers")
        state, language, page, noticed = raw["state"], raw["lang"], raw["page"], raw["noticed"]
        if not (isinstance(state, str) and isinstance(language, str) and isinstance(page, int)
                and isinstance(noticed, bool)):
            raise ValueError("malformed menu session")
        return cls(state, language, answers, page, noticed)
