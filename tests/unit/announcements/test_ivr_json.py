from __future__ import annotations

import json

from announcements.ivr_json import sequence_json
from announcements.prompts import Amount, AnnouncementSequence, Days, Prompt, Units
from core.units import UnitKind


def test_the_sequence_as_json_keeps_typed_integer_variables() -> None:
    sequence = AnnouncementSequence(
        "en",
        (
            Prompt("balance", "airtime"),
            Prompt("balance", "you_have", (Amount(10_050, "KES"),)),
            Prompt("balance", "data_left", (Units(1_500_000, UnitKind.DATA),)),
            Prompt("balance", "expires_in", (Days(3),)),
        ),
    )
    data = sequence_json(sequence)
    assert json.loads(json.dumps(data)) == {
        "language": "en",
        "prompts": [
            {"set": "balance", "entry": "airtime", "variables": []},
            {
                "set": "balance",
                "entry": "you_have",
                "variables": [{"type": "amount", "minor": 10_050, "currency": "KES"}],
            },
            {
                "set": "balance",
                "entry": "data_left",
                "variables": [{"type": "units", "value": 1_500_000, "kind": "data"}],
            },
            {
                "set": "balance",
                "entry": "expires_in",
                "variables": [{"type": "days", "count": 3}],
            },
        ],
    }
