"""An announcement sequence as a VoiceXML 2.1 document.

``<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml" xml:lang=…><form><block>`` with one
``<prompt>`` per prompt: the recording as ``<audio src>``, then its variables:

* amounts as ``<say-as interpret-as="currency">KES100.50</say-as>`` (ISO code then the exact
  decimal, "-KES0.50" when negative), which platforms speak with their own currency prompts;
* unit and counter figures as ``<say-as interpret-as="cardinal">``: a count, not a digit string;
* time, data and days as the TTS phrase from ``announcements.speech`` ("5 days"), since SSML has
  no standard duration or data-size say-as.

No variable is a date or a digit string today (days are a count), so "date" and "digits" are not
emitted; they belong to prompts that speak an expiry date or read a PIN back.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from announcements.prompts import Amount, AnnouncementSequence, Days, Units, Variable
from announcements.recordings import RecordingLocation
from announcements.speech import decimal_amount, spoken
from announcements.xml_document import xml_document
from core.units import UnitKind

VXML_NS = "http://www.w3.org/2001/vxml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def voicexml_document(
    sequence: AnnouncementSequence,
    recordings: RecordingLocation,
    *,
    form_id: str = "announcements",
    next_url: str | None = None,
) -> bytes:
    """The document; ``next_url`` adds a ``<goto next>`` after the prompts (else the form ends
    and with it the document)."""
    language = sequence.language.replace("_", "-")
    # The namespace is written as a plain attribute on unprefixed tags so that no global
    # ET.register_namespace call is needed; parsers still see every element in VXML_NS.
    root = ET.Element("vxml", {"version": "2.1", "xmlns": VXML_NS, XML_LANG: language})
    block = ET.SubElement(ET.SubElement(root, "form", {"id": form_id}), "block")
    for prompt in sequence.prompts:
        element = ET.SubElement(block, "prompt")
        ET.SubElement(element, "audio", {"src": recordings.url(sequence.language, prompt)})
        for variable in prompt.variables:
            _append_variable(element, variable, sequence.language)
    if next_url is not None:
        ET.SubElement(block, "goto", {"next": next_url})
    return xml_document(root)


def currency_value(amount: Amount) -> str:
    """ISO form for say-as currency: "KES100.50", "-KES0.50", "JPY1234"."""
    value = decimal_amount(amount.minor, amount.currency)
    sign = "-" if value < 0 else ""
    return f"{sign}{amount.currency}{abs(value):f}"


def _append_variable(prompt: ET.Element, variable: Variable, language: str) -> None:
    match variable:
        case Amount():
            _say_as(prompt, "currency", currency_value(variable))
        case Units(value=value, kind=UnitKind.UNITS | UnitKind.COUNTER):
            _say_as(prompt, "cardinal", str(value))
        case Units() | Days():
            _append_text(prompt, spoken(variable, language))


def _say_as(prompt: ET.Element, interpret_as: str, text: str) -> None:
    ET.SubElement(prompt, "say-as", {"interpret-as": interpret_as}).text = text


def _append_text(prompt: ET.Element, text: str) -> None:
    # Mixed content: text after a child element is that element's tail in ElementTree.
    last = prompt[-1]
    last.tail = f"{last.tail or ''} {text} "
