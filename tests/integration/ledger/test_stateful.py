"""Random operation sequences against a real Ledger on a real SQLite file, checked step by step
against a small reference model of three wallets written here.

The model knows General Cash (one undated bucket per wallet), Promo Cash (one bucket valid for
a day, spent first by the default cascade), the Monthly Spend counter that General Cash
spending accrues, and every reservation. After each step the ledger's wallets, reservations
and idempotency records must equal the model's, every balance type must sum to zero over
wallets and system accounts, and ``check_ledger`` must find nothing.

hypothesis' state machines are synchronous, so each machine drives the ledger through an
event loop of its own, created with the machine and closed in its teardown.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import shutil
import tempfile
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

from core import commands as c
from core.outcomes import Outcome, Status, fail, ok
from core.service import Ledger
from tests.integration.ledger.invariants import problems, reservation_rows, stored_outcomes
from tests.ledger_support import T0, Clock, open_ledger

T = TypeVar("T")

WALLETS = ("+254711000001", "+254711000002", "+254711000003")
UNKNOWN = "+254711000099"  # never created
CASH, PROMO, SPEND = "General Cash", "Promo Cash", "Monthly Spend"
START_CASH = 50_000
CASH_MAX = 10_000_000  # reject_credits_over
PROMO_MAX = 500_000  # limit_additional_credits
PROMO_VALIDITY_S = 86_400  # promo credits here carry validity_days=1
TRANSFER_MIN, TRANSFER_MAX, FEE = 1_000, 1_000_000, 100
DAY_S = 86_400
# Monthly Spend opens a new period a month after activation; staying well inside the first one
# keeps the model free of calendar arithmetic.
CLOCK_LIMIT = T0 + 15 * DAY_S
NO_RESERVATION = 1_000_000


@dataclass
class ModelWallet:
    cash: int = 0
    promo: int = 0
    promo_expires: int | None = None  # the promo bucket's expiry; None: no bucket
    spend: int = 0

    def live_promo(self, at: int) -> int:
        return self.promo if self.promo_expires is not None and self.promo_expires > at else 0

    def sweep(self, now: int) -> None:
        """Forget a promo bucket that has expired (the ledger moves its value to EXPIRED)."""
        if self.promo_expires is not None and self.promo_expires <= now:
            self.promo, self.promo_expires = 0, None


@dataclass
class ModelReservation:
    id: int
    msisdn: str
    promo: int
    cash: int
    expires_at: int
    state: str = "open"
    used: int = 0
    ended_at: int | None = None

    @property
    def amount(self) -> int:
        return self.promo + self.cash

    def holds(self, now: int) -> bool:
        return self.state == "open" and self.expires_at > now


class Model:
    """What the ledger should answer, and what it should then hold. Each method returns the
    expected outcome and applies the expected effects; the order of checks is the handlers'
    documented order."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.wallets: dict[str, ModelWallet] = {}
        self.reservations: dict[int, ModelReservation] = {}

    @property
    def now(self) -> int:
        return self.clock.now

    def reserved(self, msisdn: str, kind: str) -> int:
        return sum(getattr(r, kind) for r in self.reservations.values()
                   if r.msisdn == msisdn and r.holds(self.now))

    def cash_headroom(self, msisdn: str) -> int:
        return max(0, self.wallets[msisdn].cash - self.reserved(msisdn, "cash"))

    def promo_headroom(self, msisdn: str, until: int | None = None) -> int:
        """Promo that may be spent now, or reserved until ``until`` (a reservation counts only
        buckets that outlive it)."""
        w = self.wallets[msisdn]
        return max(0, w.live_promo(until or self.now) - self.reserved(msisdn, "promo"))

    def adjust(self, cmd: c.Adjust) -> Outcome:
        if cmd.amount == 0:
            return fail(Status.INVALID_AMOUNT, field="amount")
        if cmd.msisdn not in self.wallets:
            return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.msisdn)
        w = self.wallets[cmd.msisdn]
        w.sweep(self.now)
        exceeded: dict[str, int] = {}
        if cmd.balance_type == CASH:
            if cmd.amount < 0 and self.cash_headroom(cmd.msisdn) < -cmd.amount:
                return fail(Status.INSUFFICIENT_FUNDS, balance_type=CASH)
            if cmd.amount > 0 and w.cash + cmd.amount > CASH_MAX:
                return fail(Status.MAX_BALANCE_EXCEEDED, failed_balance_types=[CASH])
            applied = cmd.amount
            w.cash += applied
            balance = w.cash
        else:
            if cmd.amount < 0:
                if self.promo_headroom(cmd.msisdn) < -cmd.amount:
                    return fail(Status.INSUFFICIENT_FUNDS, balance_type=PROMO)
                applied = cmd.amount
            else:
                applied = min(cmd.amount, max(0, PROMO_MAX - w.promo))
                if applied < cmd.amount:
                    exceeded = {PROMO: cmd.amount - applied}
                if applied:
                    w.promo_expires = max(w.promo_expires or 0, self.now + PROMO_VALIDITY_S)
            w.promo += applied
            balance = w.promo
        return ok(balance_type=cmd.balance_type, applied=applied, exceeded=exceeded,
                  balance=balance)

    def charge(self, cmd: c.Charge) -> Outcome:
        if cmd.amount <= 0:
            return fail(Status.INVALID_AMOUNT, field="amount")
        if cmd.msisdn not in self.wallets:
            return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.msisdn)
        w = self.wallets[cmd.msisdn]
        w.sweep(self.now)
        promo = min(cmd.amount, self.promo_headroom(cmd.msisdn))
        cash = min(cmd.amount - promo, self.cash_headroom(cmd.msisdn))
        if promo + cash < cmd.amount:
            return fail(Status.INSUFFICIENT_FUNDS)
        w.promo -= promo
        w.cash -= cash
        w.spend += cash
        charged = {name: part for name, part in ((PROMO, promo), (CASH, cash)) if part}
        return ok(charged=charged)

    def reserve(self, cmd: c.Reserve, next_id: int) -> Outcome:
        if cmd.amount <= 0:
            return fail(Status.INVALID_AMOUNT, field="amount")
        if cmd.msisdn not in self.wallets:
            return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.msisdn)
        self.wallets[cmd.msisdn].sweep(self.now)
        expires_at = self.now + cmd.ttl_s
        promo = min(cmd.amount, self.promo_headroom(cmd.msisdn, until=expires_at))
        cash = min(cmd.amount - promo, self.cash_headroom(cmd.msisdn))
        if promo + cash < cmd.amount:
            return fail(Status.INSUFFICIENT_FUNDS)
        self.reservations[next_id] = ModelReservation(next_id, cmd.msisdn, promo, cash,
                                                      expires_at)
        return ok(reservation_id=next_id, amount=cmd.amount, expires_at=expires_at)

    def _find(self, reservation_id: int) -> ModelReservation | Outcome:
        r = self.reservations.get(reservation_id)
        if r is None:
            return fail(Status.UNKNOWN_RESERVATION, reservation_id=reservation_id)
        if r.state != "open":
            return fail(Status.RESERVATION_CLOSED, state=r.state)
        if r.expires_at <= self.now:
            r.state, r.ended_at = "expired", self.now
            return fail(Status.RESERVATION_EXPIRED)
        return r

    def commit(self, cmd: c.CommitReservation) -> Outcome:
        r = self._find(cmd.reservation_id)
        if isinstance(r, Outcome):
            return r
        if cmd.used > r.amount:
            return fail(Status.COMMIT_EXCEEDS_RESERVED, reserved=r.amount)
        w = self.wallets[r.msisdn]
        w.sweep(self.now)
        promo = min(cmd.used, r.promo)  # the cascade's order: promo first
        cash = cmd.used - promo
        w.promo -= promo
        w.cash -= cash
        w.spend += cash
        r.state, r.used, r.ended_at = "committed", cmd.used, self.now
        return ok(reservation_id=r.id, used=cmd.used, returned=r.amount - cmd.used)

    def release(self, cmd: c.ReleaseReservation) -> Outcome:
        r = self._find(cmd.reservation_id)
        if isinstance(r, Outcome):
            return r
        r.state, r.ended_at = "released", self.now
        return ok(reservation_id=r.id, returned=r.amount)

    def transfer(self, cmd: c.Transfer) -> Outcome:
        if cmd.amount <= 0:
            return fail(Status.INVALID_AMOUNT, field="amount")
        if cmd.from_msisdn not in self.wallets:
            return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.from_msisdn, party="sender")
        if cmd.to_msisdn not in self.wallets:
            return fail(Status.UNKNOWN_SUBSCRIBER, msisdn=cmd.to_msisdn, party="recipient")
        if cmd.from_msisdn == cmd.to_msisdn:
            return fail(Status.SAME_WALLET)
        if cmd.amount < TRANSFER_MIN:
            return fail(Status.TRANSFER_BELOW_MINIMUM, minimum=TRANSFER_MIN)
        if cmd.amount > TRANSFER_MAX:
            return fail(Status.TRANSFER_ABOVE_MAXIMUM, maximum=TRANSFER_MAX)
        if self.cash_headroom(cmd.from_msisdn) < cmd.amount + FEE:
            return fail(Status.INSUFFICIENT_FUNDS, balance_type=CASH, needed=cmd.amount + FEE)
        sender, recipient = self.wallets[cmd.from_msisdn], self.wallets[cmd.to_msisdn]
        if recipient.cash + cmd.amount > CASH_MAX:
            return fail(Status.MAX_BALANCE_EXCEEDED, failed_balance_types=[CASH],
                        party="recipient")
        sender.cash -= cmd.amount + FEE
        recipient.cash += cmd.amount
        return ok(amount=cmd.amount, fee=FEE, balance_type=CASH, to=cmd.to_msisdn,
                  sender_balance=sender.cash, recipient_balance=recipient.cash)

    def housekeeping(self) -> int:
        """Expire every lapsed reservation; returns how many."""
        lapsed = [r for r in self.reservations.values()
                  if r.state == "open" and r.expires_at <= self.now]
        for r in lapsed:
            r.state, r.ended_at = "expired", self.now
        for w in self.wallets.values():
            w.sweep(self.now)
        return len(lapsed)


