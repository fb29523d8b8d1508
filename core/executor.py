"""Dispatch commands to their handlers inside one Book, with idempotency.

A key seen before returns its first outcome (failures included) if the parameters match, and
IDEMPOTENCY_CONFLICT if they differ. Keys are also remembered within a batch, so two copies of
one request in the same group commit have one effect.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core import commands as c
from core import json_text
from core.book import Book
from core.handlers import charging, housekeeping, products, transfers, vouchers, wallets
from core.outcomes import Outcome, Status, fail

Handler = Callable[[Book, Any], Outcome]

HANDLERS: Mapping[type[c.Command], Handler] = {
    c.CreateWallet: wallets.create_wallet,
    c.AddSubscriber: wallets.add_subscriber,
    c.SetWalletState: wallets.set_wallet_state,
    c.SetLanguage: wallets.set_language,
    c.SetCreditLimit: wallets.set_credit_limit,
    c.Adjust: wallets.adjust,
    c.Recharge: vouchers.recharge,
    c.Transfer: transfers.transfer,
    c.Convert: transfers.convert,
    c.Charge: charging.charge,
    c.Reserve: charging.reserve,
    c.CommitReservation: charging.commit_reservation,
    c.ReleaseReservation: charging.release_reservation,
    c.ReportUsage: charging.report_usage,
    c.BuyProduct: products.buy_product,
    c.ProvisionProduct: products.provision_product,
    c.Housekeeping: housekeeping.housekeeping,
}


@dataclass(frozen=True, slots=True)
class Needs:
    """What storage must load before a command can run (the prefetch of prefetch->execute)."""

    msisdns: tuple[str, ...] = ()
    reservation_ids: tuple[int, ...] = ()
    pin_hashes: tuple[str, ...] = ()
    due_accounts: int = 0  # housekeeping: load up to this many accounts with work due


def needs(cmd: c.Command) -> Needs:
    match cmd:
        case c.Transfer():
            return Needs(msisdns=(cmd.from_msisdn, cmd.to_msisdn))
        case c.AddSubscriber():
            return Needs(msisdns=(cmd.owner_msisdn, cmd.msisdn))
        case c.Recharge():
            return Needs(msisdns=(cmd.msisdn,), pin_hashes=(cmd.pin_hash,))
        case c.CommitReservation() | c.ReleaseReservation() | c.ReportUsage():
            return Needs(reservation_ids=(cmd.reservation_id,))
        case c.Housekeeping():
            return Needs(due_accounts=cmd.limit)
        case _:
            msisdn = getattr(cmd, "msisdn", None)
            return Needs(msisdns=(msisdn,) if isinstance(msisdn, str) else ())


def merge(all_needs: Sequence[Needs]) -> Needs:
    return Needs(
        msisdns=tuple(dict.fromkeys(m for n in all_needs for m in n.msisdns)),
        reservation_ids=tuple(dict.fromkeys(r for n in all_needs for r in n.reservation_ids)),
        pin_hashes=tuple(dict.fromkeys(p for n in all_needs for p in n.pin_hashes)),
        due_accounts=max((n.due_accounts for n in all_needs), default=0),
    )


@dataclass(frozen=True, slots=True)
class StoredOutcome:
    fingerprint: str
    outcome: str  # JSON of Outcome.to_json()


def run_batch(
    book: Book, cmds: Sequence[c.Command], stored: Mapping[str, StoredOutcome]
) -> list[Outcome]:
    """Run commands in order against one book; their idempotency records go into the book,
    to be written in the same transaction. Raises only on a bug (the caller then retries the
    commands one by one)."""
    new: dict[str, StoredOutcome] = {}
    outcomes: list[Outcome] = []
    for cmd in cmds:
        fingerprint = cmd.fingerprint()
        previous = new.get(cmd.key) or stored.get(cmd.key)
        if previous is not None:
            if previous.fingerprint != fingerprint:
                outcomes.append(fail(Status.IDEMPOTENCY_CONFLICT, key=cmd.key))
            else:
                outcomes.append(Outcome.from_json(json.loads(previous.outcome), replayed=True))
            continue
        outcome = HANDLERS[type(cmd)](book, cmd)
        if book.open_ops:
            book.finish_open(outcome.status.value, dict(outcome.data))
        record = StoredOutcome(fingerprint, json_text.dumps(outcome.to_json()))
        new[cmd.key] = record
        book.idempotency[cmd.key] = (record.fingerprint, record.outcome)
        outcomes.append(outcome)
    return outcomes
