"""One frozen settings object, loaded once from TOML plus ``SELFCARE_<SECTION>__<KEY>`` overrides.

``load_settings()`` is the only reader of ``os.environ`` in the project: the CLI calls it once and
passes the result on (``create_app(settings)``). Nothing here caches or runs at import time.

Every problem is a ``SettingsError`` naming the key as ``section.key`` and where its value came
from (the file path, the environment variable, or the default). There is no fallback: an unknown
section or key, a value of the wrong type or an invalid value stops the load.

Relative paths (``ledger.path``, ``provider.config_dir``) are resolved against the current
working directory when ``load_settings`` runs, so the loaded object holds absolute paths only.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_type_hints
from urllib.parse import urlsplit

import babel.localedata
import babel.numbers
import phonenumbers

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

DEFAULT_SETTINGS_PATH = Path(__file__).resolve().parent.parent / "config" / "gateway.toml"
ENV_PREFIX = "SELFCARE_"
DEFAULT_SOURCE = "the default"


class SettingsError(ValueError):
    """A setting is unknown, of the wrong type or invalid. Its data are attributes: ``key``
    (``section.key``; None for a file-level problem), ``problem``, ``source`` (file path,
    variable name or "the default") and, for a rule across two keys, ``because`` (the other key).
    """

    def __init__(
        self,
        problem: str,
        *,
        key: str | None = None,
        source: str | None = None,
        because: str | None = None,
    ) -> None:
        self.problem = problem
        self.key = key
        self.source = source
        self.because = because
        where = f" (from {source})" if source else ""
        super().__init__(f"{key}: {problem}{where}" if key else f"{source}: {problem}")

    def with_source(self, source: str) -> SettingsError:
        return SettingsError(self.problem, key=self.key, source=source, because=self.because)


class Secret:
    """A string that shows as ``***`` in repr, str and f-strings; ``reveal()`` where it is used.

    Not a dataclass on purpose: ``dataclasses.asdict(settings)`` must not unwrap it."""

    __slots__ = ("_value",)
    _value: str

    def __init__(self, value: str) -> None:
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return "***"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Secret is immutable")

    def __reduce__(self) -> tuple[type[Secret], tuple[str]]:
        return (Secret, (self._value,))


class SyncMode(StrEnum):
    """SQLite ``PRAGMA synchronous``; FULL survives power loss, NORMAL (WAL) may lose the last
    commits on power loss but never corrupts."""

    FULL = "full"
    NORMAL = "normal"


class WriterMode(StrEnum):
    """Where the ledger's group-commit writer runs: a thread of the service, or a process of
    its own (a core of its own, no GIL shared with the event loop)."""

    THREAD = "thread"
    PROCESS = "process"


class SessionBackend(StrEnum):
    MEMORY = "memory"
    REDIS = "redis"


class SmppBind(StrEnum):
    TRANSCEIVER = "transceiver"
    RECEIVER = "receiver"
    TRANSMITTER = "transmitter"


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"
    CRITICAL = "CRITICAL"


# --- value rules: each check returns a problem or None -----------------------------------------

_Check = Callable[[Any], str | None]


@dataclass(frozen=True, slots=True)
class _Rule:
    lo: int | None = None
    hi: int | None = None
    max_len: int | None = None  # in characters; with ascii_only that is octets
    non_empty: bool = False
    ascii_only: bool = False
    check: _Check | None = None


def _rule(
    *,
    lo: int | None = None,
    hi: int | None = None,
    max_len: int | None = None,
    non_empty: bool = False,
    check: _Check | None = None,
) -> dict[str, _Rule]:
    """Field metadata: ``x: int = field(default=1, metadata=_rule(lo=0))``."""
    return {"rule": _Rule(lo, hi, max_len, non_empty, False, check)}


def _smpp_string(max_len: int, *, non_empty: bool = False) -> dict[str, _Rule]:
    # SMPP 3.4 section 5.2: ASCII C-Octet Strings; the limits there count the NUL, ours do not.
    return {"rule": _Rule(max_len=max_len, non_empty=non_empty, ascii_only=True)}


def _http_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"must be an http(s) URL, got {value!r}"
    return None


def _redis_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("redis", "rediss", "unix"):
        return f"must be a redis://, rediss:// or unix:// URL, got {value!r}"
    return None


def _url_path(value: str) -> str | None:
    if not value.startswith("/") or value.endswith("/"):
        return f"must start with '/' and not end with '/', got {value!r}"
    return None


def _cidrs(value: tuple[str, ...]) -> str | None:
    for index, text in enumerate(value):
        try:
            # strict: '10.0.0.1/8' (host bits set) is a typo more often than an intent
            ipaddress.ip_network(text, strict=True)
        except ValueError as exc:
            return f"item {index} is not a network in CIDR notation: {exc}"
    return None


def _region(value: str) -> str | None:
    if value not in phonenumbers.SUPPORTED_REGIONS:
        return f"must be a region code known to phonenumbers (e.g. 'KE', 'GB'), got {value!r}"
    return None


def _currency(value: str) -> str | None:
    if not re.fullmatch(r"[A-Z]{3}", value) or not babel.numbers.is_currency(value):
        return f"must be an ISO 4217 currency code (e.g. 'KES'), got {value!r}"
    return None


_LOCALE_ID = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]+)*")


def _language(value: str) -> str | None:
    if not _LOCALE_ID.fullmatch(value) or not babel.localedata.exists(value):
        return f"must be a locale identifier known to Babel (e.g. 'en', 'pt_BR'), got {value!r}"
    return None


def _languages(value: tuple[str, ...]) -> str | None:
    if not value:
        return "must list at least one language"
    if len(set(value)) != len(value):
        return f"lists a language twice: {list(value)!r}"
    for index, language in enumerate(value):
        problem = _language(language)
        if problem:
            return f"item {index} {problem}"
    return None


def _check_fields(section: DataclassInstance, name: str) -> None:
    """Apply each field's ``_Rule``; called from every section's ``__post_init__`` so that a
    section built by hand (in a test, say) is as valid as a loaded one."""
    for f in fields(section):
        rule = f.metadata.get("rule")
        if rule is None:
            continue
        value = getattr(section, f.name)
        key = f"{name}.{f.name}"
        shown = "" if isinstance(value, Secret) else f", got {value!r}"
        if isinstance(value, int) and not isinstance(value, bool):
            too_low = rule.lo is not None and value < rule.lo
            too_high = rule.hi is not None and value > rule.hi
            if too_low or too_high:
                bound = f"between {rule.lo} and {rule.hi}" if rule.hi else f"at least {rule.lo}"
                raise SettingsError(f"must be {bound}{shown}", key=key)
        text = value.reveal() if isinstance(value, Secret) else value
        if isinstance(text, str | Path):
            text = str(text)
            if rule.non_empty and not text:
                raise SettingsError("must not be empty", key=key)
            if rule.ascii_only and not text.isascii():
                raise SettingsError(f"must be ASCII{shown}", key=key)
            if rule.max_len is not None and len(text) > rule.max_len:
                raise SettingsError(
                    f"must be at most {rule.max_len} characters, got {len(text)}", key=key
                )
        if rule.check is not None:
            problem = rule.check(value)
            if problem:
                raise SettingsError(problem, key=key)


# --- the sections: one frozen dataclass each; the TOML table name is the Settings field name ----


@dataclass(frozen=True, slots=True)
class LedgerSettings:
    path: Path = field(default=Path("var/ledger.db"))
    synchronous: SyncMode = SyncMode.FULL
    busy_timeout_ms: int = field(default=5000, metadata=_rule(lo=0))
    group_commit_max: int = field(default=256, metadata=_rule(lo=1, hi=10_000))
    writer: WriterMode = WriterMode.THREAD
    writer_spin_ms: int = field(default=0, metadata=_rule(lo=0, hi=50))
    wallet_cache: int = field(default=0, metadata=_rule(lo=0, hi=10_000_000))
    wal_restart_mib: int = field(default=256, metadata=_rule(lo=1, hi=65_536))
    pin_pepper: Secret = field(
        default=Secret("demo-pepper-change-me"), metadata=_rule(non_empty=True)
    )
    demo_seed: bool = True

    def __post_init__(self) -> None:
        _check_fields(self, "ledger")
        if self.writer_spin_ms and self.writer is not WriterMode.PROCESS:
            # Spinning on a thread would hold the GIL the event loop needs.
            raise SettingsError(
                'applies only when ledger.writer is "process"',
                key="ledger.writer_spin_ms",
                because="ledger.writer",
            )


@dataclass(frozen=True, slots=True)
class HttpSettings:
    host: str = field(default="127.0.0.1", metadata=_rule(non_empty=True))
    port: int = field(default=8080, metadata=_rule(lo=1, hi=65_535))
    shutdown_timeout_s: int = field(default=10, metadata=_rule(lo=0))

    def __post_init__(self) -> None:
        _check_fields(self, "http")


@dataclass(frozen=True, slots=True)
class SessionSettings:
    backend: SessionBackend = SessionBackend.MEMORY
    redis_url: str = field(default="redis://127.0.0.1:6379/0", metadata=_rule(check=_redis_url))
    ttl_s: int = field(default=180, metadata=_rule(lo=1))
    key_prefix: str = field(default="selfcare:session:", metadata=_rule(non_empty=True))

    def __post_init__(self) -> None:
        _check_fields(self, "sessions")


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    auth_enabled: bool = False
    hmac_secret: Secret = field(default=Secret(""))
    allow_list: tuple[str, ...] = field(default=(), metadata=_rule(check=_cidrs))

    def __post_init__(self) -> None:
        _check_fields(self, "security")
        if self.auth_enabled and not self.hmac_secret and not self.allow_list:
            raise SettingsError(
                "must be set (or security.allow_list must) when security.auth_enabled is true",
                key="security.hmac_secret",
                because="security.auth_enabled",
            )

    @property
    def allowed_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(text) for text in self.allow_list)


@dataclass(frozen=True, slots=True)
class IvrSettings:
    announcement_base_url: str = field(
        default="http://127.0.0.1:8080/announcements", metadata=_rule(check=_http_url)
    )
    default_plan: str = field(default="Standard", metadata=_rule(non_empty=True))

    def __post_init__(self) -> None:
        _check_fields(self, "ivr")


@dataclass(frozen=True, slots=True)
class SmppSettings:
    enabled: bool = False
    host: str = field(default="127.0.0.1", metadata=_rule(non_empty=True))
    port: int = field(default=2775, metadata=_rule(lo=1, hi=65_535))
    system_id: str = field(default="selfcare", metadata=_smpp_string(15, non_empty=True))
    password: Secret = field(default=Secret(""), metadata=_smpp_string(8))
    system_type: str = field(default="", metadata=_smpp_string(12))
    bind: SmppBind = SmppBind.TRANSCEIVER
    service_type: str = field(default="USSD", metadata=_smpp_string(5))
    # The SMPP adapter checks that the dialect names one of its per-operator tables.
    dialect: str = field(default="standard", metadata=_rule(non_empty=True))
    window: int = field(default=100, metadata=_rule(lo=1))
    enquire_link_s: int = field(default=30, metadata=_rule(lo=1))
    response_timeout_s: int = field(default=10, metadata=_rule(lo=1))
    throughput_per_s: int = field(default=200, metadata=_rule(lo=1))
    reconnect_min_s: int = field(default=1, metadata=_rule(lo=1))
    reconnect_max_s: int = field(default=60, metadata=_rule(lo=1))
    source_addr: str = field(default="100", metadata=_smpp_string(20, non_empty=True))
    sms_short_code: str = field(default="100", metadata=_smpp_string(20, non_empty=True))

    def __post_init__(self) -> None:
        _check_fields(self, "smpp")
        if self.reconnect_max_s < self.reconnect_min_s:
            raise SettingsError(
                f"must be at least smpp.reconnect_min_s ({self.reconnect_min_s}),"
                f" got {self.reconnect_max_s}",
                key="smpp.reconnect_max_s",
                because="smpp.reconnect_min_s",
            )


@dataclass(frozen=True, slots=True)
class NotificationSettings:
    """The outbox sender: ledger events as SMS from ``smpp.sms_short_code``. It runs only when
    ``smpp.enabled`` is true too (it has no other way to send); rows wait in the outbox
    until then."""

    enabled: bool = True
    # Integers, like every setting: hence milliseconds (the default polls twice a second).
    poll_interval_ms: int = field(default=500, metadata=_rule(lo=10, hi=60_000))
    batch: int = field(default=50, metadata=_rule(lo=1, hi=1_000))
    max_age_s: int = field(default=86_400, metadata=_rule(lo=60))
    max_attempts: int = field(default=10, metadata=_rule(lo=1, hi=100))

    def __post_init__(self) -> None:
        _check_fields(self, "notifications")


@dataclass(frozen=True, slots=True)
class TmfSettings:
    enabled: bool = True
    base_path: str = field(
        default="/tmf-api/prepayBalanceManagement/v4", metadata=_rule(check=_url_path)
    )

    def __post_init__(self) -> None:
        _check_fields(self, "tmf")


@dataclass(frozen=True, slots=True)
class SimulatorSettings:
    """The phone simulator page (``/simulator``): for demos and browser tests, never for a
    deployment (it lists wallets to anyone who can reach it)."""

    enabled: bool = True

    def __post_init__(self) -> None:
        _check_fields(self, "simulator")


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    level: LogLevel = LogLevel.INFO
    json: bool = False

    def __post_init__(self) -> None:
        _check_fields(self, "logging")


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    name: str = field(default="Demo Telecom", metadata=_rule(non_empty=True))
    default_region: str = field(default="KE", metadata=_rule(check=_region))
    currency: str = field(default="KES", metadata=_rule(check=_currency))
    fallback_language: str = field(default="en", metadata=_rule(check=_language))
    languages: tuple[str, ...] = field(
        default=("en", "fr", "sw", "ar"), metadata=_rule(check=_languages)
    )
    config_dir: Path = field(default=Path("config"))

    def __post_init__(self) -> None:
        _check_fields(self, "provider")
        if self.fallback_language not in self.languages:
            raise SettingsError(
                f"must be one of provider.languages {list(self.languages)!r},"
                f" got {self.fallback_language!r}",
                key="provider.fallback_language",
                because="provider.languages",
            )


@dataclass(frozen=True, slots=True)
class Settings:
    ledger: LedgerSettings = field(default_factory=LedgerSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    sessions: SessionSettings = field(default_factory=SessionSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    ivr: IvrSettings = field(default_factory=IvrSettings)
    smpp: SmppSettings = field(default_factory=SmppSettings)
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    tmf: TmfSettings = field(default_factory=TmfSettings)
    simulator: SimulatorSettings = field(default_factory=SimulatorSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    provider: ProviderSettings = field(default_factory=ProviderSettings)


# --- loading -------------------------------------------------------------------------------------

_ENV_TRUE = frozenset({"true", "1", "yes"})
_ENV_FALSE = frozenset({"false", "0", "no"})
_TOML_TYPE_NAMES = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array"}


def _toml_type(value: object) -> str:
    return _TOML_TYPE_NAMES.get(type(value), "table" if isinstance(value, dict) else "date/time")


def _expected(hint: Any) -> str:
    if hint is bool:
        return "a boolean"
    if hint is int:
        return "an integer"
    if hint in (str, Secret, Path):
        return "a string"
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return f"one of {[member.value for member in hint]}"
    return "an array of strings"


def _from_toml(hint: Any, value: object) -> object:
    """Check a TOML value against the field's type; raise ValueError with the problem."""
    if _is_tuple(hint):
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    elif hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)  # bool is an int in Python
    else:
        ok = isinstance(value, str)
    if not ok:
        raise ValueError(f"expected {_expected(hint)}, got {_toml_type(value)}")
    return _build(hint, value)


