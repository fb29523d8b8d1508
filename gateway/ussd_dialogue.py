"""One USSD dialogue step, whatever the wire: session in, engine, ledger, screen, session out.

Channel adapters (Africa's Talking over HTTP here; SMPP later) turn their request into a
``UssdHop`` (session id, subscriber, service code, step number, the new input) and encode the
``Reply`` they get back. Everything between is here:

* a step at or below the stored one is a replay: it gets the stored reply and runs nothing
  (the aggregator retried, or the network duplicated the request);
* no stored session (first step, expired after ``[sessions] ttl_s``, or ended): the wallet is
  looked up (unknown MSISDN: "not a subscriber"), its language becomes the session's and the
  menu starts; a later step of an expired session starts the menu again, ignoring its input,
  so it moves no money;
* otherwise the engine advances; an action runs against the ledger with the idempotency key
  ``{channel}:{sessionId}:{step}``, so even two copies of a step racing each other charge once;
* the new session and its reply are stored before the reply goes out.

Nothing here logs the input: it may be a voucher PIN.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from core.service import Ledger
from gateway.metrics import Metrics
from gateway.sessions import SessionStore
from gateway.ussd_actions import LedgerActions
from gateway.ussd_session import UssdRecord, decode, encode
from menus.binding import BoundMenu
from menus.engine import Engine
from menus.present import Reply, UssdPresenter, single_screen
from translations.messages import GenericError, Message, NotASubscriber
from translations.renderer import Renderer

log = logging.getLogger(__name__)
# Records this process wrote lately, by session id, with the text stored (see ``load``).
_RECENT_RECORDS = 4_096


@dataclass(frozen=True, slots=True)
class MenuRuntime:
    """One service code's menu, ready to run: bound to the provider, laid out per language."""

    bound: BoundMenu
    engine: Engine
    presenter: UssdPresenter


@dataclass(frozen=True, slots=True)
class UssdHop:
    session_id: str
    msisdn: str  # E.164, from the authenticated channel
    service_code: str  # the menu's code, "*100#"
    extension: str | None  # dialled after the code: *100*1# -> "1"
    step: int  # strictly increasing within a session
    input: str | None  # the new input; None on a first step or when unreadable
    cursor: int  # how much of the channel's cumulative input this step has read
    # What names the dialogue in idempotency keys, when the session id alone does not: an
    # SMPP session number is reused by later dialogues (gateway/smpp_ussd.py).
    idempotency_scope: str | None = None


