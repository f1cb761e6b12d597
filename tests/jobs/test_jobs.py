"""The embedded mode's job runner: periodic jobs run on their schedule, inside the API's event loop."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from chopchop.app import create_app
from chopchop.lib.jobs import InProcessJobQueue, Scheduled
from chopchop.server import ChopchopPlugin
from chopchop.server.jobs import CRON_JOBS
from chopchop.settings import Settings


@pytest.mark.slow  # waits for a cron schedule with seconds
async def test_periodic_jobs_run_on_their_schedule_and_a_failure_does_not_stop_them() -> None:
    runs: list[str] = []

    async def tick(ctx: dict[str, Any]) -> None:
        runs.append(ctx["name"])

    async def broken(ctx: dict[str, Any]) -> None:
        runs.append("broken")
        raise RuntimeError("a job that fails")

    queue = InProcessJobQueue({}, {"name": "tick"})
    queue.start_schedule([Scheduled("* * * * * *", tick), Scheduled("* * * * * *", broken, timeout=1)])
    await asyncio.sleep(2.6)
    await queue.drain()
    assert runs.count("tick") >= 2, runs
    assert runs.count("broken") >= 2, runs  # it failed, and ran again at its next time
    stopped = len(runs)
    await asyncio.sleep(1.2)
    assert len(runs) == stopped  # drained: the schedule is over


async def test_the_embedded_mode_runs_the_periodic_jobs_of_the_worker(tmp_path: Path) -> None:
    """An embedded API schedules every cron job the SAQ worker runs in server mode (outbox sweep and purge, token
    purge, usage fold, change feed prune), and stops them at shutdown."""
    app = create_app(
        Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'cron.sqlite3'}", data_dir=str(tmp_path / "var"))
    )
    names = [str(getattr(job.function, "__name__", job.function)) for job in CRON_JOBS]
    assert {
        "sweep_outbox",
        "purge_outbox",
        "purge_expired_tokens",
        "fold_ingredient_usage",
        "prune_recipe_changes",
    } <= set(names)
    async with app.lifespan():
        queue = app.plugins.get(ChopchopPlugin).job_queue
        assert isinstance(queue, InProcessJobQueue)
        assert queue.scheduled == names
        assert queue._schedule is not None and not queue._schedule.done()
    assert queue._schedule is None
