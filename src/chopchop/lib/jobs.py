"""Background jobs: one interface, backed by SAQ on Redis (server mode) or by the API process (embedded).

Server mode registers litestar-saq's plugin with the app, followed by :class:`SAQInTheApi`: one queue configuration
for the API (which enqueues), the workers (``chopchop workers run``, or its alias ``chopchop worker``) and the SAQ
web UI, which the API serves at ``/saq/`` to whoever has ``CHOPCHOP_SAQ_WEB_TOKEN``. No worker runs in an API
process.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import html
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol, cast, runtime_checkable

from croniter import croniter  # type: ignore[import-untyped]
from litestar import Router
from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import ResponseHeader
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins import InitPluginProtocol
from litestar.static_files import create_static_files_router
from litestar_saq import SAQPlugin
from litestar_saq.controllers import build_controller
from saq import Queue

from chopchop.lib.problems import Forbidden, Unauthorized

logger = logging.getLogger("chopchop.jobs")

JobContext = dict[str, Any]
JobFunction = Callable[..., Awaitable[Any]]

# One attempt per job: what must be retried (email delivery) keeps its own count and schedule in the outbox
# (``chopchop.lib.outbox``), and re-enqueues itself for later; SAQ retrying it too multiplied the attempts.
DEFAULT_JOB_OPTIONS: dict[str, Any] = {"timeout": 60, "retries": 1}


@runtime_checkable
class JobQueue(Protocol):
    """Where request handlers hand work that must not happen inside the request."""

    async def enqueue(self, task: str, /, *, after: float = 0.0, **kwargs: Any) -> None:
        """Run ``task(ctx, **kwargs)`` once, not before ``after`` seconds from now."""
        ...


class SaqJobQueue:
    """Enqueues onto a SAQ queue; separate worker processes (``chopchop workers run``) run the jobs."""

    def __init__(self, queue: Queue) -> None:
        self.queue = queue

    async def enqueue(self, task: str, /, *, after: float = 0.0, **kwargs: Any) -> None:
        # SAQ: whole epoch seconds, 0 = now; rounded up, never sooner than asked.
        scheduled = math.ceil(time.time() + after) if after > 0 else 0
        await self.queue.enqueue(task, scheduled=scheduled, **DEFAULT_JOB_OPTIONS, **kwargs)

    async def ping(self) -> None:
        """Raises unless the queue's Redis answers."""
        await cast("Any", self.queue).redis.ping()


class Scheduled(NamedTuple):
    """A periodic job: its cron expression (5 fields, or 6 with seconds last), function and time limit."""

    cron: str
    function: JobFunction
    timeout: float | None = None


class InProcessJobQueue:
    """Embedded mode: runs each job as a task of the API's own event loop, with the same retries, and the periodic
    jobs on their schedule (what the SAQ worker's cron does in server mode)."""

    def __init__(self, functions: Mapping[str, JobFunction], context: JobContext) -> None:
        self.functions = dict(functions)
        self.context = context
        self._tasks: set[asyncio.Task[None]] = set()
        self._schedule: asyncio.Task[None] | None = None
        self.scheduled: list[str] = []

    def start_schedule(self, jobs: Sequence[Scheduled]) -> None:
        """Run ``jobs`` at their times until :meth:`stop_schedule`; a failing run is logged, the next one runs."""
        self.scheduled = [job.function.__name__ for job in jobs]
        if jobs:
            self._schedule = asyncio.create_task(self._run_schedule(list(jobs)))

    async def stop_schedule(self) -> None:
        if self._schedule is not None:
            self._schedule.cancel()
            await asyncio.gather(self._schedule, return_exceptions=True)
            self._schedule = None

    async def _run_schedule(self, jobs: list[Scheduled]) -> None:
        now = datetime.now(UTC)
        times = [croniter(job.cron, now) for job in jobs]
        due = [moment.get_next(datetime) for moment in times]
        while True:
            index = min(range(len(jobs)), key=due.__getitem__)
            await asyncio.sleep(max(0.0, (due[index] - datetime.now(UTC)).total_seconds()))
            job = jobs[index]
            due[index] = times[index].get_next(datetime)
            run = asyncio.create_task(self._once(job))
            self._tasks.add(run)
            run.add_done_callback(self._tasks.discard)

    async def _once(self, job: Scheduled) -> None:
        try:
            await asyncio.wait_for(job.function(self.context), timeout=job.timeout)
        except Exception:
            logger.exception("scheduled job %s failed", job.function.__name__)

    async def enqueue(self, task: str, /, *, after: float = 0.0, **kwargs: Any) -> None:
        function = self.functions[task]
        job = asyncio.create_task(self._run(task, function, kwargs, after))
        self._tasks.add(job)
        job.add_done_callback(self._tasks.discard)

    async def _run(self, name: str, function: JobFunction, kwargs: dict[str, Any], after: float) -> None:
        if after > 0:
            await asyncio.sleep(after)
        try:
            await asyncio.wait_for(function(self.context, **kwargs), timeout=DEFAULT_JOB_OPTIONS["timeout"])
        except Exception:
            logger.exception("job %s failed", name)

    async def drain(self) -> None:
        """Wait for the jobs that are still running (at shutdown, and in tests)."""
        await self.stop_schedule()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