def variant(cmd: c.Command) -> c.Command:
    """The same command with other parameters (channel and key are not parameters)."""
    match cmd:
        case c.Adjust() | c.Charge() | c.Transfer() | c.Reserve():
            return dataclasses.replace(cmd, amount=cmd.amount + 1)
        case c.CommitReservation():
            return dataclasses.replace(cmd, used=cmd.used + 1)
        case c.ReleaseReservation():
            return dataclasses.replace(cmd, reservation_id=cmd.reservation_id + 1)
        case c.Housekeeping():
            return dataclasses.replace(cmd, limit=cmd.limit + 1)
        case c.CreateWallet():
            return dataclasses.replace(cmd, language="fr")
    raise AssertionError(f"no variant for {cmd!r}")


def as_stored(outcome: Outcome) -> dict[str, Any]:
    """An outcome as the idempotency store gives it back (through JSON)."""
    return dict(json.loads(json.dumps(outcome.to_json(), sort_keys=True)))


msisdns = st.sampled_from(WALLETS * 3 + (UNKNOWN,))
cash_amounts = st.one_of(st.integers(-30_000, 80_000),
                         st.sampled_from([0, -1, 2_500_000, 5_000_000, CASH_MAX]))
promo_amounts = st.one_of(st.integers(-5_000, 40_000), st.sampled_from([0, 250_000, PROMO_MAX]))
charge_amounts = st.integers(0, 40_000)
transfer_amounts = st.one_of(
    st.integers(0, 40_000),
    st.sampled_from([TRANSFER_MIN - 1, TRANSFER_MIN, TRANSFER_MAX, TRANSFER_MAX + 1]))
