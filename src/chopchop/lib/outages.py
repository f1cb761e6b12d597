"""Which failures mean PostgreSQL or Redis cannot serve us right now (a 503, or fail open) rather than a bug (a 500).

One classification for the problem+json handlers and for every path that fails open on Redis. It goes by
exception class, SQLSTATE, SQLite result code and where a socket error was raised, never by message text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from traceback import walk_tb
from typing import Final

import asyncpg
from redis import exceptions as redis_errors
from sqlalchemy import exc as sa_errors


class Dependency(Enum):
    DATABASE = "database"
    REDIS = "redis"


class FaultKind(Enum):
    OUTAGE = "outage"  # the dependency is down, starting, stopping, overloaded or unreachable: retry later
    CONFLICT = "conflict"  # the transaction lost a race with another one and was rolled back: retry now


@dataclass(frozen=True, slots=True)
class Fault:
    dependency: Dependency
    kind: FaultKind
    reason: str  # "SQLSTATE 57P03", "BusyLoadingError": for logs and metrics, never for clients


# What a Redis call raises when Redis cannot serve it: unreachable, timed out, restarting (LOADING is a
# ConnectionError subclass in redis-py), a replica after a failover (READONLY), a replica cut off from its
# master (MASTERDOWN), out of memory (OOM). OSError covers sockets the client could not use; around a Redis call
# nothing else raises it. Anything else Redis answers (a script error, WRONGTYPE, NOPERM ...) is a bug or a
# misconfiguration: it is not caught by the fail-open paths and answers 500, so that it is seen.
REDIS_UNAVAILABLE: Final[tuple[type[Exception], ...]] = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.ReadOnlyError,
    redis_errors.ClusterDownError,
    redis_errors.TryAgainError,
    redis_errors.OutOfMemoryError,
    OSError,
)

# SQLSTATE classes and codes that say the server cannot serve us right now, whatever the statement was.
OUTAGE_SQLSTATE_CLASSES: Final = frozenset(
    {
        "08",  # connection exception: refused, lost, does not exist, protocol failure
        "53",  # insufficient resources: too many connections, out of memory, disk full
    }
)
OUTAGE_SQLSTATES: Final = frozenset(
    {
        "57P01",  # admin_shutdown: a smart/fast shutdown or pg_terminate_backend ended the session
        "57P02",  # crash_shutdown: another backend crashed and the server resets every session
        "57P03",  # cannot_connect_now: starting up, shutting down, in recovery
        "57P05",  # idle_session_timeout: the server closed a pooled session
        # system_error, io_error: the server's operating system or disk failed. Not 58P01/58P02 (a file of the
        # installation is missing or in the way): waiting does not fix a broken installation.
        "58000",
        "58030",
        "25006",  # read_only_sql_transaction: a write reached a standby (a failover) or maintenance set read-only
    }
)
# Serialization failure and deadlock: the server rolled the transaction back so that another could go on. Not an
# outage (nothing is down) and not the client's conflict (nothing about the request is wrong): the same request
# succeeds if sent again, so it is a 503 with a short Retry-After, which generic HTTP clients retry on their own.
CONFLICT_SQLSTATES: Final = frozenset({"40001", "40P01"})

_DATABASE_OUTAGE_CLASSES: Final[tuple[type[Exception], ...]] = (
    sa_errors.DisconnectionError,
    sa_errors.TimeoutError,  # no pooled connection free within pool_timeout
    asyncpg.PostgresConnectionError,  # 08xxx, ConnectionDoesNotExistError among them
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)
# SQLite (embedded mode) primary result codes of the same kind: locked by another writer past the busy timeout,
# out of memory, disk I/O error, disk full.
_SQLITE_OUTAGE_CODES: Final = frozenset({5, 6, 7, 10, 13})  # BUSY, LOCKED, NOMEM, IOERR, FULL

# A socket error belongs to whichever client raised it (asyncpg and the pool raise OSError and TimeoutError
# unwrapped; a FileNotFoundError from a Unix socket path is as much an outage as a refused TCP connection).
_CLIENT_MODULES: Final = (
    ("asyncpg", Dependency.DATABASE),
    ("sqlalchemy", Dependency.DATABASE),
    ("aiosqlite", Dependency.DATABASE),
    ("redis", Dependency.REDIS),
    ("saq", Dependency.REDIS),
)


def classify(exc: BaseException) -> Fault | None:
    """The dependency fault behind ``exc`` (itself or what it was raised from), or None: a bug or a client error.

    The first exception of the chain that says something decides: an error reply of the database or Redis that
    is not listed above is not an outage, even if something further down the chain was.
    """
    for link in _chain(exc):
        verdict = _judge(link)
        if not isinstance(verdict, _Undecided):
            return verdict
    return None


def is_outage(exc: BaseException) -> bool:
    fault = classify(exc)
    return fault is not None and fault.kind is FaultKind.OUTAGE


class _Undecided:
    pass


_UNDECIDED: Final = _Undecided()


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what it was raised from, as Python prints them (an explicit cause, else the implicit context)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)


def _judge(link: BaseException) -> Fault | _Undecided | None:
    if isinstance(link, redis_errors.RedisError):
        # Anything else Redis answered is an error reply that is ours to fix.
        return (
            Fault(Dependency.REDIS, FaultKind.OUTAGE, type(link).__name__)
            if isinstance(link, REDIS_UNAVAILABLE)
            else None
        )
    verdict = _judge_database(link)
    if not isinstance(verdict, _Undecided):
        return verdict
    origin = _origin(link) if isinstance(link, OSError) else None
    return _UNDECIDED if origin is None else Fault(origin, FaultKind.OUTAGE, type(link).__name__)


def _judge_database(link: BaseException) -> Fault | _Undecided | None:
    sqlstate = _sqlstate(link)
    if sqlstate in CONFLICT_SQLSTATES:
        return Fault(Dependency.DATABASE, FaultKind.CONFLICT, f"SQLSTATE {sqlstate}")
    reason = _database_outage(link, sqlstate)
    if reason is not None:
        return Fault(Dependency.DATABASE, FaultKind.OUTAGE, reason)
    if sqlstate is not None:
        return None  # the database answered, with an error that is not about its availability
    code = _sqlite_code(link)
    if code is None:
        return _UNDECIDED
    return Fault(Dependency.DATABASE, FaultKind.OUTAGE, f"SQLite {code}") if code in _SQLITE_OUTAGE_CODES else None


def _database_outage(link: BaseException, sqlstate: str | None) -> str | None:
    """Why ``link`` means the database cannot serve us, if it does."""
    if sqlstate is not None and (sqlstate in OUTAGE_SQLSTATES or sqlstate[:2] in OUTAGE_SQLSTATE_CLASSES):
        return f"SQLSTATE {sqlstate}"
    if sqlstate is not None and _refused_at_connect(link):
        # The server turned the new session away before any statement: whatever the code (55000 "not currently
        # accepting connections", 3D000 a database dropped or renamed, 28xxx credentials rotated, 42501 CONNECT
        # revoked), nothing about the request is wrong and nothing was done; it is how the server is run now.
        return f"SQLSTATE {sqlstate} at connect"
    if isinstance(link, _DATABASE_OUTAGE_CLASSES):
        return type(link).__name__
    # SQLAlchemy found the connection dead (asyncpg's "connection is closed", a protocol state it cannot leave).
    if isinstance(link, sa_errors.DBAPIError) and link.connection_invalidated:
        return f"{type(link.orig).__name__}, connection invalidated"
    return None


def _refused_at_connect(link: BaseException) -> bool:
    """Whether ``link`` (or the driver error it wraps) was raised while asyncpg was opening a connection."""
    for candidate in (link, getattr(link, "orig", None), link.__cause__):
        if candidate is None:
            continue
        for frame, _ in walk_tb(candidate.__traceback__):
            if frame.f_globals.get("__name__") == "asyncpg.connect_utils":
                return True
    return False


def _sqlstate(link: BaseException) -> str | None:
    for candidate in (link, getattr(link, "orig", None)):
        for attribute in ("sqlstate", "pgcode"):
            value = getattr(candidate, attribute, None)
            if isinstance(value, str) and len(value) == 5:  # a SQLSTATE
                return value
    return None


def _sqlite_code(link: BaseException) -> int | None:
    for candidate in (link, getattr(link, "orig", None)):
        if isinstance(candidate, sqlite3.Error) and isinstance(getattr(candidate, "sqlite_errorcode", None), int):
            return int(candidate.sqlite_errorcode) & 0xFF  # the primary code; extended codes add high bits
    return None


def _origin(exc: BaseException) -> Dependency | None:
    """The dependency whose client raised ``exc``: the innermost frame of a known client module."""
    origin: Dependency | None = None
    for frame, _ in walk_tb(exc.__traceback__):
        module = str(frame.f_globals.get("__name__", ""))
        for prefix, dependency in _CLIENT_MODULES:
            if module == prefix or module.startswith(f"{prefix}."):
                origin = dependency
    return origin


__all__ = [
    "CONFLICT_SQLSTATES",
    "OUTAGE_SQLSTATES",
    "OUTAGE_SQLSTATE_CLASSES",
    "REDIS_UNAVAILABLE",
    "Dependency",
    "Fault",
    "FaultKind",
    "classify",
    "is_outage",
]
