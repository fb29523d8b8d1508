"""The SMS keyword grammar, per language: aliases, case and spacing, bad arguments named by
field, anything else answered with help; and parsing never raises."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from menus.sms_keywords import (
    Balance,
    Bundles,
    Command,
    Confirm,
    Help,
    Invalid,
    Keywords,
    KeywordsError,
    Language,
    Recharge,
    SmsGrammar,
    SmsRequest,
    Transfer,
)
from tests.unit.menus.support import demo_bound
from translations import messages

PIN = "12345678901234"
FRIEND = "+254700000002"


@lru_cache(maxsize=1)
def grammar() -> SmsGrammar:
    return SmsGrammar.for_menu(Keywords.load(), demo_bound())


CASES: list[tuple[str, str, SmsRequest]] = [
    # English, the base set, in every language
    ("en", "BAL", Balance()), ("en", "bal", Balance()), ("en", "  Balance \n", Balance()),
    ("en", f"RECHARGE {PIN}", Recharge(PIN)), ("en", f"topup   {PIN}", Recharge(PIN)),
    ("en", "RECHARGE 1234-5678-9012-34", Recharge(PIN)),
    ("en", "recharge 1234 5678 9012 34", Recharge(PIN)),
    ("en", "TRANSFER 0700000002 50", Transfer(FRIEND, 5_000)),
    ("en", "send +254700000002 50.5", Transfer(FRIEND, 5_050)),
    ("en", "Transfer\t254700000002   12,25", Transfer(FRIEND, 1_225)),
    ("en", "YES", Confirm()), ("en", "yes", Confirm()),
    ("en", "LANG fr", Language("fr")), ("en", "lang SW", Language("sw")),
    ("en", "HELP", Help()), ("en", "help", Help()),
    ("en", "BUNDLES", Bundles()), ("en", "bundle", Bundles()), ("fr", "bundles", Bundles()),
    ("fr", "BAL", Balance()), ("sw", "yes", Confirm()), ("ar", "HELP", Help()),
    # French
    ("fr", "SOLDE", Balance()), ("fr", "solde", Balance()),
    ("fr", f"recharger {PIN}", Recharge(PIN)), ("fr", f"RECHARGE {PIN}", Recharge(PIN)),
    ("fr", "TRANSFERT 0700000002 10", Transfer(FRIEND, 1_000)),
    ("fr", "envoyer 0700000002 10,5", Transfer(FRIEND, 1_050)),
    ("fr", "Oui", Confirm()), ("fr", "LANGUE en", Language("en")), ("fr", "aide", Help()),
    ("fr", "Forfaits", Bundles()),
    # Swahili
    ("sw", "SALIO", Balance()), ("sw", f"jaza {PIN}", Recharge(PIN)),
    ("sw", f"ONGEZA {PIN}", Recharge(PIN)), ("sw", "tuma 0700000002 20", Transfer(FRIEND, 2_000)),
    ("sw", "Ndiyo", Confirm()), ("sw", "LUGHA ar", Language("ar")), ("sw", "msaada", Help()),
    ("sw", "vifurushi", Bundles()),
    # Arabic, with Arabic-Indic digits in the arguments
    ("ar", "رصيد", Balance()), ("ar", " رصيد ", Balance()),
    ("ar", "شحن ١٢٣٤٥٦٧٨٩٠١٢٣٤", Recharge(PIN)),
    ("ar", "تحويل ٠٧٠٠٠٠٠٠٠٢ ٥٠", Transfer(FRIEND, 5_000)),
    ("ar", "نعم", Confirm()), ("ar", "لغة en", Language("en")), ("ar", "لغه fr", Language("fr")),
    ("ar", "مساعدة", Help()), ("ar", "مساعده", Help()), ("ar", "باقات", Bundles()),
    # fullwidth letters and digits (some handsets' IMEs) fold to ASCII
    ("en", "ＢＡＬ", Balance()),
    ("en", "TRANSFER ０７０００００００２ ５０", Transfer(FRIEND, 5_000)),
    # a language the keywords file does not know still has the base set
    ("de", "BAL", Balance()),
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_keywords_per_language(language: str, text: str, expected: SmsRequest) -> None:
    assert grammar().parse(text, language) == expected


@pytest.mark.parametrize(("language", "text"), [
    ("en", "SOLDE"), ("fr", "TUMA 0700000002 50"), ("en", "رصيد"), ("sw", "OUI")])
def test_another_languages_words_are_not_commands(language: str, text: str) -> None:
    assert grammar().parse(text, language) == Help(unknown=True)


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "hello", "BALANCE?", "BAL.", "1",
                                  "*100#", "B A L", "RECHARGEX 123"])
def test_anything_else_gets_help(text: str) -> None:
    assert grammar().parse(text, "en") == Help(unknown=True)


LIMITS = messages.TransferInvalidAmount(min_minor=1_000, max_minor=1_000_000)
BAD: list[tuple[str, str, str, str, Any]] = [
    ("en", "RECHARGE", "pin", "missing", messages.InvalidChoice()),
    ("en", "RECHARGE 12345", "pin", "invalid", messages.InvalidChoice()),
    ("en", "TOPUP 12345678901234abc", "pin", "invalid", messages.InvalidChoice()),
    ("fr", "RECHARGER " + "1" * 21, "pin", "invalid", messages.InvalidChoice()),
    ("en", "TRANSFER", "recipient", "missing", messages.MenuText("invalid_number")),
    ("en", "TRANSFER hello 50", "recipient", "invalid", messages.MenuText("invalid_number")),
    ("sw", "TUMA 07 50", "recipient", "invalid", messages.MenuText("invalid_number")),
    ("en", "TRANSFER 0700000002", "amount", "missing", LIMITS),
    ("en", "TRANSFER 0700000002 50 now", "amount", "extra", LIMITS),
    ("en", "TRANSFER 0700000002 fifty", "amount", "invalid", LIMITS),
    ("en", "TRANSFER 0700000002 9.99", "amount", "invalid", LIMITS),
    ("en", "TRANSFER 0700000002 10000.01", "amount", "invalid", LIMITS),
    ("fr", "TRANSFERT 0700000002 50.505", "amount", "invalid", LIMITS),
    ("ar", "تحويل ٠٧٠٠٠٠٠٠٠٢ -50", "amount", "invalid", LIMITS),
    ("en", "LANG", "language", "missing", None),
    ("en", "LANG de", "language", "invalid", None),
    ("fr", "LANGUE fr en", "language", "extra", None),
]


@pytest.mark.parametrize(("language", "text", "field", "reason", "notice"), BAD)
def test_bad_arguments_name_the_field(language: str, text: str, field: str, reason: str,
                                      notice: messages.Message | None) -> None:
    result = grammar().parse(text, language)
    assert isinstance(result, Invalid)
    assert (result.field, result.reason, result.notice) == (field, reason, notice)


def test_invalid_names_the_command() -> None:
    assert grammar().parse("SALIO", "sw") == Balance()
    result = grammar().parse("jaza 1", "sw")
    assert isinstance(result, Invalid)
    assert result.command is Command.RECHARGE


def test_a_pin_never_reaches_a_repr() -> None:
    request = grammar().parse(f"RECHARGE {PIN}", "en")
    assert request == Recharge(PIN)
    assert PIN not in repr(request)
    assert PIN not in repr(grammar().parse(f"RECHARGE {PIN}9999999", "en"))


def test_help_shows_the_languages_own_keywords() -> None:
    assert grammar().help_message("fr") == messages.Help(
        balance_keyword="SOLDE", recharge_keyword="RECHARGE", send_keyword="TRANSFERT",
        bundles_keyword="FORFAITS", language_keyword="LANGUE")
    assert grammar().help_message("en").send_keyword == "TRANSFER"
    assert grammar().help_message("de").balance_keyword == "BAL"


@given(st.text(max_size=200), st.sampled_from(["en", "fr", "sw", "ar", "xx"]))
def test_parse_never_raises(text: str, language: str) -> None:
    # Any text gets one of the requests the channel handles (BUNDLE included): never an
    # exception, never something else.
    assert isinstance(grammar().parse(text, language), SmsRequest)


@given(st.lists(st.sampled_from(["BAL", "RECHARGE", "TRANSFER", "LANG", "YES", "0700000002",
                                 "50", "٥٠", PIN, " ", "\t", "-", ",", ".", "x"]), max_size=6))
def test_parse_never_raises_on_keyword_like_text(words: list[str]) -> None:
    for language in ("en", "ar"):
        grammar().parse(" ".join(words), language)


def base(**overrides: Any) -> dict[str, Any]:
    en = {c.value: [c.value.upper()] for c in Command}
    return {"keywords": {"en": en, **overrides}}


@pytest.mark.parametrize(("raw", "key"), [
    ({"keywords": {"fr": {}}}, "keywords.en"),
    ({**base(), "extra": 1}, "extra"),
    (base(fr={"bundle_list": ["FORFAITS"]}), "keywords.fr.bundle_list"),
    (base(fr={"balance": []}), "keywords.fr.balance"),
    (base(fr={"balance": ["MON SOLDE"]}), "keywords.fr.balance"),
    (base(fr={"balance": "SOLDE"}), "keywords.fr.balance"),
    (base(fr={"balance": ["SOLDE"], "help": ["solde"]}), "keywords.fr.help"),
    (base(fr="SOLDE"), "keywords.fr"),
])
def test_a_bad_keywords_file_fails_with_the_keys_name(raw: dict[str, Any], key: str) -> None:
    with pytest.raises(KeywordsError) as caught:
        Keywords.from_dict(raw)
    assert caught.value.key.startswith(key)


def test_a_language_word_shadows_a_base_word_with_another_meaning() -> None:
    keywords = Keywords.from_dict(base(fr={"balance": ["HELP"]}))
    grammar = SmsGrammar(keywords, ("en", "fr"), "KE", 2, (1_000, 1_000_000))
    assert grammar.parse("help", "fr") == Balance()
    assert grammar.parse("help", "en") == Help()
