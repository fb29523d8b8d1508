"""Every path of the demo *100# menu, over HTTP (Africa's Talking), in each demo language.

The four demo wallets speak en, fr, sw and ar; each test runs once per wallet. Each screen is
checked by ``Phone`` for the protocol (CON/END) and the USSD size limit; the tests check the
text and what moved in the ledger.
"""

from __future__ import annotations

import re

import pytest

from tests.integration.gateway.phone import Gateway, Screen

WALLETS = {"en": "+254700000001", "fr": "+254700000002", "sw": "+254700000003",
           "ar": "+254700000004"}
NATIONAL = {lang: "0" + number[4:] for lang, number in WALLETS.items()}
LANGUAGES = tuple(WALLETS)

MAIN = {
    "en": "Welcome to Demo Telecom\n1 My balance\n2 Recharge\n3 Transfer credit\n4 Language\n"
          "5 Bundles",
    "fr": "Bienvenue chez Demo Telecom\n1 Mon solde\n2 Recharger\n3 Transférer du crédit\n"
          "4 Langue\n5 Forfaits",
    "sw": "Karibu Demo Telecom\n1 Salio langu\n2 Ongeza salio\n3 Tuma salio\n4 Lugha\n"
          "5 Vifurushi",
    "ar": "مرحبًا بك في Demo Telecom\n1 رصيدي\n2 إعادة الشحن\n3 تحويل الرصيد\n4 اللغة\n"
          "5 الباقات",
}
INVALID = {
    "en": "Invalid choice. Please try again.",
    "fr": "Choix invalide. Veuillez réessayer.",
    "sw": "Chaguo si sahihi. Tafadhali jaribu tena.",
    "ar": "اختيار غير صحيح. يرجى المحاولة مرة أخرى.",
}
BACK = {"en": "0 Back", "fr": "0 Retour", "sw": "0 Rudi", "ar": "0 رجوع"}
MORE = {"en": "98 More", "fr": "98 Suite", "sw": "98 Zaidi", "ar": "98 المزيد"}
PIN_PROMPT = {
    "en": "Enter the voucher PIN:",
    "fr": "Saisissez le code PIN du bon :",
    "sw": "Weka PIN ya vocha:",
    "ar": "أدخل رمز PIN للقسيمة:",
}
RECHARGED = {  # a KES 50.00 voucher on a wallet holding KES 100.00
    "en": "Recharge successful: KES 50.00 added. Your balance is now KES 150.00.",
    "fr": "Recharge de 50,00 KES réussie. Nouveau solde : 150,00 KES.",
    "sw": "Umeongeza salio kwa KES 50.00. Salio lako sasa ni KES 150.00.",
    "ar": "تمت إعادة الشحن بنجاح بمبلغ \u200f50.00\xa0KES. رصيدك الآن \u200f150.00\xa0KES.",
}
VOUCHER_USED = {
    "en": "This voucher has already been used.",
    "fr": "Ce bon de recharge a déjà été utilisé.",
    "sw": "Vocha hii imeshatumika.",
    "ar": "تم استخدام هذه القسيمة من قبل.",
}
BAD_PIN = {
    "en": "Wrong voucher PIN. You have 2 attempts left.",
    "fr": "Code PIN du bon erroné. Il vous reste 2 essais.",
    "sw": "PIN ya vocha si sahihi. Umebakiza majaribio 2.",
    "ar": "رمز PIN للقسيمة غير صحيح. تبقت لديك محاولتان.",
}
RECIPIENT_PROMPT = {
    "en": "Enter the recipient's phone number:",
    "fr": "Saisissez le numéro du destinataire :",
    "sw": "Weka namba ya simu ya mpokeaji:",
    "ar": "أدخل رقم هاتف المستلم:",
}
AMOUNT_PROMPT = {
    "en": "Enter the amount to send, from KES 10.00 to KES 10,000.00:",
    "fr": "Saisissez le montant à envoyer, de 10,00 KES à 10 000,00 KES :",
    "sw": "Weka kiasi cha kutuma, kuanzia KES 10.00 hadi KES 10,000.00:",
    "ar": "أدخل المبلغ المراد إرساله، من \u200f10.00\xa0KES إلى \u200f10,000.00\xa0KES:",
}
CONFIRM = {  # KES 20.00 to {recipient}
    "en": "Send KES 20.00 to {0}? Fee: KES 1.00.\n1 Confirm\n2 Cancel",
    "fr": "Envoyer 20,00 KES au {0} ? Frais : 1,00 KES.\n1 Confirmer\n2 Annuler",
    "sw": "Tuma KES 20.00 kwa {0}? Ada: KES 1.00.\n1 Thibitisha\n2 Ghairi",
    "ar": "هل تريد إرسال \u200f20.00\xa0KES إلى {0}؟ الرسوم: \u200f1.00\xa0KES.\n1 تأكيد\n2 إلغاء",
}
SENT = {  # from KES 100.00: 20.00 and a 1.00 fee
    "en": "You sent KES 20.00 to {0}. Your balance is now KES 79.00.",
    "fr": "Vous avez envoyé 20,00 KES au {0}. Nouveau solde : 79,00 KES.",
    "sw": "Umetuma KES 20.00 kwa {0}. Salio lako sasa ni KES 79.00.",
    "ar": "أرسلت \u200f20.00\xa0KES إلى {0}. رصيدك الآن \u200f79.00\xa0KES.",
}
CANCELLED = {
    "en": "Cancelled. Nothing was charged.",
    "fr": "Annulé. Rien n'a été débité.",
    "sw": "Imeghairiwa. Hakuna kilichokatwa.",
    "ar": "تم الإلغاء. لم يُخصم أي مبلغ.",
}
BUNDLES = {
    "en": "Bundles\n1 Buy a bundle\n2 My bundles\n0 Back",
    "fr": "Forfaits\n1 Acheter un forfait\n2 Mes forfaits\n0 Retour",
    "sw": "Vifurushi\n1 Nunua kifurushi\n2 Vifurushi vyangu\n0 Rudi",
    "ar": "الباقات\n1 شراء باقة\n2 باقاتي\n0 رجوع",
}
SMS_BOUGHT = {  # SMS 200, KES 20.00, 7 days
    "en": ("Buy SMS 200 for KES 20.00?\n1 Confirm\n2 Cancel",
           "You bought SMS 200 for KES 20.00. Valid for 7 days."),
    "fr": ("Acheter SMS 200 pour 20,00 KES ?\n1 Confirmer\n2 Annuler",
           "Vous avez acheté SMS 200 pour 20,00 KES. Valable 7 jours."),
    "sw": ("Nunua SMS 200 kwa KES 20.00?\n1 Thibitisha\n2 Ghairi",
           "Umenunua SMS 200 kwa KES 20.00. Muda wake ni siku 7."),
    "ar": ("هل تريد شراء SMS 200 بسعر \u200f20.00\xa0KES؟\n1 تأكيد\n2 إلغاء",
           "اشتريت SMS 200 بسعر \u200f20.00\xa0KES. الباقة صالحة لمدة 7 أيام."),
}
MY_BUNDLES = {  # what config/ledger/demo.toml provisions for each wallet, soonest expiry first
    "en": r"Your bundles:\nVoice 100: 100 min 0 s until \w{3} \d+, \d{4}\n"
          r"Data 1GB: 1 GB until \w{3} \d+, \d{4}",
    "fr": r"Vos forfaits :\nSMS 200 : 200 SMS jusqu'au \d+ [\w.]+ \d{4}",
    "sw": r"Vifurushi vyako:\nSMS 200: SMS 200 hadi \d+ \w+ \d{4}\n"
          r"Data 1GB: 1 GB hadi \d+ \w+ \d{4}",
    "ar": "باقاتك:\nVoice 100: 100 د 0 ث حتى \\d+\u200f/\\d+\u200f/\\d{4}",
}
BALANCE_HEADER = {"en": "Prepaid", "fr": "Prépayé", "sw": "Malipo kabla", "ar": "مسبق الدفع"}


