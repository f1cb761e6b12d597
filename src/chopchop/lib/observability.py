"""Structured JSON logs with request ids, and Prometheus metrics."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, cast

import structlog
from litestar.plugins.prometheus import PrometheusMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
    multiprocess,
)

from chopchop.lib.text import END

REQUEST_ID_HEADER = "x-request-id"
REQUEST_ID_STATE_KEY = "chopchop_request_id"
_REQUEST_ID_BYTES = REQUEST_ID_HEADER.encode("latin-1")
# A client's id is kept only if it is short and plain: it ends up in logs and headers.
REQUEST_ID_PATTERN = rf"^[A-Za-z0-9._:-]{{1,128}}{END}"  # what a client may send; anything else is replaced
_VALID_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)

# When the current request reached the app (time.perf_counter()): a generation read sent later than that may
# answer it (see chopchop.lib.cache). 0.0 outside a request.
REQUEST_ARRIVED: ContextVar[float] = ContextVar("chopchop_request_arrived", default=0.0)

access_log = structlog.get_logger("chopchop.access")
_ACCESS_LOGGER = logging.getLogger("chopchop.access")

#: Where the worker processes of one server write their metrics (``chopchop serve`` sets it when it starts
#: several): a scrape of any worker then reports the sums over all of them. Read by prometheus_client at import.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

CACHE_LOOKUPS = Counter("chopchop_cache_lookups", "Response-cache lookups by result", ["result"])
# Read from PostgreSQL/Redis by whichever worker is scraped: the latest reading is the value.
QUEUE_DEPTH = Gauge("chopchop_queue_jobs", "Jobs in the SAQ queue by state", ["state"], multiprocess_mode="mostrecent")
# Each process checks its replicas: the most recent reading of any of them is the value.
REPLICA_LAG = Gauge(
    "chopchop_replica_lag_seconds",
    "How far each read replica is behind the primary (by the WAL it has not replayed)",
    ["replica"],
    multiprocess_mode="mostrecent",
)
REPLICA_UP = Gauge(
    "chopchop_replica_up", "1 while a read replica is in rotation, else 0", ["replica"], multiprocess_mode="mostrecent"
)
REPLICA_READS = Counter("chopchop_replica_routing", "Public reads by the database that served them", ["target"])
OUTBOX_BACKLOG = Gauge(
    "chopchop_outbox_messages", "Outbox messages not yet sent, by status", ["status"], multiprocess_mode="mostrecent"
)


def shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def formatter(json_logs: bool) -> dict[str, Any]:
    """A logging dictConfig formatter: stdlib records and structlog events, rendered as JSON or for humans."""
    renderer: Any = structlog.processors.JSONRenderer() if json_logs else structlog.dev.ConsoleRenderer(colors=False)
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "foreign_pre_chain": [*shared_processors(), structlog.stdlib.ExtraAdder()],
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    }


def configure_structlog() -> None:
    structlog.configure(
        processors=[*shared_processors(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def request_id_of(scope: Scope) -> str | None:
    value = cast("dict[str, Any]", scope).get("state", {}).get(REQUEST_ID_STATE_KEY)
    return str(value) if value is not None else None


def _loggable(path: str) -> str:
    # The access line is written for refused requests too: a decoded `%0A` must not start a forged log line.
    return path if path.isprintable() else path.encode("unicode_escape").decode("ascii")


class RequestContextMiddleware:
    """Gives every request an id (the client's ``X-Request-ID`` if sane), echoes it, logs one access line.

    The id and, once known, the user id are bound to the log context, so every log line of the request
    carries them. Tokens, passwords and bodies are never logged: only method, path, status and timing.
    It wraps Litestar's whole ASGI handler (see ``create_app``): router 404/405s get an id and a line too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = cast("dict[str, Any]", scope)
        if http["type"] != "http":
            await self.app(scope, receive, send)
            return
        supplied = next((v.decode("latin-1") for k, v in http.get("headers", []) if k.lower() == b"x-request-id"), "")
        request_id = supplied if _VALID_REQUEST_ID.match(supplied) else os.urandom(16).hex()
        http.setdefault("state", {})[REQUEST_ID_STATE_KEY] = request_id
        request_id_bytes = request_id.encode("latin-1")
        started = time.perf_counter()
        arrived = REQUEST_ARRIVED.set(started)
        status = 500

        async def send_with_id(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [pair for pair in message.get("headers", ()) if pair[0].lower() != _REQUEST_ID_BYTES]
                headers.append((_REQUEST_ID_BYTES, request_id_bytes))
                message["headers"] = headers
            await send(message)

        bound = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ARRIVED.reset(arrived)
            if _ACCESS_LOGGER.isEnabledFor(logging.INFO):
                user: Any = http.get("user")
                access_log.info(
                    "request",
                    method=http.get("method"),
                    path=_loggable(str(http.get("path", ""))),
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                    user_id=str(getattr(user, "id", "")) or None,
                )
            structlog.contextvars.reset_contextvars(**bound)


async def metrics_body(refresh: Callable[[], Awaitable[None]]) -> tuple[bytes, str]:
    """The Prometheus exposition, after refreshing the gauges that are read at scrape time."""
    try:
        await refresh()
    except Exception:
        logging.getLogger("chopchop.metrics").warning("could not refresh queue/outbox gauges", exc_info=True)
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


class LeanPrometheusMiddleware(PrometheusMiddleware):
    """Litestar's Prometheus middleware, same metrics and labels, with each label set's children looked up once.

    The stock one builds a ``Request``, two label dicts and four ``labels()`` lookups per request: a fifth of a
    cache hit's time. Configurations this does not cover (extra labels, exemplars, excluded methods) get the
    stock behaviour.
    """

    def __init__(self, app: ASGIApp, config: Any) -> None:
        super().__init__(app, config)
        self._children: dict[tuple[str, str, int], tuple[Any, Any, Any, Any]] = {}
        self._lean = not (config.labels or config.exemplars or config.excluded_http_methods)

    def _metrics_of(self, method: str, path: str, status: int) -> tuple[Any, Any, Any, Any]:
        key = (method, path, status)
        found = self._children.get(key)
        if found is None:
            labels: dict[str, str | int | float] = {
                "method": method,
                "path": path,
                "status_code": status,
                "app_name": self._config.app_name,
            }
            values = [*labels.values()]
            found = self._children[key] = (
                self.requests_in_progress(labels).labels(*values),
                self.request_count(labels).labels(*values),
                self.request_time(labels).labels(*values),
                self.requests_error_count(labels).labels(*values),
            )
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = cast("dict[str, Any]", scope)
        if http["type"] != "http" or not self._lean:
            await super().__call__(scope, receive, send)
            return
        method: str = http["method"]
        path: str = http["path_template"] if self._config.group_path else http["path"]
        started = time.perf_counter()
        status, duration = 200, 0.0

        async def wrapped_send(message: Any) -> None:
            nonlocal status, duration
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                duration = time.perf_counter() - started
            await send(message)

        in_progress = self._metrics_of(method, path, 200)[0]
        in_progress.inc()
        try:
            await self.app(scope, receive, wrapped_send)
        finally:
            in_progress.dec()
            _, count, timing, errors = self._metrics_of(method, path, status)
            if status >= 500:
                errors.inc()
            count.inc()
            timing.observe(duration)
