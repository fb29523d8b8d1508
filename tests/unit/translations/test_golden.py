"""Golden texts: every message key in every demo language, for one fixed wallet and instant.

The expected strings are written out in full: a change to a template, a catalog, a number
format or the demo configuration shows up here as a reviewed diff. Escapes mark the invisible
characters CLDR puts in numbers: \\xa0 NO-BREAK SPACE, \\u202f NARROW NO-BREAK SPACE (French
grouping), \\u200f RIGHT-TO-LEFT MARK (Arabic currency pattern).
"""

from __future__ import annotations

import pytest

from core.clock import DAY_S
from tests.unit.translations.fixtures import (
    AS_OF,
    LANGUAGES,
    balance,
    demo_renderer,
    demo_wallet,
)
from translations.messages import (
    MESSAGE_KEYS,
    AmountPrompt,
    Back,
    BalanceSummary,
    BundleBalance,
    BundleBalances,
    BundleBought,
    BundleConfirmRequest,
    BundleInsufficient,
    BundleList,
    BundleOffer,
    ExpirySoon,
    GenericError,
    Help,
    InvalidChoice,
    LanguageChanged,
    LanguageList,
    LanguageOffer,
    LowBalance,
    MenuText,
    Message,
    More,
    NotASubscriber,
    RechargeBadPin,
    RechargeLocked,
    RechargeOk,
    SessionExpired,
    ThresholdReached,
    TransferConfirmRequest,
    TransferFailedInsufficient,
    TransferInvalidAmount,
    TransferOkRecipient,
    TransferOkSender,
    TransferRecipientRefused,
    VoucherUsed,
)


def golden_cases() -> dict[str, Message]:
    """One message per key; amounts chosen to show grouping, decimals and plurals."""
    data = balance("Data", 1_536_000_000, expires_in_days=3)
    return {
        "balance_summary": BalanceSummary(demo_wallet()),
        "recharge_ok": RechargeOk(credited_minor=10_000, new_balance_minor=132_450),
        "recharge_bad_pin": RechargeBadPin(attempts_left=2),
        "recharge_locked": RechargeLocked(locked_for_hours=24),
        "voucher_used": VoucherUsed(),
        "transfer_confirm_request": TransferConfirmRequest(
            amount_minor=5_000, recipient="254700000001", fee_minor=100
        ),
        "transfer_ok_sender": TransferOkSender(
            amount_minor=5_000, recipient="254700000001", new_balance_minor=117_350
        ),
        "transfer_ok_recipient": TransferOkRecipient(amount_minor=5_000, sender="254700000002"),
        "transfer_failed_insufficient": TransferFailedInsufficient(
            amount_minor=500_000, available_minor=122_450
        ),
        "transfer_invalid_amount": TransferInvalidAmount(min_minor=100, max_minor=1_000_000),
        "not_a_subscriber": NotASubscriber(),
        "invalid_choice": InvalidChoice(),
        "session_expired": SessionExpired(),
        "help": Help(),
        "language_changed": LanguageChanged(language="sw"),
        "bundle_list": BundleList(
            (
                BundleOffer("1", "Daily 1GB", 5_000),
                BundleOffer("2", "Weekly 5GB", 25_000),
                BundleOffer("3", "Monthly 20GB", 100_000),
            )
        ),
        "bundle_bought": BundleBought(name="Daily 1GB", price_minor=5_000, valid_days=1),
        "bundle_insufficient": BundleInsufficient(
            name="Weekly 5GB", price_minor=25_000, balance_minor=12_345
        ),
        "threshold_reached": ThresholdReached(balance=data, percent=80),
        "low_balance": LowBalance(balance=balance("General Cash", 2_000)),
        "expiry_soon": ExpirySoon(balance=data, days=3),
        "generic_error": GenericError(),
        "more": More(),
        "back": Back(),
        "menu_text": MenuText("balance", option="1"),
        "amount_prompt": AmountPrompt(min_minor=100, max_minor=1_000_000),
        "language_list": LanguageList((LanguageOffer("1", "en"), LanguageOffer("2", "sw"))),
        "bundle_confirm_request": BundleConfirmRequest(name="Weekly 5GB", price_minor=25_000),
        "bundle_balances": BundleBalances(
            (BundleBalance("Weekly 5GB", data, expires_at=AS_OF + 3 * DAY_S),)
        ),
        "transfer_recipient_refused": TransferRecipientRefused(recipient="254700000001"),
    }


