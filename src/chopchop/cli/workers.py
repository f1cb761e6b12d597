"""`chopchop workers` in the embedded mode (there are none), and `chopchop worker`, the older name of `workers run`."""

from __future__ import annotations

import sys
from typing import cast

import click
from litestar import Litestar

from chopchop.server import ChopchopPlugin

NO_WORKERS_IN_EMBEDDED_MODE = (
    "SAQ workers need CHOPCHOP_REDIS_URL (server mode): in embedded mode the jobs run inside the API process."
)


@click.command(
    name="workers",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
def workers_embedded() -> None:
    """SAQ workers: `workers run`, `workers status` (server mode only)."""
    click.echo(NO_WORKERS_IN_EMBEDDED_MODE, err=True)
    sys.exit(2)


@click.command(name="worker")
@click.option(
    "--concurrency",
    default=None,
    type=click.IntRange(min=1),
    help="Jobs at once. Default: CHOPCHOP_WORKER_CONCURRENCY (10).",
)
def worker(app: Litestar, concurrency: int | None, ctx: click.Context) -> None:
    """Run one SAQ worker process: the same as `workers run`, kept for existing deployments (server mode)."""
    plugin = app.plugins.get(ChopchopPlugin)
    if plugin.saq is None:
        click.echo(NO_WORKERS_IN_EMBEDDED_MODE, err=True)
        sys.exit(2)
    if concurrency is not None:
        for saq_worker in plugin.saq.get_workers().values():
            saq_worker.concurrency = concurrency
    # litestar-saq's own `workers run`, one process: the same signals, shutdown and logging.
    root = ctx.find_root()
    group = cast("click.Group", cast("click.Group", root.command).get_command(root, "workers"))
    run = cast("click.Command", group.get_command(ctx, "run"))
    ctx.invoke(run, workers=1, queues=(), verbose=None, debug=None)