def recipient_of(language: str) -> str:
    """Each demo wallet sends to the next one."""
    languages = list(WALLETS)
    return languages[(languages.index(language) + 1) % len(languages)]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_dialling_shows_the_main_menu_in_the_wallet_s_language(gateway: Gateway,
                                                                     language: str) -> None:
    assert await gateway.phone(WALLETS[language]).dial() == Screen(MAIN[language], end=False)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_my_balance(gateway: Gateway, language: str) -> None:
    phone = gateway.phone(WALLETS[language])
    await phone.dial()
    screens = [await phone.send("1")]
    while not screens[-1].end:  # the Arabic summary takes several UCS2 pages
        assert screens[-1].lines[-1] == MORE[language]
        screens.append(await phone.send("98"))
    assert screens[0].lines[0] == BALANCE_HEADER[language]
    assert (len(screens) > 1) == (language == "ar")
    shown = "\n".join(s.text for s in screens)
    assert ("100.00" in shown) or ("100,00" in shown)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_balance_shortcut(gateway: Gateway, language: str) -> None:
    screen = await gateway.phone(WALLETS[language], code="*100*1#").dial()
    assert screen.lines[0] == BALANCE_HEADER[language]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_recharge_with_a_voucher_pin(gateway: Gateway, pins: list[str], language: str
                                           ) -> None:
    msisdn = WALLETS[language]
    phone = gateway.phone(msisdn)
    await phone.dial()
    assert await phone.send("2") == Screen(f"{PIN_PROMPT[language]}\n{BACK[language]}", False)
    assert await phone.send(pins[0]) == Screen(RECHARGED[language], end=True)
    assert await gateway.cash(msisdn) == 15_000
    again = gateway.phone(msisdn)
    await again.dial()
    await again.send("2")
    assert await again.send(pins[0]) == Screen(VOUCHER_USED[language], end=True)
    wrong = gateway.phone(msisdn)
    await wrong.dial()
    await wrong.send("2")
    assert await wrong.send("11112222333344") == Screen(BAD_PIN[language], end=True)
    assert await gateway.cash(msisdn) == 15_000


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_recharge_shortcut(gateway: Gateway, pins: list[str], language: str) -> None:
    msisdn = WALLETS[language]
    screen = await gateway.phone(msisdn, code=f"*100*{pins[1]}#").dial()
    assert screen == Screen(RECHARGED[language], end=True)
    assert await gateway.cash(msisdn) == 15_000


