"""The ``chopchop`` command: Litestar's CLI with the app preloaded, plus serve, workers (litestar-saq's), db and
users."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click
from litestar.cli._utils import LitestarGroup  # the group class that hands `app` to subcommands
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
        # Server mode: litestar-saq's plugin added its `workers` group (run, status) before this plugin runs.
        if "workers" not in cli.commands:
            cli.add_command(workers_embedded)
        cli.add_command(worker)
        cli.add_command(db_group)
        cli.add_command(users_group)
        from chopchop.domain.recipes.seed import seed_command

        cli.add_command(seed_command)


def available_cpus(cpu_max: Path = Path("/sys/fs/cgroup/cpu.max"), cgroup_v1: Path = Path("/sys/fs/cgroup/cpu")) -> int:
    """The CPUs this process may really use: the CPUs it may run on, capped by its cgroup's CPU quota (a pod's
    CPU limit), rounded up. cgroup v2: ``cpu.max`` holds ``"<quota> <period>"`` (``"max <period>"`` without a
    limit); cgroup v1: ``cpu.cfs_quota_us`` (-1 without a limit) and ``cpu.cfs_period_us``.
    ``os.cpu_count()`` counts the node's CPUs: a pod limited to 1 CPU on a 64-CPU node would start 64 workers."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota, period = "max", "0"
    with contextlib.suppress(OSError, ValueError):
        quota, period = cpu_max.read_text().split()[:2]
    if not cpu_max.exists():
        with contextlib.suppress(OSError, ValueError):
            quota = (cgroup_v1 / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup_v1 / "cpu.cfs_period_us").read_text().strip()
    with contextlib.suppress(ValueError):
        if quota not in {"max", "-1"} and int(period) > 0 and int(quota) > 0:
            cpus = min(cpus, math.ceil(int(quota) / int(period)))
    return max(1, cpus)


def _share_metrics() -> None:
    """The server's worker processes each write their metrics to files in one fresh folder (prometheus_client's
    multiprocess mode), so that ``/metrics`` of any of them reports the whole server. Set before anything imports
    prometheus_client; a folder given by the operator is emptied, as prometheus_client requires between runs."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    try:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            for stale in Path(folder).glob("*.db"):
                stale.unlink(missing_ok=True)
        else:
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="chopchop-metrics-")
    except OSError as exc:  # no writable temporary folder: each worker keeps its own metrics
        click.echo(f"chopchop: metrics per worker process only ({exc})", err=True)
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, envvar="CHOPCHOP_HOST", help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, envvar="CHOPCHOP_PORT", help="TCP port.")
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1),
    envvar="CHOPCHOP_WORKERS",
    help="Server processes. Default: one per available CPU (the cgroup's CPU limit counts) in server mode, one in "
    "the embedded mode.",
)
@click.option(
    "--server",
    "server_name",
    default="granian",
    show_default=True,
    type=click.Choice(["granian", "uvicorn"]),
    envvar="CHOPCHOP_SERVER",
    help="The ASGI server.",
)
def serve(host: str, port: int, workers: int | None, server_name: str) -> None:
    """Run the API server. Options also read CHOPCHOP_HOST, CHOPCHOP_PORT, CHOPCHOP_WORKERS, CHOPCHOP_SERVER.

    granian by default, one worker per CPU: measured in docs/benchmarks.md (cached reads 1.3-1.5x uvicorn's
    throughput with 7-13 % less CPU per request; two workers double the writes that wait on PostgreSQL). uvicorn
    (with uvloop and httptools) serves the same app the same way.
    """
    from chopchop.settings import Settings

    if workers is None:
        workers = 1 if Settings.from_env().embedded else available_cpus()
    if server_name == "uvicorn":
        import uvicorn

        uvicorn.run(
            APP_PATH,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            loop="uvloop",
            http="httptools",
            ws="none",
            lifespan="on",
            access_log=False,  # the app logs one structured access line per request (with its request id)
            timeout_graceful_shutdown=20,
            server_header=False,
        )
        return
    from granian import Granian
    from granian.constants import Interfaces, Loops

    Granian(
        APP_PATH,
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        loop=Loops.uvloop,
        websockets=False,
        log_access=False,  # the app logs one structured access line per request (with its request id)
        workers_kill_timeout=20,
        respawn_failed_workers=True,
    ).serve()


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
    from chopchop.app import ChopchopPlugin

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

    from chopchop.app import ChopchopPlugin
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


@click.group(name="users", cls=LitestarGroup)
def users_group() -> None:
    """Manage user accounts from the shell."""


@users_group.command(name="create")  # type: ignore[untyped-decorator]
@click.option("--email", required=True, help="Email address (the login).")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Password (prompted).")
def users_create(app: Litestar, email: str, display_name: str, password: str) -> None:
    """Create a confirmed, active user."""
    import msgspec

    from chopchop.app import ChopchopPlugin
    from chopchop.domain.accounts.schemas import Registration
    from chopchop.domain.accounts.services import UserService

    try:  # the same rules as the registration endpoint
        msgspec.convert({"email": email, "password": password, "display_name": display_name}, Registration)
    except msgspec.ValidationError as exc:
        raise click.ClickException(str(exc)) from exc
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
    if sys.argv[1:2] == ["serve"]:
        # Before the app (and prometheus_client) is imported: worker processes forked from this one keep the
        # metric storage it chose.
        _share_metrics()
    from litestar.cli.main import litestar_group

    from chopchop.settings import SettingsError

    try:
        litestar_group()
    except SettingsError as exc:
        # A configuration mistake is the operator's to fix: one clear line, no traceback.
        click.echo(f"chopchop: configuration error: {exc}", err=True)
        sys.exit(2)
