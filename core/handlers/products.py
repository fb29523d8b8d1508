"""Products (bundles): buy with cash, or provision without payment."""

from __future__ import annotations

from core.book import Book
from core.commands import BuyProduct, ProvisionProduct
from core.handlers.charging import _split, provider_type_name
from core.handlers.common import (
    activate_on_first_use,
    record_spend,
    spend_state_error,
    spending_headroom,
)
from core.outcomes import Outcome, Status, fail, ok
from core.rows import SystemAccount


def buy_product(book: Book, cmd: BuyProduct) -> Outcome:
    """Order: subscriber, product, wallet state, spending limit, funds, max balance of every
    item (a product is never delivered in part); then the debit and the buckets together."""
    return _deliver(book, cmd.msisdn, cmd.product, paid=True, key=cmd.key, channel=cmd.channel)


def provision_product(book: Book, cmd: ProvisionProduct) -> Outcome:
    return _deliver(book, cmd.msisdn, cmd.product, paid=False, key=cmd.key,
                    channel=cmd.channel)


def _deliver(book: Book, msisdn: str, name: str, *, paid: bool, key: str, channel: str
             ) -> Outcome:
    account = book.account_of(msisdn)
    if account is None:
        return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=msisdn)
    provider = book.provider(account)
    product = provider.product_named(name)
    if product is None:
        return fail(Status.UNKNOWN_PRODUCT, product=name)
    state_error = spend_state_error(book, account)
    if state_error is not None:
        return state_error
    sub = book.subscribers.get(msisdn)
    if paid:
        limit = spending_headroom(book, account, sub)
        if limit is not None and limit < product.price:
            return fail(Status.SPENDING_LIMIT_EXCEEDED, headroom=limit)
    op = book.begin("buy_product" if paid else "provision_product", key=key, channel=channel,
                    provider_id=provider.id, msisdn=msisdn)
    path = provider.resolve_path(product.price_type if product.price_type in provider.cascades
                                 else None,
                                 None if product.price_type in provider.cascades
                                 else product.price_type)
    if not path:
        return fail(Status.UNKNOWN_BALANCE_TYPE, balance_type=product.price_type)
    parts = _split(book, op, account, path, product.price) if paid and product.price else {}
    if parts is None:
        return fail(Status.INSUFFICIENT_FUNDS, price=product.price)
    credits = []
    for item in product.items:
        bt = provider.type_named(item.balance_type)
        if bt is None:
            return fail(Status.UNKNOWN_BALANCE_TYPE, balance_type=item.balance_type)
        credits.append((bt, item.amount))
    # Bundles are all or nothing: the 'limit' policy would deliver less than was paid for.
    for bt, amount in credits:
        if bt.max_balance is not None:
            current = book.balance(op, account, bt).live_value(book.now)
            if current + amount > bt.max_balance:
                return fail(Status.MAX_BALANCE_EXCEEDED, failed_balance_types=[bt.name])
    for bt in path:
        if bt.id in parts:
            book.debit(op, account, bt, parts[bt.id], SystemAccount.REVENUE, msisdn=msisdn)
    if paid:
        record_spend(sub, product.price)
    buckets = []
    for item, (bt, amount) in zip(product.items, credits, strict=True):
        bucket = book.credit(op, account, bt, amount, SystemAccount.ISSUANCE,
                             validity_days=item.validity_days, product=product.name)
        buckets.append({"bucket_id": bucket.id, "balance_type": bt.name, "amount": amount,
                        "expires_at": bucket.expires_at})
    activate_on_first_use(book, account)
    paid_parts = {provider_type_name(provider, t): a for t, a in parts.items()}
    book.emit(account, msisdn, "bundle_bought", {"product": product.name,
                                                 "price": product.price if paid else 0},
              f"bundle:{op.id}")
    book.finish(op, Status.OK, {"product": product.name, "paid": paid_parts})
    return ok(product=product.name, paid=paid_parts, buckets=buckets)

