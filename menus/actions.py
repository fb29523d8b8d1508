"""What the engine asks of the ledger: one action per step, run by the gateway with the
channel's idempotency key, its result handed back to the engine (``Engine.resume``).

The PIN of a ``Recharge`` lives only in this value, for the one step that receives it; its
repr hides it so that no log line or traceback shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from core.outcomes import Outcome, Status
from core.snapshots import WalletSnapshot
from menus.model import View


@dataclass(frozen=True, slots=True)
class ShowWallet:
    """An inquiry: the wallet for a balance or bundle view."""

    view: View
    wallet_after: ClassVar[frozenset[Status]] = frozenset()


@dataclass(frozen=True, slots=True)
class Recharge:
    pin: str = field(repr=False)
    wallet_after: ClassVar[frozenset[Status]] = frozenset()


@dataclass(frozen=True, slots=True)
class Transfer:
    recipient: str  # E.164
    amount_minor: int
    # "your balance of X is not enough" needs the balance, which the outcome does not carry.
    wallet_after: ClassVar[frozenset[Status]] = frozenset({Status.INSUFFICIENT_FUNDS})


@dataclass(frozen=True, slots=True)
class BuyBundle:
    product: str
    wallet_after: ClassVar[frozenset[Status]] = frozenset({Status.INSUFFICIENT_FUNDS})


@dataclass(frozen=True, slots=True)
class SetLanguage:
    language: str
    wallet_after: ClassVar[frozenset[Status]] = frozenset()


Action = ShowWallet | Recharge | Transfer | BuyBundle | SetLanguage


@dataclass(frozen=True, slots=True)
class ActionResult:
    """The ledger's answer: the outcome of a command, and the wallet when the action is an
    inquiry or its outcome is one of the action's ``wallet_after`` statuses (None if unknown)."""

    outcome: Outcome | None = None
    wallet: WalletSnapshot | None = None
