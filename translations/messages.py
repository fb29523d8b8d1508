"""The subscriber-facing messages: one frozen dataclass per message key, holding its parameters.

The class *is* the key (``RechargeOk.key == "recharge_ok"``, template
``templates/recharge_ok.j2``), so a message cannot be rendered with another key's parameters.
Amounts are integers in minor units of the provider's currency (``*_minor``) or in the
balance type's unit (inside a ``BalanceSnapshot``); the renderer formats them per language.
Option numbers ("1", "98", "0") are parameters because menus own them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from core.snapshots import BalanceSnapshot, WalletSnapshot


@dataclass(frozen=True, slots=True)
class BalanceSummary:
    """The wallet's balance list (USSD page or SMS): NCC lines per translated balance type."""

    key: ClassVar[str] = "balance_summary"
    wallet: WalletSnapshot


@dataclass(frozen=True, slots=True)
class RechargeOk:
    key: ClassVar[str] = "recharge_ok"
    credited_minor: int
    new_balance_minor: int


@dataclass(frozen=True, slots=True)
class RechargeBadPin:
    key: ClassVar[str] = "recharge_bad_pin"
    attempts_left: int


@dataclass(frozen=True, slots=True)
class RechargeLocked:
    key: ClassVar[str] = "recharge_locked"
    locked_for_hours: int


@dataclass(frozen=True, slots=True)
class VoucherUsed:
    key: ClassVar[str] = "voucher_used"


@dataclass(frozen=True, slots=True)
class TransferConfirmRequest:
    key: ClassVar[str] = "transfer_confirm_request"
    amount_minor: int
    recipient: str  # MSISDN as the subscriber should read it
    fee_minor: int
    confirm_option: str = "1"
    cancel_option: str = "2"


@dataclass(frozen=True, slots=True)
class TransferOkSender:
    key: ClassVar[str] = "transfer_ok_sender"
    amount_minor: int
    recipient: str
    new_balance_minor: int


@dataclass(frozen=True, slots=True)
class TransferOkRecipient:
    key: ClassVar[str] = "transfer_ok_recipient"
    amount_minor: int
    sender: str


@dataclass(frozen=True, slots=True)
class TransferFailedInsufficient:
    key: ClassVar[str] = "transfer_failed_insufficient"
    amount_minor: int
    available_minor: int


@dataclass(frozen=True, slots=True)
class TransferInvalidAmount:
    key: ClassVar[str] = "transfer_invalid_amount"
    min_minor: int
    max_minor: int


@dataclass(frozen=True, slots=True)
class NotASubscriber:
    key: ClassVar[str] = "not_a_subscriber"


@dataclass(frozen=True, slots=True)
class InvalidChoice:
    key: ClassVar[str] = "invalid_choice"


@dataclass(frozen=True, slots=True)
class SessionExpired:
    key: ClassVar[str] = "session_expired"


@dataclass(frozen=True, slots=True)
class Help:
    """SMS keyword help. The keywords are the SMS grammar's (menus/), passed in so a grammar
    with localized keywords shows its own."""

    key: ClassVar[str] = "help"
    balance_keyword: str = "BAL"
    recharge_keyword: str = "RECHARGE"
    send_keyword: str = "SEND"
    bundles_keyword: str = "BUNDLES"
    language_keyword: str = "LANG"


@dataclass(frozen=True, slots=True)
class LanguageChanged:
    key: ClassVar[str] = "language_changed"
    language: str  # the new language's code; shown by its own (CLDR) name


@dataclass(frozen=True, slots=True)
class BundleOffer:
    """One line of a bundle menu (not a message itself)."""

    option: str
    name: str  # product name, as configured
    price_minor: int


@dataclass(frozen=True, slots=True)
class BundleList:
    key: ClassVar[str] = "bundle_list"
    bundles: tuple[BundleOffer, ...]


@dataclass(frozen=True, slots=True)
class BundleBought:
    key: ClassVar[str] = "bundle_bought"
    name: str
    price_minor: int
    valid_days: int


@dataclass(frozen=True, slots=True)
class BundleInsufficient:
    key: ClassVar[str] = "bundle_insufficient"
    name: str
    price_minor: int
    balance_minor: int


@dataclass(frozen=True, slots=True)
class ThresholdReached:
    """A balance type passed ``percent`` of its quota (``BalanceType.quota_thresholds_pct``)."""

    key: ClassVar[str] = "threshold_reached"
    balance: BalanceSnapshot
    percent: int


@dataclass(frozen=True, slots=True)
class LowBalance:
    key: ClassVar[str] = "low_balance"
    balance: BalanceSnapshot


@dataclass(frozen=True, slots=True)
class ExpirySoon:
    key: ClassVar[str] = "expiry_soon"
    balance: BalanceSnapshot
    days: int


