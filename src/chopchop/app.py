"""The application factory: the one place where settings, plugins, stores and routes meet."""

from __future__ import annotations

import contextlib
import gc
import logging
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import click
import msgspec
from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyInitPlugin,
)
from litestar import Litestar, Request
from litestar.config.app import AppConfig
from litestar.config.cors import CORSConfig
from litestar.config.response_cache import ResponseCacheConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import RedocRenderPlugin, ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, Contact, License, OAuthFlow, OAuthFlows, SecurityScheme, Server, Tag
from litestar.plugins import InitPluginProtocol
from litestar.plugins.prometheus import PrometheusConfig
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.types import Scope
from litestar_saq import CronJob, QueueConfig, SAQConfig, SAQPlugin
from redis.asyncio import Redis
from redis.exceptions import NoPermissionError, RedisError
from sqlalchemy import event

from chopchop import __version__
from chopchop.cli import ChopchopCLIPlugin
from chopchop.db.migrate import upgrade_async
from chopchop.domain.accounts import jobs as account_jobs
from chopchop.domain.accounts.auth import REVOKED_TOKENS_STORE, TOKEN_URL, build_auth
from chopchop.domain.accounts.controllers import AuthController, MeController
from chopchop.domain.comments.controllers import CommentController, RecipeCommentController
from chopchop.domain.recipes import jobs as recipe_jobs
from chopchop.domain.recipes.controllers import IngredientController, RecipeController, UserRecipesController
from chopchop.domain.system.controllers import HealthController, MetricsController
from chopchop.domain.users.controllers import UserController
from chopchop.lib import outbox
from chopchop.lib.apidoc import OPENAPI_DESCRIPTION, OPENAPI_TAGS, document_consistency_tokens, tighten_request_bodies
from chopchop.lib.cache import (
    CACHE_TTL_SECONDS,
    CACHED_ROUTES_STATE_KEY,
    TOKEN_KEY_STATE_KEY,
    CacheInvalidation,
    Generations,
    GenerationStore,
    MemoryGenerationStore,
    cache_key_builder,
    cache_response_filter,
    index_cached_routes,
    needed_lsn,
)
from chopchop.lib.conditional import ConditionalGetMiddleware
from chopchop.lib.email import FileMailer, Mailer, SmtpMailer
from chopchop.lib.headers import SecurityHeadersMiddleware
from chopchop.lib.jobs import (
    InProcessJobQueue,
    JobContext,
    JobFunction,
    JobQueue,
    SAQInTheApi,
    SaqJobQueue,
    Scheduled,
)
from chopchop.lib.observability import (
    LeanPrometheusMiddleware,
    RequestContextMiddleware,
    configure_structlog,
    formatter,
)
from chopchop.lib.passwords import PasswordHasher
from chopchop.lib.problems import exception_handlers
from chopchop.lib.ratelimit import Rate, RateLimiter, RateLimits, limit_writes
from chopchop.lib.redis_client import QUEUE_CLIENT_OPTIONS, is_sentinel_url, queue_connection
from chopchop.lib.redis_client import connect as connect_redis
from chopchop.lib.replicas import REPLICA_READS_OPT, Replicas, RoutedAsyncConfig, token_key
from chopchop.lib.stores import ReplicatedRedisStore
from chopchop.lib.tokens import AccessTokenIssuer
from chopchop.lib.transactions import commit_before_send
from chopchop.lib.transport import (
    QUERY_PARAMETERS_STATE_KEY,
    StrictRequest,
    TransportGuard,
    index_query_parameters,
    refuse_undeclared_query_parameters,
)
from chopchop.settings import RATE_SETTINGS, Settings, SettingsError

logger = logging.getLogger("chopchop")
QUEUE_DEQUEUE_SECONDS = 5.0
QUEUE_READ_TIMEOUT = 10.0

