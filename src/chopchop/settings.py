"""Typed settings read from ``CHOPCHOP_*`` environment variables (and an optional ``.env``)."""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dotenv import dotenv_values

ENV_PREFIX = "CHOPCHOP_"
DEV_JWT_SECRET = "chopchop-embedded-dev-secret-do-not-use-in-production"  # noqa: S105
SmtpTls = Literal["none", "starttls", "tls"]
LogFormat = Literal["auto", "json", "console"]
RATE_SETTINGS = (
    "rate_register",
    "rate_login",
    "rate_login_account",
    "rate_email",
    "rate_email_account",
    "rate_token",
    "rate_writes",
)


class SettingsError(ValueError):
    """Raised when the configuration is invalid or unsafe for the selected mode."""


def _doc(text: str, *, default: Any) -> Any:
    """A dataclass field with a description (used for the configuration reference)."""
    return field(default=default, metadata={"doc": text})


@dataclass(frozen=True, slots=True)
class Settings:
    """All runtime configuration. Every field maps to ``CHOPCHOP_<FIELD_NAME_UPPERCASE>``."""

    database_url: str = _doc(
        "SQLAlchemy URL of the database. `sqlite+aiosqlite:///...` (embedded) or `postgresql+asyncpg://...`.",
        default="sqlite+aiosqlite:///chopchop.sqlite3",
    )
    redis_url: str | None = _doc(
        "Redis URL (`redis://host:6379/0`). Set it, with a PostgreSQL URL, to run in server mode.",
        default=None,
    )
    redis_key_prefix: str = _doc("Prefix of every Redis key the service writes.", default="chopchop")
    queue_name: str = _doc("Name of the SAQ queue that carries background jobs.", default="chopchop")
    jwt_secret: str = _doc(
        "Secret that signs access tokens. Required outside the embedded mode.", default=DEV_JWT_SECRET
    )
    jwt_issuer: str = _doc("`iss` claim of issued access tokens.", default="chopchop")
    jwt_audience: str = _doc("`aud` claim of issued access tokens.", default="chopchop-api")
    access_token_minutes: int = _doc("Lifetime of an access token, in minutes.", default=60)
    confirm_token_hours: int = _doc("Lifetime of an email confirmation link, in hours.", default=24)
    reset_token_minutes: int = _doc("Lifetime of a password reset link, in minutes.", default=60)
    argon2_time_cost: int = _doc("argon2id iterations (t).", default=2)
    argon2_memory_kib: int = _doc("argon2id memory in KiB (m); OWASP minimum 19456.", default=19456)
    argon2_parallelism: int = _doc("argon2id lanes (p).", default=1)
    public_base_url: str = _doc(
        "Public URL of the API, used to build the links in emails.", default="http://127.0.0.1:8000"
    )
    smtp_host: str | None = _doc("SMTP server host. Unset: emails go to the log and the outbox folder.", default=None)
    smtp_port: int = _doc("SMTP server port.", default=25)
    smtp_user: str | None = _doc("SMTP user name (optional).", default=None)
    smtp_password: str | None = _doc("SMTP password (optional).", default=None)
    smtp_tls: SmtpTls = _doc("SMTP transport security: `none`, `starttls` or `tls`.", default="none")
    smtp_timeout_seconds: float = _doc("Timeout of one SMTP conversation, in seconds.", default=30.0)
    mail_from: str = _doc("Sender address of every email.", default="Chop-chop <no-reply@chopchop.local>")
    mail_outbox_dir: str = _doc(
        "Folder where emails are written as .eml files when no SMTP host is set.", default="var/outbox"
    )
    cors_origins: str = _doc(
        "Comma-separated origins allowed to call the API from a browser (CORS). Empty: no cross-origin access.",
        default="",
    )
    max_body_bytes: int = _doc("Largest request body accepted, in bytes (413 above).", default=1_048_576)
    rate_limits_enabled: bool = _doc("Enforce the rate limits below (429 past them).", default=True)
    trusted_proxies: int = _doc(
        "How many reverse proxies of ours stand in front of the API: X-Forwarded-For is believed for that "
        "many hops, no more. 0: the peer address is the client.",
        default=0,
    )
    rate_register: str = _doc("Registrations per client address.", default="10/hour")
    rate_login: str = _doc("Login attempts per client address.", default="30/minute")
    rate_login_account: str = _doc("Login attempts per account (email address).", default="10/15minutes")
    rate_email: str = _doc("Resend-confirmation and forgot-password requests per client address.", default="10/hour")
    rate_email_account: str = _doc(
        "Resend-confirmation and forgot-password requests per email address.", default="5/hour"
    )
    rate_token: str = _doc("Confirm and reset-password attempts per client address.", default="30/hour")
    rate_writes: str = _doc("Writes (POST, PUT, PATCH, DELETE) per signed-in user.", default="120/minute")
    outbox_lease_seconds: int = _doc(
        "How long a worker may take over one email before another worker takes it over (it died).", default=120
    )
    auto_migrate: bool | None = _doc(
        "Run database migrations at start-up. Default: on in embedded mode, off otherwise.", default=None
    )
    debug: bool = _doc("Litestar debug mode (tracebacks in error responses). Never in production.", default=False)
    log_level: str = _doc("Log level: DEBUG, INFO, WARNING, ERROR.", default="INFO")
    log_format: LogFormat = _doc(
        "Log lines as `json` (one object per line, for collectors) or `console` (for people). "
        "`auto`: console in embedded mode, json otherwise.",
        default="auto",
    )

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def embedded(self) -> bool:
        """Embedded mode: SQLite and no Redis; everything runs inside the API process."""
        return self.redis_url is None and self.uses_sqlite

    @property
    def mode(self) -> str:
        return "embedded" if self.embedded else "server"

    @property
    def json_logs(self) -> bool:
        return self.log_format == "json" or (self.log_format == "auto" and not self.embedded)

    @property
    def should_auto_migrate(self) -> bool:
        return self.embedded if self.auto_migrate is None else self.auto_migrate

    def validate(self) -> Settings:
        """Refuse configurations that are unsafe for their mode."""
        if not self.embedded and self.jwt_secret == DEV_JWT_SECRET:
            msg = "CHOPCHOP_JWT_SECRET must be set in server mode (the built-in development secret is refused)."
            raise SettingsError(msg)
        if len(self.jwt_secret) < 32:
            msg = "CHOPCHOP_JWT_SECRET must be at least 32 characters long."
            raise SettingsError(msg)
        from chopchop.lib.ratelimit import Rate

        for name in RATE_SETTINGS:
            try:
                Rate.parse(getattr(self, name))
            except ValueError as exc:
                msg = f"{ENV_PREFIX}{name.upper()}: {exc}"
                raise SettingsError(msg) from exc
        if self.argon2_memory_kib < 19456 or self.argon2_time_cost < 2:
            msg = "argon2 parameters are below OWASP's minimum (19456 KiB, t=2)."
            raise SettingsError(msg)
        return self

    @classmethod
    def from_env(
        cls, environ: typing.Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
    ) -> Settings:
        """Build settings from ``CHOPCHOP_*`` variables; the process environment wins over ``.env``."""
        values: dict[str, str] = {}
        if env_file is not None and Path(env_file).is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        hints = typing.get_type_hints(cls)
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = values.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                kwargs[f.name] = _convert(f.name, raw, hints[f.name])
        return cls(**kwargs)

    @classmethod
    def reference(cls) -> list[tuple[str, str, str]]:
        """(variable, default, description) for every setting: the configuration reference."""
        return [
            (ENV_PREFIX + f.name.upper(), "" if f.default is None else str(f.default), f.metadata["doc"])
            for f in dataclasses.fields(cls)
        ]


