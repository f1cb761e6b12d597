"""Settings come from CHOPCHOP_* variables, are typed, and refuse unsafe server configurations."""

from __future__ import annotations

import base64
import multiprocessing
import multiprocessing.queues
import multiprocessing.synchronize
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from chopchop.settings import (
    MIN_SECRET_BITS,
    PUBLIC_SECRETS,
    Settings,
    SettingsError,
    check_secret,
    estimate_secret_bits,
    load_or_create_secret,
    reference_markdown,
)

ROOT = Path(__file__).parents[2]
SERVER = {
    "CHOPCHOP_DATABASE_URL": "postgresql+asyncpg://u@h/db",
    "CHOPCHOP_REDIS_URL": "redis://r",
    "CHOPCHOP_SMTP_HOST": "smtp.example.com",
}
STRONG = "Jx3_qV9-mP2kLw8ZtR5yBn7HcD4fGs6A"  # 32 random URL-safe characters


def test_defaults_are_the_embedded_mode() -> None:
    settings = Settings.from_env({}, env_file=None)
    assert settings.embedded
    assert settings.mode == "embedded"
    assert settings.should_auto_migrate
    assert settings.jwt_secret == ""  # generated in the data folder at start, never a constant
    assert settings.validate() is settings
    assert settings.jwt_secret_path == Path("var/jwt-secret")
    assert settings.outbox_path == Path("var/outbox")


def test_the_data_folder_holds_the_outbox_unless_told_otherwise() -> None:
    moved = Settings.from_env({"CHOPCHOP_DATA_DIR": "/srv/chopchop"}, env_file=None)
    assert moved.outbox_path == Path("/srv/chopchop/outbox")
    assert moved.jwt_secret_path == Path("/srv/chopchop/jwt-secret")
    elsewhere = Settings.from_env({"CHOPCHOP_MAIL_OUTBOX_DIR": "/srv/mails"}, env_file=None)
    assert elsewhere.outbox_path == Path("/srv/mails")


def test_environment_values_are_converted() -> None:
    settings = Settings.from_env(
        {
            "CHOPCHOP_DATABASE_URL": "postgresql+asyncpg://u@h/db",
            "CHOPCHOP_REDIS_URL": "redis://r:6379/1",
            "CHOPCHOP_SMTP_PORT": "2525",
            "CHOPCHOP_SMTP_TLS": "starttls",
            "CHOPCHOP_AUTO_MIGRATE": "yes",
            "CHOPCHOP_SMTP_USER": "",
            "CHOPCHOP_METRICS_TOKEN": "",
            "UNRELATED": "x",
        },
        env_file=None,
    )
    assert settings.mode == "server"
    assert settings.smtp_port == 2525
    assert settings.smtp_tls == "starttls"
    assert settings.auto_migrate is True
    assert settings.smtp_user is None
    assert settings.metrics_token is None


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("CHOPCHOP_SMTP_PORT=1025\nCHOPCHOP_LOG_LEVEL=DEBUG\n")
    settings = Settings.from_env({"CHOPCHOP_SMTP_PORT": "2525"}, env_file=env_file)
    assert settings.smtp_port == 2525
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value"),
    [("CHOPCHOP_SMTP_PORT", "twenty"), ("CHOPCHOP_SMTP_TLS", "maybe"), ("CHOPCHOP_DEBUG", "perhaps")],
)
def test_invalid_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value}, env_file=None)


def test_server_mode_needs_a_real_secret() -> None:
    with pytest.raises(SettingsError, match="JWT_SECRET must be set in server mode"):
        Settings.from_env(SERVER, env_file=None).validate()
    with pytest.raises(SettingsError, match="JWT_SECRET must be set in server mode"):
        Settings.from_env({**SERVER, "CHOPCHOP_JWT_SECRET": ""}, env_file=None).validate()
    with pytest.raises(SettingsError, match="32 characters"):
        Settings.from_env({**SERVER, "CHOPCHOP_JWT_SECRET": "short"}, env_file=None).validate()
    with pytest.raises(SettingsError, match="too guessable"):
        Settings.from_env({**SERVER, "CHOPCHOP_JWT_SECRET": "x" * 40}, env_file=None).validate()
    ok = Settings.from_env({**SERVER, "CHOPCHOP_JWT_SECRET": STRONG}, env_file=None)
    assert ok.validate().with_jwt_secret() is ok  # server mode never reads or writes a secret file


