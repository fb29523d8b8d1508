"""An announcement sequence as TwiML (Twilio's voice markup).

Each prompt becomes a ``<Play>`` of its recording (``RecordingLocation``) followed by one
``<Say language=…>`` per variable with the TTS text from ``announcements.speech``. So recordings
are worded to come before their value ("You have" -> "100 Kenyan shillings and 50 cents").
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from announcements.prompts import AnnouncementSequence
from announcements.recordings import RecordingLocation
from announcements.speech import spoken
from announcements.xml_document import xml_document

_FINISH_KEYS = frozenset("0123456789#*")


def twiml_play(
    sequence: AnnouncementSequence,
    recordings: RecordingLocation,
    *,
    say_language: str | None = None,
    voice: str | None = None,
) -> bytes:
    """``<Response>`` playing the sequence. ``say_language`` is the TTS language code when it
    differs from the sequence's (Twilio wants "en-GB", not "en_GB"; the default converts)."""
    response = ET.Element("Response")
    _append_prompts(response, sequence, recordings, say_language, voice)
    return xml_document(response)


def twiml_gather(
    sequence: AnnouncementSequence,
    recordings: RecordingLocation,
    *,
    action_url: str,
    num_digits: int,
    timeout_s: int,
    finish_on_key: str = "#",
    method: str = "POST",
    redirect_url: str | None = None,
    say_language: str | None = None,
    voice: str | None = None,
) -> bytes:
    """``<Response><Gather input="dtmf" …>`` with the sequence as its prompts: Twilio plays them,
    collects up to ``num_digits`` keys (``finish_on_key`` ends early, ``timeout_s`` seconds of
    silence ends the wait) and posts them to ``action_url`` as ``Digits``.

    Without input Twilio falls through to the next verb: ``redirect_url`` (a ``<Redirect>``)
    takes the call somewhere deliberate instead of ending it.
    """
    if num_digits < 1:
        raise ValueError(f"num_digits must be at least 1, not {num_digits}")
    if timeout_s < 1:
        raise ValueError(f"timeout_s must be at least 1, not {timeout_s}")
    if len(finish_on_key) > 1 or not set(finish_on_key) <= _FINISH_KEYS:
        raise ValueError(f"finish_on_key must be one of 0-9, # or * (or empty): {finish_on_key!r}")
    if method not in ("GET", "POST"):
        raise ValueError(f"method must be GET or POST, not {method!r}")
    if not action_url.strip():
        raise ValueError("action_url is required")
    response = ET.Element("Response")
    gather = ET.SubElement(
        response,
        "Gather",
        {
            "input": "dtmf",
            "numDigits": str(num_digits),
            "timeout": str(timeout_s),
            "finishOnKey": finish_on_key,
            "action": action_url,
            "method": method,
        },
    )
    _append_prompts(gather, sequence, recordings, say_language, voice)
    if redirect_url is not None:
        ET.SubElement(response, "Redirect", {"method": method}).text = redirect_url
    return xml_document(response)


def _append_prompts(
    parent: ET.Element,
    sequence: AnnouncementSequence,
    recordings: RecordingLocation,
    say_language: str | None,
    voice: str | None,
) -> None:
    say_attributes = {"language": say_language or sequence.language.replace("_", "-")}
    if voice is not None:
        say_attributes["voice"] = voice
    for prompt in sequence.prompts:
        ET.SubElement(parent, "Play").text = recordings.url(sequence.language, prompt)
        for variable in prompt.variables:
            say = ET.SubElement(parent, "Say", say_attributes)
            say.text = spoken(variable, sequence.language)
