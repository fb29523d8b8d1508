"""Wallet snapshot -> announcement sequence, by cumulative balance plan or type by type.

Plan sequences (NCC Cumulative Balances node), for each category in playback order:

1. The category's figure is the sum, over its balance types the wallet holds, of ``total`` or,
   with 'use unreserved balances', ``available`` (total - reserved). Types the wallet lacks add 0.
2. A figure of 0 skips the whole category (expiry included) unless 'play zero cumulative balance'.
3. The category announcement, when the category has one.
4. Figure > 0: the positive announcement with the figure; figure < 0: negative/no credit with the
   figure; figure = 0: negative/no credit without a variable. Cash figures are ``Amount`` in the
   wallet's currency; other figures are ``Units`` of the category's unit type.
5. With 'play expiry': the earliest expiry among the category's buckets that hold credit
   (value > 0) and have not expired at ``wallet.as_of``. ``days_until`` == 1 plays expiry within
   one day (no variable); more plays days until expiry with ``Days(count)``; no such bucket (none
   dated, or all expired) plays nothing.

Which refs steps 4-5 play (the category's own, else its balance types') was settled when the plan
was resolved: see ``announcements.fallbacks``.

Type-by-type sequences (a wallet without a plan) apply the same steps to each balance alone, with
the type's own refs: currency map (cash) or positive/negative (non-cash), Expiry and Single Day
Expiry. Differences: the type's 'play announcement if zero balance' decides step 2; a type without
the ref its figure needs (e.g. a Bad PIN counter) is not announced at all; a missing expiry ref
plays no expiry; there is no category announcement.
"""

from __future__ import annotations

from collections.abc import Iterable

from announcements.prompts import Amount, AnnouncementSequence, Days, Prompt, Units, Variable
from announcements.resolution import ResolvedCategory, ResolvedPlan
from announcements.type_refs import value_refs
from core.balance_types import AnnouncementRef
from core.clock import EpochSeconds, days_until
from core.snapshots import BalanceSnapshot, WalletSnapshot
from core.units import UnitKind


class WalletPlanMismatch(ValueError):
    """A plan was applied to a wallet of another provider or currency: a caller's bug."""

    def __init__(self, wallet_id: int, field: str, wallet_value: object, plan_value: object):
        self.wallet_id = wallet_id
        self.field = field
        self.wallet_value = wallet_value
        self.plan_value = plan_value
        super().__init__(
            f"wallet {wallet_id} has {field} {wallet_value!r}; the plan is for {plan_value!r}"
        )


def plan_sequence(
    wallet: WalletSnapshot, plan: ResolvedPlan, language: str
) -> AnnouncementSequence:
    """The wallet's balances by ``plan`` (rules in the module docstring), for recordings in
    ``language``. Raises ``WalletPlanMismatch`` if the plan is another provider's."""
    prompts = tuple(p for section in plan_sections(wallet, plan) for p in section)
    return AnnouncementSequence(language, prompts)


def plan_sections(
    wallet: WalletSnapshot, plan: ResolvedPlan
) -> tuple[tuple[Prompt, ...], ...]:
    """The same prompts as ``plan_sequence``, one tuple per category that plays (in playback
    order), for renderings that lay categories out apart: one text line each on USSD/SMS.
    Raises ``WalletPlanMismatch`` if the plan is another provider's."""
    if wallet.provider_id != plan.provider_id:
        raise WalletPlanMismatch(
            wallet.wallet_id, "provider_id", wallet.provider_id, plan.provider_id
        )
    if wallet.currency != plan.currency:
        raise WalletPlanMismatch(wallet.wallet_id, "currency", wallet.currency, plan.currency)
    sections = (tuple(_category_prompts(wallet, category)) for category in plan.categories)
    return tuple(section for section in sections if section)


