"""SMS keyword commands, whatever carries them: (msisdn, text, message id) in, reply texts out.

Transport-free on purpose: the SMPP adapter (gateway/smpp_channel.py) and HTTP SMS webhooks
call ``SmsService.handle`` and send what it answers; nothing here knows a PDU or a request.

* The text is parsed with the subscriber's language first (menus/sms_keywords.py); arguments
  are checked by the same validators as the USSD menus.
* ``BAL`` is the balance summary; ``BUNDLES`` what is left of each bundle with its expiry
  date; ``RECHARGE <PIN>`` a voucher recharge; ``TRANSFER <number>
  <amount>`` is answered with a confirmation request and remembered (one JSON value per
  MSISDN in a session store with a TTL, so another gateway process can take the ``YES``);
  ``YES`` within five minutes completes it (menus/sms_transfer_confirmation.py); ``LANG
  <code>`` sets the wallet's language; anything else gets the help text.
* Idempotency: a money-moving command's key is ``sms:{msisdn}:{message_id}``; the caller
  derives ``message_id`` from the network's reference of the message, so the same message
  delivered twice moves money once. The transfer's key comes from the pending transfer
  itself, so a repeated ``YES`` replays the first outcome.
* Replies are rendered in the subscriber's language and made ready for the wire
  (``translations.gsm.prepare``: GSM-7 where the text allows, CLDR spaces folded).

Nothing here logs the text: it may hold a voucher PIN.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from core import commands as c
from core.msisdn import InvalidMsisdn, normalize
from core.outcomes import Status
from core.service import Ledger
from core.snapshots import WalletSnapshot
from gateway.metrics import Metrics
from gateway.sessions import SessionStore
from gateway.ussd_dialogue import MenuRuntime
from menus import actions as menu_actions
from menus import sms_keywords as kw
from menus.binding import BoundMenu
from menus.engine import bundles_of
from menus.outcomes import recharge_message, transfer_message
from menus.sms_transfer_confirmation import CONFIRMATION_TTL_S, PendingTransfer, confirm
from translations import messages
from translations.gsm import prepare
from translations.renderer import Renderer

log = logging.getLogger(__name__)

# The pending transfer outlives the rule's five minutes by a little: ``confirm`` decides by
# the ledger's clock, the store's TTL only bounds what is kept.
PENDING_TTL_S = CONFIRMATION_TTL_S + 60


@dataclass(frozen=True, slots=True)
class SmsReply:
    """What to send back: each text is one SMS message (a long one goes out concatenated),
    already fitted for the wire; ``language`` is the one it was rendered in; ``result``
    says what became of the message (for metrics and logs; never the text)."""

    texts: tuple[str, ...]
    language: str
    result: str


class PendingTransfers:
    """Pending SMS transfers, one JSON value per MSISDN in a session store (memory or Redis)
    opened with ``PENDING_TTL_S``; a value this version cannot read counts as none."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store

    async def get(self, msisdn: str) -> PendingTransfer | None:
        raw = await self.store.get(msisdn)
        if raw is None:
            return None
        try:
            return PendingTransfer.from_json(json.loads(raw))
        except (ValueError, TypeError, AttributeError):
            log.warning("unreadable pending transfer: ignored")
            return None

    async def put(self, msisdn: str, pending: PendingTransfer) -> None:
        await self.store.put(msisdn, json.dumps(pending.to_json(), separators=(",", ":")))

    async def close(self) -> None:
        await self.store.close()


