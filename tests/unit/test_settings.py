"""Settings come from CHOPCHOP_* variables, are typed, and refuse unsafe server configurations."""

from __future__ import annotations

from pathlib import Path

import pytest

from chopchop.settings import DEV_JWT_SECRET, Settings, SettingsError, reference_markdown


def test_defaults_are_the_embedded_mode() -> None:
    settings = Settings.from_env({}, env_file=None)
    assert settings.embedded
    assert settings.mode == "embedded"
    assert settings.should_auto_migrate
    assert settings.validate() is settings


def test_environment_values_are_converted() -> None:
    settings = Settings.from_env(
        {
            "CHOPCHOP_DATABASE_URL": "postgresql+asyncpg://u@h/db",
            "CHOPCHOP_REDIS_URL": "redis://r:6379/1",
            "CHOPCHOP_SMTP_PORT": "2525",
            "CHOPCHOP_SMTP_TLS": "starttls",
            "CHOPCHOP_AUTO_MIGRATE": "yes",
            "CHOPCHOP_SMTP_USER": "",
            "UNRELATED": "x",
        },
        env_file=None,
    )
    assert settings.mode == "server"
    assert settings.smtp_port == 2525
    assert settings.smtp_tls == "starttls"
    assert settings.auto_migrate is True
    assert settings.smtp_user is None


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
    server = {"CHOPCHOP_DATABASE_URL": "postgresql+asyncpg://u@h/db", "CHOPCHOP_REDIS_URL": "redis://r"}
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        Settings.from_env(server, env_file=None).validate()
    with pytest.raises(SettingsError, match="32 characters"):
        Settings.from_env({**server, "CHOPCHOP_JWT_SECRET": "short"}, env_file=None).validate()
    ok = Settings.from_env({**server, "CHOPCHOP_JWT_SECRET": "x" * 40}, env_file=None).validate()
    assert ok.jwt_secret != DEV_JWT_SECRET


def test_weak_argon2_parameters_are_refused() -> None:
    with pytest.raises(SettingsError, match="argon2"):
        Settings(argon2_memory_kib=1024).validate()


def test_every_setting_is_documented() -> None:
    reference = Settings.reference()
    assert all(name.startswith("CHOPCHOP_") and doc for name, _, doc in reference)
    assert len(reference) == len(Settings.__dataclass_fields__)


def test_configuration_reference_is_up_to_date() -> None:
    documented = (Path(__file__).parents[2] / "docs" / "configuration.md").read_text()
    assert documented == reference_markdown(), "run: uv run python -m chopchop.settings > docs/configuration.md"