ttls = st.one_of(st.integers(1, 3_600), st.sampled_from([DAY_S - 1, DAY_S, 2 * DAY_S]))
advances = st.one_of(st.integers(1, 7_200), st.sampled_from([DAY_S - 1, DAY_S, DAY_S + 3_600]))
used_pcts = st.integers(0, 110)  # of the amount held; over 100 is more than was reserved


def cmd_adjust_cash(key: str, msisdn: str, amount: int) -> c.Adjust:
    return c.Adjust(key=key, msisdn=msisdn, balance_type=CASH, amount=amount,
                    reason="stateful test")


def cmd_adjust_promo(key: str, msisdn: str, amount: int) -> c.Adjust:
    return c.Adjust(key=key, msisdn=msisdn, balance_type=PROMO, amount=amount,
                    reason="stateful test", validity_days=1 if amount > 0 else None)


def cmd_charge(key: str, msisdn: str, amount: int) -> c.Charge:
    return c.Charge(key=key, msisdn=msisdn, amount=amount, cascade="default")


def cmd_transfer(key: str, sender: str, recipient: str, amount: int) -> c.Transfer:
    return c.Transfer(key=key, from_msisdn=sender, to_msisdn=recipient, amount=amount)


def cmd_reserve(key: str, msisdn: str, amount: int, ttl_s: int) -> c.Reserve:
    return c.Reserve(key=key, msisdn=msisdn, amount=amount, ttl_s=ttl_s, cascade="default",
                     session_id="stateful")