def _convert(name: str, raw: str, hint: Any) -> Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    optional = typing.get_origin(hint) in (typing.Union, types.UnionType)
    if optional:
        if raw.strip() == "":
            return None
        hint = args[0]
    if typing.get_origin(hint) is Literal:
        allowed = typing.get_args(hint)
        if raw not in allowed:
            msg = f"{ENV_PREFIX}{name.upper()} must be one of {', '.join(allowed)}, not {raw!r}."
            raise SettingsError(msg)
        return raw
    try:
        if hint is bool:
            lowered = raw.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if hint in (int, float):
            return hint(raw)
    except ValueError as exc:
        msg = f"{ENV_PREFIX}{name.upper()} has an invalid value {raw!r}."
        raise SettingsError(msg) from exc
    return raw


def reference_markdown() -> str:
    """docs/configuration.md, generated from the fields above so that it cannot drift from the code."""
    lines = [
        "# Configuration reference",
        "",
        "<!-- Generated by `uv run python -m chopchop.settings > docs/configuration.md`; a test checks it. -->",
        "",
        "Every setting is read from an environment variable, or from a `.env` file in the working directory",
        "(the environment wins). Empty values of optional settings mean unset.",
        "",
        "| variable | default | description |",
        "|---|---|---|",
    ]
    for name, default, doc in Settings.reference():
        shown = f"`{default}`" if default else "(unset)"
        lines.append(f"| `{name}` | {shown} | {doc} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(reference_markdown())
