"""VoiceXML 2.1 output, checked by parsing it back."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from announcements.prompts import Amount, AnnouncementSequence, Days, Prompt, Units
from announcements.recordings import RecordingLocation
from announcements.voicexml import VXML_NS, XML_LANG, currency_value, voicexml_document
from core.units import UnitKind

RECORDINGS = RecordingLocation("https://ivr.example/prompts")
V = f"{{{VXML_NS}}}"


def parse(document: bytes) -> ET.Element:
    assert document.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(document)


def test_a_document_with_one_prompt_per_announcement() -> None:
    sequence = AnnouncementSequence(
        "sw_KE",
        (
            Prompt("balance", "airtime"),
            Prompt("balance", "you_have", (Amount(10_050, "KES"),)),
            Prompt("balance", "sms_left", (Units(25, UnitKind.UNITS),)),
            Prompt("balance", "expires_in", (Days(3),)),
        ),
    )
    root = parse(voicexml_document(sequence, RECORDINGS, next_url="/ivr/menu?a=1&b=2"))
    assert root.tag == f"{V}vxml"
    assert (root.get("version"), root.get(XML_LANG)) == ("2.1", "sw-KE")
    (form,) = root
    assert (form.tag, form.get("id")) == (f"{V}form", "announcements")
    (block,) = form
    prompts = block.findall(f"{V}prompt")
    assert [p.find(f"{V}audio").get("src") for p in prompts] == [  # type: ignore[union-attr]
        f"https://ivr.example/prompts/sw_KE/balance/{entry}.wav"
        for entry in ("airtime", "you_have", "sms_left", "expires_in")
    ]
    money = prompts[1].find(f"{V}say-as")
    assert money is not None
    assert (money.get("interpret-as"), money.text) == ("currency", "KES100.50")
    count = prompts[2].find(f"{V}say-as")
    assert count is not None
    assert (count.get("interpret-as"), count.text) == ("cardinal", "25")
    audio = prompts[3].find(f"{V}audio")
    assert audio is not None
    assert (audio.tail or "").strip() == "siku 3"
    goto = block.find(f"{V}goto")
    assert goto is not None
    assert goto.get("next") == "/ivr/menu?a=1&b=2"


def test_set_names_with_markup_characters_are_escaped() -> None:
    sequence = AnnouncementSequence("en", (Prompt("Promo & <Bonus>", "x"),))
    document = voicexml_document(sequence, RECORDINGS)
    assert b"<Bonus>" not in document
    audio = parse(document).find(f".//{V}audio")
    assert audio is not None
    assert audio.get("src") == "https://ivr.example/prompts/en/Promo%20%26%20%3CBonus%3E/x.wav"


def test_time_and_data_are_spoken_phrases_after_the_audio() -> None:
    sequence = AnnouncementSequence(
        "en",
        (Prompt("b", "left", (Units(90, UnitKind.TIME), Units(2_000_000, UnitKind.DATA))),),
    )
    prompt = parse(voicexml_document(sequence, RECORDINGS)).find(f".//{V}prompt")
    assert prompt is not None
    assert " ".join("".join(prompt.itertext()).split()) == "1 minute and 30 seconds 2 megabytes"


def test_currency_values_in_iso_form() -> None:
    assert currency_value(Amount(10_050, "KES")) == "KES100.50"
    assert currency_value(Amount(5, "KES")) == "KES0.05"
    assert currency_value(Amount(0, "KES")) == "KES0.00"
    assert currency_value(Amount(-50, "KES")) == "-KES0.50"
    assert currency_value(Amount(1_234, "JPY")) == "JPY1234"
    assert currency_value(Amount(1_234, "KWD")) == "KWD1.234"
    assert currency_value(Amount(10**20, "KES")) == "KES1000000000000000000.00"


@given(st.integers(-(10**15), 10**15))
def test_currency_values_are_exact(minor: int) -> None:
    text = currency_value(Amount(minor, "KES"))
    sign = -1 if text.startswith("-") else 1
    assert sign * Decimal(text.lstrip("-").removeprefix("KES")) * 100 == minor