EN = {
    "balance_summary": (
        "Prepaid valid 120 day(s)\n"
        "Airtime KES\xa01,224.50 (USD\xa09.49),\n"
        "Bonus KES\xa050.00 valid 7 day(s),\n"
        "Voice 62 min 5 s valid 30 day(s),\n"
        "Data 1.53 GB valid 3 day(s),\n"
        "20 SMS valid 30 day(s),\n"
        "Spent this month KES\xa01,250.00 resets in 16 day(s)"
    ),
    "recharge_ok": "Recharge successful: KES\xa0100.00 added. Your balance is now KES\xa01,324.50.",
    "recharge_bad_pin": "Wrong voucher PIN. You have 2 attempts left.",
    "recharge_locked": "Too many wrong PINs. Recharge is locked for 24 hours.",
    "voucher_used": "This voucher has already been used.",
    "transfer_confirm_request": (
        "Send KES\xa050.00 to 254700000001? Fee: KES\xa01.00.\n1 Confirm\n2 Cancel"
    ),
    "transfer_ok_sender": (
        "You sent KES\xa050.00 to 254700000001. Your balance is now KES\xa01,173.50."
    ),
    "transfer_ok_recipient": "You received KES\xa050.00 from 254700000002.",
    "transfer_failed_insufficient": (
        "Transfer of KES\xa05,000.00 failed: your balance of KES\xa01,224.50 is not enough."
    ),
    "transfer_invalid_amount": "Invalid amount. You can send from KES\xa01.00 to KES\xa010,000.00.",
    "not_a_subscriber": "Sorry, this service is only for Demo Telecom prepaid customers.",
    "invalid_choice": "Invalid choice. Please try again.",
    "session_expired": "Your session has expired. Please dial again.",
    "help": (
        "BAL: balance. RECHARGE <PIN>: recharge. SEND <number> <amount>: transfer. "
        "BUNDLES: bundles. LANG <code>: language."
    ),
    "language_changed": "Your language is now Kiswahili.",
    "bundle_list": (
        "Choose a bundle:\n"
        "1 Daily 1GB - KES\xa050.00\n"
        "2 Weekly 5GB - KES\xa0250.00\n"
        "3 Monthly 20GB - KES\xa01,000.00"
    ),
    "bundle_bought": "You bought Daily 1GB for KES\xa050.00. Valid for 1 day.",
    "bundle_insufficient": (
        "You need KES\xa0250.00 for Weekly 5GB but your balance is KES\xa0123.45. Please recharge."
    ),
    "threshold_reached": "You have used 80% of your Data. Left: 1.53 GB.",
    "low_balance": "Your Airtime balance is low: KES\xa020.00. Please recharge.",
    "expiry_soon": "Your Data of 1.53 GB expires in 3 days.",
    "generic_error": "Sorry, something went wrong. Please try again later.",
    "more": "98 More",
    "back": "0 Back",
    "menu_text": "1 My balance",
    "amount_prompt": "Enter the amount to send, from KES\xa01.00 to KES\xa010,000.00:",
    "language_list": "Choose a language:\n1 English\n2 Kiswahili",
    "bundle_confirm_request": "Buy Weekly 5GB for KES\xa0250.00?\n1 Confirm\n2 Cancel",
    "bundle_balances": "Your bundles:\nWeekly 5GB: 1.53 GB until Jan 18, 2025",
    "transfer_recipient_refused": "254700000001 cannot receive a transfer.",
}

