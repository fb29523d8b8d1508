"""Wallet lifecycle and operator adjustments."""

from __future__ import annotations

from core.book import Book
from core.commands import (
    AddSubscriber,
    Adjust,
    CreateWallet,
    SetCreditLimit,
    SetLanguage,
    SetWalletState,
)
from core.handlers.common import plan_credits
from core.outcomes import Outcome, Status, fail, ok
from core.rows import Account, Subscriber, SystemAccount
from core.snapshots import WalletState


def create_wallet(book: Book, cmd: CreateWallet) -> Outcome:
    """Order: unknown provider, existing MSISDN, unknown wallet type."""
    provider = book.catalog.provider_named(cmd.provider)
    if provider is None:
        return fail(Status.UNKNOWN_PROVIDER, provider=cmd.provider)
    if cmd.msisdn in book.subscribers:
        return fail(Status.ALREADY_EXISTS, msisdn=cmd.msisdn)
    if cmd.wallet_type not in provider.wallet_types:
        return fail(Status.UNKNOWN_WALLET_TYPE, wallet_type=cmd.wallet_type)
    op = book.begin("create_wallet", key=cmd.key, channel=cmd.channel,
                    provider_id=provider.id, msisdn=cmd.msisdn)
    account = Account(
        id=book.ids.take("accounts"), provider_id=provider.id, wallet_type=cmd.wallet_type,
        state=cmd.state, owner_msisdn=cmd.msisdn, created_at=book.now,
        activated_at=book.now if cmd.state is WalletState.ACTIVE else None,
        expires_at=cmd.expires_at, new=True, dirty=True,
    )
    book.accounts[account.id] = account
    book.subscribers[cmd.msisdn] = Subscriber(cmd.msisdn, account.id, cmd.language,
                                              new=True, dirty=True)
    book.create_balances(op, account, provider.balance_types)
    book.finish(op, Status.OK, {"wallet_id": account.id})
    return ok(wallet_id=account.id, msisdn=cmd.msisdn)


def add_subscriber(book: Book, cmd: AddSubscriber) -> Outcome:
    account = book.account_of(cmd.owner_msisdn)
    if account is None:
        return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.owner_msisdn)
    if cmd.msisdn in book.subscribers:
        return fail(Status.ALREADY_EXISTS, msisdn=cmd.msisdn)
    if cmd.spending_limit is not None and cmd.spending_limit < 0:
        return fail(Status.INVALID_AMOUNT, field="spending_limit")
    book.subscribers[cmd.msisdn] = Subscriber(
        cmd.msisdn, account.id, cmd.language, spending_limit=cmd.spending_limit,
        is_owner=False, new=True, dirty=True)
    op = book.begin("add_subscriber", key=cmd.key, channel=cmd.channel,
                    provider_id=account.provider_id, msisdn=cmd.msisdn)
    book.finish(op, Status.OK, {"wallet_id": account.id})
    return ok(wallet_id=account.id, msisdn=cmd.msisdn)


def set_wallet_state(book: Book, cmd: SetWalletState) -> Outcome:
    account = book.account_of(cmd.msisdn)
    if account is None:
        return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.msisdn)
    if account.state is WalletState.TERMINATED and cmd.state is not WalletState.TERMINATED:
        return fail(Status.WALLET_TERMINATED)
    op = book.begin("set_wallet_state", key=cmd.key, channel=cmd.channel,
                    provider_id=account.provider_id, msisdn=cmd.msisdn)
    previous = account.state
    account.state = cmd.state
    if cmd.state is WalletState.ACTIVE and account.activated_at is None:
        account.activated_at = book.now
    account.dirty = True
    book.finish(op, Status.OK, {"from": previous.value, "to": cmd.state.value})
    return ok(state=cmd.state.value, previous=previous.value)


def set_language(book: Book, cmd: SetLanguage) -> Outcome:
    sub = book.subscribers.get(cmd.msisdn)
    account = book.account_of(cmd.msisdn)
    if sub is None or account is None:
        return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.msisdn)
    if cmd.language not in book.provider(account).languages:
        return fail(Status.UNKNOWN_LANGUAGE, language=cmd.language)
    sub.language = cmd.language
    sub.dirty = True
    op = book.begin("set_language", key=cmd.key, channel=cmd.channel,
                    provider_id=account.provider_id, msisdn=cmd.msisdn)
    book.finish(op, Status.OK, {"language": cmd.language})
    return ok(language=cmd.language)


def set_credit_limit(book: Book, cmd: SetCreditLimit) -> Outcome:
    account = book.account_of(cmd.msisdn)
    if account is None:
        return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.msisdn)
    bt = book.provider(account).type_named(cmd.balance_type)
    if bt is None:
        return fail(Status.UNKNOWN_BALANCE_TYPE, balance_type=cmd.balance_type)
    if not bt.allow_credit or not isinstance(cmd.credit_limit, int) or cmd.credit_limit < 0:
        return fail(Status.INVALID_AMOUNT, field="credit_limit")
    op = book.begin("set_credit_limit", key=cmd.key, channel=cmd.channel,
                    provider_id=account.provider_id, msisdn=cmd.msisdn)
    bal = book.balance(op, account, bt)
    if bal.live_value(book.now) - account.reserved(bt.id, book.now) < -cmd.credit_limit:
        return fail(Status.INSUFFICIENT_FUNDS, field="credit_limit")
    bal.credit_limit = cmd.credit_limit
    bal.dirty = True
    book.finish(op, Status.OK, {"balance_type": bt.name, "credit_limit": cmd.credit_limit})
    return ok(balance_type=bt.name, credit_limit=cmd.credit_limit)


def adjust(book: Book, cmd: Adjust) -> Outcome:
    """Order: amount, subscriber, balance type, terminated wallet, funds / max balance."""
    if not isinstance(cmd.amount, int) or isinstance(cmd.amount, bool) or cmd.amount == 0:
        return fail(Status.INVALID_AMOUNT, field="amount")
    account = book.account_of(cmd.msisdn)
    if account is None:
        return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.msisdn)
    bt = book.provider(account).type_named(cmd.balance_type)
    if bt is None:
        return fail(Status.UNKNOWN_BALANCE_TYPE, balance_type=cmd.balance_type)
    if account.state is WalletState.TERMINATED:
        return fail(Status.WALLET_TERMINATED)
    op = book.begin("adjust", key=cmd.key, channel=cmd.channel,
                    provider_id=account.provider_id, msisdn=cmd.msisdn)
    if cmd.amount < 0:
        if book.headroom(op, account, bt) < -cmd.amount:
            return fail(Status.INSUFFICIENT_FUNDS, balance_type=bt.name)
        book.debit(op, account, bt, -cmd.amount, SystemAccount.ADJUSTMENTS,
                   accrue_expenditure=False)
        applied, exceeded = cmd.amount, {}
    else:
        plan = plan_credits(book, op, account, [(bt, cmd.amount)])
        if isinstance(plan, Outcome):
            return plan
        applied = 0
        for ptype, amount in plan.amounts:
            book.credit(op, account, ptype, amount, SystemAccount.ADJUSTMENTS,
                        validity_days=cmd.validity_days)
            applied += amount
        exceeded = plan.exceeded
    balance = book.balance(op, account, bt).live_value(book.now)
    book.finish(op, Status.OK, {"reason": cmd.reason, "balance_type": bt.name,
                                "applied": applied, "exceeded": exceeded})
    return ok(balance_type=bt.name, applied=applied, exceeded=exceeded, balance=balance)