def balance_type_sequence(
    wallet: WalletSnapshot,
    language: str,
    *,
    use_unreserved_balances: bool = True,
    play_expiry: bool = True,
) -> AnnouncementSequence:
    """Each balance on its own: the default cash type first, then by balance type id, so the
    order does not depend on how the ledger happened to list them. Reserved amounts count
    against what is available (ARCHITECTURE 4), hence unreserved by default."""
    ordered = sorted(
        wallet.balances,
        key=lambda b: (not b.balance_type.is_default_cash, b.balance_type.id),
    )
    prompts: list[Prompt] = []
    for balance in ordered:
        prompts += _type_prompts(wallet, balance, use_unreserved_balances, play_expiry)
    return AnnouncementSequence(language, tuple(prompts))


def _category_prompts(wallet: WalletSnapshot, category: ResolvedCategory) -> list[Prompt]:
    balances = [b for name in category.balance_types if (b := wallet.balance(name)) is not None]
    figure = sum(_figure(b, category.use_unreserved_balances) for b in balances)
    if figure == 0 and not category.play_zero_balance:
        return []
    prompts = [Prompt.of(category.announcement)] if category.announcement else []
    variable = _variable(figure, category.unit_type, wallet.currency)
    prompts.append(_value_prompt(figure, variable, category.positive, category.negative))
    if category.play_expiry:
        expiry = _expiry_prompt(
            _earliest_expiry(balances, wallet.as_of),
            wallet.as_of,
            category.days_until_expiry,
            category.expiry_within_one_day,
        )
        prompts += [expiry] if expiry else []
    return prompts


def _type_prompts(
    wallet: WalletSnapshot, balance: BalanceSnapshot, unreserved: bool, play_expiry: bool
) -> list[Prompt]:
    bt = balance.balance_type
    figure = _figure(balance, unreserved)
    if figure == 0 and not bt.play_announcement_if_zero:
        return []
    refs = value_refs(bt, wallet.currency)
    if (refs.positive if figure > 0 else refs.negative) is None:
        return []  # not configured to be announced (or not for this sign)
    variable = _variable(figure, bt.unit.kind, wallet.currency)
    prompts = [_value_prompt(figure, variable, refs.positive, refs.negative)]
    if play_expiry:
        expiry = _expiry_prompt(
            _earliest_expiry([balance], wallet.as_of),
            wallet.as_of,
            bt.announcements.expiry,
            bt.announcements.single_day_expiry,
        )
        prompts += [expiry] if expiry else []
    return prompts


def _figure(balance: BalanceSnapshot, unreserved: bool) -> int:
    return balance.available if unreserved else balance.total


def _variable(figure: int, kind: UnitKind, currency: str) -> Variable:
    return Amount(figure, currency) if kind.is_cash else Units(figure, kind)


def _value_prompt(
    figure: int,
    variable: Variable,
    positive: AnnouncementRef | None,
    negative: AnnouncementRef | None,
) -> Prompt:
    # Callers guarantee the ref for the figure's sign exists (resolution, or the check above).
    if figure > 0:
        assert positive is not None
        return Prompt.of(positive, variable)
    assert negative is not None
    # "No credit" needs no figure; a negative one is worth hearing.
    return Prompt.of(negative, variable) if figure < 0 else Prompt.of(negative)


def _earliest_expiry(balances: Iterable[BalanceSnapshot], now: EpochSeconds) -> EpochSeconds | None:
    """Earliest expiry of a bucket that holds credit and is still live at ``now``. Expired
    buckets are skipped rather than trusted to be absent: the snapshot may predate a sweep."""
    dated = [
        bucket.expires_at
        for balance in balances
        for bucket in balance.buckets
        if bucket.value > 0 and bucket.expires_at is not None and bucket.expires_at > now
    ]
    return min(dated, default=None)


def _expiry_prompt(
    expires_at: EpochSeconds | None,
    now: EpochSeconds,
    days_ref: AnnouncementRef | None,
    one_day_ref: AnnouncementRef | None,
) -> Prompt | None:
    if expires_at is None:
        return None
    days = days_until(expires_at, now)  # >= 1: expired buckets were filtered out
    if days == 1:
        return Prompt.of(one_day_ref) if one_day_ref else None
    return Prompt.of(days_ref, Days(days)) if days_ref else None