class SmsService:
    def __init__(self, *, ledger: Ledger, renderer: Renderer, bound: BoundMenu,
                 grammar: kw.SmsGrammar, pending: PendingTransfers, metrics: Metrics,
                 channel: str = "sms") -> None:
        self.ledger = ledger
        self.renderer = renderer
        self.bound = bound  # the provider's facts the USSD menus use (limits, fees, numbers)
        self.grammar = grammar
        self.pending = pending
        self.metrics = metrics
        self.channel = channel
        self.region = bound.provider.default_region
        self.keywords: kw.Keywords | None = None  # kept by build() for use()

    @classmethod
    def build(cls, *, ledger: Ledger, renderer: Renderer, menus: Mapping[str, MenuRuntime],
              keywords: kw.Keywords, pending: PendingTransfers, metrics: Metrics,
              channel: str = "sms") -> SmsService:
        """Checked against the same provider facts as the USSD menus: those of the first
        menu (by service code). Raises ValueError when there is no menu to take them from."""
        if not menus:
            raise ValueError("SMS keywords need a USSD menu for the provider's limits")
        bound = menus[min(menus)].bound
        service = cls(ledger=ledger, renderer=renderer, bound=bound,
                      grammar=kw.SmsGrammar.for_menu(keywords, bound), pending=pending,
                      metrics=metrics, channel=channel)
        service.keywords = keywords
        return service

    def use(self, renderer: Renderer, menus: Mapping[str, MenuRuntime]) -> None:
        """Answer from now on with reloaded channels (a console edit): their translations,
        and the provider facts of their menus. Pending confirmations stay."""
        if not menus:
            raise ValueError("SMS keywords need a USSD menu for the provider's limits")
        bound = menus[min(menus)].bound
        self.renderer, self.bound = renderer, bound
        if self.keywords is not None:
            self.grammar = kw.SmsGrammar.for_menu(self.keywords, bound)

    async def handle(self, msisdn: str, text: str, *, message_id: str) -> SmsReply:
        """The reply to one message from ``msisdn`` (E.164 or national). Never raises for the
        subscriber's sake: a failure is logged and answered with the apology."""
        try:
            number = normalize(msisdn, self.region)
        except InvalidMsisdn:
            return self._reply(messages.NotASubscriber(), None, "not_a_subscriber")
        try:
            return await self._handle(number, text, message_id)
        except Exception:
            log.exception("sms command failed", extra={"channel": self.channel})
            return self._reply(messages.GenericError(), None, "error")

    async def _handle(self, msisdn: str, text: str, message_id: str) -> SmsReply:
        wallet = await self.ledger.wallet(msisdn)
        if wallet is None:
            return self._reply(messages.NotASubscriber(), None, "not_a_subscriber")
        language = self.renderer.language_for(wallet.language)
        key = f"{self.channel}:{msisdn}:{message_id}"
        match self.grammar.parse(text, language):
            case kw.Balance():
                return self._reply(messages.BalanceSummary(wallet), language, "balance")
            case kw.Bundles():
                return self._reply(messages.BundleBalances(bundles_of(wallet)), language,
                                   "bundles")
            case kw.Recharge(pin=pin):
                return await self._recharge(msisdn, pin, key, language)
            case kw.Transfer(recipient=recipient, amount_minor=amount):
                return await self._transfer_request(msisdn, recipient, amount, language)
            case kw.Confirm():
                return await self._confirm(msisdn, wallet, language)
            case kw.Language(code=code):
                return await self._language(msisdn, code, key, language)
            case kw.Invalid(notice=notice) if notice is not None and not isinstance(
                    notice, messages.InvalidChoice):
                return self._reply(notice, language, "invalid")
            case kw.Invalid():
                return self._reply(self.grammar.help_message(language), language, "invalid")
            case kw.Help(unknown=unknown):
                return self._reply(self.grammar.help_message(language), language,
                                   "unknown" if unknown else "help")
        raise AssertionError("unreachable: every request kind is handled")

    async def _recharge(self, msisdn: str, pin: str, key: str, language: str) -> SmsReply:
        outcome = await self.ledger.recharge(msisdn, pin, key=key, channel=self.channel)
        self._count("recharge", outcome.status, outcome.replayed, key)
        message = recharge_message(outcome, menu_actions.Recharge(pin), self.bound,
                                   self.ledger.clock())
        return self._reply(message, language, f"recharge_{outcome.status.value}")

    async def _transfer_request(self, msisdn: str, recipient: str, amount: int,
                                language: str) -> SmsReply:
        # A newer request replaces the pending one; nothing moves until YES.
        await self.pending.put(msisdn, PendingTransfer(recipient, amount, self.ledger.clock()))
        confirm_word = self.grammar.keywords.first(language, kw.Command.CONFIRM)
        request = messages.TransferConfirmRequest(
            amount_minor=amount, recipient=self.bound.display_number(recipient),
            fee_minor=self.bound.transfer_fee(amount), confirm_option=confirm_word,
            cancel_option="")
        # The template's last line is the menu's "2 Cancel"; by SMS, not answering cancels,
        # so only the question and "YES Confirm" go out.
        text = self.renderer.render(request, language).rsplit("\n", 1)[0]
        return SmsReply((prepare(text).text,), language, "transfer_requested")

    async def _confirm(self, msisdn: str, wallet: WalletSnapshot, language: str) -> SmsReply:
        pending = await self.pending.get(msisdn)
        if pending is None:
            return self._reply(self.grammar.help_message(language), language, "nothing_pending")
        due = confirm(pending, self.ledger.clock())
        if due is None:
            return self._reply(messages.SessionExpired(), language, "confirmation_expired")
        # The key is the pending transfer's: a second YES replays the first outcome.
        key = due.idempotency_key(msisdn)
        outcome = await self.ledger.execute(c.Transfer(
            key=key, channel=self.channel, from_msisdn=msisdn, to_msisdn=due.recipient,
            amount=due.amount_minor))
        self._count("transfer", outcome.status, outcome.replayed, key)
        message = transfer_message(outcome, menu_actions.Transfer(due.recipient,
                                                                  due.amount_minor),
                                   self.bound, wallet)
        return self._reply(message, language, f"transfer_{outcome.status.value}")

    async def _language(self, msisdn: str, code: str, key: str, language: str) -> SmsReply:
        outcome = await self.ledger.execute(c.SetLanguage(key=key, channel=self.channel,
                                                          msisdn=msisdn, language=code))
        self._count("set_language", outcome.status, outcome.replayed, key)
        if outcome.status is not Status.OK:
            return self._reply(messages.GenericError(), language, "language_failed")
        # Said in the new language: the subscriber just chose it.
        return self._reply(messages.LanguageChanged(code), code, "language")

    def _count(self, operation: str, status: Status, replayed: bool, key: str) -> None:
        self.metrics.ledger_outcome(self.channel, operation, status.value)
        log.info("%s %s: %s%s", self.channel, operation, status.value,
                 " (replayed)" if replayed else "",
                 extra={"channel": self.channel, "operation": operation, "key": key,
                        "status": status.value, "replayed": replayed})

    def _reply(self, message: messages.Message, language: str | None, result: str) -> SmsReply:
        resolved = self.renderer.language_for(language)
        text = prepare(self.renderer.render(message, resolved)).text
        return SmsReply((text,), resolved, result)