# What a group-commit batch may hold: a command to build with a fresh key, or "again" (the
# batch's previous command once more, same key) or "conflict" (its key with other parameters).
batch_parts = st.one_of(
    st.builds(lambda m, a: ("adjust", cmd_adjust_cash, m, a), msisdns, cash_amounts),
    st.builds(lambda m, a: ("promo", cmd_adjust_promo, m, a), msisdns, promo_amounts),
    st.builds(lambda m, a: ("charge", cmd_charge, m, a), msisdns, charge_amounts),
    st.builds(lambda s, r, a: ("transfer", cmd_transfer, s, r, a), msisdns, msisdns,
              transfer_amounts),
    st.builds(lambda m, a, t: ("reserve", cmd_reserve, m, a, t), msisdns, charge_amounts, ttls),
    st.builds(lambda pct: ("commit", pct), used_pcts),
    st.just(("release",)),
    st.just(("again",)),
    st.just(("conflict",)),
)


# ~100 sequences of ~30 steps (~30 s here). Each example opens a fresh file, so a failure takes
# minutes to shrink: shrink one failure at a time, and skip the explain phase.
@settings(max_examples=100, stateful_step_count=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow], report_multiple_bugs=False,
          phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink])
class LedgerMachine(RuleBasedStateMachine):
    wallet_cache = 0  # wallets the writer keeps between batches

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.dir = Path(tempfile.mkdtemp(prefix="ledger-stateful-"))
        self.clock = Clock()
        self.model = Model(self.clock)
        self.history: list[tuple[c.Command, Outcome]] = []
        self.n = 0
        self.ledger: Ledger = self.run(open_ledger(self.dir / "ledger.db", self.clock,
                                                   wallet_cache=self.wallet_cache))
        for msisdn in WALLETS:
            created = self.first(c.CreateWallet(key=self.key("create"), msisdn=msisdn,
                                                provider="Demo Telecom"))
            assert created.ok, created
            self.model.wallets[msisdn] = ModelWallet()
            self.expect(cmd_adjust_cash(self.key("fund"), msisdn, START_CASH))

    def teardown(self) -> None:
        try:
            self.run(self.ledger.close())
        finally:
            self.loop.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- driving the ledger --------------------------------------------------------------------
    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(work)

    def key(self, kind: str) -> str:
        self.n += 1
        return f"{kind}-{self.n}"

    def first(self, cmd: c.Command) -> Outcome:
        """Execute a command with a fresh key and remember it for later replays."""
        outcome = self.run(self.ledger.execute(cmd))
        assert not outcome.replayed, outcome
        self.history.append((cmd, outcome))
        return outcome

    def predict(self, cmd: c.Command) -> Outcome:
        """The model's outcome of a command with a fresh key (and its effects on the model)."""
        match cmd:
            case c.Adjust():
                return self.model.adjust(cmd)
            case c.Charge():
                return self.model.charge(cmd)
            case c.Transfer():
                return self.model.transfer(cmd)
            case c.Reserve():
                return self.model.reserve(cmd, max(self.model.reservations, default=0) + 1)
            case c.CommitReservation():
                return self.model.commit(cmd)
            case c.ReleaseReservation():
                return self.model.release(cmd)
        raise AssertionError(f"no model for {cmd!r}")

    def expect(self, cmd: c.Command) -> Outcome:
        expected = self.predict(cmd)
        actual = self.first(cmd)
        assert actual.to_json() == expected.to_json(), (cmd, actual, expected)
        return actual

    def commit_of(self, reservation_id: int, used_pct: int) -> c.CommitReservation:
        held = self.model.reservations[reservation_id].amount
        return c.CommitReservation(key=self.key("commit"), reservation_id=reservation_id,
                                   used=held * used_pct // 100)

    # -- rules: one command at a time -----------------------------------------------------------
    @rule(msisdn=msisdns, amount=cash_amounts)
    def adjust_cash(self, msisdn: str, amount: int) -> None:
        self.expect(cmd_adjust_cash(self.key("adjust"), msisdn, amount))

    @rule(msisdn=msisdns, amount=promo_amounts)
    def adjust_promo(self, msisdn: str, amount: int) -> None:
        self.expect(cmd_adjust_promo(self.key("promo"), msisdn, amount))

    @rule(msisdn=msisdns, amount=charge_amounts)
    def charge(self, msisdn: str, amount: int) -> None:
        self.expect(cmd_charge(self.key("charge"), msisdn, amount))

    @rule(sender=msisdns, recipient=msisdns, amount=transfer_amounts)
    def transfer(self, sender: str, recipient: str, amount: int) -> None:
        self.expect(cmd_transfer(self.key("transfer"), sender, recipient, amount))

    @rule(msisdn=msisdns, amount=charge_amounts, ttl_s=ttls)
    def reserve(self, msisdn: str, amount: int, ttl_s: int) -> None:
        self.expect(cmd_reserve(self.key("reserve"), msisdn, amount, ttl_s))

    @precondition(lambda self: bool(self.model.reservations))
    @rule(data=st.data(), used_pct=used_pcts)
    def commit(self, data: st.DataObject, used_pct: int) -> None:
        rid = data.draw(st.sampled_from(sorted(self.model.reservations)), label="reservation")
        self.expect(self.commit_of(rid, used_pct))

    @precondition(lambda self: bool(self.model.reservations))
    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        rid = data.draw(st.sampled_from(sorted(self.model.reservations)), label="reservation")
        self.expect(c.ReleaseReservation(key=self.key("release"), reservation_id=rid))

    @rule(used=st.integers(0, 1_000))
    def commit_unknown_reservation(self, used: int) -> None:
        self.expect(c.CommitReservation(key=self.key("commit"), reservation_id=NO_RESERVATION,
                                        used=used))

    @precondition(lambda self: self.clock.now < CLOCK_LIMIT)
    @rule(seconds=advances)
    def advance_clock(self, seconds: int) -> None:
        self.clock.advance(seconds)

    @rule()
    def housekeeping(self) -> None:
        expired = self.model.housekeeping()
        outcome = self.first(c.Housekeeping(key=self.key("housekeeping")))
        assert outcome.ok, outcome
        assert outcome.data["expired_reservations"] == expired, outcome

    @precondition(lambda self: bool(self.history))
    @rule(data=st.data(), channel=st.sampled_from(["api", "ussd"]))
    def replay(self, data: st.DataObject, channel: str) -> None:
        """The same key and parameters (from whatever channel): the first outcome, no effect."""
        cmd, first = data.draw(st.sampled_from(self.history), label="earlier command")
        again = self.run(self.ledger.execute(dataclasses.replace(cmd, channel=channel)))
        assert again.replayed, again
        assert again.to_json() == as_stored(first), (cmd, again, first)

    @precondition(lambda self: bool(self.history))
    @rule(data=st.data())
    def reuse_key_with_other_parameters(self, data: st.DataObject) -> None:
        cmd, _first = data.draw(st.sampled_from(self.history), label="earlier command")
        outcome = self.run(self.ledger.execute(variant(cmd)))
        assert outcome == Outcome(Status.IDEMPOTENCY_CONFLICT, {"key": cmd.key}), outcome

    # -- rule: several commands in one group-commit batch ---------------------------------------
    @rule(data=st.data(), parts=st.lists(batch_parts, min_size=2, max_size=6))
    def batch(self, data: st.DataObject, parts: list[tuple[Any, ...]]) -> None:
        """Commands sent together share one transaction; each must still get exactly the
        answer it would get alone, in order, and an in-batch repeat is a replay."""
        cmds: list[c.Command] = []
        expected: list[Outcome] = []
        for kind, *args in parts:
            if kind in ("again", "conflict"):
                if not cmds:
                    continue
                if kind == "again":  # a conflict is not stored, so it stays a conflict
                    cmds.append(cmds[-1])
                    conflict = expected[-1].status is Status.IDEMPOTENCY_CONFLICT
                    expected.append(expected[-1] if conflict else Outcome.from_json(
                        as_stored(expected[-1]), replayed=True))
                else:
                    cmds.append(variant(cmds[-1]))
                    expected.append(Outcome(Status.IDEMPOTENCY_CONFLICT, {"key": cmds[-1].key}))
                continue
            if kind in ("commit", "release"):
                if not self.model.reservations:
                    continue
                rid = data.draw(st.sampled_from(sorted(self.model.reservations)),
                                label="reservation")
                cmd: c.Command = (
                    self.commit_of(rid, args[0]) if kind == "commit"
                    else c.ReleaseReservation(key=self.key("release"), reservation_id=rid))
            else:
                build, *params = args
                cmd = build(self.key(kind), *params)
            cmds.append(cmd)
            expected.append(self.predict(cmd))
        if not cmds:
            return
        batches = self.ledger.batches
        actual = self.run(self.ledger.execute_many(cmds))
        assert self.ledger.batches == batches + 1  # they did share one transaction
        for cmd, got, want in zip(cmds, actual, expected, strict=True):
            assert (got.replayed, got.to_json()) == (want.replayed, want.to_json()), (
                cmd, got, want)
            if not got.replayed and got.status is not Status.IDEMPOTENCY_CONFLICT:
                self.history.append((cmd, got))

    # -- invariants ------------------------------------------------------------------------
    @invariant()
    def wallets_match_the_model(self) -> None:
        for msisdn, expected in self.model.wallets.items():
            expected.sweep(self.clock.now)
            wallet = self.run(self.ledger.wallet(msisdn))
            assert wallet is not None
            # No balance below its minimum (no credit is granted here), reserved or not.
            assert [b for b in wallet.balances if b.total < 0 or b.available < 0] == []
            seen: dict[str, tuple[int, int]] = {}
            for name in (CASH, PROMO, SPEND):
                found = wallet.balance(name)
                seen[name] = (found.total, found.reserved) if found is not None else (0, 0)
            assert seen == {
                CASH: (expected.cash, self.model.reserved(msisdn, "cash")),
                PROMO: (expected.live_promo(self.clock.now),
                        self.model.reserved(msisdn, "promo")),
                SPEND: (expected.spend, 0),
            }, msisdn

    @invariant()
    def reservations_match_the_model(self) -> None:
        assert self.run(reservation_rows(self.ledger.store)) == [
            (r.id, r.state, r.used, r.ended_at) for r in self.model.reservations.values()]

    @invariant()
    def every_first_outcome_is_stored(self) -> None:
        stored = self.run(stored_outcomes(self.ledger.store))
        assert {k: json.loads(v) for k, v in stored.items()} == {
            cmd.key: as_stored(outcome) for cmd, outcome in self.history}

    @invariant()
    def ledger_is_healthy(self) -> None:
        assert self.run(problems(self.ledger.store, self.clock.now)) == []


TestLedgerMachine = LedgerMachine.TestCase


class CachedLedgerMachine(LedgerMachine):
    """The same sequences with the writer keeping wallets between batches (fewer of them: the
    cache must change nothing, and test_wallet_cache compares it with a writer without)."""

    wallet_cache = 10


TestCachedLedgerMachine = CachedLedgerMachine.TestCase
TestCachedLedgerMachine.settings = settings(TestLedgerMachine.settings, max_examples=40)
