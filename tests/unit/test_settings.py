"""Settings: the shipped files load, the environment overrides each type, and every problem is a
SettingsError that names the key and where its value came from."""

from __future__ import annotations

import dataclasses
import ipaddress
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.ledger_factory import build_ledger
from gateway.settings import (
    DEFAULT_SETTINGS_PATH,
    HttpSettings,
    LogLevel,
    Secret,
    SecuritySettings,
    SessionBackend,
    Settings,
    SettingsError,
    SmppBind,
    SmppSettings,
    SyncMode,
    WriterMode,
    load_settings,
)

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "config" / "gateway.toml"
PRODUCTION = REPO / "config" / "production.example.toml"
NO_ENV: dict[str, str] = {}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gateway.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped files ----------------------------------------------------------------------------


def test_default_path_is_the_repository_config_file() -> None:
    assert DEFAULT_SETTINGS_PATH == SHIPPED


def test_shipped_file_holds_exactly_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    loaded = load_settings(environ=NO_ENV)

    defaults = Settings()
    expected = dataclasses.replace(
        defaults,
        ledger=dataclasses.replace(defaults.ledger, path=REPO / "var" / "ledger.db"),
        provider=dataclasses.replace(defaults.provider, config_dir=REPO / "config"),
    )
    assert loaded == expected
    assert loaded.security.auth_enabled is False
    assert loaded.sessions.backend is SessionBackend.MEMORY


def test_shipped_file_writes_out_every_section_and_key() -> None:
    data = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    expected = {
        section.name: {f.name for f in dataclasses.fields(getattr(Settings(), section.name))}
        for section in dataclasses.fields(Settings)
    }
    assert {name: set(table) for name, table in data.items()} == expected


def test_an_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""), NO_ENV)

    assert settings.http.port == 8080
    assert settings.ledger.synchronous is SyncMode.FULL
    assert settings.provider.languages == ("en", "fr", "sw", "ar")


def test_the_production_example_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    settings = load_settings(PRODUCTION, NO_ENV)

    assert settings.security.auth_enabled is True
    assert settings.security.hmac_secret
    assert ipaddress.ip_address("10.20.0.7") in settings.security.allowed_networks[0]
    assert settings.sessions.backend is SessionBackend.REDIS
    assert settings.smpp.enabled is True
    assert settings.ledger.path == Path("/var/lib/selfcare/ledger.db")
    assert settings.ledger.demo_seed is False


# --- paths ----------------------------------------------------------------------------------------


def test_relative_paths_resolve_against_the_working_directory_at_load_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = write(tmp_path, '[ledger]\npath = "data/l.db"\n')
    monkeypatch.chdir(tmp_path)

    settings = load_settings(file, NO_ENV)

    assert settings.ledger.path == tmp_path / "data" / "l.db"
    assert settings.provider.config_dir == tmp_path / "config"


