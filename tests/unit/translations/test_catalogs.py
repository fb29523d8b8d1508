"""The gettext catalogs: extracted, complete, consistent with CLDR plural rules, loadable."""

from __future__ import annotations

import gettext
import os
import shutil
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from tests.unit.translations.fixtures import LANGUAGES, REPO
from translations.catalogs import (
    DOMAIN,
    LOCALE_DIR,
    POT_FILE,
    MissingCatalog,
    catalog_language,
    catalog_languages,
    compile_po,
    load_translations,
    mo_path,
    po_path,
    unit_translations,
    write_mo_files,
)

# gettext's forms per language, in CLDR's category order (zero, one, two, few, many, other).
# French CLDR also has "many" (for exact millions, "1 000 000 de ..."); gettext catalogs keep
# two forms and the millions fall into "other".
GETTEXT_FORMS = {
    "en": ("one", "other"),
    "fr": ("one", "other"),
    "sw": ("one", "other"),
    "ar": ("zero", "one", "two", "few", "many", "other"),
}


def extracted_ids() -> set[str]:
    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    found = extract_from_dir(str(REPO), method_map, options_map, keywords=DEFAULT_KEYWORDS)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def catalog_ids(path: Path, language: str | None = None) -> set[str]:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_the_pot_file_is_up_to_date_with_templates_and_code() -> None:
    # If this fails: run the extract + update commands in translations/catalogs.py.
    assert catalog_ids(POT_FILE) == extracted_ids()


def test_the_catalog_languages_are_the_demo_languages() -> None:
    assert set(catalog_languages()) == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_is_complete_and_its_placeholders_match(language: str) -> None:
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    assert catalog_ids(po_path(language), language) == catalog_ids(POT_FILE)
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: untranslated {message.id!r}"
        if isinstance(message.id, tuple):
            assert len(strings) == catalog.num_plurals
    assert [errors for _, errors in catalog.check() if errors] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_follow_cldr(language: str) -> None:
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    form_of = gettext.c2py(catalog.plural_expr)
    rule = Locale.parse(language).plural_form
    forms = GETTEXT_FORMS[language]
    assert catalog.num_plurals == len(forms)
    for n in [*range(0, 1_200), 1_000_000, 2_000_000]:
        category = rule(n)
        assert forms[form_of(n)] == (category if category in forms else "other"), (language, n)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_compiled_mo_matches_its_po(language: str) -> None:
    # If this fails: run the compile command in translations/catalogs.py (the runtime would
    # compile the newer .po in memory instead, but a shipped .mo should not be stale).
    if not mo_path(language).exists():
        pytest.skip("no compiled catalog in this tree")
    assert mo_path(language).read_bytes() == compile_po(po_path(language))


def test_catalogs_load_from_po_files_alone(tmp_path: Path) -> None:
    for language in LANGUAGES:
        target = po_path(language, tmp_path)
        target.parent.mkdir(parents=True)
        shutil.copy(po_path(language), target)
    translations = load_translations("fr", tmp_path)
    assert translations.gettext("More") == "Suite"
    assert not mo_path("fr", tmp_path).exists()  # compiled in memory, nothing written


def test_a_stale_mo_is_ignored_in_favour_of_its_newer_po(tmp_path: Path) -> None:
    target = po_path("fr", tmp_path)
    target.parent.mkdir(parents=True)
    mo_path("fr", tmp_path).write_bytes(compile_po(po_path("en")))  # wrong contents...
    shutil.copy(po_path("fr"), target)  # ...and older than the .po written after it
    stamp = target.stat().st_mtime
    os.utime(mo_path("fr", tmp_path), (stamp - 10, stamp - 10))
    assert load_translations("fr", tmp_path).gettext("More") == "Suite"


def test_write_mo_files_writes_what_pybabel_compile_would(tmp_path: Path) -> None:
    target = po_path("sw", tmp_path)
    target.parent.mkdir(parents=True)
    shutil.copy(po_path("sw"), target)
    assert write_mo_files(tmp_path) == [mo_path("sw", tmp_path)]
    assert mo_path("sw", tmp_path).read_bytes() == compile_po(target)


def test_a_regional_language_uses_its_base_catalog() -> None:
    assert catalog_language("fr_FR") == "fr"
    assert catalog_language("sw-KE") == "sw"
    assert catalog_language("de") is None


def test_a_language_without_a_catalog() -> None:
    with pytest.raises(MissingCatalog) as raised:
        load_translations("de")
    assert raised.value.language == "de"
    assert unit_translations("de").gettext("%(amount)s MB") == "%(amount)s MB"


def test_the_domain_layout() -> None:
    assert po_path("ar") == LOCALE_DIR / "ar" / "LC_MESSAGES" / f"{DOMAIN}.po"
