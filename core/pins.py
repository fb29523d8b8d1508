"""Voucher PINs: generated with ``secrets``, stored only as a keyed hash.

A keyed hash (HMAC-SHA256 with a server-side pepper) and not a per-voucher salted hash,
because a subscriber recharges with the PIN alone: the ledger must find the voucher from the
PIN. Without the pepper a stolen database does not give the PINs away.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def pin_hash(pepper: str, pin: str) -> str:
    digits = "".join(ch for ch in pin if ch.isdigit())
    return hmac.new(pepper.encode(), digits.encode(), hashlib.sha256).hexdigest()


def new_pin(length: int = 14) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(length))


def looks_like_pin(text: str, min_length: int = 10, max_length: int = 20) -> bool:
    return text.isdigit() and min_length <= len(text) <= max_length