# Request rate and latency by route template (not raw path: ids would explode the series) and status.
PROMETHEUS = PrometheusConfig(
    app_name="chopchop",
    prefix="chopchop",
    group_path=True,
    exclude=["^/metrics$"],
    middleware_class=LeanPrometheusMiddleware,
)

# Tasks an outbox row may name (they run at least once, through deliver_outbox).
OUTBOX_TASKS: dict[str, Any] = {task.__name__: task for task in account_jobs.TASKS}
# SAQ task functions take (ctx, **kwargs); the queue, the worker and the in-process runner share the list.
TASKS: list[Any] = [
    *account_jobs.TASKS,
    outbox.make_deliver(lambda: OUTBOX_TASKS),
    outbox.sweep_outbox,
    outbox.purge_outbox,
    *recipe_jobs.TASKS,
]
CRON_JOBS = [
    CronJob(cast("Any", outbox.sweep_outbox), cron="* * * * *", timeout=50),
    CronJob(cast("Any", outbox.purge_outbox), cron="17 * * * *"),
    CronJob(cast("Any", account_jobs.purge_expired_tokens), cron="23 * * * *"),
    CronJob(cast("Any", recipe_jobs.fold_ingredient_usage), cron="* * * * *", timeout=50),
]


def build_mailer(settings: Settings) -> Mailer:
    """SMTP when a host is set; otherwise .eml files, only in embedded mode or with the explicit opt-in."""
    if settings.smtp_host:
        return SmtpMailer(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            username=settings.smtp_user,
            password=settings.smtp_password,
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout_seconds,
        )
    return FileMailer(folder=settings.outbox_path, sender=settings.mail_from)


def _generations(scope: Scope) -> Generations:
    return cast("Generations", scope["litestar_app"].state.cache_generations)


