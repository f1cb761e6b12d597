"""Read replicas: which database serves a request, and how far behind each replica is.

The rule (docs/deploy.md, "Read replicas"):

* Only the public reads (the routes of :func:`chopchop.lib.cache.cached_public`: lists, details, profiles,
  searches) may be served by a replica; writes, signed-in reads, health and metrics use the primary, and a
  request keeps one database from its first statement to its last (one snapshot, never a mix).
* A replica serves a request only if it has *replayed* the WAL position the request needs: the consistency
  token the client sent back (``Chopchop-Consistency-Token``, from the answer to its last write), and, for a
  response-cache miss, the position recorded with the generations of the response's tags when they were last
  bumped (so a miss after a write is never filled with what the write replaced). Replicas that have not are
  skipped; with none left, the primary serves.
* Each process checks every replica every ``CHOPCHOP_REPLICA_CHECK_SECONDS``: reachable, still a standby, its
  replay position, and its lag, measured against the primary's WAL positions sampled at the same checks (a
  replica whose WAL receiver stopped looks idle, not current, by its own clock). One that is down, promoted or
  more than ``CHOPCHOP_REPLICA_MAX_LAG_SECONDS`` behind leaves the rotation until a check finds it well again;
  a request that finds it down takes it out at once.

Advanced Alchemy's own ``RoutingConfig`` routes each *statement* (reads before a write's first statement go to
a replica, and consecutive reads may go to different replicas); routing each *request* in the session provider
keeps the repositories and services as they are and every request on one snapshot.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import itertools
import logging
import re
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Litestar
from litestar.datastructures import State
from litestar.types import Scope
from sqlalchemy import event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from chopchop.lib.keys import derive_key
from chopchop.lib.observability import REPLICA_LAG, REPLICA_READS, REPLICA_UP
from chopchop.lib.outages import is_outage
from chopchop.lib.problems import BadRequest
from chopchop.settings import REPLICA_CHECK_TIMEOUT_SECONDS

logger = logging.getLogger("chopchop.replicas")

CONSISTENCY_HEADER = "chopchop-consistency-token"
CONSISTENCY_HEADER_BYTES = CONSISTENCY_HEADER.encode()
# Route opt of the handlers whose reads a replica may serve (set by ``cached_public``).
REPLICA_READS_OPT = "replica_reads"
# Scope state: the replica serving this request, and the session the request was given (see request_session).
ROUTED_STATE_KEY = "chopchop_replica"
REQUEST_SESSION_STATE_KEY = "chopchop_session"
# The commit's position could not be read (its connection died, the primary with it): nothing may be filled from a
# replica on the strength of this write, so its cache release is skipped and its lease ends by itself.
UNKNOWN_POSITION = -1
SAFE_METHODS = frozenset({"GET", "HEAD"})
# How long a failed check takes at most (a replica that hangs must not hold the others' checks).
CHECK_TIMEOUT_SECONDS = REPLICA_CHECK_TIMEOUT_SECONDS
# How much history of the primary's WAL positions is kept to date a replica's replay position.
HISTORY_SECONDS = 120.0
TOKEN_MAC_BYTES = 12
REPLICA_COMMAND_TIMEOUT = 10.0

_LSN = re.compile(r"^([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})$")


def token_for(position: str, key: bytes) -> str:
    """The consistency token of a WAL position: the position and a MAC of it (clients cannot make one up)."""
    mac = hmac.new(key, position.encode(), hashlib.sha256).digest()[:TOKEN_MAC_BYTES]
    return f"{position}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def position_of(token: str, key: bytes) -> int:
    """The WAL position a token carries; ValueError if it is not a token this deployment gave out."""
    position, _, mac = token.partition(".")
    if not hmac.compare_digest(token_for(position, key).encode(), f"{position}.{mac}".encode()):
        raise ValueError(token)
    return parse_lsn(position)


def token_key(secret: str) -> bytes:
    """The MAC key of consistency tokens, derived from the JWT secret (one secret to manage, not reusable)."""
    return derive_key(secret, "consistency token")


def parse_lsn(value: str) -> int:
    """``'16/B374D848'`` (PostgreSQL's ``pg_lsn`` text) as a number; ValueError if it is not one."""
    match = _LSN.match(value)
    if match is None:
        raise ValueError(value)
    return (int(match[1], 16) << 32) | int(match[2], 16)


def is_token(value: bytes, key: bytes) -> bool:
    """Whether a ``Chopchop-Consistency-Token`` header's value is a token of ours (blanks around it allowed;
    an empty header is no token, and fine)."""
    try:
        text = value.decode("ascii").strip()
        if text:
            position_of(text, key)
    except (UnicodeDecodeError, ValueError):
        return False
    return True


def format_lsn(lsn: int) -> str:
    return f"{lsn >> 32:X}/{lsn & 0xFFFFFFFF:X}"


def token_of(scope: Scope, key: bytes) -> int:
    """The WAL position of the client's consistency token (0 without one; the latest of several); a malformed or
    forged token is a 400."""
    position = 0
    for name, value in cast("list[tuple[bytes, bytes]]", scope.get("headers", [])):
        if name == CONSISTENCY_HEADER_BYTES:
            try:
                text = value.decode("ascii").strip()
                if text:
                    position = max(position, position_of(text, key))
            except (UnicodeDecodeError, ValueError):
                raise BadRequest(
                    detail="The Chopchop-Consistency-Token header is not a token this API gave out: send back the "
                    "value of the Chopchop-Consistency-Token header of the answer to your last write, unchanged, "
                    "or no header.",
                    slug="invalid-consistency-token",
                ) from None
    return position


def redacted(url: str) -> str:
    """A replica's name in logs, health and metrics: host, port and database, never credentials."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path}"


@dataclass(eq=False)
class Replica:
    """One replica: its engine and what the last check found."""

    name: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    checks: AsyncEngine  # a connection of its own: a request pool that is full must not fail the check
    healthy: bool = False  # in rotation; not before a first check found it well
    replay_lsn: int = 0
    lag_seconds: float | None = None
    problem: str = "not checked yet"

    def state(self) -> str:
        """What /health/ready says of it."""
        if self.healthy:
            return "ok" if not self.lag_seconds else f"ok (lag {self.lag_seconds:.1f}s)"
        return self.problem


@dataclass(eq=False)
class Replicas:
    """The replicas of one process, their checks and the choice of one for a request."""

    replicas: list[Replica]
    primary: Callable[[], AsyncEngine]
    max_lag_seconds: float
    check_seconds: float
    _history: deque[tuple[float, int]] = field(default_factory=deque)  # (monotonic time, primary LSN)
    _turn: itertools.count[int] = field(default_factory=itertools.count)
    _task: asyncio.Task[None] | None = None

    @classmethod
    def build(
        cls, config: SQLAlchemyAsyncConfig, urls: list[str], *, max_lag_seconds: float, check_seconds: float
    ) -> Replicas:
        """Engines for ``urls`` configured like the primary's (pool, timeouts, server settings)."""
        options = config.engine_config_dict
        connect_args = dict(options.get("connect_args", {}))
        # A replica that hangs is left by the next check; the reads it holds give up sooner than the primary's.
        connect_args["command_timeout"] = min(
            connect_args.get("command_timeout", REPLICA_COMMAND_TIMEOUT), REPLICA_COMMAND_TIMEOUT
        )
        replicas: list[Replica] = []
        self = cls(replicas, config.get_engine, max_lag_seconds, check_seconds)
        for url in urls:
            engine = config.create_engine_callable(url, **{**options, "connect_args": connect_args})
            checks = config.create_engine_callable(
                url, **{**options, "connect_args": connect_args, "pool_size": 1, "max_overflow": 0}
            )
            sessions = async_sessionmaker(**{**config.session_config_dict, "bind": engine})
            replica = Replica(redacted(url), engine, sessions, checks)
            event.listen(engine.sync_engine, "handle_error", self._on_error(replica))
            replicas.append(replica)
        return self

    def _on_error(self, replica: Replica) -> Callable[[ExceptionContext], None]:
        def on_error(context: ExceptionContext) -> None:
            # A request found the replica gone: out of rotation now, not at the next check. Not for a query that a
            # recovery conflict cancelled (40001): the replica is well, that read was unlucky.
            if context.is_disconnect or is_outage(context.original_exception):
                self.failed(replica, context.original_exception)

        return on_error

    # -- checks ------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for replica in self.replicas:
            await replica.engine.dispose()
            await replica.checks.dispose()

    async def _watch(self) -> None:
        while True:
            started = time.monotonic()
            try:
                await self.check()
            except Exception:
                logger.exception("replica check failed")
            await asyncio.sleep(max(0.0, self.check_seconds - (time.monotonic() - started)))

    async def check(self) -> None:
        """Sample the primary's WAL position, then check every replica against the samples."""
        await self._sample_primary()
        await asyncio.gather(*(self._check(replica) for replica in self.replicas))

    async def _sample_primary(self) -> None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), self.primary().connect() as connection:
                lsn = parse_lsn((await connection.execute(text("SELECT pg_current_wal_lsn()::text"))).scalar_one())
        except Exception as exc:  # noqa: BLE001 - a primary outage: replicas are judged by what was sampled before
            logger.debug("primary WAL position unavailable (%s)", type(exc).__name__)
            return
        now = time.monotonic()
        if not self._history or lsn != self._history[-1][1]:
            self._history.append((now, lsn))
        while len(self._history) > 1 and self._history[1][0] < now - HISTORY_SECONDS:
            self._history.popleft()

    def lag_of(self, replay_lsn: int) -> float:
        """Seconds since the primary first had WAL that the replica has not replayed (0: nothing missing)."""
        now = time.monotonic()
        for moment, lsn in self._history:
            if lsn > replay_lsn:
                return now - moment
        return 0.0

    async def _check(self, replica: Replica) -> None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS), replica.checks.connect() as connection:
                standby, replay = (
                    await connection.execute(text("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text"))
                ).one()
        except Exception as exc:  # noqa: BLE001 - unreachable, refusing, timing out: all mean "not now"
            self._out(replica, f"unavailable: {type(exc).__name__}")
            return
        if not standby or replay is None:
            self._out(replica, "not a standby (promoted?): not used")
            return
        position = parse_lsn(replay)
        if position < replica.replay_lsn and replica.healthy:
            # A standby that restarted after a crash resumes from its last restartpoint, behind what it had
            # replayed (or the URL leads to several servers): believe the new position, never the old one.
            logger.warning("replica %s went back from %s to %s", replica.name, format_lsn(replica.replay_lsn), replay)
        replica.replay_lsn = position
        replica.lag_seconds = self.lag_of(position)
        REPLICA_LAG.labels(replica.name).set(replica.lag_seconds)
        if replica.lag_seconds > self.max_lag_seconds:
            self._out(replica, f"lagging {replica.lag_seconds:.1f}s behind the primary")
            return
        if not replica.healthy:
            logger.info("replica %s in rotation (lag %.1fs)", replica.name, replica.lag_seconds)
        replica.healthy, replica.problem = True, "ok"
        REPLICA_UP.labels(replica.name).set(1)

    def _out(self, replica: Replica, problem: str) -> None:
        if replica.healthy or replica.problem != problem:
            logger.warning("replica %s out of rotation: %s", replica.name, problem)
        replica.healthy, replica.problem = False, problem
        REPLICA_UP.labels(replica.name).set(0)

    def failed(self, replica: Replica, exc: BaseException) -> None:
        """A request found ``replica`` unavailable: out of rotation until a check finds it well."""
        self._out(replica, f"unavailable: {type(exc).__name__}")

    # -- routing ---------------------------------------------------------------------------------------

    def choose(self, needed_lsn: int) -> Replica | None:
        """A replica in rotation that has replayed ``needed_lsn`` (by its last check), in turn; None: the primary."""
        ready = [r for r in self.replicas if r.healthy and r.replay_lsn >= needed_lsn]
        if not ready:
            return None
        return ready[next(self._turn) % len(ready)]

    def health(self) -> dict[str, str]:
        return {f"replica {replica.name}": replica.state() for replica in self.replicas}


