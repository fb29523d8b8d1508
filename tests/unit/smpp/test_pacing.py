"""Back-off, the token bucket and the request window."""

from __future__ import annotations

import asyncio
import random

import pytest

from gateway.smpp.codec import Pdu
from gateway.smpp.errors import LinkLost, ResponseTimeout
from gateway.smpp.pacing import Backoff, TokenBucket
from gateway.smpp.window import MAX_SEQUENCE, RequestWindow


def test_backoff_grows_to_its_cap_and_jitters_below_it() -> None:
    backoff = Backoff(initial_s=1.0, max_s=10.0, factor=2.0, jitter=0.2)
    rng = random.Random(1)
    delays = [backoff.delay(attempt, rng) for attempt in range(8)]
    assert 0.8 <= delays[0] <= 1.0
    assert 3.2 <= delays[2] <= 4.0
    assert all(8.0 <= delay <= 10.0 for delay in delays[4:])
    assert backoff.delay(10_000, rng) <= 10.0


def test_backoff_without_jitter_is_exact() -> None:
    assert Backoff(0.5, 4.0, jitter=0).delay(1, random.Random()) == 1.0


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_token_bucket_lets_a_burst_through_then_paces() -> None:
    time = FakeTime()
    bucket = TokenBucket(10.0, burst=3, clock=time.clock, sleep=time.sleep)
    for _ in range(5):
        await bucket.take()
    assert time.slept == pytest.approx([0.1, 0.1])


async def test_token_bucket_without_a_rate_never_waits() -> None:
    time = FakeTime()
    bucket = TokenBucket(0, clock=time.clock, sleep=time.sleep)
    for _ in range(100):
        await bucket.take()
    assert time.slept == []


async def test_window_matches_responses_by_sequence() -> None:
    window = RequestWindow()
    first, second = window.next_sequence(), window.next_sequence()
    first_future = window.open(first, "submit_sm", 5)
    second_future = window.open(second, "submit_sm", 5)

    assert window.resolve(Pdu("submit_sm_resp", 0, second))
    assert not window.resolve(Pdu("submit_sm_resp", 0, 999))

    assert (await second_future).sequence == second
    assert not first_future.done()
    window.fail_all(LinkLost("gone"))
    with pytest.raises(LinkLost):
        await first_future
    assert len(window) == 0


async def test_window_times_a_request_out() -> None:
    window = RequestWindow()
    future = window.open(window.next_sequence(), "enquire_link", 0.01)
    with pytest.raises(ResponseTimeout) as info:
        await asyncio.wait_for(future, 5)
    assert info.value.command == "enquire_link"


async def test_sequence_wraps_and_skips_outstanding_numbers() -> None:
    window = RequestWindow(first_sequence=MAX_SEQUENCE)
    window.open(1, "submit_sm", 5)
    assert window.next_sequence() == MAX_SEQUENCE
    assert window.next_sequence() == 2
    window.discard(1)
