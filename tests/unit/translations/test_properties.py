"""Properties over any wallet in any language: every USSD screen and SMS part fits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.balance_types import BalanceType
from core.snapshots import BalanceSnapshot, BucketSnapshot, WalletSnapshot
from tests.unit.translations.fixtures import AS_OF, LANGUAGES, demo_renderer, demo_set, wallet
from translations.gsm import Encoding, cost, prepare
from translations.messages import Back, BalanceSummary
from translations.sms import segment_limit, split_sms
from translations.splitting import _split_general, _split_uniform, split_text
from translations.ussd import SCREEN_LIMIT, paginate

balance_types = st.sampled_from(demo_set().balance_types)
amounts = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-(10**15), max_value=10**15),
)
expiries = st.one_of(st.none(), st.integers(min_value=-(10**7), max_value=10**9))


@st.composite
def balances(draw: st.DrawFn) -> BalanceSnapshot:
    balance_type: BalanceType = draw(balance_types)
    total = draw(amounts)
    reserved = draw(st.integers(min_value=0, max_value=max(0, total)))
    expires_in_s = draw(expiries)
    expires_at = None if expires_in_s is None else AS_OF + expires_in_s
    return BalanceSnapshot(
        balance_type=balance_type,
        total=total,
        reserved=reserved,
        credit_limit=0,
        buckets=(BucketSnapshot(id=1, value=total or 1, expires_at=expires_at),),
    )


wallets = st.builds(
    lambda items, days, language: wallet(tuple(items), expires_in_days=days, language=language),
    st.lists(balances(), max_size=12),
    st.one_of(st.none(), st.integers(min_value=0, max_value=10_000)),
    st.sampled_from(LANGUAGES),
)


@settings(max_examples=300, deadline=None)
@given(snapshot=wallets, language=st.sampled_from(LANGUAGES))
def test_no_ussd_screen_and_no_sms_part_exceeds_its_limit(
    snapshot: WalletSnapshot, language: str
) -> None:
    renderer = demo_renderer()
    message = BalanceSummary(snapshot)
    for page in renderer.ussd_pages(message, language, footer=[Back()]):
        assert page.units <= SCREEN_LIMIT[page.encoding]
        assert page.units == cost(page.text, page.encoding)
    sms = renderer.sms(message, language)
    for part in sms.parts:
        assert cost(part, sms.encoding) <= segment_limit(sms.encoding, len(sms.parts))
    assert sms.text == prepare(renderer.render(message, language)).text


@given(text=st.text(max_size=2_000), budget=st.integers(min_value=2, max_value=200))
def test_splitting_is_lossless_and_respects_the_budget(text: str, budget: int) -> None:
    encoding = prepare(text).encoding
    pieces = split_text(prepare(text).text, encoding, budget)
    assert "".join(pieces) == prepare(text).text
    assert all(cost(piece, encoding) <= budget for piece in pieces)
    assert all(pieces)


@given(text=st.text(max_size=1_500))
def test_any_text_splits_into_parts_that_fit(text: str) -> None:
    sms = split_sms(text)
    assert sms.text == prepare(text).text
    for part in sms.parts:
        assert cost(part, sms.encoding) <= segment_limit(sms.encoding, len(sms.parts))
        if sms.encoding is Encoding.UCS2:
            part.encode("utf-16-be", errors="surrogatepass")  # whole code points only


@given(
    items=st.lists(st.text(max_size=300), max_size=15),
    more=st.sampled_from(["98 More", "98 المزيد", "98 Suite"]),
    footer=st.sampled_from([[], ["0 Back"], ["0 رجوع"], ["0 Back", "00 Home"]]),
)
def test_any_list_pages_within_the_screen_limit(
    items: list[str], more: str, footer: list[str]
) -> None:
    pages = paginate(items, more=more, footer=footer)
    for page in pages:
        assert page.units <= SCREEN_LIMIT[page.encoding]
    for page in pages[:-1]:
        assert page.text.endswith("\n".join(["", more, *footer]))


@given(
    text=st.text(alphabet="ab \n", max_size=600),
    budget=st.integers(min_value=2, max_value=200),
)
def test_the_uniform_fast_path_cuts_where_the_general_loop_would(text: str, budget: int) -> None:
    assert _split_uniform(text, budget) == _split_general(text, Encoding.GSM7, budget)