def test_absolute_paths_are_kept(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[ledger]\npath = "/srv/l.db"\n'), NO_ENV)

    assert settings.ledger.path == Path("/srv/l.db")


# --- environment overrides ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "text", "section", "key", "expected"),
    [
        ("SELFCARE_LEDGER__PATH", "/tmp/l.db", "ledger", "path", Path("/tmp/l.db")),
        ("SELFCARE_HTTP__PORT", "8181", "http", "port", 8181),
        ("SELFCARE_HTTP__SHUTDOWN_TIMEOUT_S", " 0 ", "http", "shutdown_timeout_s", 0),
        ("SELFCARE_HTTP__HOST", "0.0.0.0", "http", "host", "0.0.0.0"),
        ("SELFCARE_SMPP__ENABLED", "true", "smpp", "enabled", True),
        ("SELFCARE_LOGGING__JSON", "YES", "logging", "json", True),
        ("SELFCARE_SMPP__ENABLED", "1", "smpp", "enabled", True),
        ("SELFCARE_LEDGER__DEMO_SEED", "false", "ledger", "demo_seed", False),
        ("SELFCARE_LEDGER__DEMO_SEED", "no", "ledger", "demo_seed", False),
        ("SELFCARE_LEDGER__DEMO_SEED", "0", "ledger", "demo_seed", False),
        ("SELFCARE_PROVIDER__LANGUAGES", "sw, en", "provider", "languages", ("sw", "en")),
        ("SELFCARE_SECURITY__ALLOW_LIST", "", "security", "allow_list", ()),
        ("SELFCARE_SESSIONS__BACKEND", "redis", "sessions", "backend", SessionBackend.REDIS),
        ("SELFCARE_LOGGING__LEVEL", "DEBUG", "logging", "level", LogLevel.DEBUG),
        ("SELFCARE_SMPP__BIND", "receiver", "smpp", "bind", SmppBind.RECEIVER),
        ("SELFCARE_SMPP__PASSWORD", "s3cret", "smpp", "password", Secret("s3cret")),
    ],
)
def test_an_environment_variable_overrides_its_key_with_the_fields_type(
    tmp_path: Path, variable: str, text: str, section: str, key: str, expected: Any
) -> None:
    settings = load_settings(write(tmp_path, ""), {variable: text})

    assert getattr(getattr(settings, section), key) == expected


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    file = write(tmp_path, "[http]\nport = 9000\n")

    assert load_settings(file, NO_ENV).http.port == 9000
    assert load_settings(file, {"SELFCARE_HTTP__PORT": "9001"}).http.port == 9001


def test_other_environment_variables_are_ignored(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""), {"HOME": "/root", "SELFCAREX": "1"})

    assert settings.http.port == 8080


def test_environ_defaults_to_the_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELFCARE_HTTP__PORT", "8282")

    assert load_settings(write(tmp_path, "")).http.port == 8282


@given(st.integers(min_value=1, max_value=65_535))
def test_every_valid_port_round_trips_through_the_environment(port: int) -> None:
    # hypothesis and function-scoped fixtures don't mix: read the shipped file instead
    settings = load_settings(SHIPPED, {"SELFCARE_SMPP__PORT": str(port)})

    assert settings.smpp.port == port


# --- errors name the key and the source -----------------------------------------------------------

FILE = "<file>"  # stands for the path of the file the test wrote

