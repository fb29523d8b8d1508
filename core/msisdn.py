"""MSISDNs in E.164, parsed with phonenumbers (never by hand)."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


class InvalidMsisdn(ValueError):
    def __init__(self, raw: str) -> None:
        super().__init__(f"not a valid phone number: {raw!r}")
        self.raw = raw


@lru_cache(maxsize=65_536)
def normalize(raw: str, default_region: str = "KE") -> str:
    """'+254 700 000001', '0700000001' (region KE) or '254700000001' -> '+254700000001'.

    Cached: parsing costs tens of microseconds and every USSD step, SMS and inquiry of a
    subscriber brings the same few spellings of the same number. (Invalid input raises and
    is not cached.)"""
    text = raw.strip()
    if text.isdigit() and not text.startswith("0") and len(text) > 9:
        text = "+" + text  # international digits without the plus, as SMSCs often send
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidMsisdn(raw) from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidMsisdn(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
