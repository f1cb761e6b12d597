"""Health probes for load balancers, containers and orchestrators."""

from __future__ import annotations

import asyncio
from typing import Annotated

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from chopchop.db import OutboxStatus
from chopchop.lib import outbox
from chopchop.lib.apidoc import ApiOperation
from chopchop.lib.observability import OUTBOX_BACKLOG, QUEUE_DEPTH, metrics_body


class Health(msgspec.Struct):
    """The state of the service and, for readiness, of each thing it depends on."""

    status: Annotated[str, msgspec.Meta(description="`ok`, or `unavailable` when a check failed.", examples=["ok"])]
    checks: Annotated[
        dict[str, str],
        msgspec.Meta(
            description="Each dependency (`database`, `redis`) and `ok` or the error it gave.",
            examples=[{"database": "ok", "redis": "ok"}],
        ),
    ] = msgspec.field(default_factory=dict)


CHECK_TIMEOUT_SECONDS = 2.0


class HealthController(Controller):
    path = "/health"
    tags = ["health"]
    opt = {"exclude_from_auth": True}
    security = [{}]
    include_in_schema = True

    @get("/live", operation_id="getLiveness", operation_class=ApiOperation, cache=False)
    async def live(self) -> Health:
        """The process is up and serving."""
        return Health(status="ok")

    @get(
        "/ready",
        operation_id="getReadiness",
        operation_class=ApiOperation,
        cache=False,
        responses={
            503: ResponseSpec(
                Health, description="A dependency does not answer: `checks` says which.", generate_examples=False
            )
        },
    )
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


class MetricsController(Controller):
    """Prometheus scrape endpoint: request rate and latency by route and status, cache hits and misses,
    queue depth and outbox backlog. Not in the API document; protect it at the network edge."""

    path = "/metrics"
    include_in_schema = False
    opt = {"exclude_from_auth": True}

    @get("/", cache=False)
    async def metrics(self, state: State) -> Response[bytes]:
        plugin = state.chopchop

        async def refresh() -> None:
            backlog = await outbox.backlog(plugin.db_config)
            for status in (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.DEAD):
                OUTBOX_BACKLOG.labels(status.value).set(backlog.get(status.value, 0))
            if plugin.saq is not None:
                queue = plugin.job_queue.queue
                for kind in ("queued", "active"):
                    QUEUE_DEPTH.labels(kind).set(await asyncio.wait_for(queue.count(kind), CHECK_TIMEOUT_SECONDS))

        body, content_type = await metrics_body(refresh)
        return Response(body, media_type=content_type)