# The SAQ web UI: where litestar-saq mounts it (the page, its JSON API under /saq/api and its static files).
SAQ_WEB_PATH = "/saq"
SAQ_WEB_REALM = "chopchop-saq"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def basic_password_matches(authorization: str | None, password: str) -> bool:
    """Whether an ``Authorization: Basic`` header carries ``password`` (any user name), in constant time.

    Both sides are hashed first, so that the time taken does not depend on where they differ or on their length.
    """
    scheme, _, credentials = (authorization or "").partition(" ")
    presented = b""
    if scheme.lower() == "basic":
        try:
            presented = base64.b64decode(credentials.strip(), validate=True).partition(b":")[2]
        except (binascii.Error, ValueError):
            presented = b""
    expected = hashlib.sha256(password.encode()).digest()
    return hmac.compare_digest(hashlib.sha256(presented).digest(), expected)


def saq_web_guard(token: str) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]:
    """The guard of every route of the SAQ web UI: HTTP Basic with ``token`` as the password (401 otherwise), and
    no cross-site writes (403).

    Basic, not the API's bearer tokens: a browser asks for it and then sends it by itself, with the page and with
    the UI's own ``fetch`` calls, which attach no token. A browser also sends it with requests that other sites
    make it send: so a retry or abort (POST) must come from the UI's own page (``Sec-Fetch-Site``, which browsers
    set and pages cannot) and be JSON (a cross-site form cannot send that without a CORS preflight).
    """
    challenge = {"WWW-Authenticate": f'Basic realm="{SAQ_WEB_REALM}", charset="UTF-8"'}

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        headers = connection.headers
        if not basic_password_matches(headers.get("authorization"), token):
            raise Unauthorized(
                "The SAQ web UI takes HTTP Basic authentication: any user name, the password CHOPCHOP_SAQ_WEB_TOKEN.",
                headers=challenge,
            )
        if connection.scope.get("method", "GET") not in _SAFE_METHODS:
            site = headers.get("sec-fetch-site", "same-origin")
            media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
            if site not in {"same-origin", "none"} or media_type != "application/json":
                raise Forbidden("Changes through the SAQ web UI come from its own page, as JSON.")

    return guard


def saq_web_csp(path: str = SAQ_WEB_PATH) -> str:
    """The Content-Security-Policy of the UI's page: its scripts and styles from this origin, and the one inline
    script litestar-saq writes into it (by its hash), nothing else. The API's policy (``default-src 'none'``)
    would block the page; tests/jobs/test_saq_plugin.py checks that the hash is the page's script's."""
    inline = f'const root_path = "{html.escape(path.rstrip("/") or SAQ_WEB_PATH)}";'
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    return (
        f"default-src 'none'; script-src 'self' 'sha256-{digest}'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


class SAQInTheApi(InitPluginProtocol):
    """Registered right after litestar-saq's own ``SAQPlugin`` (which the ``workers`` CLI finds by its exact type):
    what that plugin does to an API app, made fit for one.

    * No worker in API processes. ``SAQConfig(use_server_lifespan=False)`` keeps ``litestar run`` from spawning
      worker processes and ``QueueConfig(separate_process=True)`` keeps workers off the app's event loop; but
      ``SAQPlugin.on_app_init`` still hooks every worker into the app's start-up and shutdown, where a
      separate-process worker starts a heartbeat thread (for ``@monitored_job``, which no task of ours uses).
      Those hooks are taken out again: API processes enqueue (the queue connects in ``ChopchopPlugin.on_startup``),
      ``chopchop workers run`` processes.
    * The web UI, only with a token: litestar-saq's controller and static files, mounted here under one router
      with :func:`saq_web_guard` (litestar-saq would leave its static files open, and its pages under the JWT
      middleware), the page's own CSP, and nothing in the API document. ``SAQConfig.web_enabled`` stays False
      so that litestar-saq does not mount them a second time.
    """

    def __init__(self, saq: SAQPlugin, *, web_token: str | None = None) -> None:
        self.saq = saq
        self.web_token = web_token

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        owners = {id(self.saq), *(id(worker) for worker in self.saq.get_workers().values())}

        def ours(hook: Any) -> bool:
            return id(getattr(hook, "__self__", None)) not in owners

        app_config.on_startup[:] = [hook for hook in app_config.on_startup if ours(hook)]
        app_config.on_shutdown[:] = [hook for hook in app_config.on_shutdown if ours(hook)]
        if self.web_token:
            app_config.route_handlers.append(self._web_ui(self.web_token))
        return app_config

    def _web_ui(self, token: str) -> Router:
        return Router(
            path="/",
            route_handlers=[
                build_controller(SAQ_WEB_PATH, None, False),
                create_static_files_router(
                    path=f"{SAQ_WEB_PATH}/static",
                    directories=[self.saq.config.static_files],
                    name="saq",
                    include_in_schema=False,
                ),
            ],
            guards=[saq_web_guard(token)],
            response_headers=[ResponseHeader(name="content-security-policy", value=saq_web_csp(SAQ_WEB_PATH))],
            opt={"exclude_from_auth": True},
            include_in_schema=False,
        )
