"""Render messages: (message, language) -> text, SMS parts or USSD pages.

A ``Renderer`` is built once per service provider at start-up and shared; after construction
it only fills two small memo dicts (resolved language codes, option lines), so sharing it
between tasks is safe. Building it does all the slow work once:

* one Jinja2 environment per language with that language's gettext catalog installed (the
  i18n extension binds ``gettext``/``ngettext`` per environment), every template compiled;
* the provider's NCC balance/wallet texts compiled (``translations.ncc``);
* one ``TemplateView`` per language: the helpers templates use, registered as that
  environment's *filters* (``{{ m.amount_minor|money }}``), with Babel locale data already
  compiled (``translations.numerals``).

Filters rather than methods on an object passed in: Jinja resolves a filter when it compiles
the template and calls it directly, while a method call in a template goes through
``Context.call``, which probes the callable for pass-context markers (failed ``hasattr``s, i.e.
raised and caught exceptions) on every call; on a balance summary that was a fifth of the time.

Rendering is then a dict lookup and one template call. Templates see ``m``, the message (a
dataclass from ``translations.messages``), and ``provider``, the provider's name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from babel.core import UnknownLocaleError
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from core.snapshots import BalanceSnapshot, WalletSnapshot
from translations.catalogs import (
    LOCALE_DIR,
    TEMPLATES_DIR,
    MissingCatalog,
    catalog_language,
    load_translations,
)
from translations.config import TranslationSet
from translations.formats import (
    format_date,
    format_integer,
    format_money,
    format_percent,
    format_seconds,
    format_value,
)
from translations.gsm import PreparedText
from translations.messages import MESSAGE_KEYS, Back, Message, More
from translations.ncc import NccTexts
from translations.numerals import parse_locale
from translations.sms import Sms, split_sms
from translations.ussd import paginate

LINE_BREAK = "\n"
_MAX_MEMO = 1_024


class TemplateView:
    """What templates may use for one language, as filters (see :meth:`filters`)."""

    def __init__(self, language: str, tset: TranslationSet, ncc: NccTexts) -> None:
        self.language = language
        self.provider = tset.provider_name
        self.currency = tset.currency
        self._ncc = ncc

    def filters(self) -> dict[str, Callable[..., str | tuple[str, ...]]]:
        return {
            "money": self.money,
            "integer": self.integer,
            "percent": self.percent,
            "seconds": self.seconds,
            "balance_name": self.name,
            "balance_value": self.value,
            "balance_lines": self.balance_lines,
            "wallet_header": self.wallet,
            "language_name": self.language_name,
            "date": self.date,
        }

    def money(self, amount_minor: int) -> str:
        """An amount of the provider's currency: "KES 100.50"."""
        return format_money(amount_minor, self.currency, self.language)

    def integer(self, value: int) -> str:
        return format_integer(value, self.language)

    def percent(self, value: int) -> str:
        return format_percent(value, self.language)

    def seconds(self, value: int) -> str:
        return format_seconds(value, self.language)

    def name(self, balance: BalanceSnapshot) -> str:
        """The translated name; "" if the type has no translation (NCC: not mentioned) or
        an empty one (NCC: the name part is not sent)."""
        formatter = self._ncc.formatter(self.language, balance.balance_type.name)
        return formatter.name if formatter is not None else ""

    def value(self, balance: BalanceSnapshot) -> str:
        """What the subscriber can spend now, in the type's units (and display currency)."""
        formatter = self._ncc.formatter(self.language, balance.balance_type.name)
        if formatter is not None:
            return formatter.value(balance.available)
        kind = balance.balance_type.unit.kind
        return format_value(kind, balance.available, self.currency, self.language)

    def date(self, at: int) -> str:
        """The UTC date of epoch seconds ``at``: "Nov 25, 2026"."""
        return format_date(at, self.language)

    def balance_lines(self, wallet: WalletSnapshot) -> tuple[str, ...]:
        return self._ncc.balance_texts(wallet, self.language)

    def wallet(self, wallet: WalletSnapshot) -> str:
        return self._ncc.wallet_text(wallet, self.language)

    @staticmethod
    def language_name(code: str) -> str:
        """A language's name in itself (CLDR): "Kiswahili", "français", "العربية"; the code
        itself for a code CLDR does not know."""
        try:
            locale = parse_locale(code)
        except (UnknownLocaleError, ValueError):
            return code
        return locale.get_display_name(locale) or code


