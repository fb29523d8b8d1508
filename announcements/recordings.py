"""Where the IVR platform fetches recordings: ``{base_url}/{language}/{set}/{entry}.wav``.

Announcement sets are recorded per language, so the language is the first path segment. Each
segment is percent-encoded: set and entry names are operator data ("Promo & Bonus") and must not
change the URL's structure.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from announcements.prompts import Prompt


@dataclass(frozen=True, slots=True)
class RecordingLocation:
    """Built once from settings; refuses a base URL that a path could not be appended to."""

    base_url: str
    extension: str = "wav"

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"announcement base URL must be absolute http(s): {self.base_url!r}")
        if parts.query or parts.fragment:
            raise ValueError(f"announcement base URL must not have a query: {self.base_url!r}")
        if not self.extension.isalnum():
            raise ValueError(f"not a file extension: {self.extension!r}")

    def url(self, language: str, prompt: Prompt) -> str:
        segments = "/".join(quote(s, safe="") for s in (language, prompt.set, prompt.entry))
        return f"{self.base_url.rstrip('/')}/{segments}.{self.extension}"