ERRORS = [
    # unknown names
    ("unknown section in file", "[ledgr]\npath = 'x'\n", {}, "ledgr", FILE),
    ("unknown key in file", "[http]\nprot = 1\n", {}, "http.prot", FILE),
    ("section not a table", "http = 8080\n", {}, "http", FILE),
    ("unknown key in env", "", {"SELFCARE_HTTP__PROT": "1"}, "http.prot", "SELFCARE_HTTP__PROT"),
    ("unknown section in env", "", {"SELFCARE_WEB__PORT": "1"}, "web.port", "SELFCARE_WEB__PORT"),
    (
        "env name in lower case",
        "",
        {"SELFCARE_http__port": "1"},
        "http.port",
        "SELFCARE_http__port",
    ),
    # wrong types
    ("string for int", "[http]\nport = '8080'\n", {}, "http.port", FILE),
    ("bool for int", "[http]\nport = true\n", {}, "http.port", FILE),
    ("float for int", "[sessions]\nttl_s = 1.5\n", {}, "sessions.ttl_s", FILE),
    ("int for bool", "[tmf]\nenabled = 1\n", {}, "tmf.enabled", FILE),
    ("int for str", "[smpp]\nsystem_id = 7\n", {}, "smpp.system_id", FILE),
    ("string for list", "[security]\nallow_list = '10.0.0.0/8'\n", {}, "security.allow_list", FILE),
    ("list of ints", "[provider]\nlanguages = [1]\n", {}, "provider.languages", FILE),
    ("empty path", "[ledger]\npath = ''\n", {}, "ledger.path", FILE),
    ("bad env int", "", {"SELFCARE_HTTP__PORT": "80a"}, "http.port", "SELFCARE_HTTP__PORT"),
    ("bad env bool", "", {"SELFCARE_TMF__ENABLED": "on"}, "tmf.enabled", "SELFCARE_TMF__ENABLED"),
    (
        "empty env list item",
        "",
        {"SELFCARE_PROVIDER__LANGUAGES": "en,,fr"},
        "provider.languages",
        "SELFCARE_PROVIDER__LANGUAGES",
    ),
    # unknown enum choices
    ("bad enum in file", "[ledger]\nsynchronous = 'off'\n", {}, "ledger.synchronous", FILE),
    ("bad bind", "[smpp]\nbind = 'both'\n", {}, "smpp.bind", FILE),
    (
        "bad enum in env",
        "",
        {"SELFCARE_SESSIONS__BACKEND": "memcached"},
        "sessions.backend",
        "SELFCARE_SESSIONS__BACKEND",
    ),
    ("log level case", "[logging]\nlevel = 'info'\n", {}, "logging.level", FILE),
    # out of range
    ("port zero", "[http]\nport = 0\n", {}, "http.port", FILE),
    ("port too high", "[smpp]\nport = 65536\n", {}, "smpp.port", FILE),
    ("port too high env", "", {"SELFCARE_HTTP__PORT": "70000"}, "http.port", "SELFCARE_HTTP__PORT"),
    ("negative duration", "[http]\nshutdown_timeout_s = -1\n", {}, "http.shutdown_timeout_s", FILE),
    ("negative ms", "[ledger]\nbusy_timeout_ms = -5\n", {}, "ledger.busy_timeout_ms", FILE),
    ("zero ttl", "[sessions]\nttl_s = 0\n", {}, "sessions.ttl_s", FILE),
    ("group commit 0", "[ledger]\ngroup_commit_max = 0\n", {}, "ledger.group_commit_max", FILE),
    (
        "group commit big",
        "[ledger]\ngroup_commit_max = 10001\n",
        {},
        "ledger.group_commit_max",
        FILE,
    ),
    # invalid values
    ("bad CIDR", "[security]\nallow_list = ['10.0.0.0/33']\n", {}, "security.allow_list", FILE),
    ("host bits", "[security]\nallow_list = ['10.0.0.1/8']\n", {}, "security.allow_list", FILE),
    ("not a network", "[security]\nallow_list = ['gateway']\n", {}, "security.allow_list", FILE),
    ("password > 8", "[smpp]\npassword = '123456789'\n", {}, "smpp.password", FILE),
    ("system_id > 15", "[smpp]\nsystem_id = 'abcdefghijklmnop'\n", {}, "smpp.system_id", FILE),
    ("non-ASCII", "[smpp]\nsystem_type = 'ñ'\n", {}, "smpp.system_type", FILE),
    ("reconnect order", "[smpp]\nreconnect_max_s = 0\n", {}, "smpp.reconnect_max_s", FILE),
    (
        "reconnect max < min",
        "[smpp]\nreconnect_min_s = 30\nreconnect_max_s = 10\n",
        {},
        "smpp.reconnect_max_s",
        FILE,
    ),
    ("empty pepper", "[ledger]\npin_pepper = ''\n", {}, "ledger.pin_pepper", FILE),
    ("bad writer", "[ledger]\nwriter = 'fork'\n", {}, "ledger.writer", FILE),
    ("spin on a thread", "[ledger]\nwriter_spin_ms = 2\n", {}, "ledger.writer_spin_ms", FILE),
    (
        "spin too long",
        "[ledger]\nwriter = 'process'\nwriter_spin_ms = 51\n",
        {},
        "ledger.writer_spin_ms",
        FILE,
    ),
    ("negative wallet cache", "[ledger]\nwallet_cache = -1\n", {}, "ledger.wallet_cache", FILE),
    ("no WAL bound", "[ledger]\nwal_restart_mib = 0\n", {}, "ledger.wal_restart_mib", FILE),
    ("redis url", "[sessions]\nredis_url = 'localhost:6379'\n", {}, "sessions.redis_url", FILE),
    ("ivr url", "[ivr]\nannouncement_base_url = '/a'\n", {}, "ivr.announcement_base_url", FILE),
    ("tmf path", "[tmf]\nbase_path = 'tmf-api/'\n", {}, "tmf.base_path", FILE),
    ("region", "[provider]\ndefault_region = 'UK'\n", {}, "provider.default_region", FILE),
    ("currency", "[provider]\ncurrency = 'KSH'\n", {}, "provider.currency", FILE),
    ("language", "[provider]\nlanguages = ['en', 'en-US']\n", {}, "provider.languages", FILE),
    ("no languages", "[provider]\nlanguages = []\n", {}, "provider.languages", FILE),
    ("twice", "[provider]\nlanguages = ['en', 'en']\n", {}, "provider.languages", FILE),
    (
        "fallback not offered",
        "[provider]\nfallback_language = 'ar'\nlanguages = ['en']\n",
        {},
        "provider.fallback_language",
        FILE,
    ),
    # auth on without a secret or an allow list: named after the secret, which is unset
    ("auth without secret", "[security]\nauth_enabled = true\n", {}, "security.hmac_secret", FILE),
    (
        "auth without secret, empty secret in file",
        "[security]\nauth_enabled = true\nhmac_secret = ''\n",
        {},
        "security.hmac_secret",
        FILE,
    ),
    (
        "auth turned on from env",
        "",
        {"SELFCARE_SECURITY__AUTH_ENABLED": "yes"},
        "security.hmac_secret",
        "SELFCARE_SECURITY__AUTH_ENABLED",
    ),
]