def _from_env(hint: Any, text: str) -> object:
    """Parse an environment string to the field's type; raise ValueError with the problem."""
    if hint is bool:
        word = text.strip().lower()
        if word not in _ENV_TRUE | _ENV_FALSE:
            raise ValueError("expected a boolean: true/false, 1/0 or yes/no")
        return word in _ENV_TRUE
    if hint is int:
        if not re.fullmatch(r"[+-]?[0-9]+", text.strip()):
            raise ValueError("expected an integer")
        return int(text)
    if _is_tuple(hint):
        items = [item.strip() for item in text.split(",")] if text.strip() else []
        if "" in items:
            raise ValueError("empty item in comma-separated list")
        return tuple(items)
    return _build(hint, text)


def _build(hint: Any, value: Any) -> object:
    """Wrap an already type-checked str (or list of str) in the field's type."""
    if hint is Secret:
        return Secret(value)
    if hint is Path:
        if not value:  # Path("") would quietly mean "."
            raise ValueError("must not be empty")
        return Path(value)
    if _is_tuple(hint):
        return tuple(value)
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        if value not in hint._value2member_map_:
            raise ValueError(f"expected {_expected(hint)}, got {value!r}")
        return hint(value)
    return value


def _is_tuple(hint: Any) -> bool:
    return getattr(hint, "__origin__", None) is tuple