@dataclass(frozen=True, slots=True)
class GenericError:
    """The apology for anything unexpected; says nothing about what went wrong."""

    key: ClassVar[str] = "generic_error"


@dataclass(frozen=True, slots=True)
class More:
    """The paging option line of a USSD list, e.g. "98 More"."""

    key: ClassVar[str] = "more"
    option: str = "98"


@dataclass(frozen=True, slots=True)
class Back:
    """The "go back" option line, e.g. "0 Back"."""

    key: ClassVar[str] = "back"
    option: str = "0"


# -- menu screens (menus/): titles, option labels, prompts, confirmations ---------------------

MENU_TEXTS: tuple[str, ...] = (
    "welcome",
    "balance",
    "recharge",
    "transfer",
    "language",
    "bundles",
    "buy_bundle",
    "my_bundles",
    "enter_pin",
    "enter_recipient",
    "cancelled",
    "invalid_number",
)
"""The fixed menu texts a menu file (config/menus/*.toml) may name; ``menu_text.j2`` has one
branch per name, so a menu cannot name a text that has no translation."""


@dataclass(frozen=True, slots=True)
class MenuText:
    """A fixed menu text named by ``text`` (one of ``MENU_TEXTS``): a title, a prompt or, with
    ``option``, an option line such as "1 My balance"."""

    key: ClassVar[str] = "menu_text"
    text: str
    option: str | None = None

    def __post_init__(self) -> None:
        if self.text not in MENU_TEXTS:
            raise ValueError(f"unknown menu text {self.text!r}; known: {', '.join(MENU_TEXTS)}")


@dataclass(frozen=True, slots=True)
class AmountPrompt:
    """Asks for an amount of the provider's currency between two limits (minor units)."""

    key: ClassVar[str] = "amount_prompt"
    min_minor: int
    max_minor: int


@dataclass(frozen=True, slots=True)
class LanguageOffer:
    """One line of a language menu (not a message itself)."""

    option: str
    language: str  # a language code; shown by its own (CLDR) name


@dataclass(frozen=True, slots=True)
class LanguageList:
    key: ClassVar[str] = "language_list"
    languages: tuple[LanguageOffer, ...]


@dataclass(frozen=True, slots=True)
class BundleConfirmRequest:
    key: ClassVar[str] = "bundle_confirm_request"
    name: str  # product name, as configured
    price_minor: int
    confirm_option: str = "1"
    cancel_option: str = "2"


@dataclass(frozen=True, slots=True)
class BundleBalance:
    """One bundle bucket of a wallet (not a message itself): what is left of it, in its
    balance type's unit (a one-bucket ``BalanceSnapshot``), and when it expires."""

    name: str  # the product that created the bucket
    balance: BalanceSnapshot
    expires_at: int | None  # epoch seconds; shown as a date (UTC)


@dataclass(frozen=True, slots=True)
class BundleBalances:
    key: ClassVar[str] = "bundle_balances"
    bundles: tuple[BundleBalance, ...]


@dataclass(frozen=True, slots=True)
class TransferRecipientRefused:
    """The recipient cannot take the transfer: not a subscriber, the sender's own number,
    inactive, or over its maximum balance."""

    key: ClassVar[str] = "transfer_recipient_refused"
    recipient: str


Message = (
    BalanceSummary
    | RechargeOk
    | RechargeBadPin
    | RechargeLocked
    | VoucherUsed
    | TransferConfirmRequest
    | TransferOkSender
    | TransferOkRecipient
    | TransferFailedInsufficient
    | TransferInvalidAmount
    | NotASubscriber
    | InvalidChoice
    | SessionExpired
    | Help
    | LanguageChanged
    | BundleList
    | BundleBought
    | BundleInsufficient
    | ThresholdReached
    | LowBalance
    | ExpirySoon
    | GenericError
    | More
    | Back
    | MenuText
    | AmountPrompt
    | LanguageList
    | BundleConfirmRequest
    | BundleBalances
    | TransferRecipientRefused
)

MESSAGE_TYPES: tuple[type[Message], ...] = (
    BalanceSummary,
    RechargeOk,
    RechargeBadPin,
    RechargeLocked,
    VoucherUsed,
    TransferConfirmRequest,
    TransferOkSender,
    TransferOkRecipient,
    TransferFailedInsufficient,
    TransferInvalidAmount,
    NotASubscriber,
    InvalidChoice,
    SessionExpired,
    Help,
    LanguageChanged,
    BundleList,
    BundleBought,
    BundleInsufficient,
    ThresholdReached,
    LowBalance,
    ExpirySoon,
    GenericError,
    More,
    Back,
    MenuText,
    AmountPrompt,
    LanguageList,
    BundleConfirmRequest,
    BundleBalances,
    TransferRecipientRefused,
)
MESSAGE_KEYS: tuple[str, ...] = tuple(t.key for t in MESSAGE_TYPES)