FR = {
    "balance_summary": (
        "Prépayé valable 120 j\n"
        "Crédit 1\u202f224,50\xa0KES (9,49\xa0USD),\n"
        "Bonus 50,00\xa0KES valable 7 j,\n"
        "Appels 62 min 5 s valable 30 j,\n"
        "Internet 1,53 Go valable 3 j,\n"
        "20 SMS valable 30 j,\n"
        "Dépenses du mois 1\u202f250,00\xa0KES remise à zéro dans 16 j"
    ),
    "recharge_ok": "Recharge de 100,00\xa0KES réussie. Nouveau solde\xa0: 1\u202f324,50\xa0KES.",
    "recharge_bad_pin": "Code PIN du bon erroné. Il vous reste 2 essais.",
    "recharge_locked": "Trop de codes PIN erronés. La recharge est bloquée pendant 24 heures.",
    "voucher_used": "Ce bon de recharge a déjà été utilisé.",
    "transfer_confirm_request": (
        "Envoyer 50,00\xa0KES au 254700000001\xa0? Frais\xa0: 1,00\xa0KES.\n1 Confirmer\n2 Annuler"
    ),
    "transfer_ok_sender": (
        "Vous avez envoyé 50,00\xa0KES au 254700000001. Nouveau solde\xa0: 1\u202f173,50\xa0KES."
    ),
    "transfer_ok_recipient": "Le 254700000002 vous a envoyé 50,00\xa0KES.",
    "transfer_failed_insufficient": (
        "Échec du transfert de 5\u202f000,00\xa0KES\xa0: votre solde de 1\u202f"
        "224,50\xa0KES est insuffisant."
    ),
    "transfer_invalid_amount": (
        "Montant invalide. Vous pouvez envoyer de 1,00\xa0KES à 10\u202f000,00\xa0KES."
    ),
    "not_a_subscriber": "Désolé, ce service est réservé aux clients prépayés Demo Telecom.",
    "invalid_choice": "Choix invalide. Veuillez réessayer.",
    "session_expired": "Votre session a expiré. Veuillez recomposer le code.",
    "help": (
        "BAL\xa0: solde. RECHARGE <PIN>\xa0: recharger. SEND <numéro> <montant>\xa0: "
        "transfert. BUNDLES\xa0: forfaits. LANG <code>\xa0: langue."
    ),
    "language_changed": "Nouvelle langue\xa0: Kiswahili.",
    "bundle_list": (
        "Choisissez un forfait\xa0:\n"
        "1 Daily 1GB - 50,00\xa0KES\n"
        "2 Weekly 5GB - 250,00\xa0KES\n"
        "3 Monthly 20GB - 1\u202f000,00\xa0KES"
    ),
    "bundle_bought": "Vous avez acheté Daily 1GB pour 50,00\xa0KES. Valable 1 jour.",
    "bundle_insufficient": (
        "Il faut 250,00\xa0KES pour Weekly 5GB et votre solde est de 123,45\xa0KES. "
        "Veuillez recharger."
    ),
    "threshold_reached": "Vous avez utilisé 80\xa0% de votre forfait Internet. Reste\xa0: 1,53 Go.",
    "low_balance": "Votre solde Crédit est bas\xa0: 20,00\xa0KES. Veuillez recharger.",
    "expiry_soon": "Votre solde Internet de 1,53 Go expire dans 3 jours.",
    "generic_error": "Désolé, une erreur s'est produite. Veuillez réessayer plus tard.",
    "more": "98 Suite",
    "back": "0 Retour",
    "menu_text": "1 Mon solde",
    "amount_prompt": (
        "Saisissez le montant à envoyer, de 1,00\xa0KES à 10\u202f000,00\xa0KES\xa0:"
    ),
    "language_list": "Choisissez une langue\xa0:\n1 English\n2 Kiswahili",
    "bundle_confirm_request": (
        "Acheter Weekly 5GB pour 250,00\xa0KES\xa0?\n1 Confirmer\n2 Annuler"
    ),
    "bundle_balances": "Vos forfaits\xa0:\nWeekly 5GB\xa0: 1,53 Go jusqu'au 18 janv. 2025",
    "transfer_recipient_refused": "Le 254700000001 ne peut pas recevoir de transfert.",
}

