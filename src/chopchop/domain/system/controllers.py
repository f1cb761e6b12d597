"""Health probes for load balancers, containers and orchestrators."""

from __future__ import annotations

import asyncio

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


class Health(msgspec.Struct):
    status: str
    checks: dict[str, str] = msgspec.field(default_factory=dict)


CHECK_TIMEOUT_SECONDS = 2.0


class HealthController(Controller):
    path = "/health"
    tags = ["health"]
    opt = {"exclude_from_auth": True}
    security = [{}]
    include_in_schema = True

    @get("/live", operation_id="live", cache=False)
    async def live(self) -> Health:
        """The process is up and serving."""
        return Health(status="ok")

    @get("/ready", operation_id="ready", cache=False)
    async def ready(self, db_session: NamedDependency[AsyncSession], state: State) -> Response[Health]:
        """The database and, in server mode, Redis answer. 503 with the failing checks otherwise."""
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(db_session.execute(text("SELECT 1")), CHECK_TIMEOUT_SECONDS)
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            checks["database"] = f"error: {type(exc).__name__}"
        plugin = state.chopchop
        if plugin.saq is not None:
            try:
                queue = plugin.job_queue.queue
                await asyncio.wait_for(queue.redis.ping(), CHECK_TIMEOUT_SECONDS)
                checks["redis"] = "ok"
            except Exception as exc:  # noqa: BLE001
                checks["redis"] = f"error: {type(exc).__name__}"
        healthy = all(value == "ok" for value in checks.values())
        return Response(
            Health(status="ok" if healthy else "unavailable", checks=checks),
            status_code=HTTP_200_OK if healthy else HTTP_503_SERVICE_UNAVAILABLE,
        )