@pytest.mark.parametrize(
    ("toml", "environ", "key", "source"),
    [pytest.param(*case[1:], id=case[0]) for case in ERRORS],
)
def test_an_invalid_setting_is_an_error_naming_its_key_and_source(
    tmp_path: Path, toml: str, environ: dict[str, str], key: str, source: str
) -> None:
    file = write(tmp_path, toml)

    with pytest.raises(SettingsError) as raised:
        load_settings(file, environ)

    source = str(file) if source == FILE else source
    assert raised.value.key == key
    assert str(raised.value).startswith(f"{key}: ")
    assert source in str(raised.value)


def test_a_rule_across_two_keys_names_where_each_came_from(tmp_path: Path) -> None:
    file = write(tmp_path, "[smpp]\nreconnect_max_s = 10\n")

    with pytest.raises(SettingsError) as raised:
        load_settings(file, {"SELFCARE_SMPP__RECONNECT_MIN_S": "30"})

    assert str(raised.value) == (
        "smpp.reconnect_max_s: must be at least smpp.reconnect_min_s (30), got 10"
        f" (from {file}; smpp.reconnect_min_s from SELFCARE_SMPP__RECONNECT_MIN_S)"
    )


def test_a_malformed_selfcare_variable_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SELFCARE_DEBUG"):
        load_settings(write(tmp_path, ""), {"SELFCARE_DEBUG": "1"})


def test_a_missing_file_is_an_error_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"

    with pytest.raises(SettingsError, match="not found") as raised:
        load_settings(missing, NO_ENV)

    assert str(missing) in str(raised.value)


def test_invalid_toml_is_an_error_naming_the_path(tmp_path: Path) -> None:
    file = write(tmp_path, "[http\nport = 1\n")

    with pytest.raises(SettingsError, match="invalid TOML") as raised:
        load_settings(file, NO_ENV)

    assert str(file) in str(raised.value)


