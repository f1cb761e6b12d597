"""What an API process leaves behind when it stops: no database connection of its own."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event

from chopchop.app import create_app
from chopchop.server.plugin import ChopchopPlugin
from chopchop.settings import Settings
from tests.factories import recipe_payload
from tests.helpers import quick_user, running

pytestmark = pytest.mark.integration


async def _open(database_url: str, pids: set[int]) -> set[int]:
    """Which of the server processes ``pids`` still serve a connection."""
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await connection.fetch("SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int[])", list(pids))
    finally:
        await connection.close()
    return {row["pid"] for row in rows}


@pytest.mark.parametrize("apps", [1, 3])
async def test_a_stopped_app_holds_no_database_connection(settings: Settings, database_url: str, apps: int) -> None:
    """Every app of a process closes its pool at shutdown, not only the first one (advanced-alchemy names the
    later ones' state keys ``db_engine_1``, ``db_engine_2``, ... and disposed only the first one's engine)."""
    for index in range(apps):
        app = create_app(settings)
        pids: set[int] = set()

        @event.listens_for(app.plugins.get(ChopchopPlugin).db_config.get_engine().sync_engine, "connect")
        def _opened(dbapi_connection: Any, _record: Any, pids: set[int] = pids) -> None:
            pids.add(dbapi_connection.driver_connection.get_server_pid())

        async with running(app) as http:
            _, headers = await quick_user(app, f"cook{index}@example.com")
            payloads = [recipe_payload(title=f"Soup {n}") for n in range(6)]
            created = await asyncio.gather(
                *(http.post("/api/v1/recipes", json=body, headers=headers) for body in payloads)
            )
            assert {answer.status_code for answer in created} == {201}
            assert await _open(database_url, pids), "the app served requests without a connection of its own"
        assert await _open(database_url, pids) == set(), f"app {index + 1} of {apps} left connections open"
