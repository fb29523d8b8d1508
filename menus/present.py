"""Screens -> USSD text in the session's language: every page within one USSD string (182
GSM-7 septets, or 80 UCS2 characters when one character needs UCS2; translations.ussd).

Choice states are static per language, so their pages are laid out once at start-up, in two
layouts: the plain one and the one that opens with the invalid-choice line (a tight UCS2 page
may have room for only one of the two). Prompt screens are memoized; ledger views and outcome
messages are rendered per step.

Where a notice (the invalid-choice line, "invalid number", the allowed amounts) does not fit
on one screen together with what it comments on, the more useful part wins: for a prompt the
notice (it says what to type), for a confirmation the confirmation itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from menus.binding import BoundMenu
from menus.model import Choice, OptionSource
from menus.screens import ChoiceScreen, MessageScreen, PagedScreen, PromptScreen, Screen
from translations.gsm import Encoding, cost, fold_spaces, prepare
from translations.messages import (
    Back,
    BundleList,
    BundleOffer,
    InvalidChoice,
    LanguageList,
    LanguageOffer,
    MenuText,
    Message,
    More,
)
from translations.renderer import Renderer
from translations.splitting import MIN_BUDGET, split_text
from translations.ussd import SCREEN_LIMIT, paginate

LINE_BREAK = "\n"
_MAX_MEMO = 4_096


@dataclass(frozen=True, slots=True)
class Reply:
    """One USSD screen: ``text`` fits a USSD string; ``end`` closes the dialogue."""

    text: str
    end: bool


class UssdPresenter:
    """Renders one bound menu's screens; built once at start-up, then shared (read-only apart
    from a bounded memo of prompt screens)."""

    def __init__(self, bound: BoundMenu, renderer: Renderer) -> None:
        self.bound = bound
        self.renderer = renderer
        self._layouts: dict[tuple[str, str, bool], tuple[str, ...]] = {}
        self._memo: dict[tuple[PromptScreen, str], Reply] = {}
        for language in renderer.tset.languages:
            notice = renderer.render(InvalidChoice(), language)
            more = renderer.render(More(), language)
            back = [renderer.render(Back(), language)]
            for name, state in bound.menu.states.items():
                if not isinstance(state, Choice):
                    continue
                items, titled = self._choice_lines(state, language)
                footer = back if state.back is not None else []
                plain = paginate(items, more=more, footer=footer)
                noticed = paginate([notice, *items], more=more, footer=footer)
                if len(noticed) > len(plain) and titled:
                    # The notice takes the title's place rather than push options off a page.
                    untitled = paginate([notice, *items[1:]], more=more, footer=footer)
                    if len(untitled) <= len(noticed):
                        noticed = untitled
                self._layouts[(name, language, False)] = tuple(p.text for p in plain)
                self._layouts[(name, language, True)] = tuple(p.text for p in noticed)

    # -- PageCounts, for the engine ------------------------------------------------------

    def choice_pages(self, state: str, language: str, noticed: bool) -> int:
        return len(self._layouts[(state, self.renderer.language_for(language), noticed)])

    # -- rendering -----------------------------------------------------------------------

    def render(self, screen: Screen, language: str) -> Reply:
        language = self.renderer.language_for(language)
        match screen:
            case ChoiceScreen(state=state, page=page, noticed=noticed):
                pages = self._layouts[(state, language, noticed)]
                return Reply(pages[min(page, len(pages) - 1)], end=False)
            case PromptScreen():
                key = (screen, language)
                reply = self._memo.get(key)
                if reply is None:
                    reply = self._prompt(screen, language)
                    if len(self._memo) < _MAX_MEMO:
                        self._memo[key] = reply
                return reply
            case MessageScreen(message=message, end=end, notice=notice):
                lines = self.renderer.lines(message, language)
                if notice is not None:
                    text = _fit([self.renderer.render(notice, language), *lines])
                    if text is not None:
                        return Reply(text, end)
                text = _fit(lines)
                if text is None and not end and len(lines) > 1:
                    # A confirmation: its answers (the lines after the question) must show.
                    text = _shorten_first_line(lines)
                return Reply(text or self._first_page(lines, language), end)
            case PagedScreen(message=message, page=page, notice=notice):
                lines = self.renderer.lines(message, language)
                single = _fit(lines)  # most views fit one screen: skip paging's line costs
                if single is not None:
                    texts: Sequence[str] = (single,)
                else:
                    more = self.renderer.render(More(), language)
                    texts = [p.text for p in paginate(lines, more=more)]
                index = min(page, len(texts) - 1)
                text = texts[index]
                if notice is not None:
                    text = _fit([self.renderer.render(notice, language), text]) or text
                return Reply(text, end=index == len(texts) - 1)

    def _prompt(self, screen: PromptScreen, language: str) -> Reply:
        lines = self.renderer.lines(screen.prompt, language)
        footer = [self.renderer.render(Back(), language)] if screen.back else []
        if screen.notice is not None:
            notice = self.renderer.render(screen.notice, language)
            text = _fit([notice, *lines, *footer]) or _fit([notice, *footer])
            if text is not None:
                return Reply(text, end=False)
        return Reply(_fit([*lines, *footer]) or self._first_page(lines, language), end=False)

    def _first_page(self, lines: Sequence[str], language: str) -> str:
        return _first_page(lines, self.renderer.render(More(), language))

    def _choice_lines(self, state: Choice, language: str) -> tuple[list[str], bool]:
        """The state's lines, and whether the first one is a title (not an option)."""
        render = self.renderer
        if state.options_from is OptionSource.LANGUAGES:
            offers = tuple(LanguageOffer(str(i), code)
                           for i, code in enumerate(self.bound.languages, 1))
            return render.lines(LanguageList(offers), language), True
        if state.options_from is OptionSource.PRODUCTS:
            products = tuple(BundleOffer(str(i), p.name, p.price)
                             for i, p in enumerate(self.bound.provider.products, 1))
            return render.lines(BundleList(products), language), True
        lines = [render.render(MenuText(state.title), language)] if state.title else []
        lines += [render.render(MenuText(option.text, option=str(i)), language)
                  for i, option in enumerate(state.options, 1)]
        return lines, state.title is not None


