"""The one plugin that turns :class:`Settings` into a running API: each part is built by its own module
(database, stores, jobs, OpenAPI, HTTP edge) and :meth:`ChopchopPlugin.on_app_init` only composes them."""

from __future__ import annotations

import contextlib
import gc
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.plugins import InitPluginProtocol, PluginProtocol
from litestar_saq import SAQPlugin
from redis.exceptions import RedisError

from chopchop import __version__
from chopchop.db.migrate import upgrade_async
from chopchop.domain.accounts.auth import VIEWER_STATE_KEY, build_auth, viewer_authenticator
from chopchop.domain.accounts.controllers import AccessTokenController, AuthController, MeController
from chopchop.domain.collections.controllers import (
    CollectionController,
    MyCollectionController,
    UserCollectionController,
)
from chopchop.domain.comments.controllers import CommentController, RecipeCommentController
from chopchop.domain.follows.controllers import FeedController, FollowController
from chopchop.domain.imports.controllers import RecipeImportController
from chopchop.domain.moderation.controllers import AdminController, ModerationController, ReportController
from chopchop.domain.photos.controllers import photo_router
from chopchop.domain.recipes.controllers import (
    IngredientController,
    MyRecipesController,
    RecipeController,
    UserRecipesController,
)
from chopchop.domain.system.controllers import REPLICAS_STATE_KEY, HealthController, MetricsController
from chopchop.domain.users.controllers import UserController
from chopchop.domain.webhooks.controllers import WebhookController
from chopchop.lib.cache import TOKEN_KEY_STATE_KEY, CacheInvalidation, Generations
from chopchop.lib.conditional import ConditionalGetMiddleware
from chopchop.lib.jobs import InProcessJobQueue, JobContext, JobQueue, SAQInTheApi, SaqJobQueue
from chopchop.lib.observability import configure_structlog
from chopchop.lib.outbox import OutboxDispatch
from chopchop.lib.passwords import PasswordHasher
from chopchop.lib.problems import exception_handlers
from chopchop.lib.ratelimit import Rate, RateLimiter, RateLimits
from chopchop.lib.storage import NewObjectsCleanup, ObjectStorage
from chopchop.lib.tokens import AccessTokenIssuer
from chopchop.server import http, jobs, storage, stores
from chopchop.server.database import DatabasePlugin, build_db_config
from chopchop.server.docs import docs_asset
from chopchop.server.openapi import openapi_config
from chopchop.settings import RATE_SETTINGS, Settings

logger = logging.getLogger("chopchop")

CONTROLLERS = [
    AuthController,
    MeController,
    AccessTokenController,
    HealthController,
    MetricsController,
    RecipeCommentController,
    CommentController,
    UserController,
    RecipeImportController,
    RecipeController,
    IngredientController,
    UserRecipesController,
    MyRecipesController,
    WebhookController,
    ReportController,
    ModerationController,
    AdminController,
    MyCollectionController,
    CollectionController,
    UserCollectionController,
    FollowController,
    FeedController,
]


