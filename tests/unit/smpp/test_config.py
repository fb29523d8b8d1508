"""SmppConfig: SMPP's field limits are checked up front, and the password stays out of reprs."""

from __future__ import annotations

import pytest

from gateway.smpp import SmppConfig


def test_the_password_is_not_in_the_repr() -> None:
    config = SmppConfig("127.0.0.1", 2775, "selfcare", "s3cr3t!")
    assert "s3cr3t!" not in repr(config)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "123456789"}, "password"),
        ({"system_id": "x" * 16}, "system_id"),
        ({"system_type": "x" * 13}, "system_type"),
        ({"port": 0}, "port"),
        ({"window_size": 0}, "window_size"),
        ({"response_timeout_s": 0}, "response_timeout_s"),
    ],
)
def test_values_smpp_cannot_carry_are_refused_with_the_field_name(
    overrides: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": 2775,
        "system_id": "selfcare",
        "password": "pw",
    }
    values.update(overrides)
    with pytest.raises(ValueError, match=field):
        SmppConfig(**values)  # type: ignore[arg-type]
