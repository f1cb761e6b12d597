"""Typed settings read from ``CHOPCHOP_*`` environment variables (and an optional ``.env``)."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import math
import os
import re
import secrets
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from dotenv import dotenv_values

from chopchop.lib.egress import Network, parse_networks

ENV_PREFIX = "CHOPCHOP_"
# Values that were shipped in this repository (code, .env.example, the Kubernetes Secret template) and so
# are public: refused whatever their estimated strength. The strength rule below refuses them too.
PUBLIC_SECRETS = frozenset(
    {
        "chopchop-embedded-dev-secret-do-not-use-in-production",
        "replace-with-48-random-url-safe-characters-000000",
        "REPLACE_ME_WITH_48_RANDOM_URL_SAFE_CHARACTERS_000000",
    }
)
MIN_SECRET_LENGTH = 32
REPLICA_CHECK_TIMEOUT_SECONDS = 2.0  # how long one replica check may take (lib/replicas.py)
MIN_SECRET_BITS = 128
JWT_SECRET_FILE = "jwt-secret"  # noqa: S105 - a file name, not a secret
GENERATE_SECRET_HINT = "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"  # noqa: S105
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
    "rate_webhooks",
    "rate_reports",
    "rate_imports",
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
    database_replica_urls: str | None = _doc(
        "PostgreSQL streaming replicas that serve public reads (lists, details, profiles, searches), "
        "comma-separated `postgresql+asyncpg://...` URLs. Writes, signed-in reads and everything else stay on "
        "`DATABASE_URL`. Unset: every query goes to the primary. See docs/deploy.md (read replicas).",
        default=None,
    )
    replica_max_lag_seconds: float = _doc(
        "A replica further behind the primary than this is taken out of rotation until it catches up.",
        default=5.0,
    )
    replica_check_seconds: float = _doc(
        "How often each process checks its replicas (reachable, replaying, how far behind).",
        default=1.0,
    )
    redis_url: str | None = _doc(
        "Redis URL (`redis://host:6379/0`, `rediss://` for TLS, `unix:///path.sock`), or the sentinels of a "
        "Redis Sentinel group: `redis+sentinel://[:password@]host1:26379,host2:26379/<service>/<db>` (options "
        "`?sentinel_password=...&sentinel_username=...&min_other_sentinels=N`; see docs/deploy.md). Set it, with "
        "a PostgreSQL URL, to run in server mode.",
        default=None,
    )
    redis_key_prefix: str = _doc(
        "Prefix of every Redis key the service writes (no `{` or `}`: the service adds the Cluster hash tags).",
        default="chopchop",
    )
    queue_name: str = _doc("Name of the SAQ queue that carries background jobs.", default="chopchop")
    worker_concurrency: int = _doc(
        "Server mode: jobs one SAQ worker process runs at once (`chopchop workers run`; "
        "`chopchop worker --concurrency` overrides it).",
        default=10,
    )
    saq_web_token: str | None = _doc(
        "Server mode: the password of the SAQ web UI (queues, workers, jobs; retry and abort) at `/saq/`, "
        "asked by the browser (HTTP Basic, any user name; the same strength rule as the JWT secret). Unset: "
        "no UI, `/saq/` answers 404. Set it only on an API process that listens on an internal port "
        "(docs/deploy.md).",
        default=None,
    )
    data_dir: str = _doc(
        "Folder of the embedded mode's local state: the generated JWT secret (`jwt-secret`, mode 0600) and, "
        "by default, the email outbox (`outbox/`). Keep it private and out of version control.",
        default="var",
    )
    jwt_secret: str = _doc(
        f"Secret that signs access tokens: {MIN_SECRET_LENGTH}+ characters and at least {MIN_SECRET_BITS} bits by "
        "the estimate in docs/security.md (e.g. `secrets.token_urlsafe(48)`); placeholders are refused. "
        "Required in server mode. Unset in embedded mode: a random one is generated on first start and kept "
        "in `<data dir>/jwt-secret`, shared by every process that uses that folder.",
        default="",
    )
    jwt_issuer: str = _doc("`iss` claim of issued access tokens.", default="chopchop")
    jwt_audience: str = _doc("`aud` claim of issued access tokens.", default="chopchop-api")
    access_token_minutes: int = _doc("Lifetime of an access token, in minutes.", default=60)
    refresh_token_days: int = _doc(
        "Lifetime of a refresh token, in days (1 to 365): each refresh hands out a new one with this lifetime, so a "
        "login that is refreshed at least this often stays signed in until logout or a password change.",
        default=30,
    )
    personal_access_token_max_days: int = _doc(
        "Longest lifetime, in days (1 to 3650), a personal access token may be given when created with an expiry "
        "(`expires_in_days`); tokens made without one never expire.",
        default=365,
    )
    confirm_token_hours: int = _doc("Lifetime of an email confirmation link, in hours.", default=24)
    reset_token_minutes: int = _doc("Lifetime of a password reset link, in minutes.", default=60)
    argon2_time_cost: int = _doc("argon2id iterations (t).", default=2)
    argon2_memory_kib: int = _doc("argon2id memory in KiB (m); OWASP minimum 19456.", default=19456)
    argon2_parallelism: int = _doc("argon2id lanes (p).", default=1)
    public_base_url: str = _doc(
        "Public URL of the API (scheme, host, port and any path prefix of the reverse proxy): the base of every "
        "absolute URL the API emits (links in emails, `Link` headers of lists). The request's `Host` and "
        "`X-Forwarded-*` headers are never used for that.",
        default="http://127.0.0.1:8000",
    )
    smtp_host: str | None = _doc(
        "SMTP server host. Required in server mode (unless `CHOPCHOP_ALLOW_FILE_MAILER`). Unset in embedded "
        "mode: emails are written as .eml files in the outbox folder.",
        default=None,
    )
    smtp_port: int = _doc("SMTP server port.", default=25)
    smtp_user: str | None = _doc("SMTP user name (optional).", default=None)
    smtp_password: str | None = _doc("SMTP password (optional).", default=None)
    smtp_tls: SmtpTls = _doc("SMTP transport security: `none`, `starttls` or `tls`.", default="none")
    smtp_timeout_seconds: float = _doc("Timeout of one SMTP conversation, in seconds.", default=30.0)
    mail_from: str = _doc("Sender address of every email.", default="Chop-chop <no-reply@chopchop.local>")
    mail_outbox_dir: str | None = _doc(
        "Folder where emails are written as .eml files (mode 0600; they hold the confirmation and reset links) "
        "when no SMTP host is set. Default: `<data dir>/outbox`.",
        default=None,
    )
    allow_file_mailer: bool = _doc(
        "Server mode without `CHOPCHOP_SMTP_HOST`: write emails as .eml files in the outbox folder instead of "
        "refusing to start. For test stacks only: whoever reads that folder can take over accounts.",
        default=False,
    )
    cors_origins: str = _doc(
        "Comma-separated origins allowed to call the API from a browser (CORS). Empty: no cross-origin access.",
        default="",
    )
    max_body_bytes: int = _doc("Largest request body accepted, in bytes (413 above).", default=1_048_576)
    memory_cache_max_bytes: int = _doc(
        "Embedded mode: the most memory the in-process response cache may hold, in bytes (least recently used "
        "entries go first).",
        default=64 * 1024 * 1024,
    )
    cache_lease_seconds: int = _doc(
        "Server mode: how long a write's response-cache lease hides what it changes if the write's release never "
        "reaches Redis, and how long the cache stays off after Redis lost its data (a restart without "
        "persistence). Must exceed the longest commit (the database command timeout is 60 s).",
        default=90,
    )
    exact_total_limit: int = _doc(
        "PostgreSQL: recipe lists whose matches the planner estimates at no more than this many count them exactly "
        "(`total_exact: true`); larger ones report the estimate (`total_exact: false`) instead of counting every "
        "match on every page. Tables of at most this many recipes are always counted exactly.",
        default=2000,
    )
    search_timeout_ms: int = _doc(
        "PostgreSQL: how long a recipe list may search when its filters match few recipes that no index finds "
        "(e.g. two common words that never meet, or only exclusions) before it answers 422 `search-too-broad`. "
        "Typical lists take milliseconds and never reach it.",
        default=2000,
    )
    rate_limits_enabled: bool = _doc("Enforce the rate limits below (429 past them).", default=True)
    trusted_proxies: int = _doc(
        "How many reverse proxies of ours stand in front of the API: X-Forwarded-For is believed for that "
        "many hops, no more. 0: the peer address is the client.",
        default=0,
    )
    rate_register: str = _doc("Registrations per client address.", default="10/hour")
    rate_login: str = _doc("Login and token refresh attempts per client address.", default="30/minute")
    rate_login_account: str = _doc(
        "Password checks per account (normalised email address): logins, confirmations, password changes and "
        "account deletions.",
        default="10/15minutes",
    )
    rate_email: str = _doc("Resend-confirmation and forgot-password requests per client address.", default="10/hour")
    rate_email_account: str = _doc(
        "Emails per recipient (normalised address): registrations, resent confirmations and password resets.",
        default="5/hour",
    )
    rate_token: str = _doc("Confirm and reset-password attempts per client address.", default="30/hour")
    rate_writes: str = _doc("Writes (POST, PUT, PATCH, DELETE) per signed-in user.", default="120/minute")
    rate_webhooks: str = _doc(
        "Webhook endpoint creations and pings per signed-in user (each ping is a request to the user's URL).",
        default="30/hour",
    )
    rate_reports: str = _doc("Reports of content per signed-in user.", default="20/hour")
    rate_imports: str = _doc(
        "Recipe imports (`POST /api/v1/recipes/imports`) per signed-in user: each fetches a page the user names.",
        default="30/hour",
    )
    import_timeout_seconds: float = _doc(
        "How long fetching one page to import may take in all (resolving, redirects, reading at most 2 MiB); "
        "longer is a failed attempt, retried on the outbox's schedule. 1 to 60 s.",
        default=20.0,
    )
    import_allow_private_networks: str | None = _doc(
        "Comma-separated networks (CIDRs, e.g. `127.0.0.2/32`) that recipe imports may fetch from although they are "
        "private, loopback or otherwise not public (SSRF protection off for them). For tests and local development "
        "only: a user could make the server fetch from its own network. Unset: only public addresses.",
        default=None,
    )
    webhook_timeout_seconds: float = _doc(
        "How long one webhook delivery attempt may take in all (resolving, connecting, sending, reading the "
        "answer); longer is a failed attempt, retried on the outbox's schedule. 1 to 50 s.",
        default=10.0,
    )
    webhook_allow_private_addresses: bool = _doc(
        "Let webhooks call private, loopback, link-local and other non-public addresses (SSRF protection off). "
        "For tests and local development only: a user could make the server call its own network.",
        default=False,
    )
    photo_max_bytes: int = _doc(
        "Largest photo a user may upload, in bytes (413 above; the upload's body may be 64 KiB more, for the "
        "multipart framing).",
        default=10 * 1024 * 1024,
    )
    photo_max_pixels: int = _doc(
        "Largest photo a user may upload, in pixels (width times height, read from the image's header before "
        "it is decoded: a small file that would decode to a huge image is refused with 422).",
        default=40_000_000,
    )
    photo_max_per_recipe: int = _doc("Most photos one recipe may have (409 above).", default=12)
    storage_dir: str | None = _doc(
        "Embedded mode (no `STORAGE_S3_BUCKET`): the folder that keeps photos. Default: `<data dir>/media`.",
        default=None,
    )
    storage_s3_bucket: str | None = _doc(
        "The S3 bucket that keeps photos. Set it to keep them in any S3-compatible object store (AWS S3, MinIO, "
        "Garage, Ceph); unset, they are files in `STORAGE_DIR`.",
        default=None,
    )
    storage_s3_endpoint: str | None = _doc(
        "The S3 endpoint (`https://s3.example.com`; `http://` is accepted for a store on a private network). "
        "Unset: AWS's endpoint of the region.",
        default=None,
    )
    storage_s3_region: str = _doc("The S3 region.", default="us-east-1")
    storage_s3_access_key_id: str | None = _doc(
        "The S3 access key id. Unset: taken from the environment (AWS_* variables, instance roles).", default=None
    )
    storage_s3_secret_access_key: str | None = _doc("The S3 secret access key.", default=None)
    storage_s3_path_style: bool = _doc(
        "Address the bucket in the path (`endpoint/bucket/key`, what most S3-compatible servers want) rather "
        "than in the host name (`bucket.endpoint/key`).",
        default=True,
    )
    storage_public_base_url: str | None = _doc(
        "With S3: the public address under which the bucket's objects can be read (a CDN, or a public bucket), "
        "e.g. `https://media.example.com`. Unset: photos are served through short-lived signed URLs.",
        default=None,
    )
    storage_signed_url_seconds: int = _doc(
        "With S3 and no public base URL: how long a signed photo URL stays valid (60 to 86400 s). "
        "`/media/photos/...` redirects to a freshly signed one each time.",
        default=900,
    )
    storage_timeout_seconds: float = _doc(
        "How long one object store request may take (1 to 120 s); an upload whose store does not answer in "
        "time is a 503.",
        default=15.0,
    )
    outbox_lease_seconds: int = _doc(
        "How long a worker may take over one email before another worker takes it over (it died).", default=120
    )
    change_retention_days: int = _doc(
        "How long the recipe change feed keeps tombstones of deleted recipes, in days (1 or more). A sync client "
        "whose cursor is older than the newest pruned tombstone gets 410 Gone and resynchronises from the start.",
        default=30,
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
    metrics_token: str | None = _doc(
        "Bearer token that `GET /metrics` requires (`Authorization: Bearer <token>`; the same strength rule "
        "as the JWT secret). Unset: `/metrics` answers 404.",
        default=None,
    )

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def replica_urls(self) -> list[str]:
        """The replicas of ``database_replica_urls``, in order (empty when none are configured)."""
        return [url.strip() for url in (self.database_replica_urls or "").split(",") if url.strip()]

    @property
    def import_allowed_networks(self) -> tuple[Network, ...]:
        """The networks of ``import_allow_private_networks`` (checked by :meth:`validate`)."""
        return parse_networks(self.import_allow_private_networks)

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

    @property
    def outbox_path(self) -> Path:
        """Where the file mailer writes emails."""
        return Path(self.mail_outbox_dir) if self.mail_outbox_dir else Path(self.data_dir) / "outbox"

    @property
    def media_path(self) -> Path:
        """Where the local object store keeps photos (no S3 bucket configured)."""
        return Path(self.storage_dir) if self.storage_dir else Path(self.data_dir) / "media"

    @property
    def jwt_secret_path(self) -> Path:
        """Where the embedded mode keeps the secret it generated."""
        return Path(self.data_dir) / JWT_SECRET_FILE

    def validate(self) -> Settings:
        """Refuse configurations that are unsafe for their mode. Reads and writes nothing."""
        self._validate_secrets()
        self._validate_jobs()
        self._validate_redis()
        self._validate_email()
        self._validate_rates()
        self._validate_replicas()
        if self.change_retention_days < 1:
            msg = f"{ENV_PREFIX}CHANGE_RETENTION_DAYS must be 1 or more."
            raise SettingsError(msg)
        if not 1 <= self.refresh_token_days <= 365:
            msg = f"{ENV_PREFIX}REFRESH_TOKEN_DAYS must be between 1 and 365."
            raise SettingsError(msg)
        if not 1 <= self.personal_access_token_max_days <= 3650:
            msg = f"{ENV_PREFIX}PERSONAL_ACCESS_TOKEN_MAX_DAYS must be between 1 and 3650."
            raise SettingsError(msg)
        if not 1 <= self.import_timeout_seconds <= 60:
            msg = f"{ENV_PREFIX}IMPORT_TIMEOUT_SECONDS must be between 1 and 60."
            raise SettingsError(msg)
        try:
            parse_networks(self.import_allow_private_networks)
        except ValueError as exc:
            msg = f"{ENV_PREFIX}IMPORT_ALLOW_PRIVATE_NETWORKS must be comma-separated CIDRs: {exc}."
            raise SettingsError(msg) from exc
        if not 1 <= self.webhook_timeout_seconds <= 50:
            msg = f"{ENV_PREFIX}WEBHOOK_TIMEOUT_SECONDS must be between 1 and 50."
            raise SettingsError(msg)
        self._validate_photos()
        if self.argon2_memory_kib < 19456 or self.argon2_time_cost < 2:
            msg = "argon2 parameters are below OWASP's minimum (19456 KiB, t=2)."
            raise SettingsError(msg)
        return self

    def _validate_photos(self) -> None:
        if not 1024 <= self.photo_max_bytes <= 100 * 1024 * 1024:
            msg = f"{ENV_PREFIX}PHOTO_MAX_BYTES must be between 1024 and 104857600."
            raise SettingsError(msg)
        if not 1 <= self.photo_max_pixels <= 200_000_000:
            msg = f"{ENV_PREFIX}PHOTO_MAX_PIXELS must be between 1 and 200000000."
            raise SettingsError(msg)
        if not 1 <= self.photo_max_per_recipe <= 100:
            msg = f"{ENV_PREFIX}PHOTO_MAX_PER_RECIPE must be between 1 and 100."
            raise SettingsError(msg)
        if not 60 <= self.storage_signed_url_seconds <= 86400:
            msg = f"{ENV_PREFIX}STORAGE_SIGNED_URL_SECONDS must be between 60 and 86400."
            raise SettingsError(msg)
        if not 1 <= self.storage_timeout_seconds <= 120:
            msg = f"{ENV_PREFIX}STORAGE_TIMEOUT_SECONDS must be between 1 and 120."
            raise SettingsError(msg)
        for name in ("storage_s3_endpoint", "storage_public_base_url"):
            value = getattr(self, name)
            if value is not None and urlsplit(value).scheme not in {"http", "https"}:
                msg = f"{ENV_PREFIX}{name.upper()} must be an http:// or https:// URL."
                raise SettingsError(msg)

    def _validate_secrets(self) -> None:
        if self.jwt_secret:
            check_secret(f"{ENV_PREFIX}JWT_SECRET", self.jwt_secret)
        elif not self.embedded:
            msg = f"{ENV_PREFIX}JWT_SECRET must be set in server mode ({GENERATE_SECRET_HINT})."
            raise SettingsError(msg)
        if self.metrics_token is not None:
            check_secret(f"{ENV_PREFIX}METRICS_TOKEN", self.metrics_token)

    def _validate_email(self) -> None:
        """Where emails go, and the base URL of the links they carry."""
        if not self.embedded and not self.smtp_host and not self.allow_file_mailer:
            msg = (
                f"{ENV_PREFIX}SMTP_HOST must be set in server mode (or set {ENV_PREFIX}ALLOW_FILE_MAILER=true "
                "to write emails, links included, as files in the outbox folder: test stacks only)."
            )
            raise SettingsError(msg)
        base = urlsplit(self.public_base_url)
        if base.scheme not in {"http", "https"} or not base.netloc or base.query or base.fragment:
            msg = (
                f"{ENV_PREFIX}PUBLIC_BASE_URL must be an absolute http(s) URL without query or fragment, "
                f"not {self.public_base_url!r}."
            )
            raise SettingsError(msg)

    def _validate_rates(self) -> None:
        from chopchop.lib.ratelimit import Rate

        for name in RATE_SETTINGS:
            try:
                Rate.parse(getattr(self, name))
            except ValueError as exc:
                msg = f"{ENV_PREFIX}{name.upper()}: {exc}"
                raise SettingsError(msg) from exc

    def _validate_replicas(self) -> None:
        for url in self.replica_urls:
            if not url.startswith("postgresql+asyncpg://") or self.uses_sqlite:
                msg = (
                    f"{ENV_PREFIX}DATABASE_REPLICA_URLS: replicas are PostgreSQL servers (`postgresql+asyncpg://...`) "
                    "of a PostgreSQL primary; got a URL starting "
                    f"{url.split('://', 1)[0]!r}{' for a SQLite database' if self.uses_sqlite else ''}."
                )
                raise SettingsError(msg)
        # How long a replica stays in rotation behind a write, at worst: its lag limit, plus one check interval (the
        # lag is dated by the primary's samples, taken at the checks) and one more with its time limit (the check
        # that takes it out).
        worst = self.replica_max_lag_seconds + 2 * self.replica_check_seconds + REPLICA_CHECK_TIMEOUT_SECONDS
        if self.replica_urls and self.cache_lease_seconds < worst:
            msg = (
                f"{ENV_PREFIX}CACHE_LEASE_SECONDS must be at least {ENV_PREFIX}REPLICA_MAX_LAG_SECONDS + 2 x "
                f"{ENV_PREFIX}REPLICA_CHECK_SECONDS + {REPLICA_CHECK_TIMEOUT_SECONDS:.0f} (here {worst:g}): a write "
                "whose cache release was lost is cached again after its lease, by then every replica in rotation must "
                "have replayed it."
            )
            raise SettingsError(msg)
        if self.replica_urls and not 0 < self.replica_check_seconds <= self.replica_max_lag_seconds:
            msg = (
                f"{ENV_PREFIX}REPLICA_CHECK_SECONDS must be positive and at most "
                f"{ENV_PREFIX}REPLICA_MAX_LAG_SECONDS: a replica is judged by its last check."
            )
            raise SettingsError(msg)

    def _validate_redis(self) -> None:
        """The Redis URL (plain or Sentinel) and the key prefix."""
        if self.redis_url:
            from chopchop.lib.redis_client import check_redis_url

            try:
                check_redis_url(self.redis_url)
            except ValueError as exc:
                msg = f"{ENV_PREFIX}REDIS_URL: {exc}"
                raise SettingsError(msg) from exc
        if not self.redis_key_prefix or "{" in self.redis_key_prefix or "}" in self.redis_key_prefix:
            msg = (
                f"{ENV_PREFIX}REDIS_KEY_PREFIX must be non-empty and without braces (the service puts its own "
                f"Redis Cluster hash tags after it), not {self.redis_key_prefix!r}."
            )
            raise SettingsError(msg)

    def _validate_jobs(self) -> None:
        """The SAQ workers' and web UI's settings."""
        if self.worker_concurrency < 1:
            msg = f"{ENV_PREFIX}WORKER_CONCURRENCY must be at least 1."
            raise SettingsError(msg)
        if self.saq_web_token is not None:
            if not self.redis_url:
                msg = (
                    f"{ENV_PREFIX}SAQ_WEB_TOKEN needs server mode ({ENV_PREFIX}REDIS_URL): without Redis, jobs run "
                    "inside the API and there is no SAQ queue to show."
                )
                raise SettingsError(msg)
            check_secret(f"{ENV_PREFIX}SAQ_WEB_TOKEN", self.saq_web_token)

    def with_jwt_secret(self) -> Settings:
        """These settings with the secret that signs tokens: the configured one or, in embedded mode without
        one, the one kept in the data folder (generated on first start, then shared by every process that
        uses the folder, so tokens survive restarts and work across workers)."""
        if self.jwt_secret or not self.embedded:
            return self
        path = self.jwt_secret_path
        secret = load_or_create_secret(path)
        check_secret(str(path), secret)
        return dataclasses.replace(self, jwt_secret=secret)

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


# A word: 4+ letters of one case (or Capitalised), pronounceable (a vowel, never 4 consonants in a row).
_WORD = re.compile(r"[A-Z][a-z]{3,}|[a-z]{4,}|[A-Z]{4,}")
# A short word standing alone between separators (`-Key-`, `_do_`): 2 or 3 letters of one case or Capitalised.
_SHORT_WORD = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z][a-z]{1,2}|[a-z]{2,3}|[A-Z]{2,3})(?![A-Za-z0-9])")
# A year people put in secrets.
_YEAR = re.compile(r"(?<![A-Za-z0-9])(?:19|20)\d\d(?![A-Za-z0-9])")
# Neighbours on a keyboard row: `qwerty`, `asdf`, `1qaz` is not a row and stays random-looking.
_KEYBOARD_ROWS = ("`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./")
_NEIGHBOURS = {
    (row[k], row[k + d]) for row in _KEYBOARD_ROWS for k in range(len(row)) for d in (-1, 1) if 0 <= k + d < len(row)
}
_HEX = re.compile(r"(?:[0-9a-f]{2})+|(?:[0-9A-F]{2})+")
_VOWEL = re.compile(r"[aeiouy]", re.IGNORECASE)
_CONSONANTS = re.compile(r"[^aeiouy]{4}", re.IGNORECASE)
_ESTIMATED_CHARACTERS = 256


def _is_word(text: str) -> bool:
    return _VOWEL.search(text) is not None and _CONSONANTS.search(text) is None


def _repeat_length(text: str, i: int) -> int:
    """How long a stretch starting at ``i`` repeats one that starts earlier (it may overlap it)."""
    longest = 0
    for j in range(i):
        n = 0
        while i + n < len(text) and text[j + n] == text[i + n]:
            n += 1
        longest = max(longest, n)
    return longest


def estimate_secret_bits(secret: str) -> float:
    """A deliberately pessimistic strength estimate, in bits (documented in docs/security.md).

    Reading the first 256 characters left to right:

    * a stretch of 3+ characters that repeats an earlier one: 8 bits for the whole stretch;
    * a word (4+ letters of one case or Capitalised, with a vowel and never 4 consonants in a row): 12 bits,
      a 2- or 3-letter word standing alone between separators: 6 bits, a year (19xx, 20xx): 6 bits;
    * a character next to the previous one in code-point order (``aa``, ``ab``, ``98``) or on a keyboard row
      (``qw``, ``l;``), or a punctuation mark already used (separators): 1 bit;
    * any other character: log2 of its alphabet, the smaller of the character classes the secret uses (26
      lower-case, 26 upper-case, 10 digits, 33 other) and twice the number of distinct characters in it.

    Hex or base64 that decodes to printable text (``base64("my secret key")``) is estimated as that text.

    Random secrets from a generator pass with room to spare (``secrets.token_urlsafe(48)``: 250+ bits),
    while one repeated character, short cycles, words with separators and few distinct characters do not.
    """
    decoded = _decoded_text(secret)
    if decoded is not None:
        return min(_estimate(secret), _estimate(decoded))
    return _estimate(secret)


def _decoded_text(secret: str) -> str | None:
    """The printable text that a hex or base64 secret encodes, if it encodes text."""
    candidates: list[bytes] = []
    if _HEX.fullmatch(secret):
        candidates.append(bytes.fromhex(secret))
    with contextlib.suppress(ValueError):
        candidates.append(base64.b64decode(secret + "=" * (-len(secret) % 4), altchars=b"-_", validate=True))
    with contextlib.suppress(ValueError):
        candidates.append(base64.b64decode(secret + "=" * (-len(secret) % 4), validate=True))
    for raw in candidates:
        with contextlib.suppress(UnicodeDecodeError):
            text = raw.decode("utf-8")
            if text and text.isprintable():
                return text
    return None


def _estimate(secret: str) -> float:
    text = secret[:_ESTIMATED_CHARACTERS]
    if not text:
        return 0.0
    alphabet = sum(
        size
        for present, size in (
            (any(c.isascii() and c.islower() for c in text), 26),
            (any(c.isascii() and c.isupper() for c in text), 26),
            (any(c.isascii() and c.isdigit() for c in text), 10),
            (any(not (c.isascii() and c.isalnum()) for c in text), 33),
        )
        if present
    )
    per_character = math.log2(min(alphabet, 2 * len(set(text))))
    bits, i = 0.0, 0
    while i < len(text):
        repeated = _repeat_length(text, i)
        if repeated >= 3:
            bits, i = bits + 8, i + repeated
            continue
        word = _WORD.match(text, i)
        if word is not None and _is_word(word.group()):
            bits, i = bits + 12, word.end()
            continue
        short = _SHORT_WORD.match(text, i) or _YEAR.match(text, i)
        if short is not None and (short.group().isdigit() or _VOWEL.search(short.group())):
            bits, i = bits + 6, short.end()
            continue
        char = text[i]
        # A walk along a keyboard row counts from its third key: two neighbours happen by chance.
        walking = i > 1 and _walks(text[i - 2], text[i - 1]) and _walks(text[i - 1], char)
        predictable = i > 0 and (
            abs(ord(char) - ord(text[i - 1])) <= 1 or walking or (not char.isalnum() and char in text[:i])
        )
        bits += 1 if predictable else per_character
        i += 1
    return bits


def _walks(first: str, second: str) -> bool:
    return (first.lower(), second.lower()) in _NEIGHBOURS


def check_secret(name: str, secret: str) -> None:
    """Refuse a public, short or guessable secret; ``name`` says where it came from."""
    if secret in PUBLIC_SECRETS:
        msg = f"{name} is a placeholder published with Chop-chop, not a secret ({GENERATE_SECRET_HINT})."
        raise SettingsError(msg)
    if len(secret) < MIN_SECRET_LENGTH:
        msg = f"{name} must be at least {MIN_SECRET_LENGTH} characters long ({GENERATE_SECRET_HINT})."
        raise SettingsError(msg)
    bits = estimate_secret_bits(secret)
    if bits < MIN_SECRET_BITS:
        msg = (
            f"{name} is too guessable: about {bits:.0f} bits estimated, at least {MIN_SECRET_BITS} needed "
            f"(words, repeats, sequences and few distinct characters count little; {GENERATE_SECRET_HINT})."
        )
        raise SettingsError(msg)


def _read_secret(path: Path) -> str:
    if os.name == "posix" and path.stat().st_mode & 0o077:
        msg = f"{path} is readable by other users: chmod 600 it (or delete it to generate a new secret)."
        raise SettingsError(msg)
    secret = path.read_text(encoding="utf-8").strip()
    if not secret:
        msg = f"{path} is empty: delete it to generate a new secret."
        raise SettingsError(msg)
    return secret


def load_or_create_secret(path: Path) -> str:
    """The secret kept in ``path``, created with a random value (mode 0600) if there is none yet.

    Safe when several processes start at once: the value is written to a file of this process's own
    (created 0600 with O_EXCL, so never readable by others, not even for a moment) and then hard-linked to
    ``path``, which fails if another process got there first; the loser reads the winner's complete file.
    """
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # Another process may have created it first: then its secret is the one everybody uses.
        with contextlib.suppress(FileExistsError):
            path.hardlink_to(draft)
    finally:
        draft.unlink(missing_ok=True)
    return _read_secret(path)


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
