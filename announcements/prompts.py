"""The output model: an announcement sequence, an ordered tuple of prompts with typed variables.

A prompt is a recorded announcement (set + entry) followed by the values the IVR platform speaks
with its own number/currency/date prompts. Values stay integers in their smallest unit here;
turning them into words or SSML is the renderers' job (``speech``, ``twiml``, ``voicexml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.balance_types import AnnouncementRef
from core.units import UnitKind

# BCP 47-ish: "en", "sw", "en-KE", "en_KE". The language becomes a URL path segment and an
# xml:lang attribute, so anything else is refused here rather than escaped later.
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


@dataclass(frozen=True, slots=True)
class Amount:
    """Cash in the currency's minor unit (KES cents)."""

    minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class Units:
    """A non-cash quantity: seconds (time), bytes (data), messages or counts (units/counter)."""

    value: int
    kind: UnitKind

    def __post_init__(self) -> None:
        if self.kind is UnitKind.CASH:
            raise ValueError("cash is an Amount, not Units")


@dataclass(frozen=True, slots=True)
class Days:
    """Whole days until expiry, rounded up (core.clock.days_until); at least 2 when played."""

    count: int


Variable = Amount | Units | Days


@dataclass(frozen=True, slots=True)
class Prompt:
    set: str
    entry: str
    variables: tuple[Variable, ...] = ()

    @classmethod
    def of(cls, ref: AnnouncementRef, *variables: Variable) -> Prompt:
        return cls(ref.set, ref.entry, variables)


@dataclass(frozen=True, slots=True)
class AnnouncementSequence:
    """What one balance enquiry plays, in order. Announcement sets are recorded per language on
    IVR platforms, so the language travels with the prompts (it picks the recordings' folder and
    the TTS voice)."""

    language: str
    prompts: tuple[Prompt, ...]

    def __post_init__(self) -> None:
        if not _LANGUAGE.fullmatch(self.language):
            raise ValueError(f"not a language tag: {self.language!r}")
