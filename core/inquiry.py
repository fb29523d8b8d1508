"""Wallet snapshots from a read-only book: what inquiry, USSD, SMS and IVR show."""

from __future__ import annotations

from core.book import Book
from core.snapshots import BalanceSnapshot, BucketSnapshot, WalletSnapshot


def wallet_snapshot(book: Book, msisdn: str) -> WalletSnapshot | None:
    sub = book.subscribers.get(msisdn)
    account = book.account_of(msisdn)
    if sub is None or account is None:
        return None
    provider = book.provider(account)
    now = book.now
    balances = []
    for bt in provider.balance_types:
        bal = account.balances.get(bt.id)
        if bal is None or bal.gone:  # gone: deleted after its last bucket expired
            continue
        live = [b for b in bal.buckets if b.live(now)]
        balances.append(BalanceSnapshot(
            balance_type=bt,
            total=sum(b.value for b in live),
            reserved=account.reserved(bt.id, now),
            credit_limit=bal.credit_limit,
            buckets=tuple(BucketSnapshot(b.id, b.value, b.expires_at, b.product)
                          for b in sorted(live, key=lambda b: (b.expires_at is None,
                                                                 b.expires_at or 0, b.id))),
        ))
    return WalletSnapshot(
        wallet_id=account.id, msisdn=msisdn, provider_id=provider.id,
        currency=provider.currency, wallet_type=account.wallet_type, language=sub.language,
        state=account.state, activated_at=account.activated_at, expires_at=account.expires_at,
        balances=tuple(balances), as_of=now,
    )