def _shipped_value(path: Path, pattern: str) -> str:
    found = re.search(pattern, path.read_text(), re.MULTILINE)
    assert found, f"{pattern} not in {path}"
    return found.group(1)


@pytest.mark.parametrize(
    ("shipped", "pattern"),
    [
        (".env.example", r"^CHOPCHOP_JWT_SECRET=(.*)$"),
        ("deploy/kube/secret.template.yaml", r"^\s*CHOPCHOP_JWT_SECRET:\s*\"(.*)\"\s*$"),
    ],
)
def test_the_shipped_placeholders_cannot_start_a_server(shipped: str, pattern: str) -> None:
    placeholder = _shipped_value(ROOT / shipped, pattern)
    with pytest.raises(SettingsError, match="CHOPCHOP_JWT_SECRET"):
        Settings.from_env({**SERVER, "CHOPCHOP_JWT_SECRET": placeholder}, env_file=None).validate()


@pytest.mark.parametrize("published", sorted(PUBLIC_SECRETS))
def test_secrets_published_before_are_refused_by_name_and_by_strength(published: str) -> None:
    with pytest.raises(SettingsError, match="placeholder"):
        check_secret("CHOPCHOP_JWT_SECRET", published)
    # Not only because they are listed: the strength rule refuses them as well.
    assert estimate_secret_bits(published) < MIN_SECRET_BITS


@pytest.mark.parametrize(
    "weak",
    [
        "x" * 64,  # one repeated character
        "0" * 64,
        "0123456789" * 4,  # a sequence, repeated
        "ab" * 32,
        "Aa1!" * 10,  # a short cycle of every character class
        "aB3$eF6&hJ9*kL0(" * 3,
        "correct-horse-battery-staple-orange-window-pencil",  # words and separators
        "ChangeMeToSomethingSecretPleaseChangeMe",
        "01101001011010010110100101101001011010010110",  # few distinct characters
        "my-super-secret-jwt-key-for-chopchop-production",  # what people type
        # Found by the attack after the first estimator: a phrase in base64, keyboard rows, short words and a year.
        base64.b64encode(b"my-super-secret-jwt-key-for-chopchop").decode(),
        base64.urlsafe_b64encode(b"our production jwt secret, keep it safe").decode(),
        "qwertyuiopasdfghjklzxcvbnmQWERTYUIOPASDFGHJKLZXCVBNM",
        "Chopchop-Jwt-Secret-Production-Key-Do-Not-Share-2024",
    ],
)
def test_guessable_secrets_are_refused(weak: str) -> None:
    assert len(weak) >= 32
    with pytest.raises(SettingsError, match="too guessable"):
        check_secret("CHOPCHOP_JWT_SECRET", weak)


def test_generated_secrets_pass() -> None:
    generators: list[Callable[[], str]] = [
        lambda: secrets.token_urlsafe(48),  # what the docs and the embedded mode use
        lambda: secrets.token_urlsafe(32),
        lambda: secrets.token_hex(32),  # openssl rand -hex 32
        lambda: base64.b64encode(secrets.token_bytes(32)).decode(),  # openssl rand -base64 32
    ]
    for generate in generators:
        for _ in range(200):
            value = generate()
            check_secret("CHOPCHOP_JWT_SECRET", value)
            assert estimate_secret_bits(value) >= MIN_SECRET_BITS


