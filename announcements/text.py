"""A cumulative balance plan as text, for USSD screens and SMS: the same prompts the IVR plays,
each turned into the words its recording says.

Every announcement (set, entry) has a text per language (config/announcements/texts.toml), the
written twin of its recording. A text is a template with at most one placeholder, ``{value}``,
filled with the prompt's variable formatted by the language's CLDR rules (an amount with its
currency, seconds as minutes and seconds, bytes as MB/GB, days as a number). An entry may give
two texts, ``value`` (used when the prompt carries a variable) and ``none`` (when it does not:
a zero balance plays the negative/no-credit entry without a figure). Each category that plays
becomes one line.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from announcements.errors import ValidationError
from announcements.prompts import Amount, Days, Prompt, Units, Variable
from announcements.resolution import ResolvedPlan
from announcements.sequence import plan_sections
from core.balance_types import AnnouncementRef
from core.snapshots import WalletSnapshot
from translations.formats import locale_formats
from translations.gsm import PreparedText
from translations.sms import Sms, split_sms
from translations.ussd import paginate

FieldError = tuple[str, str]


@dataclass(frozen=True, slots=True)
class EntryText:
    value: str  # with the prompt's variable in {value}
    none: str  # without a variable


class MissingText(LookupError):
    def __init__(self, language: str, prompt: Prompt) -> None:
        super().__init__(f"no text for {prompt.set}.{prompt.entry} in {language} "
                         f"or the fallback language")


class AnnouncementTexts:
    """Texts per language, each looked up in the requested language, then the fallback."""

    def __init__(self, texts: Mapping[str, Mapping[tuple[str, str], EntryText]],
                 fallback_language: str) -> None:
        self._texts = texts
        self.fallback_language = fallback_language

    def entry(self, language: str, ref_set: str, ref_entry: str) -> EntryText | None:
        for lang in (language, self.fallback_language):
            found = self._texts.get(lang, {}).get((ref_set, ref_entry))
            if found is not None:
                return found
        return None

    def has_own_text(self, language: str, ref_set: str, ref_entry: str) -> bool:
        """Whether ``language`` has its own text (no fallback) for this announcement."""
        return (ref_set, ref_entry) in self._texts.get(language, {})

    def missing(self, refs: Iterable[AnnouncementRef]) -> list[FieldError]:
        """Refs with no text even in the fallback language: a configuration error at load."""
        return [(f"{self.fallback_language}.{r.set}.{r.entry}", "no text for this announcement")
                for r in dict.fromkeys(refs)
                if self.entry(self.fallback_language, r.set, r.entry) is None]


def plan_refs(plan: ResolvedPlan) -> list[AnnouncementRef]:
    refs: list[AnnouncementRef] = []
    for c in plan.categories:
        refs += [r for r in (c.announcement, c.positive, c.negative, c.days_until_expiry,
                             c.expiry_within_one_day) if r is not None]
    return refs


def texts_from_dict(data: Mapping[str, object], fallback_language: str) -> AnnouncementTexts:
    """Parse ``{language: {set: {entry: text | {value, none}}}}``; every error at once."""
    errors: list[FieldError] = []
    texts: dict[str, dict[tuple[str, str], EntryText]] = {}
    for language, sets in data.items():
        if not isinstance(sets, Mapping):
            errors.append((language, "a table of announcement sets"))
            continue
        for set_name, entries in sets.items():
            if not isinstance(entries, Mapping):
                errors.append((f"{language}.{set_name}", "a table of entries"))
                continue
            for entry, raw in entries.items():
                where = f"{language}.{set_name}.{entry}"
                parsed = _entry(raw, where, errors)
                if parsed is not None:
                    texts.setdefault(language, {})[(set_name, entry)] = parsed
    if fallback_language not in texts:
        errors.append((fallback_language, "the fallback language needs texts"))
    if errors:
        raise ValidationError(errors)
    return AnnouncementTexts(texts, fallback_language)


def _entry(raw: object, where: str, errors: list[FieldError]) -> EntryText | None:
    if isinstance(raw, str):
        value = none = raw
    elif isinstance(raw, Mapping) and set(raw) <= {"value", "none"} and raw:
        value = raw.get("value", raw.get("none"))
        none = raw.get("none", raw.get("value"))
    else:
        errors.append((where, "a text, or a table with 'value' and/or 'none'"))
        return None
    if not isinstance(value, str) or not isinstance(none, str):
        errors.append((where, "texts must be strings"))
        return None
    for text in (value, none):
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        if fields - {"value"}:
            errors.append((where, "the only placeholder is {value}"))
            return None
    return EntryText(value, none)


def load_texts(path: Path, fallback_language: str) -> AnnouncementTexts:
    with path.open("rb") as fh:
        return texts_from_dict(tomllib.load(fh), fallback_language)


def _format(variable: Variable, language: str) -> str:
    formats = locale_formats(language)
    if isinstance(variable, Amount):
        return formats.money(variable.minor, variable.currency)
    if isinstance(variable, Units):
        return formats.value(variable.kind, variable.value, "")
    if isinstance(variable, Days):
        return formats.integer(variable.count)
    raise TypeError(variable)


def prompt_text(prompt: Prompt, language: str, texts: AnnouncementTexts) -> str:
    entry = texts.entry(language, prompt.set, prompt.entry)
    if entry is None:
        raise MissingText(language, prompt)
    if prompt.variables:
        return entry.value.format(value=_format(prompt.variables[0], language)).strip()
    return entry.none.format(value="").strip()


def plan_text_lines(wallet: WalletSnapshot, plan: ResolvedPlan, language: str,
                    texts: AnnouncementTexts) -> tuple[str, ...]:
    """One line per category that plays, its prompts' texts joined by spaces."""
    return tuple(
        " ".join(t for t in (prompt_text(p, language, texts) for p in section) if t)
        for section in plan_sections(wallet, plan))


def plan_ussd_pages(wallet: WalletSnapshot, plan: ResolvedPlan, language: str,
                    texts: AnnouncementTexts, *, more: str, footer: Sequence[str] = ()
                    ) -> tuple[PreparedText, ...]:
    return paginate(plan_text_lines(wallet, plan, language, texts), more=more, footer=footer)


def plan_sms(wallet: WalletSnapshot, plan: ResolvedPlan, language: str,
             texts: AnnouncementTexts) -> Sms:
    return split_sms("\n".join(plan_text_lines(wallet, plan, language, texts)))
