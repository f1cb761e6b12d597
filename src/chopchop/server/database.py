"""The database: the engine and session configuration, the request transaction, the read replicas."""

from __future__ import annotations

import warnings
from typing import Any

import click
from advanced_alchemy.extensions.litestar import AsyncSessionConfig, EngineConfig, SQLAlchemyInitPlugin
from litestar.config.app import AppConfig
from litestar.di import Provide
from sqlalchemy import event

from chopchop.lib.cache import needed_lsn
from chopchop.lib.replicas import Replicas, RoutedAsyncConfig, token_key
from chopchop.lib.transactions import Participant, commit_before_send
from chopchop.settings import Settings


def _engine_config(settings: Settings) -> EngineConfig:
    if settings.uses_sqlite:
        return EngineConfig()
    # Bounded waits: a dead or saturated database is a quick 503, never a hung request. No pre-ping (a round
    # trip per request): a connection found dead invalidates the pool and the next one is new.
    return EngineConfig(
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


def build_db_config(settings: Settings, participants: list[Participant]) -> RoutedAsyncConfig:
    """The session configuration, with the request transaction's commit hook and its ``participants`` (the work
    tied to a commit: the response cache's invalidation, the outbox's dispatch; ``lib/transactions.py``)."""
    config = RoutedAsyncConfig(
        connection_string=settings.database_url,
        before_send_handler=None,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        engine_config=_engine_config(settings),
        create_all=False,
    )
    # Consistency tokens are signed: checked on public reads with or without replicas (one contract everywhere).
    consistency_key = config.token_key = token_key(settings.jwt_secret or "")
    config.before_send_handler = commit_before_send(
        participants, token_key=consistency_key if settings.replica_urls else None
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


class DatabasePlugin(SQLAlchemyInitPlugin):
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
