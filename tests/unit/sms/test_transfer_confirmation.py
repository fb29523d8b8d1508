"""TRANSFER is answered with a confirmation request; YES within five minutes completes it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from menus.sms_transfer_confirmation import CONFIRMATION_TTL_S, PendingTransfer, confirm

T0 = 1_700_000_000
PENDING = PendingTransfer("+254700000002", 5_000, T0)


@pytest.mark.parametrize("after_s", [0, 1, 299, 300])
def test_yes_within_five_minutes_completes_the_transfer(after_s: int) -> None:
    assert CONFIRMATION_TTL_S == 300
    assert confirm(PENDING, T0 + after_s) == PENDING


@pytest.mark.parametrize("after_s", [301, 3_600, 86_400])
def test_yes_after_five_minutes_completes_nothing(after_s: int) -> None:
    assert confirm(PENDING, T0 + after_s) is None


def test_yes_with_nothing_pending_completes_nothing() -> None:
    assert confirm(None, T0) is None


def test_the_ttl_is_a_parameter() -> None:
    assert confirm(PENDING, T0 + 60, ttl_s=60) == PENDING
    assert confirm(PENDING, T0 + 61, ttl_s=60) is None
    assert PENDING.expires_at(60) == T0 + 60


def test_a_pending_transfer_survives_a_json_round_trip() -> None:
    stored = json.dumps(PENDING.to_json())
    assert PendingTransfer.from_json(json.loads(stored)) == PENDING


@pytest.mark.parametrize("raw", [
    {}, {"recipient": "+254700000002", "amount_minor": 5_000},
    {"recipient": "+254700000002", "amount_minor": 5_000, "created_at": T0, "pin": "1"},
    {"recipient": "", "amount_minor": 5_000, "created_at": T0},
    {"recipient": 254700000002, "amount_minor": 5_000, "created_at": T0},
    {"recipient": "+254700000002", "amount_minor": "5000", "created_at": T0},
    {"recipient": "+254700000002", "amount_minor": 50.0, "created_at": T0},
    {"recipient": "+254700000002", "amount_minor": True, "created_at": T0},
    {"recipient": "+254700000002", "amount_minor": -1, "created_at": T0},
    {"recipient": "+254700000002", "amount_minor": 5_000, "created_at": None},
])
def test_a_damaged_pending_transfer_is_refused(raw: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="pending transfer"):
        PendingTransfer.from_json(raw)


def test_one_idempotency_key_per_confirmation_request() -> None:
    me = "+254700000001"
    assert PENDING.idempotency_key(me) == PendingTransfer(
        "+254700000002", 5_000, T0).idempotency_key(me)
    assert PENDING.idempotency_key(me) != PendingTransfer(
        "+254700000002", 5_000, T0 + 1).idempotency_key(me)
    assert PENDING.idempotency_key(me) != PENDING.idempotency_key("+254700000003")