SW = {
    "balance_summary": (
        "Malipo kabla halali kwa siku 120\n"
        "Muda wa hewani KES\xa01,224.50 (USD\xa09.49),\n"
        "Bonasi KES\xa050.00 halali kwa siku 7,\n"
        "Maongezi dakika 62 sekunde 5 halali kwa siku 30,\n"
        "Data 1.53 GB halali kwa siku 3,\n"
        "SMS 20 halali kwa siku 30,\n"
        "Matumizi ya mwezi KES\xa01,250.00 yanaanza upya baada ya siku 16"
    ),
    "recharge_ok": "Umeongeza salio kwa KES\xa0100.00. Salio lako sasa ni KES\xa01,324.50.",
    "recharge_bad_pin": "PIN ya vocha si sahihi. Umebakiza majaribio 2.",
    "recharge_locked": "Umekosea PIN mara nyingi. Kuongeza salio kumezuiwa kwa saa 24.",
    "voucher_used": "Vocha hii imeshatumika.",
    "transfer_confirm_request": (
        "Tuma KES\xa050.00 kwa 254700000001? Ada: KES\xa01.00.\n1 Thibitisha\n2 Ghairi"
    ),
    "transfer_ok_sender": (
        "Umetuma KES\xa050.00 kwa 254700000001. Salio lako sasa ni KES\xa01,173.50."
    ),
    "transfer_ok_recipient": "Umepokea KES\xa050.00 kutoka kwa 254700000002.",
    "transfer_failed_insufficient": (
        "Kutuma KES\xa05,000.00 kumeshindikana: salio lako la KES\xa01,224.50 halitoshi."
    ),
    "transfer_invalid_amount": (
        "Kiasi si sahihi. Unaweza kutuma kuanzia KES\xa01.00 hadi KES\xa010,000.00."
    ),
    "not_a_subscriber": (
        "Samahani, huduma hii ni kwa wateja wa malipo ya kabla wa Demo Telecom pekee."
    ),
    "invalid_choice": "Chaguo si sahihi. Tafadhali jaribu tena.",
    "session_expired": "Muda wa kipindi chako umekwisha. Tafadhali piga tena.",
    "help": (
        "BAL: salio. RECHARGE <PIN>: kuongeza salio. SEND <namba> <kiasi>: kutuma "
        "pesa. BUNDLES: vifurushi. LANG <msimbo>: lugha."
    ),
    "language_changed": "Lugha yako sasa ni Kiswahili.",
    "bundle_list": (
        "Chagua kifurushi:\n"
        "1 Daily 1GB - KES\xa050.00\n"
        "2 Weekly 5GB - KES\xa0250.00\n"
        "3 Monthly 20GB - KES\xa01,000.00"
    ),
    "bundle_bought": "Umenunua Daily 1GB kwa KES\xa050.00. Muda wake ni siku 1.",
    "bundle_insufficient": (
        "Unahitaji KES\xa0250.00 kwa Weekly 5GB lakini salio lako ni KES\xa0123.45. "
        "Tafadhali ongeza salio."
    ),
    "threshold_reached": "Umetumia 80% ya kifurushi chako cha Data. Kilichobaki: 1.53 GB.",
    "low_balance": "Salio la Muda wa hewani liko chini: KES\xa020.00. Tafadhali ongeza salio.",
    "expiry_soon": "Salio la Data la 1.53 GB litaisha baada ya siku 3.",
    "generic_error": "Samahani, kuna hitilafu. Tafadhali jaribu tena baadaye.",
    "more": "98 Zaidi",
    "back": "0 Rudi",
    "menu_text": "1 Salio langu",
    "amount_prompt": "Weka kiasi cha kutuma, kuanzia KES\xa01.00 hadi KES\xa010,000.00:",
    "language_list": "Chagua lugha:\n1 English\n2 Kiswahili",
    "bundle_confirm_request": "Nunua Weekly 5GB kwa KES\xa0250.00?\n1 Thibitisha\n2 Ghairi",
    "bundle_balances": "Vifurushi vyako:\nWeekly 5GB: 1.53 GB hadi 18 Jan 2025",
    "transfer_recipient_refused": "Namba 254700000001 haiwezi kupokea salio.",
}

