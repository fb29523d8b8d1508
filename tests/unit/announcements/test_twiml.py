"""TwiML output, checked by parsing it back."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from announcements.prompts import Amount, AnnouncementSequence, Days, Prompt, Units
from announcements.recordings import RecordingLocation
from announcements.twiml import twiml_gather, twiml_play
from core.units import UnitKind

RECORDINGS = RecordingLocation("https://ivr.example/prompts")
SEQUENCE = AnnouncementSequence(
    "en_KE",
    (
        Prompt("balance", "airtime"),
        Prompt("balance", "you_have", (Amount(10_050, "KES"),)),
        Prompt("balance", "expires_in", (Days(3),)),
        Prompt("balance", "minutes", (Units(90, UnitKind.TIME), Units(4, UnitKind.UNITS))),
    ),
)


def parse(document: bytes) -> ET.Element:
    assert document.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(document)


def test_prompts_become_play_then_say_per_variable() -> None:
    root = parse(twiml_play(SEQUENCE, RECORDINGS))
    assert root.tag == "Response"
    assert [(e.tag, e.text, e.attrib) for e in root] == [
        ("Play", "https://ivr.example/prompts/en_KE/balance/airtime.wav", {}),
        ("Play", "https://ivr.example/prompts/en_KE/balance/you_have.wav", {}),
        ("Say", "100 Kenyan shillings and 50 cents", {"language": "en-KE"}),
        ("Play", "https://ivr.example/prompts/en_KE/balance/expires_in.wav", {}),
        ("Say", "3 days", {"language": "en-KE"}),
        ("Play", "https://ivr.example/prompts/en_KE/balance/minutes.wav", {}),
        ("Say", "1 minute and 30 seconds", {"language": "en-KE"}),
        ("Say", "4", {"language": "en-KE"}),
    ]


def test_the_tts_language_and_voice_can_be_chosen() -> None:
    root = parse(twiml_play(SEQUENCE, RECORDINGS, say_language="en-GB", voice="Polly.Amy"))
    assert {(s.get("language"), s.get("voice")) for s in root.iter("Say")} == {
        ("en-GB", "Polly.Amy")
    }


def test_set_and_entry_names_are_escaped() -> None:
    odd = AnnouncementSequence("en", (Prompt("Promo & <Bonus>", 'say "hi"'),))
    document = twiml_play(odd, RECORDINGS)
    assert b"<Bonus>" not in document
    (play,) = parse(document)
    path = urlsplit(play.text or "").path
    assert [unquote(p) for p in path.split("/")[-2:]] == ["Promo & <Bonus>", 'say "hi".wav']


def test_gather_wraps_the_prompts_and_posts_digits_back() -> None:
    document = twiml_gather(
        SEQUENCE,
        RECORDINGS,
        action_url="https://gw.example/ivr/pin?call=CA1&step=2",
        num_digits=14,
        timeout_s=10,
        redirect_url="https://gw.example/ivr/no-input?call=CA1&step=2",
    )
    assert b"call=CA1&amp;step=2" in document
    gather, redirect = parse(document)
    assert gather.tag == "Gather"
    assert gather.attrib == {
        "input": "dtmf",
        "numDigits": "14",
        "timeout": "10",
        "finishOnKey": "#",
        "action": "https://gw.example/ivr/pin?call=CA1&step=2",
        "method": "POST",
    }
    assert [e.tag for e in gather] == ["Play", "Play", "Say", "Play", "Say", "Play", "Say", "Say"]
    assert (redirect.tag, redirect.get("method"), redirect.text) == (
        "Redirect",
        "POST",
        "https://gw.example/ivr/no-input?call=CA1&step=2",
    )


def test_gather_without_prompts_or_redirect() -> None:
    root = parse(
        twiml_gather(
            AnnouncementSequence("sw", ()),
            RECORDINGS,
            action_url="/ivr/pin",
            num_digits=4,
            timeout_s=5,
            finish_on_key="",
            method="GET",
        )
    )
    (gather,) = root
    assert (gather.get("finishOnKey"), gather.get("method"), len(gather)) == ("", "GET", 0)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"num_digits": 0}, "num_digits"),
        ({"timeout_s": 0}, "timeout_s"),
        ({"finish_on_key": "##"}, "finish_on_key"),
        ({"finish_on_key": "a"}, "finish_on_key"),
        ({"method": "PUT"}, "method"),
        ({"action_url": " "}, "action_url"),
    ],
)
def test_gather_refuses_parameters_twilio_would_not_take(
    bad: dict[str, object], message: str
) -> None:
    options: dict[str, object] = {"action_url": "/ivr/pin", "num_digits": 4, "timeout_s": 5}
    with pytest.raises(ValueError, match=message):
        twiml_gather(SEQUENCE, RECORDINGS, **{**options, **bad})  # type: ignore[arg-type]


names = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=20)


@given(set_=names, entry=names)
def test_any_names_give_well_formed_twiml_whose_urls_decode_back(set_: str, entry: str) -> None:
    (play,) = parse(twiml_play(AnnouncementSequence("en", (Prompt(set_, entry),)), RECORDINGS))
    segments = urlsplit(play.text or "").path.split("/")
    assert unquote(segments[-2]) == set_
    assert unquote(segments[-1]) == f"{entry}.wav"
