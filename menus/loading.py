"""Menus from TOML (config/menus/*.toml): every problem in the file at once, by field path.

The file's shape::

    service_code = "*100#"
    start = "main"
    shortcuts = { "1" = "balance" }        # *100*1#
    extension_input = "recharge"           # *100*<PIN>#: any other extension answers this state

    [states.main]
    type = "choice"
    title = "welcome"
    options = [{ text = "balance", next = "balance" }, ...]

    [states.recharge]
    type = "input"
    prompt = "enter_pin"
    validator = "voucher_pin"
    action = "recharge"
    back = "main"

Unknown keys, unknown names and dangling references are errors, never defaults: a typo in a
menu would otherwise show up as a subscriber stuck on a screen.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from menus.model import (
    ACTION_ANSWERS,
    AMOUNT_PROMPT,
    MAX_OPTIONS,
    ActionKind,
    Choice,
    Confirm,
    Input,
    Menu,
    Option,
    OptionSource,
    Show,
    State,
    Validator,
    View,
)
from translations.messages import MENU_TEXTS

FieldError = tuple[str, str]
SERVICE_CODE = re.compile(r"\*[0-9]+(\*[0-9]+)*#")
EXTENSION = re.compile(r"[0-9]+(\*[0-9]+)*")
STATE_NAME = re.compile(r"[a-z][a-z0-9_]*")
_E = TypeVar("_E", bound=StrEnum)


class MenuError(ValueError):
    """A menu file breaks a rule; ``errors`` lists each as (field path, message)."""

    def __init__(self, errors: Iterable[FieldError], source: str = "") -> None:
        self.errors = list(errors)
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__(where + "; ".join(f"{f}: {m}" for f, m in self.errors))


def load_menu(path: Path) -> Menu:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise MenuError([("(file)", f"not valid TOML: {exc}")], str(path)) from None
    try:
        return menu_from_dict(data)
    except MenuError as exc:
        raise MenuError(exc.errors, str(path)) from None


def menu_from_dict(data: Mapping[str, Any]) -> Menu:
    errors: list[FieldError] = []
    _known(data, "", {"service_code", "start", "shortcuts", "extension_input", "states"},
           errors)
    code = _text(data, "service_code", "", errors)
    if code is not None and not SERVICE_CODE.fullmatch(code):
        errors.append(("service_code", f"must look like *100# (digits and *), got {code!r}"))
    start = _text(data, "start", "", errors)
    raw_states = data.get("states")
    states: dict[str, State] = {}
    if not isinstance(raw_states, Mapping) or not raw_states:
        errors.append(("states", "a table of at least one state is required"))
    else:
        for name, table in raw_states.items():
            path = f"states.{name}"
            if not STATE_NAME.fullmatch(name):
                errors.append((path, "a state name is lower case letters, digits and _"))
            state = _state(name, table, path, errors)
            if state is not None:
                states[name] = state
    shortcuts: dict[str, str] = {}
    raw_shortcuts = data.get("shortcuts", {})
    if not isinstance(raw_shortcuts, Mapping):
        errors.append(("shortcuts", "must be a table of extension = state"))
    else:
        for extension, target in raw_shortcuts.items():
            path = f"shortcuts.{extension}"
            if not EXTENSION.fullmatch(extension):
                errors.append((path, "an extension is digits (and *), e.g. \"1\""))
            if not isinstance(target, str):
                errors.append((path, "must name a state"))
            else:
                shortcuts[extension] = target
    extension_input = data.get("extension_input")
    if extension_input is not None and not isinstance(extension_input, str):
        errors.append(("extension_input", "must name an input state"))
        extension_input = None
    if not errors:
        errors += _reference_errors(states, start, shortcuts, extension_input)
    if errors:
        raise MenuError(errors)
    assert code is not None
    assert start is not None
    return Menu(service_code=code, start=start, states=states, shortcuts=shortcuts,
                extension_input=extension_input)


def _state(name: str, table: object, path: str, errors: list[FieldError]) -> State | None:
    if not isinstance(table, Mapping):
        errors.append((path, "must be a table"))
        return None
    kind = _text(table, "type", path, errors)
    if kind == "choice":
        return _choice(name, table, path, errors)
    if kind == "input":
        return _input(name, table, path, errors)
    if kind == "confirm":
        _known(table, path, {"type", "action"}, errors)
        action = _enum(table, "action", path, ActionKind, errors)
        if action is not None and action not in ACTION_ANSWERS:
            errors.append((f"{path}.action", "a confirmation is for transfer or buy_bundle"))
            return None
        return Confirm(name, action) if action is not None else None
    if kind == "show":
        _known(table, path, {"type", "view"}, errors)
        view = _enum(table, "view", path, View, errors)
        return Show(name, view) if view is not None else None
    if kind is not None:
        errors.append((f"{path}.type", f"one of choice, input, confirm, show; got {kind!r}"))
    return None


def _choice(name: str, table: Mapping[str, Any], path: str, errors: list[FieldError]
            ) -> Choice | None:
    _known(table, path, {"type", "title", "options", "options_from", "answer", "next",
                         "action", "back"}, errors)
    title = _menu_text(table, "title", path, errors, required=False)
    back = _optional_text(table, "back", path, errors)
    source = (_enum(table, "options_from", path, OptionSource, errors)
              if "options_from" in table else None)
    options: list[Option] = []
    raw = table.get("options")
    if raw is not None:
        if not isinstance(raw, list) or not raw:
            errors.append((f"{path}.options", "must be a non-empty array of tables"))
        else:
            for i, item in enumerate(raw):
                where = f"{path}.options[{i}]"
                if not isinstance(item, Mapping):
                    errors.append((where, "must be a table { text, next }"))
                    continue
                _known(item, where, {"text", "next"}, errors)
                text = _menu_text(item, "text", where, errors, required=True)
                goto = _text(item, "next", where, errors)
                if text is not None and goto is not None:
                    options.append(Option(text, goto))
            if len(raw) > MAX_OPTIONS:
                errors.append((f"{path}.options", f"at most {MAX_OPTIONS} options"))
    answer = _optional_text(table, "answer", path, errors)
    target = _optional_text(table, "next", path, errors)
    action = _enum(table, "action", path, ActionKind, errors) if "action" in table else None
    if (raw is None) == ("options_from" not in table):
        errors.append((path, "needs exactly one of options and options_from"))
    elif source is not None:
        if action is not None:
            if action is not ActionKind.SET_LANGUAGE or source is not OptionSource.LANGUAGES:
                errors.append((f"{path}.action", "only set_language, over options_from "
                                                  "= \"languages\""))
            if answer is not None or target is not None:
                errors.append((path, "an action state has no answer or next"))
        elif answer is None or target is None:
            errors.append((path, "options_from needs answer and next (or an action)"))
    elif raw is not None and (answer or target or action):
        errors.append((path, "fixed options lead by their own next; no answer, next or action"))
    return Choice(name, title=title, options=tuple(options), options_from=source, answer=answer,
                  next=target, action=action, back=back)


def _input(name: str, table: Mapping[str, Any], path: str, errors: list[FieldError]
           ) -> Input | None:
    _known(table, path, {"type", "prompt", "validator", "answer", "next", "action", "back"},
           errors)
    prompt = _text(table, "prompt", path, errors)
    if prompt is not None and prompt not in MENU_TEXTS and prompt != AMOUNT_PROMPT:
        errors.append((f"{path}.prompt", f"unknown text {prompt!r}; known: "
                                          f"{', '.join((*MENU_TEXTS, AMOUNT_PROMPT))}"))
    validator = _enum(table, "validator", path, Validator, errors)
    answer = _optional_text(table, "answer", path, errors)
    target = _optional_text(table, "next", path, errors)
    back = _optional_text(table, "back", path, errors)
    action = _enum(table, "action", path, ActionKind, errors) if "action" in table else None
    if action is not None:
        if action is not ActionKind.RECHARGE or validator is not Validator.VOUCHER_PIN:
            errors.append((f"{path}.action", "an input's action is recharge, with the "
                                              "voucher_pin validator"))
        if answer is not None or target is not None:
            errors.append((path, "an action input has no answer or next (a PIN is not kept)"))
    elif answer is None or target is None:
        errors.append((path, "needs answer and next, or an action"))
    if validator is Validator.VOUCHER_PIN and answer is not None:
        errors.append((f"{path}.answer", "a voucher PIN is never stored in the session"))
    if prompt is None or validator is None:
        return None
    return Input(name, prompt=prompt, validator=validator, answer=answer, next=target,
                 action=action, back=back)


def _reference_errors(states: Mapping[str, State], start: str | None,
                      shortcuts: Mapping[str, str], extension_input: str | None
                      ) -> list[FieldError]:
    errors: list[FieldError] = []

    def check(path: str, target: str | None) -> None:
        if target is not None and target not in states:
            errors.append((path, f"no state named {target!r}"))

    check("start", start)
    if start is not None and start in states and not isinstance(states[start], Choice):
        errors.append(("start", "the first screen is a choice state"))
    for extension, target in shortcuts.items():
        check(f"shortcuts.{extension}", target)
    check("extension_input", extension_input)
    if (extension_input is not None and extension_input in states
            and not isinstance(states[extension_input], Input)):
        errors.append(("extension_input", "must name an input state"))
    answers: set[str] = set()
    for name, state in states.items():
        path = f"states.{name}"
        match state:
            case Choice():
                for i, option in enumerate(state.options):
                    check(f"{path}.options[{i}].next", option.next)
                check(f"{path}.next", state.next)
                check(f"{path}.back", state.back)
                if state.answer:
                    answers.add(state.answer)
            case Input():
                check(f"{path}.next", state.next)
                check(f"{path}.back", state.back)
                if state.answer:
                    answers.add(state.answer)
            case Confirm() | Show():
                pass
    for name, state in states.items():
        if isinstance(state, Confirm):
            missing = [a for a in ACTION_ANSWERS[state.action] if a not in answers]
            if missing:
                errors.append((f"states.{name}.action",
                               f"{state.action} needs the answers {', '.join(missing)}, "
                               f"which no state sets"))
    return errors


# -- typed reads -----------------------------------------------------------------------------

def _known(table: Mapping[str, Any], path: str, keys: set[str], errors: list[FieldError]
           ) -> None:
    for key in sorted(set(table) - keys):
        errors.append((_join(path, key), f"unknown key; known: {', '.join(sorted(keys))}"))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _text(table: Mapping[str, Any], key: str, path: str, errors: list[FieldError]
          ) -> str | None:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        errors.append((_join(path, key), "is required (a string)"))
        return None
    return value


def _optional_text(table: Mapping[str, Any], key: str, path: str, errors: list[FieldError]
                   ) -> str | None:
    if key not in table:
        return None
    return _text(table, key, path, errors)


def _menu_text(table: Mapping[str, Any], key: str, path: str, errors: list[FieldError], *,
               required: bool) -> str | None:
    value = _text(table, key, path, errors) if required else _optional_text(
        table, key, path, errors)
    if value is not None and value not in MENU_TEXTS:
        errors.append((_join(path, key), f"unknown text {value!r}; known: "
                                         f"{', '.join(MENU_TEXTS)}"))
        return None
    return value


def _enum(table: Mapping[str, Any], key: str, path: str, enum: type[_E],
          errors: list[FieldError]) -> _E | None:
    value = _text(table, key, path, errors)
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        errors.append((_join(path, key), f"one of {choices}; got {value!r}"))
        return None
