"""Ledger outcomes -> the message that ends the dialogue. One function per action; statuses
without a message of their own get the generic apology (which says nothing about why)."""

from __future__ import annotations

from core.clock import EpochSeconds
from core.outcomes import Outcome, Status
from core.snapshots import WalletSnapshot
from menus.actions import BuyBundle, Recharge, Transfer
from menus.binding import BoundMenu
from translations.messages import (
    BundleBought,
    BundleInsufficient,
    GenericError,
    Message,
    NotASubscriber,
    RechargeBadPin,
    RechargeLocked,
    RechargeOk,
    TransferFailedInsufficient,
    TransferInvalidAmount,
    TransferOkSender,
    TransferRecipientRefused,
    VoucherUsed,
)

HOUR_S = 3_600
_RECIPIENT_REFUSED = frozenset({Status.SAME_WALLET, Status.DIFFERENT_PROVIDER,
                                Status.RECIPIENT_NOT_ACTIVE})


def recharge_message(outcome: Outcome, action: Recharge, bound: BoundMenu,
                     now: EpochSeconds) -> Message:
    data = outcome.data
    match outcome.status:
        case Status.OK:
            cash = bound.provider.default_cash
            credited = data.get("credited", {})
            balances = data.get("balances", {})
            cash_names = {t.name for t in bound.provider.balance_types if t.is_cash}
            return RechargeOk(
                credited_minor=sum(v for k, v in credited.items() if k in cash_names),
                new_balance_minor=balances.get(cash.name, 0) if cash is not None else 0)
        case Status.BAD_PIN if data.get("attempts_left") == 0:
            return RechargeLocked(locked_for_hours=_hours(data.get("locked_until"), now))
        case Status.BAD_PIN if isinstance(data.get("attempts_left"), int):
            return RechargeBadPin(attempts_left=data["attempts_left"])
        case Status.RECHARGE_LOCKED:
            return RechargeLocked(locked_for_hours=_hours(data.get("locked_until"), now))
        case Status.VOUCHER_USED:
            return VoucherUsed()
        case Status.UNKNOWN_SUBSCRIBER:
            return NotASubscriber()
    return GenericError()


def transfer_message(outcome: Outcome, action: Transfer, bound: BoundMenu,
                     wallet: WalletSnapshot | None) -> Message:
    data = outcome.data
    recipient = bound.display_number(action.recipient)
    match outcome.status:
        case Status.OK:
            return TransferOkSender(amount_minor=action.amount_minor, recipient=recipient,
                                    new_balance_minor=data.get("sender_balance", 0))
        case Status.UNKNOWN_SUBSCRIBER if data.get("party") == "recipient":
            return TransferRecipientRefused(recipient=recipient)
        case Status.MAX_BALANCE_EXCEEDED if data.get("party") == "recipient":
            return TransferRecipientRefused(recipient=recipient)
        case status if status in _RECIPIENT_REFUSED:
            return TransferRecipientRefused(recipient=recipient)
        case Status.UNKNOWN_SUBSCRIBER:
            return NotASubscriber()
        case Status.TRANSFER_BELOW_MINIMUM | Status.TRANSFER_ABOVE_MAXIMUM:
            low, high = bound.transfer_limits
            return TransferInvalidAmount(min_minor=low, max_minor=high)
        case Status.INSUFFICIENT_FUNDS:
            cash = bound.provider.default_cash
            balance = wallet.balance(cash.name) if wallet is not None and cash else None
            return TransferFailedInsufficient(
                amount_minor=action.amount_minor,
                available_minor=balance.available if balance is not None else 0)
    return GenericError()


def bundle_message(outcome: Outcome, action: BuyBundle, bound: BoundMenu,
                   wallet: WalletSnapshot | None) -> Message:
    product = bound.product(action.product)
    if product is None:
        return GenericError()
    match outcome.status:
        case Status.OK:
            days = max((item.validity_days or 0 for item in product.items), default=0)
            return BundleBought(name=product.name, price_minor=product.price, valid_days=days)
        case Status.INSUFFICIENT_FUNDS:
            return BundleInsufficient(name=product.name, price_minor=product.price,
                                      balance_minor=_spendable(bound, product.price_type,
                                                               wallet))
        case Status.UNKNOWN_SUBSCRIBER:
            return NotASubscriber()
    return GenericError()


def _spendable(bound: BoundMenu, price_type: str, wallet: WalletSnapshot | None) -> int:
    """What the wallet has available of the types a product's price is paid from."""
    if wallet is None:
        return 0
    provider = bound.provider
    cascade = price_type in provider.cascades
    path = provider.resolve_path(price_type if cascade else None,
                                 None if cascade else price_type) or ()
    found = (wallet.balance(t.name) for t in path)
    return sum(b.available for b in found if b is not None)


def _hours(locked_until: object, now: EpochSeconds) -> int:
    if not isinstance(locked_until, int) or locked_until <= now:
        return 1
    return -(-(locked_until - now) // HOUR_S)