class Renderer:
    """Every message of one provider in each of its languages."""

    def __init__(
        self,
        tset: TranslationSet,
        *,
        templates_dir: Path = TEMPLATES_DIR,
        locale_dir: Path = LOCALE_DIR,
    ) -> None:
        missing = [lang for lang in tset.languages if catalog_language(lang, locale_dir) is None]
        if missing:
            raise MissingCatalog(missing[0], locale_dir)
        self.tset = tset
        ncc = NccTexts(tset)
        loader = FileSystemLoader(templates_dir)
        self._templates: dict[tuple[str, str], _Compiled] = {}
        self._views: dict[str, TemplateView] = {}
        for language in tset.languages:
            view = TemplateView(language, tset, ncc)
            env = _environment(loader)
            env.filters.update(view.filters())
            env.globals["provider"] = tset.provider_name
            # Added by jinja2.ext.i18n at run time, hence unknown to the type checker.
            env.install_gettext_translations(  # type: ignore[attr-defined]
                load_translations(language, locale_dir), newstyle=True
            )
            for key in MESSAGE_KEYS:
                template = env.get_template(f"{key}.j2")
                # A plain dict instead of the ChainMap Jinja keeps: every render copies the
                # globals' keys into a set, and iterating a ChainMap is slow.
                template.globals = dict(template.globals)
                self._templates[(language, key)] = _Compiled(template, template.globals)
            self._views[language] = view
        self._resolved: dict[str | None, str] = {}
        self._options: dict[tuple[str, More | Back], str] = {}

    def language_for(self, requested: str | None) -> str:
        """The language a subscriber asking for ``requested`` gets (provider fallback)."""
        language = self._resolved.get(requested)
        if language is None:
            language = self.tset.resolve_language(requested)
            if len(self._resolved) < _MAX_MEMO:  # codes come from outside: keep it bounded
                self._resolved[requested] = language
        return language

    def render(self, message: Message, language: str | None) -> str:
        """The message's text in ``language`` (or the provider's fallback language)."""
        resolved = self.language_for(language)
        compiled = self._templates[(resolved, message.key)]
        # Templates end lines with "\n" naturally; the last one is not part of the message.
        return compiled.render(message).rstrip(LINE_BREAK)

    def lines(self, message: Message, language: str | None) -> list[str]:
        """The rendered text's lines: the items a USSD list pages through."""
        return self.render(message, language).split(LINE_BREAK)

    def sms(self, message: Message, language: str | None) -> Sms:
        """The message as SMS parts (GSM-7 or UCS2, single or concatenated)."""
        return split_sms(self.render(message, language))

    def ussd_pages(
        self,
        message: Message,
        language: str | None,
        *,
        more: More | None = None,
        footer: Sequence[Message] = (),
    ) -> tuple[PreparedText, ...]:
        """The message as USSD screens: its lines paged with the localized "more" line
        (``more``, default "98 More") and ``footer`` messages (e.g. ``Back()``) on each."""
        footer_lines = [self._option_line(item, language) for item in footer]
        more_line = self._option_line(more or More(), language)
        return paginate(self.lines(message, language), more=more_line, footer=footer_lines)

    def _option_line(self, message: Message, language: str | None) -> str:
        """Option lines ("98 More", "0 Back") repeat on every page of every list and depend
        only on the (immutable) message and language: render each once."""
        if not isinstance(message, More | Back):
            return self.render(message, language)
        key = (self.language_for(language), message)
        line = self._options.get(key)
        if line is None:
            line = self._options[key] = self.render(message, language)
        return line


class _Compiled:
    """A template and its globals (gettext & co.) as one plain dict, rendered like
    ``Template.render`` but cheaper.

    ``Template.render`` merges the globals ChainMap into a fresh dict on every call, about a
    third of a short message's rendering time; a shared context over a copy of a prepared
    dict skips that. Same public Template API (``new_context(shared=True)``,
    ``root_render_func``) and the same traceback rewriting on errors as ``render``.
    """

    __slots__ = ("base", "template")

    def __init__(self, template: Template, base: dict[str, Any]) -> None:
        self.template = template
        self.base = base

    def render(self, message: Message) -> str:
        variables = dict(self.base)
        variables["m"] = message
        template = self.template
        context = template.new_context(variables, shared=True)
        try:
            return "".join(template.root_render_func(context))
        except Exception:
            template.environment.handle_exception()
            raise  # unreachable: handle_exception always raises


def _environment(loader: FileSystemLoader) -> Environment:
    env = Environment(
        loader=loader,
        extensions=["jinja2.ext.i18n"],
        autoescape=False,  # plain text for handsets, not HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=StrictUndefined,  # a typo in a template fails the golden tests, not a user
        auto_reload=False,
        cache_size=-1,
    )
    # Collapse whitespace inside {% trans %} so templates can wrap long sentences; babel.cfg
    # sets the same option so extracted msgids match.
    env.policies["ext.i18n.trimmed"] = True
    return env
