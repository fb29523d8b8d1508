from __future__ import annotations

import pytest

from announcements.prompts import AnnouncementSequence, Prompt
from announcements.recordings import RecordingLocation


def test_recording_urls_are_language_set_entry_under_the_base() -> None:
    location = RecordingLocation("https://ivr.example/prompts/")
    assert (
        location.url("en", Prompt("balance", "you_have"))
        == "https://ivr.example/prompts/en/balance/you_have.wav"
    )


def test_operator_names_cannot_change_the_urls_structure() -> None:
    location = RecordingLocation("https://ivr.example")
    url = location.url("sw", Prompt("Promo & <Bonus>", "a/b?c#d"))
    assert url == "https://ivr.example/sw/Promo%20%26%20%3CBonus%3E/a%2Fb%3Fc%23d.wav"


@pytest.mark.parametrize(
    "base", ["ivr.example/prompts", "ftp://ivr.example", "https://ivr.example/p?k=1", "https://"]
)
def test_a_base_url_that_cannot_take_a_path_is_refused(base: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        RecordingLocation(base)


@pytest.mark.parametrize("language", ["", "english!", "en/../../etc", "e"])
def test_a_sequence_refuses_a_language_that_is_not_a_tag(language: str) -> None:
    with pytest.raises(ValueError, match="language tag"):
        AnnouncementSequence(language, ())