def build_db_config(settings: Settings) -> RoutedAsyncConfig:
    engine = (
        EngineConfig()
        if settings.uses_sqlite
        # Bounded waits: a dead or saturated database is a quick 503, never a hung request. No pre-ping
        # (a round trip per request): a connection found dead invalidates the pool and the next one is new.
        else EngineConfig(
            pool_size=10,
            max_overflow=10,
            pool_timeout=5,
            pool_recycle=1800,
            connect_args={
                "timeout": 5,
                "command_timeout": 60,
                "server_settings": {
                    # Statements are prepared once per connection; a generic plan cannot see a search's words or a
                    # filter's ingredients, and picks one walk for the rare and the common alike: plan each time.
                    "plan_cache_mode": "force_custom_plan",
                    # Short queries: compiling one (tens of milliseconds) costs more than it saves.
                    "jit": "off",
                },
            },
            # Errors logged on the way to a 409/503 must not carry bound values (hashes, emails, tokens).
            hide_parameters=True,
        )
    )
    config = RoutedAsyncConfig(
        connection_string=settings.database_url,
        before_send_handler=None,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        engine_config=engine,
        create_all=False,
    )
    # Commit (2xx) or roll back before the response starts. The response-cache tags the handler invalidated are
    # leased before the commit (a write whose invalidation cannot be recorded fails: 503) and released after it:
    # a read that starts after this response cannot be served what the write replaced.
    # Consistency tokens are signed: checked on public reads with or without replicas (one contract everywhere).
    consistency_key = config.token_key = token_key(settings.jwt_secret or "")
    config.before_send_handler = commit_before_send(
        config.session_scope_key,
        CacheInvalidation(_generations),
        token_key=consistency_key if settings.replica_urls else None,
    )
    if settings.replica_urls:
        config.needed_lsn = needed_lsn
        config.replicas = Replicas.build(
            config,
            settings.replica_urls,
            max_lag_seconds=settings.replica_max_lag_seconds,
            check_seconds=settings.replica_check_seconds,
        )
    if settings.uses_sqlite:
        # SQLite enforces foreign keys (and so ON DELETE CASCADE) only when asked, per connection.
        @event.listens_for(config.get_engine().sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return config


class _DatabasePlugin(SQLAlchemyInitPlugin):
    """advanced-alchemy's session/engine wiring, without its `database` CLI group: `chopchop db` runs ours."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        # Our session provider is a coroutine (it may check a replica's position first): advanced-alchemy wraps
        # every provider with sync_to_thread=False, which Litestar warns is meaningless for one; register it plainly.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*sync_to_thread has no effect on async callable")
            app_config = super().on_app_init(app_config)
        for config in self.config:
            app_config.dependencies[config.session_dependency_key] = Provide(config.provide_session)
        return app_config

    def on_cli_init(self, cli: click.Group) -> None:
        return None


class ChopchopPlugin(InitPluginProtocol):
    """Wires one :class:`Settings` into the app: database, stores, jobs, auth, OpenAPI and routes."""

    def __init__(self, settings: Settings) -> None:
        # Embedded mode without a configured secret: the one generated in the data folder (read after
        # validation, so that a refused configuration creates nothing).
        settings = self.settings = settings.validate().with_jwt_secret()
        self.db_config = build_db_config(settings)
        self.mailer = build_mailer(settings)
        self.hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_kib=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        self.token_issuer = AccessTokenIssuer(
            secret=settings.jwt_secret,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            lifetime=timedelta(minutes=settings.access_token_minutes),
        )
        self.redis: Redis | None = (
            # One Redis server or, with a redis+sentinel:// URL, the master the sentinels name (lib/redis_client.py).
            connect_redis(settings.redis_url, socket_connect_timeout=0.5, socket_timeout=2.0, health_check_interval=30)
            if settings.redis_url
            else None
        )
        self.generations = Generations(
            self.redis, settings.redis_key_prefix, lease_seconds=settings.cache_lease_seconds
        )
        self.rate_limits = RateLimits(
            RateLimiter(self.redis, settings.redis_key_prefix, enabled=settings.rate_limits_enabled),
            {name.removeprefix("rate_"): Rate.parse(getattr(settings, name)) for name in RATE_SETTINGS},
            settings.trusted_proxies,
        )
        self.job_context: JobContext = {"settings": settings, "mailer": self.mailer, "db_config": self.db_config}
        # Server mode: litestar-saq's plugin, registered with the app (see on_app_init). One configuration for the
        # API's queue, the workers of `chopchop workers run` and the web UI.
        self.saq: SAQPlugin | None = None
        self.job_queue: JobQueue
        if settings.redis_url:
            self.saq = SAQPlugin(
                SAQConfig(
                    queue_configs=[
                        QueueConfig(
                            # A dsn, or a Sentinel master's client. Dequeues block for at most 5 s, so every
                            # read may time out after 10: a frozen primary is left for the promoted one within
                            # seconds instead of holding the worker (and enqueueing requests) as long as it hangs.
                            **queue_connection(
                                settings.redis_url, {**QUEUE_CLIENT_OPTIONS, "socket_timeout": QUEUE_READ_TIMEOUT}
                            ),
                            dequeue_timeout=QUEUE_DEQUEUE_SECONDS,
                            name=settings.queue_name,
                            tasks=TASKS,
                            scheduled_tasks=CRON_JOBS,
                            startup=cast("Any", self._worker_startup),
                            # Workers run in their own processes (`chopchop workers run`), never on the
                            # API's event loop.
                            separate_process=True,
                            concurrency=settings.worker_concurrency,
                            # On SIGTERM, running jobs get 10 s to finish before they are cancelled (and
                            # re-queued): fewer emails sent twice when a worker is replaced. SAQ waits that long
                            # even when idle (its upkeep tasks are in the same wait): stop timeouts allow 30 s.
                            shutdown_grace_period_s=10,
                            cancellation_hard_deadline_s=5,
                        )
                    ],
                    # `litestar run` starts no worker processes beside the server.
                    use_server_lifespan=False,
                    worker_processes=1,
                    # SAQInTheApi mounts the web UI (with CHOPCHOP_SAQ_WEB_TOKEN), behind its guard.
                    web_enabled=False,
                )
            )
            self.job_queue = SaqJobQueue(self.saq.get_queue(settings.queue_name))
        else:
            self.job_queue = InProcessJobQueue({task.__name__: task for task in TASKS}, self.job_context)
        self.job_context["job_queue"] = self.job_queue

    async def _worker_startup(self, ctx: dict[str, Any]) -> None:
        ctx.update(self.job_context)

    def build_stores(self) -> dict[str, Store]:
        if self.redis is not None:
            root = RedisStore(self.redis, namespace=self.settings.redis_key_prefix)
            return {
                "response_cache": GenerationStore(
                    self.redis, namespace=f"{self.settings.redis_key_prefix}:cache", generations=self.generations
                ),
                # Under Sentinel a logout returns once a replica has it: a failover must not revive the token.
                REVOKED_TOKENS_STORE: ReplicatedRedisStore(
                    self.redis,
                    namespace=f"{root.namespace}_revoked",
                    replicas=1 if is_sentinel_url(self.settings.redis_url or "") else 0,
                ),
            }
        return {
            "response_cache": MemoryGenerationStore(self.settings.memory_cache_max_bytes, self.generations),
            # Not bounded: evicting a revocation would bring a logged-out token back to life.
            REVOKED_TOKENS_STORE: MemoryStore(),
        }

    async def on_startup(self, app: Litestar) -> None:
        settings = self.settings
        logger.info(
            "Chop-chop %s starting in %s mode: database=%s, redis=%s, jobs=%s, email=%s",
            __version__,
            settings.mode.upper(),
            settings.database_url.split("://", 1)[0],
            "on" if settings.redis_url else "off (in-memory stores)",
            f"SAQ queue {settings.queue_name!r}" if self.saq else "in-process",
            f"SMTP {settings.smtp_host}:{settings.smtp_port}"
            if settings.smtp_host
            else f".eml files in {settings.outbox_path}",
        )
        if settings.should_auto_migrate:
            await upgrade_async(settings.database_url, lock_file=Path(settings.data_dir) / "migrate.lock")
        await self._check_redis_permissions()
        if self.db_config.replicas is not None:
            await self.db_config.replicas.check()  # in rotation from the first request, if they are well
            self.db_config.replicas.start()
        if isinstance(self.job_queue, SaqJobQueue):
            await self.job_queue.queue.connect()
        elif isinstance(self.job_queue, InProcessJobQueue):
            # The periodic jobs the SAQ worker runs in server mode (outbox sweep, purges, usage folds).
            self.job_queue.start_schedule(
                [Scheduled(job.cron, cast("JobFunction", job.function), job.timeout) for job in CRON_JOBS]
            )
        if gc.get_freeze_count() == 0:
            # What start-up built lives as long as the process: out of the collector's sight, full collections
            # stop walking it (they were most of the p99 of cache hits under load).
            gc.collect()
            gc.freeze()

    async def _check_redis_permissions(self) -> None:
        """The cache tells a Redis that lost writes (a restart, a failover) by its replication id: a user that may
        not run ``INFO`` would turn that guard off without a word. Refuse to start; a Redis that is down is fine."""
        if self.redis is None:
            return
        try:
            await self.redis.info("replication")
        except NoPermissionError as exc:
            msg = (
                f"the Redis user of CHOPCHOP_REDIS_URL may not run INFO ({exc}): the response cache needs it to "
                "notice a Redis that lost writes; allow it (ACL: +info)."
            )
            raise SettingsError(msg) from exc
        except Exception as exc:  # noqa: BLE001 - unreachable now: the cache checks again at every read
            logger.info("Redis not checked at start (%s)", type(exc).__name__)

    async def on_shutdown(self, app: Litestar) -> None:
        # Each step on its own: a Redis that is already gone must not keep the rest from closing.
        if self.db_config.replicas is not None:
            await self.db_config.replicas.stop()
        if isinstance(self.job_queue, InProcessJobQueue):
            await self.job_queue.drain()
        elif isinstance(self.job_queue, SaqJobQueue):
            with contextlib.suppress(RedisError, OSError):
                await self.job_queue.queue.disconnect()
        if self.redis is not None:
            with contextlib.suppress(RedisError, OSError):
                await self.redis.aclose()

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self.settings
        auth = build_auth(settings, self.db_config)
        app_config.debug = settings.debug
        app_config.state = State(
            {
                "settings": settings,
                "chopchop": self,
                "cache_generations": self.generations,
                TOKEN_KEY_STATE_KEY: self.db_config.token_key,
                "rate_limits": self.rate_limits,
            }
        )
        # Litestar's response cache, extended at its three points: the key builder, the store, the filter.
        app_config.response_cache_config = ResponseCacheConfig(
            default_expiration=CACHE_TTL_SECONDS,
            key_builder=cache_key_builder,
            store="response_cache",
            cache_response_filter=cache_response_filter,
        )
        # Outermost first: conditional GETs see every response, cached or not. The request id, access log,
        # security headers and URL checks are not here: they wrap the whole app (see create_app).
        app_config.middleware[:0] = [PROMETHEUS.middleware, ConditionalGetMiddleware]
        origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
        if origins:
            app_config.cors_config = CORSConfig(
                allow_origins=origins,
                allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match", "X-Request-ID"],
                expose_headers=["ETag", "Link", "Location", "Retry-After", "RateLimit", "RateLimit-Policy"],
                allow_credentials=False,
                max_age=600,
            )
        app_config.route_handlers.extend(
            [
                AuthController,
                MeController,
                HealthController,
                MetricsController,
                RecipeCommentController,
                CommentController,
                UserController,
                RecipeController,
                IngredientController,
                UserRecipesController,
            ]
        )
        app_config.plugins.append(_DatabasePlugin(config=self.db_config))
        if self.saq is not None:
            # litestar-saq's `workers` CLI group and `task_queues` dependency; SAQInTheApi right after it takes its
            # workers out of this process's lifespan and serves the web UI. Before ChopchopCLIPlugin: that one adds
            # a `workers` group only where litestar-saq did not.
            app_config.plugins.extend([self.saq, SAQInTheApi(self.saq, web_token=settings.saq_web_token)])
        app_config.plugins.append(ChopchopCLIPlugin())
        app_config.stores = self.build_stores()
        app_config.exception_handlers.update(exception_handlers)
        app_config.dependencies.update(
            {
                "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
                "hasher": Provide(lambda: self.hasher, use_cache=True, sync_to_thread=False),
                "token_issuer": Provide(lambda: self.token_issuer, use_cache=True, sync_to_thread=False),
                "job_queue": Provide(lambda: self.job_queue, use_cache=True, sync_to_thread=False),
                "rate_limits": Provide(lambda: self.rate_limits, use_cache=True, sync_to_thread=False),
            }
        )
        app_config.signature_types.extend([Settings, PasswordHasher, AccessTokenIssuer, JobQueue, RateLimits])
        app_config.on_startup.insert(0, self.on_startup)
        app_config.on_shutdown.append(self.on_shutdown)
        # The contract: docs/openapi.json is this document exported with the default settings
        # (`uv run python -m chopchop.openapi`); tests/integration/test_contract.py fails when they differ.
        app_config.openapi_config = OpenAPIConfig(
            title="Chop-chop API",
            version=__version__,
            summary="A recipe-sharing REST API.",
            description=OPENAPI_DESCRIPTION,
            contact=Contact(name="Chop-chop team", url="https://github.com/chopchop", email="api@chopchop.dev"),
            license=License(name="MIT", identifier="MIT"),
            # Relative first: Swagger UI's "Try it out" and Authorize then call the origin the page came from,
            # whatever host name or port the browser used (127.0.0.1 vs localhost would be a CORS failure).
            servers=[
                Server(url="/", description="The server that serves this document"),
                Server(
                    url=settings.public_base_url.rstrip("/") or "/",
                    description="The public URL (CHOPCHOP_PUBLIC_BASE_URL)",
                ),
            ],
            tags=[Tag(name=name, description=text) for name, text in OPENAPI_TAGS.items()],
            # The auth config adds the same scheme name; this one wins (components merge in order): a valid
            # OAuth2 password flow (`scopes` is required) without the `in`/`name`/`scheme` fields of other types.
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(
                        type="oauth2",
                        description="Bearer access token (a JWT). Get one from `POST /api/v1/auth/login` (JSON) "
                        "or `POST /api/v1/auth/token` (OAuth2 password form: `username` is the email address; "
                        "what Swagger UI's Authorize button uses), then send `Authorization: Bearer <token>`.",
                        flows=OAuthFlows(password=OAuthFlow(token_url=TOKEN_URL, scopes={})),
                    )
                }
            ),
            use_handler_docstrings=True,
            create_examples=False,
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(), RedocRenderPlugin()],
        )
        configure_structlog()
        app_config.logging_config = LoggingConfig(
            formatters={"standard": formatter(settings.json_logs)},
            root={"level": settings.log_level.upper(), "handlers": ["queue_listener"]},
            log_exceptions="never",
            loggers={"chopchop": {"level": settings.log_level.upper(), "propagate": True}},
        )
        return auth.on_app_init(app_config)


async def _before_request(request: Request[Any, Any, Any]) -> None:
    """Checks of every request that reaches a handler (not of cache hits, which were checked when stored)."""
    await refuse_undeclared_query_parameters(request)
    await limit_writes(request)


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the API for ``settings`` (default: from the ``CHOPCHOP_*`` environment)."""
    settings = settings or Settings.from_env()
    # Litestar reads the body limit from its constructor only (not from a plugin's AppConfig).
    app = Litestar(
        plugins=[ChopchopPlugin(settings)],
        request_max_body_size=settings.max_body_bytes,
        request_class=StrictRequest,
        before_request=_before_request,
    )
    app.state[QUERY_PARAMETERS_STATE_KEY] = index_query_parameters(app)
    app.state[CACHED_ROUTES_STATE_KEY] = index_cached_routes(app)
    # Litestar runs app middleware only for matched routes: wrapping its whole ASGI handler instead gives the
    # router's 404/405, the 400s of the URL checks and every exception response an id, an access line and
    # the security headers too.
    app.asgi_handler = RequestContextMiddleware(
        SecurityHeadersMiddleware(
            TransportGuard(app.asgi_handler), hsts=settings.public_base_url.startswith("https://")
        )
    )
    tighten_request_bodies(app.openapi_schema, _request_bodies(app))
    document_consistency_tokens(app.openapi_schema, *_consistency_routes(app))
    return app


def _consistency_routes(app: Litestar) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The (path, method) pairs of the document whose reads a replica may serve, and of the writes."""
    reads: list[tuple[str, str]] = []
    writes: list[tuple[str, str]] = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not handler.include_in_schema:
                continue
            for method in handler.http_methods:
                if handler.opt.get(REPLICA_READS_OPT) and method == "GET":
                    reads.append((route.path_format, method))
                elif method in {"POST", "PUT", "PATCH", "DELETE"}:
                    writes.append((route.path_format, method))
    return reads, writes


def _request_bodies(app: Litestar) -> list[type[msgspec.Struct]]:
    """The msgspec Structs the handlers take as their ``data`` (request body)."""
    bodies: list[type[msgspec.Struct]] = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            annotation = data.annotation if data is not None else None
            if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
                bodies.append(annotation)
    return bodies