@pytest.mark.parametrize("language", LANGUAGES)
async def test_transfer_credit(gateway: Gateway, language: str) -> None:
    sender, recipient = WALLETS[language], WALLETS[recipient_of(language)]
    before = await gateway.cash(recipient)
    phone = gateway.phone(sender)
    await phone.dial()
    assert await phone.send("3") == Screen(f"{RECIPIENT_PROMPT[language]}\n{BACK[language]}",
                                           False)
    assert await phone.send(NATIONAL[recipient_of(language)]) == Screen(
        f"{AMOUNT_PROMPT[language]}\n{BACK[language]}", False)
    shown = NATIONAL[recipient_of(language)]
    assert await phone.send("20") == Screen(CONFIRM[language].format(shown), False)
    assert await phone.send("1") == Screen(SENT[language].format(shown), True)
    assert await gateway.cash(sender) == 10_000 - 2_000 - 100
    assert await gateway.cash(recipient) == before + 2_000


@pytest.mark.parametrize("language", LANGUAGES)
async def test_transfer_cancelled(gateway: Gateway, language: str) -> None:
    sender = WALLETS[language]
    phone = gateway.phone(sender)
    await phone.dial()
    await phone.send("3")
    await phone.send(NATIONAL[recipient_of(language)])
    await phone.send("20")
    assert await phone.send("2") == Screen(CANCELLED[language], end=True)
    assert await gateway.cash(sender) == 10_000


@pytest.mark.parametrize("language", LANGUAGES)
async def test_transfer_input_mistakes_and_going_back(gateway: Gateway, language: str) -> None:
    phone = gateway.phone(WALLETS[language])
    await phone.dial()
    await phone.send("3")
    bad_number = await phone.send("123")
    assert bad_number.lines[-2:] == [RECIPIENT_PROMPT[language], BACK[language]]
    assert len(bad_number.lines) == 3  # with the "invalid number" line first
    await phone.send(NATIONAL[recipient_of(language)])
    too_little = await phone.send("5")
    assert too_little.lines[-1] == BACK[language]
    assert ("10.00" in too_little.text) or ("10,00" in too_little.text)
    assert await phone.send("0") == Screen(f"{RECIPIENT_PROMPT[language]}\n{BACK[language]}",
                                           False)
    assert await phone.send("0") == Screen(MAIN[language], False)
    assert await gateway.cash(WALLETS[language]) == 10_000


