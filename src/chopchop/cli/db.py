"""`chopchop db`: the database schema (alembic migrations)."""

from __future__ import annotations

import click
from litestar import Litestar
from litestar.cli._utils import LitestarGroup  # the group class that hands `app` to subcommands

from chopchop.server import ChopchopPlugin


@click.group(name="db", cls=LitestarGroup)
def db_group() -> None:
    """Database schema management (alembic)."""


@db_group.command(name="upgrade")  # type: ignore[untyped-decorator]
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@click.option(
    "--wait",
    "wait_seconds",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Keep retrying this many seconds while the database is unreachable (containers start in any order).",
)
def db_upgrade(app: Litestar, revision: str, wait_seconds: int) -> None:
    """Apply the migrations up to REVISION. Safe to run again: applied ones are skipped."""
    import time

    from sqlalchemy.exc import OperationalError

    from chopchop.db.migrate import upgrade

    url = app.plugins.get(ChopchopPlugin).settings.database_url
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            upgrade(url, revision)
            break
        except (OperationalError, OSError) as exc:
            if time.monotonic() >= deadline:
                raise click.ClickException(f"database unreachable: {exc}") from exc
            click.echo(f"database not reachable yet ({type(exc).__name__}); retrying in 2 s", err=True)
            time.sleep(2)
    click.echo(f"Database is at revision {revision}.")
