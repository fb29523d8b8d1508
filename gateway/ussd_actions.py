"""Runs the menu engine's actions against the ledger, with the channel's idempotency key.

The one place where a menu action becomes a ledger command: the subscriber's MSISDN comes
from the channel (authenticated), never from the menu; the key is the channel's (USSD:
``ussd:{sessionId}:{step}``), so a replayed step gets the stored outcome instead of a second
charge. Each outcome is counted and logged (operation, status, session step; never a PIN).
"""

from __future__ import annotations

import logging

from core import commands as c
from core.outcomes import Outcome
from core.service import Ledger
from core.snapshots import WalletSnapshot
from gateway.metrics import Metrics
from menus.actions import (
    Action,
    ActionResult,
    BuyBundle,
    Recharge,
    SetLanguage,
    ShowWallet,
    Transfer,
)

log = logging.getLogger(__name__)


class LedgerActions:
    def __init__(self, ledger: Ledger, metrics: Metrics, channel: str) -> None:
        self.ledger = ledger
        self.metrics = metrics
        self.channel = channel

    async def run(self, action: Action, *, msisdn: str, key: str,
                  wallet: WalletSnapshot | None = None) -> ActionResult:
        """``wallet``: a snapshot already read in this same step, for an inquiry."""
        ledger, channel = self.ledger, self.channel
        outcome: Outcome
        match action:
            case ShowWallet():
                return ActionResult(wallet=wallet if wallet is not None
                                    else await ledger.wallet(msisdn))
            case Recharge(pin=pin):
                outcome = await ledger.recharge(msisdn, pin, key=key, channel=channel)
                operation = "recharge"
            case Transfer(recipient=recipient, amount_minor=amount):
                outcome = await ledger.execute(c.Transfer(
                    key=key, channel=channel, from_msisdn=msisdn, to_msisdn=recipient,
                    amount=amount))
                operation = "transfer"
            case BuyBundle(product=product):
                outcome = await ledger.execute(c.BuyProduct(
                    key=key, channel=channel, msisdn=msisdn, product=product))
                operation = "buy_product"
            case SetLanguage(language=language):
                outcome = await ledger.execute(c.SetLanguage(
                    key=key, channel=channel, msisdn=msisdn, language=language))
                operation = "set_language"
        self.metrics.ledger_outcome(channel, operation, outcome.status.value)
        log.info("%s %s: %s%s", channel, operation, outcome.status.value,
                 " (replayed)" if outcome.replayed else "",
                 extra={"channel": channel, "operation": operation, "key": key,
                        "msisdn": msisdn, "status": outcome.status.value,
                        "replayed": outcome.replayed})
        after = await ledger.wallet(msisdn) if outcome.status in action.wallet_after else None
        return ActionResult(outcome, after)
