"""Credit transfers between subscribers, and conversions between a wallet's own types."""

from __future__ import annotations

from core.book import Book
from core.commands import Convert, Transfer
from core.handlers.common import (
    activate_on_first_use,
    record_spend,
    spend_state_error,
    spending_headroom,
    valid_amount,
)
from core.outcomes import Outcome, Status, fail, ok
from core.rows import SystemAccount
from core.snapshots import WalletState


def transfer_fee(amount: int, flat: int, basis_points: int) -> int:
    """Flat part plus a proportional part rounded up (never a fraction of a minor unit)."""
    return flat + -(-amount * basis_points // 10_000)


def transfer(book: Book, cmd: Transfer) -> Outcome:
    """Order: amount, sender, recipient, same wallet, provider, balance type, sender state,
    recipient state, min/max amount, spending limit, funds (amount + fee), recipient max
    balance. Transfers are all or nothing: a recipient over its maximum balance rejects the
    transfer whatever the type's policy, so the sender never loses what was not delivered."""
    if not valid_amount(cmd.amount):
        return fail(Status.INVALID_AMOUNT, field="amount")
    sender = book.account_of(cmd.from_msisdn)
    if sender is None:
        return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.from_msisdn, party="sender")
    recipient = book.account_of(cmd.to_msisdn)
    if recipient is None:
        return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.to_msisdn, party="recipient")
    if sender.id == recipient.id:
        return fail(Status.SAME_WALLET)
    if sender.provider_id != recipient.provider_id:
        return fail(Status.DIFFERENT_PROVIDER)
    provider = book.provider(sender)
    bt = provider.type_named(cmd.balance_type) if cmd.balance_type else provider.default_cash
    if bt is None:
        return fail(Status.UNKNOWN_BALANCE_TYPE, balance_type=cmd.balance_type)
    state_error = spend_state_error(book, sender)
    if state_error is not None:
        return state_error
    if recipient.state in (WalletState.SUSPENDED, WalletState.TERMINATED):
        return fail(Status.RECIPIENT_NOT_ACTIVE, state=recipient.state.value)
    policy = provider.policies.transfer
    if cmd.amount < policy.min_amount:
        return fail(Status.TRANSFER_BELOW_MINIMUM, minimum=policy.min_amount)
    if cmd.amount > policy.max_amount:
        return fail(Status.TRANSFER_ABOVE_MAXIMUM, maximum=policy.max_amount)
    fee = transfer_fee(cmd.amount, policy.fee, policy.fee_basis_points)
    sub = book.subscribers.get(cmd.from_msisdn)
    limit = spending_headroom(book, sender, sub)
    if limit is not None and limit < cmd.amount + fee:
        return fail(Status.SPENDING_LIMIT_EXCEEDED, headroom=limit)
    op = book.begin("transfer", key=cmd.key, channel=cmd.channel, provider_id=provider.id,
                    msisdn=cmd.from_msisdn)
    if book.headroom(op, sender, bt) < cmd.amount + fee:
        return fail(Status.INSUFFICIENT_FUNDS, balance_type=bt.name, needed=cmd.amount + fee)
    if bt.max_balance is not None:
        recipient_value = book.balance(op, recipient, bt).live_value(book.now)
        if recipient_value + cmd.amount > bt.max_balance:
            return fail(Status.MAX_BALANCE_EXCEEDED, failed_balance_types=[bt.name],
                        party="recipient")
    book.move_between_wallets(op, sender, recipient, bt, cmd.amount, msisdn=cmd.from_msisdn)
    if fee:
        book.debit(op, sender, bt, fee, SystemAccount.FEES, msisdn=cmd.from_msisdn,
                   accrue_expenditure=False)
    record_spend(sub, cmd.amount + fee)
    activate_on_first_use(book, sender)
    sender_balance = book.balance(op, sender, bt).live_value(book.now)
    recipient_balance = book.balance(op, recipient, bt).live_value(book.now)
    common = {"amount": cmd.amount, "fee": fee, "balance_type": bt.name}
    book.emit(sender, cmd.from_msisdn, "transfer_sent",
              {**common, "to": cmd.to_msisdn, "balance": sender_balance}, f"xfer-out:{op.id}")
    book.emit(recipient, cmd.to_msisdn, "transfer_received",
              {**common, "from": cmd.from_msisdn, "balance": recipient_balance},
              f"xfer-in:{op.id}")
    book.finish(op, Status.OK, {**common, "to": cmd.to_msisdn})
    return ok(**common, to=cmd.to_msisdn, sender_balance=sender_balance,
              recipient_balance=recipient_balance)


def convert(book: Book, cmd: Convert) -> Outcome:
    """Order: amount, subscriber, types, conversion configured, wallet state, converted amount
    at least one unit, funds, max balance of the target."""
    if not valid_amount(cmd.amount):
        return fail(Status.INVALID_AMOUNT, field="amount")
    account = book.account_of(cmd.msisdn)
    if account is None:
        return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.msisdn)
    provider = book.provider(account)
    source, target = provider.type_named(cmd.from_type), provider.type_named(cmd.to_type)
    if source is None or target is None:
        return fail(Status.UNKNOWN_BALANCE_TYPE,
                    balance_type=cmd.from_type if source is None else cmd.to_type)
    conversion = provider.conversion(cmd.from_type, cmd.to_type)
    if conversion is None:
        return fail(Status.NO_CONVERSION, from_type=cmd.from_type, to_type=cmd.to_type)
    state_error = spend_state_error(book, account)
    if state_error is not None:
        return state_error
    converted = cmd.amount * conversion.numerator // conversion.denominator
    if converted <= 0:
        return fail(Status.INVALID_AMOUNT, field="amount", reason="converts to nothing")
    op = book.begin("convert", key=cmd.key, channel=cmd.channel, provider_id=provider.id,
                    msisdn=cmd.msisdn)
    if book.headroom(op, account, source) < cmd.amount:
        return fail(Status.INSUFFICIENT_FUNDS, balance_type=source.name)
    if target.max_balance is not None:
        current = book.balance(op, account, target).live_value(book.now)
        if current + converted > target.max_balance:
            return fail(Status.MAX_BALANCE_EXCEEDED, failed_balance_types=[target.name])
    book.debit(op, account, source, cmd.amount, SystemAccount.CONVERSION, msisdn=cmd.msisdn,
               accrue_expenditure=False)
    book.credit(op, account, target, converted, SystemAccount.CONVERSION)
    book.finish(op, Status.OK, {"from": source.name, "to": target.name,
                                "debited": cmd.amount, "credited": converted})
    return ok(debited=cmd.amount, credited=converted, from_type=source.name,
              to_type=target.name)
