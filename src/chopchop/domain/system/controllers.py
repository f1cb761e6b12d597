"""Health probes for load balancers, containers and orchestrators."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from chopchop.domain.system.services import SystemService, provide_system_service
from chopchop.lib.apidoc import ApiOperation
from chopchop.lib.observability import metrics_body
from chopchop.lib.problems import Unauthorized
from chopchop.lib.replicas import Replicas
from chopchop.settings import Settings

# The read replicas, if any, in the app's state (``server/plugin.py``): a dataclass, not a DI value, which
# Litestar would try to parse as a model.
REPLICAS_STATE_KEY = "replicas"


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


system_dependencies = {"system_service": Provide(provide_system_service)}


class HealthController(Controller):
    path = "/health"
    dependencies = system_dependencies
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
    async def ready(self, system_service: NamedDependency[SystemService], state: State) -> Response[Health]:
        """The database and, in server mode, Redis answer. 503 with the failing checks otherwise.

        With read replicas, each is listed too (`replica <host:port/db>`: `ok`, `ok (lag 0.4s)`, or why it is out
        of rotation); a replica out of rotation does not make the service unready: the primary serves its reads.
        """
        checks = await system_service.checks()
        healthy = all(value == "ok" for value in checks.values())
        replicas: Replicas | None = state.get(REPLICAS_STATE_KEY)
        if replicas is not None:
            # Reported, not required: without a replica in rotation the primary serves every read.
            checks.update(replicas.health())
        return Response(
            Health(status="ok" if healthy else "unavailable", checks=checks),
            status_code=HTTP_200_OK if healthy else HTTP_503_SERVICE_UNAVAILABLE,
        )


def bearer_matches(authorization: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``token``, compared in constant time.

    Both sides are hashed first, so that the time taken does not depend on where they differ or on the
    length of either.
    """
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        presented = ""
    expected = hashlib.sha256(token.encode()).digest()
    return hmac.compare_digest(hashlib.sha256(presented.strip().encode()).digest(), expected)


class MetricsController(Controller):
    """Prometheus scrape endpoint: request rate and latency by route and status, cache hits and misses,
    queue depth and outbox backlog. Not in the API document.

    Without ``CHOPCHOP_METRICS_TOKEN``: a 404, as if there were no such endpoint (nothing to probe, no token
    to guess). With it: a 401 unless the request presents it as a bearer token. The JWT middleware is
    skipped: the metrics token is not an access token.
    """

    path = "/metrics"
    dependencies = system_dependencies
    include_in_schema = False
    opt = {"exclude_from_auth": True}

    @get("/", cache=False)
    async def metrics(
        self,
        request: Request[object, object, State],
        settings: NamedDependency[Settings],
        system_service: NamedDependency[SystemService],
    ) -> Response[bytes]:
        token: str | None = settings.metrics_token
        if not token:
            raise NotFoundException
        if not bearer_matches(request.headers.get("authorization"), token):
            raise Unauthorized(
                "Missing or wrong metrics token (CHOPCHOP_METRICS_TOKEN).",
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )

        body, content_type = await metrics_body(system_service.refresh_gauges)
        # The exposition's content type names its charset already: Litestar would add a second one to a text/* type.
        media_type, _, _ = content_type.rpartition("; charset=")
        return Response(body, media_type=media_type or content_type)
