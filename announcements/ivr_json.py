"""The announcement sequence as plain JSON data, for IVR platforms that play it themselves.

``{"language": "en", "prompts": [{"set": "balance", "entry": "you_have", "variables":
[{"type": "amount", "minor": 10050, "currency": "KES"}]}]}``. Values stay integers in their
smallest unit; the platform speaks them with its own number/currency prompts.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from announcements.prompts import Amount, AnnouncementSequence, Days, Units, Variable


class AmountJson(TypedDict):
    type: Literal["amount"]
    minor: int
    currency: str


class UnitsJson(TypedDict):
    type: Literal["units"]
    value: int
    kind: str  # core.units.UnitKind value: time (seconds), data (bytes), units, counter


class DaysJson(TypedDict):
    type: Literal["days"]
    count: int


VariableJson = AmountJson | UnitsJson | DaysJson


class PromptJson(TypedDict):
    set: str
    entry: str
    variables: list[VariableJson]


class SequenceJson(TypedDict):
    language: str
    prompts: list[PromptJson]


def sequence_json(sequence: AnnouncementSequence) -> SequenceJson:
    """A dict ready for ``json.dumps``."""
    return {
        "language": sequence.language,
        "prompts": [
            {"set": p.set, "entry": p.entry, "variables": [variable_json(v) for v in p.variables]}
            for p in sequence.prompts
        ],
    }


def variable_json(variable: Variable) -> VariableJson:
    match variable:
        case Amount(minor=minor, currency=currency):
            return {"type": "amount", "minor": minor, "currency": currency}
        case Units(value=value, kind=kind):
            return {"type": "units", "value": value, "kind": kind.value}
        case Days(count=count):
            return {"type": "days", "count": count}
