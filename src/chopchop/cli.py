"""The ``chopchop`` command: Litestar's CLI with the app preloaded, plus serve, worker, db and users."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import TYPE_CHECKING

import click
from litestar.plugins import CLIPlugin

if TYPE_CHECKING:
    from litestar import Litestar

APP_PATH = "chopchop.app:create_app"


def _plugin(app: Litestar) -> object:
    from chopchop.app import ChopchopPlugin

    return app.plugins.get(ChopchopPlugin)


class ChopchopCLIPlugin(CLIPlugin):
    """Adds the project's commands to the Litestar CLI group."""

    def on_cli_init(self, cli: click.Group) -> None:
        cli.add_command(serve)
        cli.add_command(worker)
        cli.add_command(db_group)
        cli.add_command(users_group)


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1), help="Worker processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Run the API server (uvicorn)."""
    import uvicorn

    uvicorn.run(
        APP_PATH,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=20,
    )


@click.command(name="worker")
@click.option("--concurrency", default=10, show_default=True, type=click.IntRange(min=1), help="Jobs at once.")
def worker(app: Litestar, concurrency: int) -> None:
    """Run a SAQ worker that sends the emails and runs the other background jobs (server mode)."""
    from chopchop.app import ChopchopPlugin

    plugin = app.plugins.get(ChopchopPlugin)
    if plugin.saq is None:
        click.echo("The worker needs CHOPCHOP_REDIS_URL: in embedded mode jobs run inside the API.", err=True)
        sys.exit(2)
    from litestar_saq.cli import run_saq_worker

    saq_worker = plugin.saq.get_workers()[plugin.settings.queue_name]
    saq_worker.concurrency = concurrency
    if app.logging_config is not None:
        app.logging_config.configure()
    click.echo(f"Starting SAQ worker on queue {plugin.settings.queue_name!r} (concurrency {concurrency})")
    run_saq_worker(worker=saq_worker, logging_config=app.logging_config)


@click.group(name="db")
def db_group() -> None:
    """Database schema management (alembic)."""


@db_group.command(name="upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def db_upgrade(app: Litestar, revision: str) -> None:
    """Apply the migrations up to REVISION. Safe to run again: applied ones are skipped."""
    from chopchop.app import ChopchopPlugin
    from chopchop.db.migrate import upgrade

    upgrade(app.plugins.get(ChopchopPlugin).settings.database_url, revision)
    click.echo(f"Database is at revision {revision}.")


@click.group(name="users")
def users_group() -> None:
    """Manage user accounts from the shell."""


@users_group.command(name="create")
@click.option("--email", required=True, help="Email address (the login).")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Password (prompted).")
def users_create(app: Litestar, email: str, display_name: str, password: str) -> None:
    """Create a confirmed, active user."""
    from chopchop.app import ChopchopPlugin
    from chopchop.domain.accounts.services import UserService

    plugin = app.plugins.get(ChopchopPlugin)

    async def _create() -> str:
        async with plugin.db_config.get_session() as session:
            service = UserService(session=session)
            try:
                user = await service.create_confirmed(
                    email=email, display_name=display_name, password=password, hasher=plugin.hasher
                )
            except ValueError as exc:
                raise click.ClickException(str(exc)) from exc
            await session.commit()
            return str(user.id)

    user_id = asyncio.run(_create())
    click.echo(f"Created confirmed user {email} ({user_id}).")


def main() -> None:
    """Entry point of the ``chopchop`` console script."""
    os.environ.setdefault("LITESTAR_APP", APP_PATH)
    from litestar.cli.main import litestar_group

    litestar_group()