AR = {
    "balance_summary": (
        "مسبق الدفع (الأيام المتبقية: 120)\n"
        "الرصيد الأساسي \u200f1,224.50\xa0KES (\u200f9.49\xa0USD)،\n"
        "رصيد المكافأة \u200f50.00\xa0KES (الأيام المتبقية: 7)،\n"
        "المكالمات 62 د 5 ث (الأيام المتبقية: 30)،\n"
        "الإنترنت 1.53 غيغابايت (الأيام المتبقية: 3)،\n"
        "20 رسالة (الأيام المتبقية: 30)،\n"
        "إنفاق هذا الشهر \u200f1,250.00\xa0KES (أيام حتى التجديد: 16)"
    ),
    "recharge_ok": (
        "تمت إعادة الشحن بنجاح بمبلغ \u200f100.00\xa0KES. رصيدك الآن \u200f1,324.50\xa0KES."
    ),
    "recharge_bad_pin": "رمز PIN للقسيمة غير صحيح. تبقت لديك محاولتان.",
    "recharge_locked": "أدخلت رمز PIN خاطئًا مرات كثيرة. تم إيقاف إعادة الشحن لمدة 24 ساعة.",
    "voucher_used": "تم استخدام هذه القسيمة من قبل.",
    "transfer_confirm_request": (
        "هل تريد إرسال \u200f50.00\xa0KES إلى 254700000001؟ الرسوم: \u200f1.00\xa0KES.\n"
        "1 تأكيد\n"
        "2 إلغاء"
    ),
    "transfer_ok_sender": (
        "أرسلت \u200f50.00\xa0KES إلى 254700000001. رصيدك الآن \u200f1,173.50\xa0KES."
    ),
    "transfer_ok_recipient": "استلمت \u200f50.00\xa0KES من 254700000002.",
    "transfer_failed_insufficient": (
        "فشل تحويل \u200f5,000.00\xa0KES: رصيدك البالغ \u200f1,224.50\xa0KES غير كافٍ."
    ),
    "transfer_invalid_amount": (
        "مبلغ غير صحيح. يمكنك إرسال من \u200f1.00\xa0KES إلى \u200f10,000.00\xa0KES."
    ),
    "not_a_subscriber": "عذرًا، هذه الخدمة متاحة فقط لعملاء الدفع المسبق في Demo Telecom.",
    "invalid_choice": "اختيار غير صحيح. يرجى المحاولة مرة أخرى.",
    "session_expired": "انتهت صلاحية الجلسة. يرجى طلب الرمز مرة أخرى.",
    "help": (
        "BAL: الرصيد. RECHARGE <PIN>: إعادة الشحن. SEND <الرقم> <المبلغ>: التحويل. "
        "BUNDLES: الباقات. LANG <الرمز>: اللغة."
    ),
    "language_changed": "لغتك الآن هي Kiswahili.",
    "bundle_list": (
        "اختر باقة:\n"
        "1 Daily 1GB - \u200f50.00\xa0KES\n"
        "2 Weekly 5GB - \u200f250.00\xa0KES\n"
        "3 Monthly 20GB - \u200f1,000.00\xa0KES"
    ),
    "bundle_bought": "اشتريت Daily 1GB بسعر \u200f50.00\xa0KES. الباقة صالحة لمدة يوم واحد.",
    "bundle_insufficient": (
        "تحتاج إلى \u200f250.00\xa0KES لشراء Weekly 5GB ورصيدك \u200f123.45\xa0KES. "
        "يرجى إعادة الشحن."
    ),
    "threshold_reached": "لقد استخدمت 80% من باقة الإنترنت. المتبقي: 1.53 غيغابايت.",
    "low_balance": "الرصيد الأساسي: الرصيد منخفض (\u200f20.00\xa0KES). يرجى إعادة الشحن.",
    "expiry_soon": "تنتهي صلاحية 1.53 غيغابايت من الإنترنت خلال 3 أيام.",
    "generic_error": "عذرًا، حدث خطأ. يرجى المحاولة لاحقًا.",
    "more": "98 المزيد",
    "back": "0 رجوع",
    "menu_text": "1 رصيدي",
    "amount_prompt": "أدخل المبلغ المراد إرساله، من \u200f1.00\xa0KES إلى \u200f10,000.00\xa0KES:",
    "language_list": "اختر اللغة:\n1 English\n2 Kiswahili",
    "bundle_confirm_request": "هل تريد شراء Weekly 5GB بسعر \u200f250.00\xa0KES؟\n1 تأكيد\n2 إلغاء",
    "bundle_balances": "باقاتك:\nWeekly 5GB: 1.53 غيغابايت حتى 18\u200f/01\u200f/2025",
    "transfer_recipient_refused": "لا يمكن للرقم 254700000001 استلام التحويل.",
}

EXPECTED = {"en": EN, "fr": FR, "sw": SW, "ar": AR}


def test_every_message_key_has_a_golden_case() -> None:
    assert tuple(golden_cases()) == MESSAGE_KEYS
    for language in LANGUAGES:
        assert tuple(EXPECTED[language]) == MESSAGE_KEYS


@pytest.mark.parametrize("key", MESSAGE_KEYS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_golden_text(language: str, key: str) -> None:
    message = golden_cases()[key]
    assert message.key == key
    assert demo_renderer().render(message, language) == EXPECTED[language][key]