async def test_transfer_beyond_the_balance(gateway: Gateway) -> None:
    phone = gateway.phone(WALLETS["en"])
    await phone.dial()
    await phone.send("3")
    await phone.send("0700000002")
    await phone.send("500")
    assert await phone.send("1") == Screen(
        "Transfer of KES 500.00 failed: your balance of KES 100.00 is not enough.", True)
    assert await gateway.cash(WALLETS["en"]) == 10_000


@pytest.mark.parametrize("language", LANGUAGES)
async def test_choosing_a_language_changes_the_wallet_s(gateway: Gateway, language: str
                                                        ) -> None:
    msisdn = WALLETS[language]
    phone = gateway.phone(msisdn)
    await phone.dial()
    languages = await phone.send("4")
    assert languages.lines[1:] == ["1 English", "2 français", "3 Kiswahili", "4 العربية",
                                   BACK[language]]
    target = "sw" if language != "sw" else "fr"
    changed = await phone.send("3" if target == "sw" else "2")
    assert changed.end
    assert changed.text == ("Lugha yako sasa ni Kiswahili." if target == "sw"
                            else "Nouvelle langue\xa0: français.")  # UCS2 (ç): kept
    assert (await gateway.wallet(msisdn)).language == target
    assert await gateway.phone(msisdn).dial() == Screen(MAIN[target], False)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_buying_a_bundle(gateway: Gateway, language: str) -> None:
    msisdn = WALLETS[language]
    sms_before = (await gateway.wallet(msisdn)).balance("SMS")
    phone = gateway.phone(msisdn)
    await phone.dial()
    assert await phone.send("5") == Screen(BUNDLES[language], False)
    listed = await phone.send("1")
    assert listed.lines[-1] == BACK[language]
    confirm, bought = SMS_BOUGHT[language]
    assert await phone.send("3") == Screen(confirm, False)
    assert await phone.send("1") == Screen(bought, True)
    assert await gateway.cash(msisdn) == 10_000 - 2_000
    sms = (await gateway.wallet(msisdn)).balance("SMS")
    assert sms is not None
    assert sms.total == (sms_before.total if sms_before else 0) + 200


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_bundle_purchase_cancelled(gateway: Gateway, language: str) -> None:
    phone = gateway.phone(WALLETS[language])
    await phone.dial()
    await phone.send("5")
    await phone.send("1")
    await phone.send("2")
    assert await phone.send("2") == Screen(CANCELLED[language], end=True)
    assert await gateway.cash(WALLETS[language]) == 10_000


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_bundle_list_pages_where_it_must(gateway: Gateway, language: str) -> None:
    phone = gateway.phone(WALLETS[language])
    await phone.dial()
    await phone.send("5")
    first = await phone.send("1")
    if language != "ar":
        assert MORE[language] not in first.lines
        return
    assert first.lines[-2:] == [MORE[language], BACK[language]]  # UCS2: 80 characters
    second = await phone.send("98")
    assert second.lines[0].startswith("3 SMS 200")
    assert await phone.send("0") == first
    assert await phone.send("0") == Screen(BUNDLES[language], False)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_my_bundles_with_expiry_dates(gateway: Gateway, language: str) -> None:
    phone = gateway.phone(WALLETS[language])
    await phone.dial()
    await phone.send("5")
    screen = await phone.send("2")
    assert screen.end
    assert re.fullmatch(MY_BUNDLES[language], screen.text.replace("\xa0", " ")), screen.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("answer", ["9", "abc", "1" * 40, "1*2"])
async def test_an_invalid_choice_shows_the_menu_again_and_the_session_goes_on(
        gateway: Gateway, language: str, answer: str) -> None:
    phone = gateway.phone(WALLETS[language])
    await phone.dial()
    screen = await phone.send(answer)
    assert not screen.end
    assert screen.lines[0] == INVALID[language]
    if language != "ar":
        assert screen.text == f"{INVALID[language]}\n{MAIN[language]}"
    balance = await phone.send("1")
    assert balance.lines[0] == BALANCE_HEADER[language]


async def test_an_unknown_number_is_told_it_is_not_a_subscriber(gateway: Gateway) -> None:
    screen = await gateway.phone("+254799999999").dial()
    assert screen == Screen("Sorry, this service is only for Demo Telecom prepaid customers.",
                            end=True)
