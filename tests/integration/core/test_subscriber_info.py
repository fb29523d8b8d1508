"""The light subscriber read: who a number is, without building its wallet."""

from __future__ import annotations

import asyncio

from core import commands as c
from core.service import Ledger
from core.snapshots import WalletState
from tests.ledger_support import Keys, new_wallet

OWNER = "+254700000931"
SHARER = "+254700000932"


async def test_a_subscriber_read_names_the_wallet_its_language_and_state(
        ledger: Ledger, keys: Keys) -> None:
    await new_wallet(ledger, OWNER, cash=1_000, language="sw")
    info = await ledger.subscriber("0700000931")  # any spelling of the number
    wallet = await ledger.wallet(OWNER)
    assert info is not None
    assert wallet is not None
    assert (info.msisdn, info.account_id, info.provider_id) == (
        OWNER, wallet.wallet_id, wallet.provider_id)
    assert (info.language, info.wallet_type, info.wallet_state, info.is_owner) == (
        "sw", "Prepaid", WalletState.ACTIVE, True)
    assert info.wallet_expires_at == wallet.expires_at


async def test_a_number_sharing_a_wallet_reads_as_the_owners_account(
        ledger: Ledger, keys: Keys) -> None:
    await new_wallet(ledger, OWNER, cash=1_000)
    assert (await ledger.execute(c.AddSubscriber(key=keys(), owner_msisdn=OWNER,
                                                 msisdn=SHARER, language="fr"))).ok
    owner, sharer = await ledger.subscriber(OWNER), await ledger.subscriber(SHARER)
    assert owner is not None
    assert sharer is not None
    assert sharer.account_id == owner.account_id
    assert (sharer.language, sharer.is_owner) == ("fr", False)


async def test_changes_show_in_the_next_read(ledger: Ledger, keys: Keys) -> None:
    await new_wallet(ledger, OWNER)
    assert (await ledger.execute(c.SetLanguage(key=keys(), msisdn=OWNER, language="ar"))).ok
    assert (await ledger.execute(c.SetWalletState(key=keys(), msisdn=OWNER,
                                                  state=WalletState.SUSPENDED))).ok
    info = await ledger.subscriber(OWNER)
    assert info is not None
    assert (info.language, info.wallet_state) == ("ar", WalletState.SUSPENDED)


async def test_unknown_and_invalid_numbers_read_as_none(ledger: Ledger) -> None:
    assert await ledger.subscriber("+254700000999") is None
    assert await ledger.subscriber("not a number") is None
    assert await ledger.subscriber("") is None


async def test_light_and_whole_reads_gather_together_and_answer_each_caller(
        ledger: Ledger) -> None:
    numbers = {f"+25470000094{n}": lang for n, lang in enumerate(("en", "fr", "sw"))}
    for msisdn, language in numbers.items():
        await new_wallet(ledger, msisdn, cash=100, language=language)
    asked = [*numbers] * 8
    before = ledger.read_batches
    infos, wallets = await asyncio.gather(
        asyncio.gather(*(ledger.subscriber(m) for m in [*asked, "+254700000998"])),
        asyncio.gather(*(ledger.wallet(m) for m in asked)))
    assert [i.language if i else None for i in infos] == [numbers[m] for m in asked] + [None]
    assert [w.msisdn if w else None for w in wallets] == asked
    reads = ledger.read_batches - before
    assert 1 <= reads < len(asked)  # shared reads, not one per caller