def _state(scope: Scope) -> dict[str, Any]:
    return cast("dict[str, Any]", cast("dict[str, Any]", scope).setdefault("state", {}))


def request_session(scope: Scope, *, forget: bool = False) -> AsyncSession | None:
    """The session the request's handler was given, if it asked for one (``forget``: and no longer hand it out)."""
    state = _state(scope)
    return cast(
        "AsyncSession | None",
        state.pop(REQUEST_SESSION_STATE_KEY, None) if forget else state.get(REQUEST_SESSION_STATE_KEY),
    )


class RoutedAsyncConfig(SQLAlchemyAsyncConfig):
    """advanced-alchemy's config whose request session is opened on a replica when the request may be served
    by one (see the module's rule), else on the primary as before."""

    replicas: Replicas | None = None
    needed_lsn: Callable[[], int] = staticmethod(lambda: 0)  # the response cache's need, for this request
    token_key: bytes = b""  # the MAC key of consistency tokens (``token_key(jwt secret)``)

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncGenerator[None, None]:
        """advanced-alchemy's lifespan, and the engine's pool closed at its end whatever the app state's keys are.

        advanced-alchemy gives the second and later configs of a process suffixed state keys (``db_engine_1``) but
        disposes the engine only when it finds it under the unsuffixed one: every app after a process's first
        would keep its pooled connections open after shutdown (a test run held dozens, up to max_connections).
        Disposing twice is harmless."""
        try:
            async with super().lifespan(app):
                yield
        finally:
            await self.get_engine().dispose()

    async def provide_session(self, state: State, scope: Scope) -> AsyncSession:  # type: ignore[override]
        session = request_session(scope)
        if session is not None:
            return session
        routed = await self._route(scope)
        if routed is None:
            session = cast("Callable[[], AsyncSession]", state[self.session_maker_app_state_key])()
        else:
            replica, session = routed
            _state(scope)[ROUTED_STATE_KEY] = replica
        _state(scope)[REQUEST_SESSION_STATE_KEY] = session
        return session

    async def _route(self, scope: Scope) -> tuple[Replica, AsyncSession] | None:
        if scope.get("method") not in SAFE_METHODS:
            return None
        handler = scope.get("route_handler")
        if handler is None or not handler.opt.get(REPLICA_READS_OPT):
            return None
        token = token_of(scope, self.token_key)  # checked with or without replicas: one contract everywhere
        if self.replicas is None:
            return None
        needed = max(token, self.needed_lsn())
        replica = self.replicas.choose(needed)
        session = await _verified(replica, needed) if replica is not None else None
        REPLICA_READS.labels("replica" if session is not None else "primary").inc()
        return (replica, session) if replica is not None and session is not None else None


async def _verified(replica: Replica, needed: int) -> AsyncSession | None:
    """A session on ``replica`` if it has replayed ``needed``: the check said so up to a second ago, the request's
    own connection says so now (a standby that restarted behind, a URL that leads to several servers)."""
    session = replica.sessions()
    if not needed:
        return session
    try:
        replayed = (await session.execute(text("SELECT pg_last_wal_replay_lsn()::text"))).scalar_one()
    except Exception as exc:  # noqa: BLE001 - any failure: the primary serves this read
        logger.info("replica %s not verified (%s): the primary serves", replica.name, type(exc).__name__)
        replayed = None
    if replayed is None or parse_lsn(replayed) < needed:
        await _quietly_close(session)
        return None
    return session


async def _quietly_close(session: AsyncSession) -> None:
    with contextlib.suppress(Exception):
        await session.close()