class UssdDialogue:
    def __init__(self, *, ledger: Ledger, menus: Mapping[str, MenuRuntime],
                 store: SessionStore, renderer: Renderer, metrics: Metrics,
                 channel: str = "ussd") -> None:
        self.ledger = ledger
        self.menus = menus
        self.store = store
        self.renderer = renderer
        self.metrics = metrics
        self.channel = channel
        self.actions = LedgerActions(ledger, metrics, channel)
        self._said: dict[tuple[str, str | None], Reply] = {}
        self._recent: dict[str, tuple[str, UssdRecord]] = {}

    def use(self, menus: Mapping[str, MenuRuntime], renderer: Renderer) -> None:
        """Go on with reloaded channels (a console edit); sessions in progress keep their state
        names, which the reloaded menus still have (menus are files, not edited at run time)."""
        self.menus, self.renderer = menus, renderer
        self._said.clear()

    async def load(self, session_id: str) -> UssdRecord | None:
        """The stored session, or None. The store stays the truth: a record this process
        wrote is reused without decoding only while the store still holds exactly the text
        it was written as (another process's write, an expiry or a damaged value all differ
        from it), because the next step of a session usually comes back to the process that
        answered the last one, and decoding was ~4% of the gateway's CPU per step."""
        raw = await self.store.get(session_id)
        if raw is None:
            return None
        recent = self._recent.get(session_id)
        if recent is not None and recent[0] == raw:
            return recent[1]
        record = decode(raw)
        if record is None:
            log.warning("unreadable session %s: starting again", session_id,
                        extra={"session": session_id})
        return record

    async def forget(self, session_id: str) -> None:
        self._recent.pop(session_id, None)
        await self.store.delete(session_id)

    async def _store(self, session_id: str, record: UssdRecord) -> None:
        raw = encode(record)
        await self.store.put(session_id, raw)
        recent = self._recent
        recent.pop(session_id, None)  # re-inserted last: the oldest writes go first
        if len(recent) >= _RECENT_RECORDS:
            del recent[next(iter(recent))]
        recent[session_id] = (raw, record)

    async def hop(self, hop: UssdHop, record: UssdRecord | None) -> Reply:
        """The reply to one step; never raises for a subscriber's sake (the apology)."""
        runtime = self.menus.get(hop.service_code)
        menu = hop.service_code if runtime is not None else "unknown"
        try:
            reply, result = await self._hop(hop, record, runtime)
        except Exception:
            log.exception("USSD step failed", extra={"session": hop.session_id,
                                                     "step": hop.step})
            reply, result = self.apology(record.menu.language if record else None), "error"
        self.metrics.menu_step(menu, result)
        log.debug("ussd step %s", result, extra={
            "session": hop.session_id, "step": hop.step, "result": result, "end": reply.end})
        return reply

    async def _hop(self, hop: UssdHop, record: UssdRecord | None,
                   runtime: MenuRuntime | None) -> tuple[Reply, str]:
        if record is not None:
            if record.msisdn != hop.msisdn or record.service_code != hop.service_code:
                log.warning("session %s reused by another number or code: refused",
                            hop.session_id, extra={"session": hop.session_id})
                return self.apology(None), "refused"
            if hop.step <= record.step:
                return record.reply, "replay"
            if record.reply.end:
                record = None  # the dialogue ended; a further step starts again
        if runtime is None:
            log.warning("no menu for service code %r", hop.service_code)
            return self.apology(None), "refused"
        engine = runtime.engine
        if record is None:
            # Who the number is and its language, not its balances: one indexed row (a
            # shortcut such as *100*1# reads the wallet in its action, like the menu's 1).
            subscriber = await self.ledger.subscriber(hop.msisdn)
            if subscriber is None:
                return self._say(NotASubscriber(), None), "not_a_subscriber"
            language = self.renderer.language_for(subscriber.language)
            restart = hop.step > 0
            step = engine.start(language, None if restart else hop.extension)
        else:
            restart = False
            step = engine.advance(record.menu, hop.input)
        if step.action is not None:
            result = await self.actions.run(
                step.action, msisdn=hop.msisdn,
                key=f"{self.channel}:{hop.idempotency_scope or hop.session_id}:{hop.step}")
            step = engine.resume(step.session, step.action, result, self.ledger.clock())
        assert step.screen is not None  # resume always ends on a screen
        reply = runtime.presenter.render(step.screen, step.session.language)
        stored = UssdRecord(hop.msisdn, hop.service_code, step.session, hop.step, hop.cursor,
                            reply)
        await self._store(hop.session_id, stored)
        if restart:
            return reply, "restart"
        if step.session.noticed:
            return reply, "invalid"
        return reply, "end" if reply.end else "continue"

    def apology(self, language: str | None) -> Reply:
        """END with the localized apology, which says nothing about what went wrong."""
        return self._say(GenericError(), language)

    def say(self, message: Message, language: str | None) -> Reply:
        """END with ``message`` (e.g. SessionExpired), for adapters that answer without a step."""
        return self._say(message, language)

    def _say(self, message: Message, language: str | None) -> Reply:
        key = (message.key, language)
        reply = self._said.get(key)
        if reply is None:
            reply = Reply(single_screen(self.renderer, message, language), end=True)
            if len(self._said) < 256:
                self._said[key] = reply
        return reply