def _section_types() -> dict[str, type[Any]]:
    hints = get_type_hints(Settings)
    return {f.name: hints[f.name] for f in fields(Settings)}


def _env_name(section: str, key: str) -> str:
    return f"{ENV_PREFIX}{section.upper()}__{key.upper()}"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise SettingsError("settings file not found", source=str(path)) from None
    except OSError as exc:
        raise SettingsError(f"cannot read settings file: {exc}", source=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"invalid TOML: {exc}", source=str(path)) from None


def _env_overrides(
    environ: Mapping[str, str], sections: Mapping[str, type[Any]]
) -> dict[tuple[str, str], tuple[str, str]]:
    """Map (section, key) -> (variable name, raw text) for every ``SELFCARE_`` variable."""
    known = {
        _env_name(section, f.name): (section, f.name)
        for section, cls in sections.items()
        for f in fields(cls)
    }
    overrides: dict[tuple[str, str], tuple[str, str]] = {}
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX):
            continue
        if name not in known:
            section, _, key = name.removeprefix(ENV_PREFIX).lower().partition("__")
            if not key:
                problem = "not a setting: expected SELFCARE_<SECTION>__<KEY>"
            elif section not in sections:
                problem = f"unknown section [{section}]; known: {', '.join(sections)}"
            elif key not in _field_names(sections[section]):
                problem = f"unknown key; known in [{section}]: {_known(sections[section])}"
            else:
                problem = f"write it in upper case: {_env_name(section, key)}"
            raise SettingsError(problem, key=f"{section}.{key}" if key else None, source=name)
        overrides[known[name]] = (name, environ[name])
    return overrides


