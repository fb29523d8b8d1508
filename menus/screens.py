"""What the subscriber sees next, as data: the engine decides the screen, ``menus.present``
turns it into USSD text in the session's language."""

from __future__ import annotations

from dataclasses import dataclass

from translations.messages import Message


@dataclass(frozen=True, slots=True)
class ChoiceScreen:
    """A page of a choice state; ``noticed``: the layout that opens with the invalid-choice
    line (its pages differ where the line takes room)."""

    state: str
    page: int
    noticed: bool = False


@dataclass(frozen=True, slots=True)
class PromptScreen:
    prompt: Message
    notice: Message | None = None
    back: bool = False


@dataclass(frozen=True, slots=True)
class MessageScreen:
    """One message: a confirmation (``end`` False) or the dialogue's last words."""

    message: Message
    end: bool
    notice: Message | None = None


@dataclass(frozen=True, slots=True)
class PagedScreen:
    """A view that may take several pages ("98 More"); the dialogue ends on its last page."""

    message: Message
    page: int
    notice: Message | None = None


Screen = ChoiceScreen | PromptScreen | MessageScreen | PagedScreen
