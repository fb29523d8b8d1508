"""Exceptions of the SMPP layer. They carry their data as attributes and never shadow built-ins."""

from __future__ import annotations


class SmppError(Exception):
    """Base class for everything this package raises on purpose."""


class FramingError(SmppError):
    """The byte stream cannot be cut into PDUs (command_length out of bounds).

    The stream is out of step after this; the only safe move is to drop the connection.
    """

    def __init__(self, command_length: int, reason: str) -> None:
        super().__init__(f"bad command_length {command_length}: {reason}")
        self.command_length = command_length
        self.reason = reason


class MalformedPdu(SmppError):
    """A well-framed PDU whose body cannot be decoded.

    ``status`` is what a generic_nack should carry; ``sequence`` and ``command_id`` come from the
    header so that the nack (or the failed request's future) can be matched.
    """

    def __init__(self, reason: str, *, status: int, command_id: int, sequence: int) -> None:
        super().__init__(f"malformed PDU 0x{command_id:08x} seq={sequence}: {reason}")
        self.reason = reason
        self.status = status
        self.command_id = command_id
        self.sequence = sequence


class UnknownCommand(MalformedPdu):
    """A command id this ESME does not handle (answered with ESME_RINVCMDID)."""


class NotBound(SmppError):
    """The session is not bound, and did not become bound within the wait allowed."""


class BindRejected(SmppError):
    """The SMSC answered bind_transceiver with an error status."""

    def __init__(self, status: int) -> None:
        super().__init__(f"bind rejected with status 0x{status:02x}")
        self.status = status


class LinkLost(SmppError):
    """The connection closed while a request was waiting for its response.

    For a submit_sm this means the outcome is unknown: the SMSC may or may not have taken it.
    """


class ResponseTimeout(SmppError):
    """No response to a request within the response timer."""

    def __init__(self, command: str, sequence: int, timeout_s: float) -> None:
        super().__init__(f"no response to {command} seq={sequence} within {timeout_s}s")
        self.command = command
        self.sequence = sequence
        self.timeout_s = timeout_s


class SubmitRejected(SmppError):
    """The SMSC answered a submit_sm with an error status (after throttling retries, if any)."""

    def __init__(self, status: int, *, part: int = 1, parts: int = 1) -> None:
        super().__init__(f"submit_sm rejected with status 0x{status:02x} (part {part}/{parts})")
        self.status = status
        self.part = part
        self.parts = parts
