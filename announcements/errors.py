"""The one exception for bad plan input: every broken rule, each naming its field."""

from __future__ import annotations

Field = str
FieldError = tuple[Field, str]


class ValidationError(Exception):
    """Raised with *all* the broken rules at once, so a console or API can show each next to its
    field (``categories[1].name``, ``playback_order``, ``plans[0].categories[2].unit_type``)."""

    def __init__(self, errors: list[FieldError]) -> None:
        if not errors:
            raise ValueError("a ValidationError needs at least one error")
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))
