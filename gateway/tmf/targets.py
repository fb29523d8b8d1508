"""Which wallet and balance type a POST is about.

The wallet: ``relatedParty[0].id`` (an MSISDN in any format the ledger's region parses), or the
wallet of ``bucket.id``. The balance type, first that applies: the type of ``bucket.id``; the
type named ``bucket.name``; the one chargeable type of ``usageType`` (monetary is the default
cash type); else the default cash type (or, for a reservation, the default cascade).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.balance_types import BalanceType, Category
from core.catalog import Provider
from core.msisdn import InvalidMsisdn
from core.service import Ledger
from gateway.tmf import amounts
from gateway.tmf.errors import TmfError, bad_request
from gateway.tmf.http import is_row_id, optional_object, optional_str, party_id

USAGE_TYPES = frozenset(amounts.USAGE_TYPES.values())


@dataclass(frozen=True, slots=True)
class Target:
    msisdn: str
    provider: Provider
    balance_type: BalanceType | None  # None: the default cascade (reservations only)

    @property
    def currency(self) -> str:
        return self.provider.currency

    def amount_type(self) -> BalanceType:
        """The type an amount is read in (a cascade is read as the default cash type)."""
        bt = self.balance_type or self.provider.default_cash
        if bt is None:
            raise TmfError(422, "unknown_balance_type", "the provider has no default cash "
                           "type: name one", field="bucket.name")
        return bt


def unprocessable(field: str, code: str, message: str) -> TmfError:
    return TmfError(422, code, message, field=field)


def normalize(ledger: Ledger, raw: str, field: str) -> str:
    try:
        return ledger.msisdn(raw)
    except InvalidMsisdn:
        raise bad_request(field, f"not a valid MSISDN: {raw!r}") from None


async def wallet_of(ledger: Ledger, msisdn: str, field: str) -> tuple[int, Provider]:
    rows = await ledger.store.query(
        "SELECT a.id, a.provider_id FROM subscribers s JOIN accounts a ON a.id = s.account_id "
        "WHERE s.msisdn = ?", (msisdn,))
    if not rows:
        raise unprocessable(field, "unknown_subscriber", f"no wallet for {msisdn}")
    catalog = await ledger.store.catalog()
    return int(rows[0][0]), catalog.provider(int(rows[0][1]))


async def resolve(ledger: Ledger, body: Mapping[str, Any], *, party: str = "relatedParty",
                  allow_cascade: bool = False) -> Target:
    bucket = optional_object(body, "bucket")
    usage = optional_str(body, "usageType")
    if usage is not None and usage not in USAGE_TYPES:
        raise bad_request("usageType", f"one of {sorted(USAGE_TYPES)}, got {usage!r}")
    bucket_id = bucket_name = None
    if bucket is not None:
        bucket_id = optional_str(bucket, "id", field="bucket.id", max_len=20)
        bucket_name = optional_str(bucket, "name", field="bucket.name", max_len=200)
    raw_party = party_id(body, party)
    msisdn = normalize(ledger, raw_party, f"{party}.id") if raw_party is not None else None

    bt: BalanceType | None = None
    if bucket_id is not None:
        owner, bt, bucket_wallet = await _bucket(ledger, bucket_id)
        if msisdn is None:
            msisdn = owner
        wallet, provider = await wallet_of(ledger, msisdn, f"{party}.id")
        if wallet != bucket_wallet:
            raise unprocessable("bucket.id", "bucket_of_another_wallet",
                                f"bucket {bucket_id} is not in the wallet of {msisdn}")
    elif msisdn is None:
        raise bad_request(party, "is required (or bucket.id): the subscriber's MSISDN")
    else:
        _, provider = await wallet_of(ledger, msisdn, f"{party}.id")
    if bt is None and bucket_name is not None:
        bt = provider.type_named(bucket_name)
        if bt is None:
            raise unprocessable("bucket.name", "unknown_balance_type",
                                f"no balance type {bucket_name!r}")
    if bt is None and usage is not None:
        bt = _type_of_usage(provider, usage)
    if bt is not None and usage is not None and amounts.usage_type(bt) != usage:
        raise bad_request("usageType", f"{bt.name} is {amounts.usage_type(bt)}, not {usage}")
    if bt is None and not allow_cascade:
        bt = provider.default_cash
        if bt is None:
            raise unprocessable("bucket.name", "unknown_balance_type",
                                "the provider has no default cash type: name one")
    return Target(msisdn, provider, bt)


async def _bucket(ledger: Ledger, raw_id: str) -> tuple[str, BalanceType, int]:
    if not is_row_id(raw_id):
        raise unprocessable("bucket.id", "unknown_bucket", f"no bucket {raw_id!r}")
    rows = await ledger.store.query(
        "SELECT a.owner_msisdn, a.provider_id, b.type_id, a.id FROM buckets b "
        "JOIN accounts a ON a.id = b.account_id WHERE b.id = ?", (int(raw_id),))
    if not rows:
        raise unprocessable("bucket.id", "unknown_bucket", f"no bucket {raw_id!r}")
    owner, provider_id, type_id, wallet = rows[0]
    catalog = await ledger.store.catalog()
    bt = catalog.provider(int(provider_id)).type_by_id(int(type_id))
    if bt is None:
        raise unprocessable("bucket.id", "unknown_bucket", f"no bucket {raw_id!r}")
    return str(owner), bt, int(wallet)


def _type_of_usage(provider: Provider, usage: str) -> BalanceType:
    if usage == "monetary" and provider.default_cash is not None:
        return provider.default_cash
    found = [t for t in provider.balance_types
             if t.category is Category.CHARGEABLE and amounts.usage_type(t) == usage]
    if len(found) != 1:
        what = "no" if not found else "more than one"
        raise unprocessable("usageType", "ambiguous_usage_type",
                            f"{what} chargeable balance type of usage {usage!r}: "
                            f"name the balance type in bucket.name")
    return found[0]