def test_the_metrics_token_follows_the_same_rule() -> None:
    with pytest.raises(SettingsError, match="METRICS_TOKEN"):
        Settings.from_env({"CHOPCHOP_METRICS_TOKEN": "metrics"}, env_file=None).validate()
    assert Settings.from_env({"CHOPCHOP_METRICS_TOKEN": STRONG}, env_file=None).validate().metrics_token == STRONG


def test_server_mode_needs_smtp_or_the_explicit_file_mailer_opt_in() -> None:
    without_smtp = {k: v for k, v in SERVER.items() if k != "CHOPCHOP_SMTP_HOST"} | {"CHOPCHOP_JWT_SECRET": STRONG}
    with pytest.raises(SettingsError, match="SMTP_HOST must be set in server mode"):
        Settings.from_env(without_smtp, env_file=None).validate()
    opted_in = Settings.from_env({**without_smtp, "CHOPCHOP_ALLOW_FILE_MAILER": "true"}, env_file=None)
    assert opted_in.validate().allow_file_mailer
    assert Settings.from_env({}, env_file=None).validate().smtp_host is None  # embedded: files, no opt-in


@pytest.mark.parametrize("url", ["chopchop.example.com", "ftp://chopchop.example.com", "https://h/?a=1", "https://"])
def test_the_public_base_url_must_be_an_absolute_http_url(url: str) -> None:
    with pytest.raises(SettingsError, match="PUBLIC_BASE_URL"):
        Settings(public_base_url=url).validate()


def test_weak_argon2_parameters_are_refused() -> None:
    with pytest.raises(SettingsError, match="argon2"):
        Settings(argon2_memory_kib=1024).validate()


def test_every_setting_is_documented() -> None:
    reference = Settings.reference()
    assert all(name.startswith("CHOPCHOP_") and doc for name, _, doc in reference)
    assert len(reference) == len(Settings.__dataclass_fields__)


def test_configuration_reference_is_up_to_date() -> None:
    documented = (ROOT / "docs" / "configuration.md").read_text()
    assert documented == reference_markdown(), "run: uv run python -m chopchop.settings > docs/configuration.md"


# --- the embedded mode's secret file -------------------------------------------------------------------


def test_the_secret_file_is_private_from_its_first_byte_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "jwt-secret"
    previous = os.umask(0)  # the most permissive umask: the mode must not depend on it
    try:
        secret = load_or_create_secret(path)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert estimate_secret_bits(secret) >= MIN_SECRET_BITS
    assert load_or_create_secret(path) == secret
    assert [p.name for p in path.parent.iterdir()] == ["jwt-secret"]  # no draft left behind


def _create_in_process(
    path: str, start: multiprocessing.synchronize.Event, results: multiprocessing.queues.Queue[str]
) -> None:
    start.wait()
    results.put(load_or_create_secret(Path(path)))


@pytest.mark.slow  # starts six processes
def test_processes_racing_to_create_the_secret_all_get_the_same_one(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    path = tmp_path / "jwt-secret"
    start, results = context.Event(), context.Queue()
    processes = [context.Process(target=_create_in_process, args=(str(path), start, results)) for _ in range(6)]
    for process in processes:
        process.start()
    start.set()
    seen = {results.get(timeout=60) for _ in processes}
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert seen == {path.read_text().strip()}


def test_a_secret_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jwt-secret"
    load_or_create_secret(path)
    path.chmod(0o644)
    with pytest.raises(SettingsError, match="readable by other users"):
        load_or_create_secret(path)


def test_a_weak_secret_file_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path))
    settings.jwt_secret_path.write_text("password" * 5)
    settings.jwt_secret_path.chmod(0o600)
    with pytest.raises(SettingsError, match=re.escape(str(settings.jwt_secret_path))):
        settings.with_jwt_secret()


def test_a_configured_secret_wins_over_the_file(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), jwt_secret=STRONG)
    assert settings.with_jwt_secret().jwt_secret == STRONG
    assert not settings.jwt_secret_path.exists()