class ChopchopPlugin(InitPluginProtocol):
    """Wires one :class:`Settings` into the app: database, stores, jobs, auth, OpenAPI and routes."""

    def __init__(self, settings: Settings, *, hasher: PasswordHasher | None = None) -> None:
        """``hasher`` replaces the one the settings describe (tests use a cheap one; operators cannot: the settings
        refuse parameters below OWASP's minimum)."""
        # Embedded mode without a configured secret: the one generated in the data folder (read after
        # validation, so that a refused configuration creates nothing).
        settings = self.settings = settings.validate().with_jwt_secret()
        self.mailer = jobs.build_mailer(settings)
        self.hasher = hasher or PasswordHasher(
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
        self.redis = stores.connect_redis(settings)
        self.generations = Generations(
            self.redis, settings.redis_key_prefix, lease_seconds=settings.cache_lease_seconds
        )
        self.rate_limits = RateLimits(
            RateLimiter(self.redis, settings.redis_key_prefix, enabled=settings.rate_limits_enabled),
            {name.removeprefix("rate_"): Rate.parse(getattr(settings, name)) for name in RATE_SETTINGS},
            settings.trusted_proxies,
        )
        self.storage = storage.build_storage(settings)
        self.job_context: JobContext = {
            "settings": settings,
            "mailer": self.mailer,
            "storage": self.storage,
            "cache_generations": self.generations,
        }
        self.saq: SAQPlugin | None = None
        self.job_queue: JobQueue
        if settings.redis_url:
            self.saq = jobs.build_saq(settings, settings.redis_url, self._worker_startup)
            self.job_queue = SaqJobQueue(self.saq.get_queue(settings.queue_name))
        else:
            self.job_queue = jobs.in_process_queue(self.job_context)
        # The request transaction's participants: what a committed write must also do (lib/transactions.py).
        self.db_config = build_db_config(
            settings,
            [NewObjectsCleanup(self.storage), CacheInvalidation(self.generations), OutboxDispatch(self.job_queue)],
        )
        self.job_context.update(db_config=self.db_config, job_queue=self.job_queue, cache_generations=self.generations)

    async def _worker_startup(self, ctx: dict[str, Any]) -> None:
        ctx.update(self.job_context)

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self.settings
        app_config.debug = settings.debug
        app_config.state = State(self._state())
        app_config.route_handlers.extend(CONTROLLERS)
        app_config.route_handlers.append(photo_router(settings))  # its own body limit: uploads
        app_config.route_handlers.append(docs_asset)  # the docs pages' files, under /schema/assets/
        # Right after this plugin, before any given after it (the CLI's commands look for litestar-saq's group).
        at = app_config.plugins.index(self) + 1
        app_config.plugins[at:at] = self._plugins()
        app_config.stores = stores.build_stores(settings, self.redis, self.generations)
        app_config.response_cache_config = http.RESPONSE_CACHE
        # Outermost first: conditional GETs see every response, cached or not. The request id, access log,
        # security headers and URL checks wrap the whole app instead (see http.wrap_whole_app).
        app_config.middleware[:0] = [http.PROMETHEUS.middleware, ConditionalGetMiddleware]
        app_config.cors_config = http.cors_config(settings)
        app_config.exception_handlers.update(exception_handlers)
        app_config.dependencies.update(self._dependencies())
        app_config.signature_types.extend(
            [Settings, PasswordHasher, AccessTokenIssuer, JobQueue, RateLimits, ObjectStorage]
        )
        app_config.on_startup.insert(0, self.on_startup)
        app_config.on_shutdown.append(self.on_shutdown)
        app_config.openapi_config = openapi_config(settings)
        configure_structlog()
        app_config.logging_config = http.logging_config(settings)
        auth = build_auth(settings, self.db_config)
        app_config.state[VIEWER_STATE_KEY] = viewer_authenticator(auth)
        return auth.on_app_init(app_config)

    def _plugins(self) -> list[PluginProtocol]:
        plugins: list[PluginProtocol] = [DatabasePlugin(config=self.db_config)]
        if self.saq is not None:
            # litestar-saq's `workers` CLI group and `task_queues` dependency; SAQInTheApi right after it takes its
            # workers out of this process's lifespan and serves the web UI.
            plugins += [self.saq, SAQInTheApi(self.saq, web_token=self.settings.saq_web_token)]
        return plugins

    def _state(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "cache_generations": self.generations,
            TOKEN_KEY_STATE_KEY: self.db_config.token_key,
            "rate_limits": self.rate_limits,
            REPLICAS_STATE_KEY: self.db_config.replicas,
        }

    def _dependencies(self) -> dict[str, Provide]:
        """The app-wide dependencies; each area declares its services next to its controllers."""
        shared: dict[str, object] = {
            "settings": self.settings,
            "hasher": self.hasher,
            "token_issuer": self.token_issuer,
            "job_queue": self.job_queue,
            "rate_limits": self.rate_limits,
            "storage": self.storage,
        }
        return {name: Provide(_constant(value), use_cache=True, sync_to_thread=False) for name, value in shared.items()}

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
        await stores.check_redis_permissions(self.redis)
        if self.db_config.replicas is not None:
            await self.db_config.replicas.check()  # in rotation from the first request, if they are well
            self.db_config.replicas.start()
        if isinstance(self.job_queue, SaqJobQueue):
            await self.job_queue.queue.connect()
        elif isinstance(self.job_queue, InProcessJobQueue):
            # The periodic jobs the SAQ worker runs in server mode (outbox sweep, purges, usage folds).
            self.job_queue.start_schedule(jobs.schedule())
        if gc.get_freeze_count() == 0:
            # What start-up built lives as long as the process: out of the collector's sight, full collections
            # stop walking it (they were most of the p99 of cache hits under load).
            gc.collect()
            gc.freeze()

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


def _constant(value: object) -> Any:
    def provide() -> object:
        return value

    return provide
