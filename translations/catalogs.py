"""gettext catalogs: where they live, how they are built, how they are loaded.

Layout (gettext standard, one domain)::

    translations/locale/messages.pot                     extracted from templates + code
    translations/locale/<lang>/LC_MESSAGES/messages.po   translated; committed
    translations/locale/<lang>/LC_MESSAGES/messages.mo   compiled; build output

Commands (run from the repository root; the Makefile's ``catalogs`` target calls these)::

    pybabel extract -F babel.cfg --sort-by-file --no-wrap --omit-header \\
        --add-comments=Translators: -o translations/locale/messages.pot .
    pybabel update -i translations/locale/messages.pot -d translations/locale \\
        -D messages --no-wrap --ignore-obsolete --no-fuzzy-matching
    pybabel compile -d translations/locale -D messages --statistics

    # a new language: pybabel init -i translations/locale/messages.pot \\
    #     -d translations/locale -D messages -l <lang>

``pybabel init`` writes Babel's own Arabic Plural-Forms, which orders the last two forms
differently from GNU gettext and CLDR (zero, one, two, few, many, other); our ar catalog uses
the GNU expression and ``test_catalogs`` checks every catalog's forms against CLDR.

``--omit-header`` keeps the .pot free of a creation date, so re-extracting an unchanged tree
changes nothing in git; ``--no-fuzzy-matching`` because a guessed translation shown to a
subscriber is worse than the English fallback.

Runtime strategy: the .po files are the source of truth. :func:`load_translations` reads the
.mo when it exists and is at least as new as its .po; otherwise it compiles the .po in memory
(a few milliseconds, once per language per process) and writes nothing, since the package
directory may be read-only once installed. So a fresh checkout works without a build step and
a stale .mo can never shadow an edited .po. Nothing is read at import time.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
DOMAIN = "messages"
POT_FILE = LOCALE_DIR / f"{DOMAIN}.pot"

EXTRACT_COMMAND = (
    "pybabel extract -F babel.cfg --sort-by-file --no-wrap --omit-header "
    "--add-comments=Translators: -o translations/locale/messages.pot ."
)
UPDATE_COMMAND = (
    "pybabel update -i translations/locale/messages.pot -d translations/locale "
    "-D messages --no-wrap --ignore-obsolete --no-fuzzy-matching"
)
COMPILE_COMMAND = "pybabel compile -d translations/locale -D messages --statistics"


class MissingCatalog(LookupError):
    """No .po (and no .mo) for a language the configuration asks for."""

    def __init__(self, language: str, locale_dir: Path) -> None:
        super().__init__(f"no {DOMAIN} catalog for {language!r} under {locale_dir}")
        self.language = language
        self.locale_dir = locale_dir


def po_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return po_path(language, locale_dir).with_suffix(".mo")


def catalog_languages(locale_dir: Path = LOCALE_DIR) -> tuple[str, ...]:
    """Languages that have a .po catalog, sorted."""
    found = locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    return tuple(sorted(path.parent.parent.name for path in found))


def compile_po(po_file: Path) -> bytes:
    """The .mo bytes for one .po file (what ``pybabel compile`` writes), without writing.

    Fuzzy entries are left out, as ``pybabel compile`` does without ``--use-fuzzy``.
    """
    # Imported here, not at module level: babel.messages pulls in babel.dates, which reads
    # the system time zone when imported, and only a missing or stale .mo needs it.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=po_file.parent.parent.name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def has_catalog(language: str, locale_dir: Path = LOCALE_DIR) -> bool:
    return po_path(language, locale_dir).exists() or mo_path(language, locale_dir).exists()


def catalog_language(language: str, locale_dir: Path = LOCALE_DIR) -> str | None:
    """The catalog serving ``language``: itself ("fr_FR") or its base language ("fr")."""
    normalized = language.replace("-", "_")
    for candidate in (normalized, normalized.split("_", 1)[0]):
        if has_catalog(candidate, locale_dir):
            return candidate
    return None


@lru_cache(maxsize=32)
def load_translations(language: str, locale_dir: Path = LOCALE_DIR) -> gettext.GNUTranslations:
    """The compiled catalog of ``language`` (or its base language), cached per process.

    Raises :class:`MissingCatalog` when there is none: a configured language with no catalog
    is a deployment error to report at start-up, not something to paper over per message.
    """
    found = catalog_language(language, locale_dir)
    if found is None:
        raise MissingCatalog(language, locale_dir)
    po_file, mo_file = po_path(found, locale_dir), mo_path(found, locale_dir)
    if mo_file.exists() and (
        not po_file.exists() or mo_file.stat().st_mtime >= po_file.stat().st_mtime
    ):
        data = mo_file.read_bytes()
    else:
        data = compile_po(po_file)
    return gettext.GNUTranslations(io.BytesIO(data))


def unit_translations(language: str, locale_dir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """Like :func:`load_translations`, but a language without a catalog gets the English
    source strings (``NullTranslations``) instead of an error. For number formatting, which
    must work for any locale Babel knows."""
    try:
        return load_translations(language, locale_dir)
    except MissingCatalog:
        return gettext.NullTranslations()


def write_mo_files(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every .po under ``locale_dir`` to its .mo (same output as ``pybabel compile``).

    For build steps that cannot run ``pybabel``; returns the files written.
    """
    written = []
    for language in catalog_languages(locale_dir):
        target = mo_path(language, locale_dir)
        target.write_bytes(compile_po(po_path(language, locale_dir)))
        written.append(target)
    return written
