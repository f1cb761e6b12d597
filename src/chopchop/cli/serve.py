"""`chopchop serve`: the API under granian or uvicorn, one process per available CPU."""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from pathlib import Path

import click

from chopchop.cli.paths import APP_PATH


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


def share_metrics() -> None:
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
