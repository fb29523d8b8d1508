"""Voucher recharge with bad-PIN fraud counting."""

from __future__ import annotations

from core.book import Book, OpContext
from core.commands import Recharge
from core.handlers.common import activate_on_first_use, live_balances, plan_credits
from core.outcomes import Outcome, Status, fail, ok
from core.rows import Account, SystemAccount
from core.snapshots import WalletState


def recharge(book: Book, cmd: Recharge) -> Outcome:
    """Order: subscriber, terminated wallet, recharge lock, PIN (a wrong one is counted),
    voucher state (frozen, not yet active, used), max balance; then credit everything, extend
    bucket and wallet expiry, redeem the voucher, clear the bad-PIN count."""
    account = book.account_of(cmd.msisdn)
    if account is None:
        return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.msisdn)
    if account.state is WalletState.TERMINATED:
        return fail(Status.WALLET_TERMINATED)
    if account.recharge_locked_until is not None and account.recharge_locked_until > book.now:
        return fail(Status.RECHARGE_LOCKED, locked_until=account.recharge_locked_until)
    provider = book.provider(account)
    op = book.begin("recharge", key=cmd.key, channel=cmd.channel, provider_id=provider.id,
                    msisdn=cmd.msisdn)
    voucher = book.vouchers.get(cmd.pin_hash)
    if voucher is None or voucher.provider_id != provider.id:
        outcome = _count_bad_pin(book, op, account, cmd.msisdn)
        book.finish(op, outcome.status, dict(outcome.data))
        return outcome
    if voucher.state == "frozen":
        return fail(Status.VOUCHER_FROZEN, serial=voucher.serial)
    if voucher.state == "created":
        return fail(Status.VOUCHER_INACTIVE, serial=voucher.serial)
    if voucher.state == "redeemed":
        return fail(Status.VOUCHER_USED, serial=voucher.serial)
    credits = []
    for name, amount in voucher.values.items():
        bt = provider.type_named(name)
        if bt is None:
            return fail(Status.UNKNOWN_BALANCE_TYPE, balance_type=name)
        credits.append((bt, amount))
    plan = plan_credits(book, op, account, credits)
    if isinstance(plan, Outcome):
        return plan
    for bt, amount in plan.amounts:
        book.credit(op, account, bt, amount, SystemAccount.ISSUANCE,
                    validity_days=voucher.validity_days or None)
    if voucher.validity_days:
        new_expiry = book.now + voucher.validity_days * 86_400
        if account.expires_at is None or account.expires_at < new_expiry:
            account.expires_at = new_expiry
            account.dirty = True
    activate_on_first_use(book, account)
    voucher.state = "redeemed"
    voucher.redeemed_by = account.id
    voucher.redeemed_at = book.now
    voucher.dirty = True
    _clear_bad_pins(book, op, account)
    credited = {bt.name: amount for bt, amount in plan.amounts}
    balances = live_balances(book, op, account, [bt for bt, _ in credits])
    book.emit(account, cmd.msisdn, "recharge_ok",
              {"credited": credited, "balances": balances, "serial": voucher.serial},
              f"recharge:{op.id}")
    book.finish(op, Status.OK, {"serial": voucher.serial, "credited": credited,
                                "exceeded": plan.exceeded})
    return ok(serial=voucher.serial, credited=credited, exceeded=plan.exceeded,
              balances=balances, wallet_expires_at=account.expires_at)


def _count_bad_pin(book: Book, op: OpContext, account: Account, msisdn: str) -> Outcome:
    """A wrong PIN adds one to the wallet's bad-PIN fraud balance, in a bucket that expires
    after the counting window; reaching the limit locks recharges for the lock period."""
    provider = book.provider(account)
    policies = provider.policies
    bt = provider.type_named(policies.bad_pin_type) if policies.bad_pin_type else None
    if bt is None:
        return fail(Status.BAD_PIN, attempts_left=None)
    book.credit(op, account, bt, 1, SystemAccount.ISSUANCE,
                expires_at=book.now + policies.bad_pin_window_s, own_bucket=True)
    count = book.balance(op, account, bt).live_value(book.now)
    attempts_left = max(0, policies.bad_pin_limit - count)
    if attempts_left == 0:
        account.recharge_locked_until = book.now + policies.recharge_lock_s
        account.dirty = True
        book.emit(account, msisdn, "recharge_locked",
                  {"locked_until": account.recharge_locked_until}, f"locked:{op.id}")
        return fail(Status.BAD_PIN, attempts_left=0, locked_until=account.recharge_locked_until)
    return fail(Status.BAD_PIN, attempts_left=attempts_left)


def _clear_bad_pins(book: Book, op: OpContext, account: Account) -> None:
    provider = book.provider(account)
    name = provider.policies.bad_pin_type
    bt = provider.type_named(name) if name else None
    if bt is None or bt.id not in account.balances:
        return
    count = book.balance(op, account, bt).live_value(book.now)
    if count > 0:
        book.debit(op, account, bt, count, SystemAccount.ISSUANCE, accrue_expenditure=False)
    account.recharge_locked_until = None
    account.dirty = True
