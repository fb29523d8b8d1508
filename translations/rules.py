"""The field rules of translation configuration that need no context: lengths, the %d of
expiry texts, the placeholders of balance formats. ``translations.config`` applies them with
the context (languages, balance types, rates) and names the fields.
"""

from __future__ import annotations

import string

FieldError = tuple[str, str]
TRANSLATED_NAME_MAX_CHARS = 20  # NCC 'Translated Name'
WALLET_TRANSLATION_MAX_CHARS = 12  # NCC 'Translation' (wallet name)
SEPARATOR_MAX_CHARS = 3  # NCC says "the character"; allow " ," and ", " too
TEXT_MAX_CHARS = 60  # expiry texts and formats: one short line of a 160-septet SMS

DEFAULT_SINGLE_FORMAT = "{name} {balance}"
DEFAULT_DUAL_FORMAT = "({balance})"
CASH_PLACEHOLDERS = frozenset({"name", "balance", "amount", "currency"})
NON_CASH_PLACEHOLDERS = frozenset({"name", "balance"})
VALUE_PLACEHOLDERS = frozenset({"balance", "amount"})


def days_text_problem(text: str) -> str | None:
    """Why ``text`` cannot take the days left through ``text % days``, or None if it can.

    Exactly one ``%d``; ``%%`` writes a percent sign; any other ``%`` would make the
    substitution fail (or show garbage) at the moment a subscriber asks for a balance.
    """
    count = 0
    index = text.find("%")
    while index != -1:
        following = text[index + 1 : index + 2]
        if following == "d":
            count += 1
        elif following != "%":
            return "only %d (days) and %% (a percent sign) may follow a % sign"
        index = text.find("%", index + 2)
    if count == 0:
        return "must contain %d (replaced by the number of days left)"
    if count > 1:
        return "must contain %d exactly once"
    return None


def format_problem(template: str, allowed: frozenset[str]) -> str | None:
    """Why ``template`` is not a usable balance format, or None if it is."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        return f"not a valid format ({error}); write {{{{ and }}}} for literal braces"
    used: set[str] = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in allowed or spec or conversion:
            shown = ", ".join("{" + p + "}" for p in sorted(allowed))
            return f"unknown placeholder {{{name}}}; use only {shown}"
        used.add(name)
    if not used & VALUE_PLACEHOLDERS:
        return "must contain {balance} or {amount}"
    return None


def _one_line(text: str) -> bool:
    return text.isprintable()


def length_problem(text: str, limit: int) -> str | None:
    if len(text) > limit:
        return f"at most {limit} characters (this has {len(text)})"
    if not _one_line(text):
        return "must be one line without control characters"
    return None


def expiry_text_problem(text: str) -> str | None:
    """Why ``text`` cannot be an expiry text (one line, short, exactly one %d), or None."""
    return length_problem(text, TEXT_MAX_CHARS) or days_text_problem(text)
