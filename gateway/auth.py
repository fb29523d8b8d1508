"""Callback authentication for the USSD and IVR webhooks (PROTOCOLS.md, "Security").

With ``[security] auth_enabled``: when ``hmac_secret`` is set, the header
``X-Selfcare-Signature`` must be the hex HMAC-SHA256 of the raw request body under that secret
(compared in constant time); when ``allow_list`` is set, the TCP peer's address must be in one
of its networks. Both set: both must pass. A refused request gets 403 before anything is
parsed, so a spoofed ``phoneNumber`` moves nothing.

The allow list applies to the TCP peer: behind a reverse proxy that is the proxy, and
X-Forwarded-For is not trusted (a client can write it).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging

from aiohttp import web

from gateway.settings import SecuritySettings

SIGNATURE_HEADER = "X-Selfcare-Signature"
log = logging.getLogger(__name__)


def sign(secret: str, body: bytes) -> str:
    """The signature a caller sends for ``body``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class CallbackAuth:
    def __init__(self, settings: SecuritySettings) -> None:
        self.enabled = settings.auth_enabled
        self._secret = settings.hmac_secret.reveal().encode()
        self._networks = settings.allowed_networks

    def refusal(self, request: web.Request, body: bytes) -> str | None:
        """Why ``request`` is refused (for the log; never a secret), or None if it passes."""
        if not self.enabled:
            return None
        if self._networks:
            try:
                peer = ipaddress.ip_address(request.remote or "")
            except ValueError:
                return "source address unknown"
            if not any(peer in network for network in self._networks):
                return f"source address {peer} not allowed"
        if self._secret:
            given = request.headers.get(SIGNATURE_HEADER)
            if not given:
                return "no signature"
            expected = hmac.new(self._secret, body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, given.strip().lower()):
                return "bad signature"
        return None

    def forbidden(self, request: web.Request, reason: str) -> web.Response:
        log.warning("refused %s %s: %s", request.method, request.path, reason,
                    extra={"path": request.path, "reason": reason, "peer": request.remote})
        return web.json_response({"error": "forbidden"}, status=403)