def _field_names(cls: type[Any]) -> list[str]:
    return [f.name for f in fields(cls)]


def _known(cls: type[Any]) -> str:
    return ", ".join(_field_names(cls))


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Load ``path`` (default: the repository's ``config/gateway.toml``) and apply
    ``SELFCARE_<SECTION>__<KEY>`` variables from ``environ`` (default: ``os.environ``).

    Environment values win over the file; omitted keys take the dataclass defaults. Raises
    ``SettingsError`` on the first problem found, naming ``section.key`` and its source.
    """
    env = os.environ if environ is None else environ
    file = DEFAULT_SETTINGS_PATH if path is None else path
    data = _read_toml(file)
    sections = _section_types()
    # Structure first (unknown names anywhere), then values, so a typo is reported as a typo.
    for section, table in data.items():
        if section not in sections:
            known = ", ".join(sections)
            raise SettingsError(f"unknown section; known: {known}", key=section, source=str(file))
        if not isinstance(table, dict):
            raise SettingsError("must be a table", key=section, source=str(file))
        for key in table:
            if key not in _field_names(sections[section]):
                problem = f"unknown key; known in [{section}]: {_known(sections[section])}"
                raise SettingsError(problem, key=f"{section}.{key}", source=str(file))
    overrides = _env_overrides(env, sections)
    cwd = Path.cwd()
    return Settings(
        **{
            name: _load_section(name, cls, data.get(name, {}), file, overrides, cwd)
            for name, cls in sections.items()
        }
    )


def _load_section(
    name: str,
    cls: type[Any],
    table: Mapping[str, object],
    file: Path,
    overrides: Mapping[tuple[str, str], tuple[str, str]],
    cwd: Path,
) -> Any:
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}  # section.key -> file path or variable name; else the default
    for f in fields(cls):
        key, hint = f"{name}.{f.name}", hints[f.name]
        try:
            if (name, f.name) in overrides:
                sources[key], text = overrides[(name, f.name)]
                values[f.name] = _from_env(hint, text)
            elif f.name in table:
                sources[key] = str(file)
                values[f.name] = _from_toml(hint, table[f.name])
        except ValueError as exc:  # these problems never quote a Secret's value
            raise SettingsError(str(exc), key=key, source=sources[key]) from None
        if hint is Path:  # defaults too: the loaded object holds absolute paths only
            path = values.get(f.name, f.default)
            values[f.name] = path if path.is_absolute() else cwd / path
    try:
        return cls(**values)
    except SettingsError as exc:
        source = sources.get(exc.key or "", DEFAULT_SOURCE)
        if exc.because:  # a rule across two keys: say where the other one came from too
            source += f"; {exc.because} from {sources.get(exc.because, DEFAULT_SOURCE)}"
        raise exc.with_source(source) from None