@pytest.mark.parametrize(
    "security",
    [
        "auth_enabled = true\nhmac_secret = 'k'\n",
        "auth_enabled = true\nallow_list = ['10.0.0.0/8', '2001:db8::/32']\n",
    ],
    ids=["secret only", "allow list only"],
)
def test_auth_needs_a_secret_or_an_allow_list_not_both(tmp_path: Path, security: str) -> None:
    settings = load_settings(write(tmp_path, f"[security]\n{security}"), NO_ENV)

    assert settings.security.auth_enabled is True


def test_auth_can_be_turned_on_from_the_environment(tmp_path: Path) -> None:
    env = {"SELFCARE_SECURITY__AUTH_ENABLED": "true", "SELFCARE_SECURITY__HMAC_SECRET": "k"}

    settings = load_settings(write(tmp_path, ""), env)

    assert settings.security.auth_enabled is True
    assert settings.security.hmac_secret.reveal() == "k"


def test_sections_built_by_hand_are_validated_too() -> None:
    with pytest.raises(SettingsError, match=r"^http\.port: must be between 1 and 65535"):
        HttpSettings(port=0)
    with pytest.raises(SettingsError, match=r"^security\.hmac_secret: "):
        SecuritySettings(auth_enabled=True)


def test_settings_are_frozen() -> None:
    settings = Settings()

    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.http.port = 1  # type: ignore[misc]


# --- secrets --------------------------------------------------------------------------------------


def test_secrets_never_show_in_repr_or_str(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "[ledger]\npin_pepper = 'pepper-xyzzy'\n"
        "[security]\nauth_enabled = true\nhmac_secret = 'hmac-plugh'\n"
        "[smpp]\npassword = 'pw-quux'\n",
    )

    settings = load_settings(file, NO_ENV)

    shown = [repr(settings), str(settings), f"{settings}", repr(dataclasses.asdict(settings))]
    for text in shown:
        for secret in ("pepper-xyzzy", "hmac-plugh", "pw-quux"):
            assert secret not in text
        assert "***" in text
    assert settings.ledger.pin_pepper.reveal() == "pepper-xyzzy"
    assert settings.security.hmac_secret.reveal() == "hmac-plugh"
    assert settings.smpp.password.reveal() == "pw-quux"


def test_an_error_about_a_secret_does_not_quote_it(tmp_path: Path) -> None:
    env = {"SELFCARE_SMPP__PASSWORD": "toolong-secret"}

    with pytest.raises(SettingsError, match=r"smpp\.password") as raised:
        load_settings(write(tmp_path, ""), env)

    assert "toolong-secret" not in str(raised.value)


def test_secret_values() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert not Secret("")
    assert repr(Secret("a")) == str(Secret("a")) == "***"
    with pytest.raises(AttributeError):
        Secret("a")._value = "b"
    assert SmppSettings(password=Secret("12345678")).password.reveal() == "12345678"


def test_the_ledger_writer_can_be_a_spinning_process(tmp_path: Path) -> None:
    env = {"SELFCARE_LEDGER__WRITER": "process", "SELFCARE_LEDGER__WRITER_SPIN_MS": "3"}

    settings = load_settings(write(tmp_path, ""), env)
    store = build_ledger(settings).store

    assert settings.ledger.writer is WriterMode.PROCESS
    assert (store.writer_kind, store.writer_spin_ms) == ("process", 3)


def test_the_ledger_writer_can_keep_wallets(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "[ledger]\nwallet_cache = 5000\n"), {})

    assert build_ledger(settings).store.wallet_cache == 5000
    assert build_ledger(load_settings(write(tmp_path, ""), {})).store.wallet_cache == 0


def test_the_wal_bound_comes_from_settings(tmp_path: Path) -> None:
    env = {"SELFCARE_LEDGER__WAL_RESTART_MIB": "32"}

    assert build_ledger(load_settings(write(tmp_path, ""), env)).store.wal_restart_mib == 32
    assert build_ledger(load_settings(write(tmp_path, ""), {})).store.wal_restart_mib == 256