def single_screen(renderer: Renderer, message: Message, language: str | None) -> str:
    """One message as one USSD screen (for answers outside a menu session: apologies, "not a
    subscriber")."""
    lines = renderer.lines(message, language)
    return _fit(lines) or _first_page(lines, renderer.render(More(), language))


def _first_page(lines: Sequence[str], more: str) -> str:
    """The first screen of a text too long for one (configuration the tests refuse for the
    demo), cut where paging would cut it, without the "more" line."""
    page = paginate(lines, more=more)[0].text
    return page.rsplit(LINE_BREAK, 1)[0] if page.endswith(more) else page


def _shorten_first_line(lines: Sequence[str]) -> str | None:
    """The lines with the first one cut to what the others leave room for."""
    first, rest = lines[0], LINE_BREAK.join(lines[1:])
    encoding = prepare(LINE_BREAK.join(lines)).encoding
    budget = SCREEN_LIMIT[encoding] - cost(LINE_BREAK + rest, encoding)
    if budget < MIN_BUDGET:
        return None
    head = fold_spaces(first) if encoding is Encoding.GSM7 else first
    return _fit([split_text(head, encoding, budget)[0].rstrip(" "), *lines[1:]])


def _fit(lines: Sequence[str]) -> str | None:
    """The lines as one screen's text (spaces folded for GSM-7), or None if they overflow."""
    prepared = prepare(LINE_BREAK.join(lines))
    return prepared.text if prepared.units <= SCREEN_LIMIT[prepared.encoding] else None
