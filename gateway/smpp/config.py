"""Settings of one SMPP bind. The application builds this from its TOML settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.smpp.constants import DATA_CODING_DEFAULT, DATA_CODING_UCS2
from gateway.smpp.framing import DEFAULT_MAX_COMMAND_LENGTH
from gateway.smpp.pacing import Backoff

# C-Octet String maxima of bind_transceiver, NUL excluded (SMPP 3.4 section 4.1).
_MAX_SYSTEM_ID = 15
_MAX_PASSWORD = 8
_MAX_SYSTEM_TYPE = 12


@dataclass(frozen=True, slots=True)
class SmppConfig:
    """One bind_transceiver toward an SMSC / USSD centre, with its timers and limits.

    ``password`` is left out of the repr: configs end up in logs and tracebacks.
    """

    host: str
    port: int
    system_id: str
    password: str = field(repr=False)
    system_type: str = ""
    addr_ton: int = 0
    addr_npi: int = 0
    address_range: str = ""

    # Defaults for the addresses of submit_sm (operators differ: configuration, not code).
    source_addr_ton: int = 0
    source_addr_npi: int = 0
    dest_addr_ton: int = 1
    dest_addr_npi: int = 1

    # Text coding dialect: the data_coding values to announce, and whether GSM 7-bit arrives
    # packed (most centres send one septet per octet).
    gsm7_data_coding: int = DATA_CODING_DEFAULT
    ucs2_data_coding: int = DATA_CODING_UCS2
    gsm7_packed: bool = False

    connect_timeout_s: float = 10.0
    response_timeout_s: float = 10.0
    enquire_link_interval_s: float = 30.0
    unbind_timeout_s: float = 2.0
    bind_wait_s: float = 30.0  # how long submit() waits for a bind before NotBound
    handler_grace_s: float = 5.0  # how long close() lets running inbound handlers finish

    window_size: int = 10  # submit_sm awaiting their response at once
    submits_per_s: float = 20.0
    submit_burst: int = 5
    throttle_backoff: Backoff = field(default_factory=lambda: Backoff(1.0, 30.0))
    throttle_max_retries: int = 8
    reconnect_backoff: Backoff = field(default_factory=lambda: Backoff(1.0, 60.0))
    max_command_length: int = DEFAULT_MAX_COMMAND_LENGTH

    def __post_init__(self) -> None:
        for name, value, limit in (
            ("system_id", self.system_id, _MAX_SYSTEM_ID),
            ("password", self.password, _MAX_PASSWORD),
            ("system_type", self.system_type, _MAX_SYSTEM_TYPE),
        ):
            if len(value) > limit:
                raise ValueError(f"smpp {name} is longer than {limit} characters")
        if not 0 < self.port < 65536:
            raise ValueError("smpp port must be in 1..65535")
        if self.window_size < 1:
            raise ValueError("smpp window_size must be at least 1")
        for name in (
            "connect_timeout_s",
            "response_timeout_s",
            "enquire_link_interval_s",
            "unbind_timeout_s",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"smpp {name} must be positive")
