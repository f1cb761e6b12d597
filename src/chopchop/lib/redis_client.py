"""``CHOPCHOP_REDIS_URL`` to redis.asyncio clients: one Redis server, or the master of a Sentinel-managed group.

Every Redis user builds its client here: the response cache, the rate limits and the logout denylist share
:func:`connect`'s client; the SAQ queue (API and workers) gets its own from :func:`queue_connection` (its
blocking dequeues must not meet the API's read timeout).

URLs:

* ``redis://[[user]:password@]host[:6379][/db]``, ``rediss://...`` (TLS), ``unix:///path/to.sock?db=0``: redis-py's
  own syntax, handed to ``Redis.from_url`` unchanged.
* ``redis+sentinel://[[user]:password@]host1[:26379][,host2[:26379]...]/<service>[/<db>][?option=value&...]``:
  the master of ``<service>`` as the sentinels name it (``sentinel monitor <service> ...``), asked again on every
  new connection, so that after a failover the client reconnects to the promoted replica by itself. The user
  and password are the Redis servers'; options: ``sentinel_username`` and ``sentinel_password`` (the sentinels'
  own, when they require one) and ``min_other_sentinels`` (believe a sentinel only if it sees that many others).
  Parts of the URL are percent-decoded (``%40`` for ``@`` in a password).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlsplit

from redis.asyncio import Redis
from redis.asyncio.connection import parse_url
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel
from redis.backoff import NoBackoff

SENTINEL_SCHEME = "redis+sentinel"
SENTINEL_PORT = 26379
SENTINEL_URL_FORM = "redis+sentinel://[[user]:password@]host[:26379][,host[:26379]...]/<service>[/<db>]"
_SENTINEL_OPTIONS = frozenset({"sentinel_username", "sentinel_password", "min_other_sentinels"})
# How long one sentinel may take to answer "who is the master?" before the next one is asked.
SENTINEL_TIMEOUT_SECONDS = 1.0
# The queue's client: blocking dequeues wait as long as they like (no read timeout), but a connection to a host
# that vanished (a partition, not a refused connection) is found dead by TCP keepalive within about 25 s.
_KEEPALIVE: dict[int, int] = {
    option: value
    for name, value in (("TCP_KEEPIDLE", 10), ("TCP_KEEPINTVL", 5), ("TCP_KEEPCNT", 3))
    if (option := getattr(socket, name, None)) is not None
}
QUEUE_CLIENT_OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": 2.0,
    "socket_keepalive": True,
    "socket_keepalive_options": _KEEPALIVE,
}


@dataclass(frozen=True, slots=True)
class SentinelURL:
    """A parsed ``redis+sentinel://`` URL."""

    sentinels: tuple[tuple[str, int], ...]
    service: str
    db: int = 0
    username: str | None = None
    password: str | None = None
    sentinel_username: str | None = None
    sentinel_password: str | None = None
    min_other_sentinels: int = 0


def is_sentinel_url(url: str) -> bool:
    return url.partition("://")[0].lower() == SENTINEL_SCHEME


_PASSWORD_OPTION = re.compile(r"([?&][a-z_]*password=)[^&#]*", re.IGNORECASE)


def _refuse(url: str, why: str) -> ValueError:
    return ValueError(f"{why} in {redact(url)!r}: expected {SENTINEL_URL_FORM}")


def redact(url: str) -> str:
    """The URL without its passwords (for messages and logs)."""
    url = _PASSWORD_OPTION.sub(r"\1***", url)
    scheme, sep, rest = url.partition("://")
    userinfo, at, hosts = rest.rpartition("@")
    if not sep or not at:
        return url
    user, colon, _ = userinfo.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{hosts}"


def _host_port(url: str, part: str) -> tuple[str, int]:
    if part.startswith("["):  # [::1]:26379
        host, bracket, rest = part[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise _refuse(url, f"malformed sentinel address {part!r}")
        port_text = rest[1:]
    else:
        host, _, port_text = part.partition(":")
        if ":" in port_text:
            raise _refuse(url, f"malformed sentinel address {part!r} (write IPv6 addresses as [addr]:port)")
    if not host:
        raise _refuse(url, f"a sentinel address without a host ({part!r})")
    if not port_text:
        return host, SENTINEL_PORT
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise _refuse(url, f"invalid port {port_text!r} of sentinel {host!r}")
    return host, int(port_text)


def _service_and_db(url: str, path: str) -> tuple[str, int]:
    segments = path.strip("/").split("/") if path.strip("/") else []
    if not segments:
        raise _refuse(url, "no service name (the name the sentinels monitor)")
    if len(segments) > 2:
        raise _refuse(url, "too many path segments")
    service = unquote(segments[0])
    if not service:
        raise _refuse(url, "an empty service name")
    if len(segments) == 1:
        return service, 0
    if not segments[1].isdigit():
        raise _refuse(url, f"database {segments[1]!r} is not a number")
    return service, int(segments[1])


def _options(url: str, query: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name not in _SENTINEL_OPTIONS:
            known = ", ".join(sorted(_SENTINEL_OPTIONS))
            raise _refuse(url, f"unknown option {name!r} (known: {known})")
        if name in options:
            raise _refuse(url, f"option {name!r} given twice")
        options[name] = value
    if not options.get("min_other_sentinels", "0").isdigit():
        raise _refuse(url, f"min_other_sentinels={options['min_other_sentinels']!r} is not a number")
    return options


def parse_sentinel_url(url: str) -> SentinelURL:
    """Parse a ``redis+sentinel://`` URL; ValueError says what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme.lower() != SENTINEL_SCHEME:
        raise _refuse(url, f"not a {SENTINEL_SCHEME}:// URL")
    if parts.fragment:
        raise _refuse(url, "a fragment (#...)")
    userinfo, _, hosts = parts.netloc.rpartition("@")
    user, colon, secret = userinfo.partition(":")
    if not hosts:
        raise _refuse(url, "no sentinel address")
    sentinels = tuple(_host_port(url, part.strip()) for part in hosts.split(","))
    service, db = _service_and_db(url, parts.path)
    options = _options(url, parts.query)
    return SentinelURL(
        sentinels=sentinels,
        service=service,
        db=db,
        username=unquote(user) or None,
        password=unquote(secret) if colon else None,
        sentinel_username=options.get("sentinel_username") or None,
        sentinel_password=options.get("sentinel_password") or None,
        min_other_sentinels=int(options.get("min_other_sentinels", "0")),
    )


def check_redis_url(url: str) -> None:
    """ValueError if ``url`` is not one :func:`connect` accepts (for settings validation: reads nothing)."""
    if is_sentinel_url(url):
        parse_sentinel_url(url)
        return
    if url.partition("://")[0].lower().endswith("+sentinel"):
        msg = f"only {SENTINEL_SCHEME}:// is supported for Redis Sentinel (no TLS yet), not {redact(url)!r}"
        raise ValueError(msg)
    try:
        parse_url(url)
    except ValueError as exc:
        msg = f"{exc} (or {SENTINEL_SCHEME}:// for Redis Sentinel), not {redact(url)!r}"
        raise ValueError(msg) from exc


class SentinelRedis(Redis):
    """The master of a Sentinel-managed group; closing it also closes its connections to the sentinels."""

    sentinel_manager: Sentinel | None = None

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        await super().aclose(close_connection_pool)
        if self.sentinel_manager is not None:
            for client in self.sentinel_manager.sentinels:
                await client.aclose()


def connect(url: str, **options: Any) -> Redis:
    """A client of the Redis ``url`` names (plain or through Sentinel), with redis-py ``options`` (timeouts ...).

    No connection is made here: the first command connects (and, through Sentinel, asks who the master is).
    """
    if not is_sentinel_url(url):
        return Redis.from_url(url, **options)
    parsed = parse_sentinel_url(url)
    # The sentinels are asked in turn, each briefly and never twice: one that is down must not delay the others.
    sentinel_options: dict[str, Any] = {
        "socket_connect_timeout": min(options.get("socket_connect_timeout") or 0.5, SENTINEL_TIMEOUT_SECONDS),
        "socket_timeout": SENTINEL_TIMEOUT_SECONDS,
        "retry": Retry(NoBackoff(), 0),
    }
    if parsed.sentinel_username is not None:
        sentinel_options["username"] = parsed.sentinel_username
    if parsed.sentinel_password is not None:
        sentinel_options["password"] = parsed.sentinel_password
    sentinel = Sentinel(  # type: ignore[no-untyped-call]
        list(parsed.sentinels), min_other_sentinels=parsed.min_other_sentinels, sentinel_kwargs=sentinel_options
    )
    master = cast(
        "SentinelRedis",
        sentinel.master_for(
            parsed.service,
            redis_class=SentinelRedis,
            db=parsed.db,
            username=parsed.username,
            password=parsed.password,
            **options,
        ),
    )
    master.sentinel_manager = sentinel
    return master


def queue_connection(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The connection arguments of litestar-saq's ``QueueConfig`` for ``url``.

    ``redis://`` and ``rediss://`` stay a ``dsn`` (litestar-saq builds the client, and can rebuild it in a spawned
    worker process); a Sentinel (or ``unix://``) URL, which litestar-saq cannot read, is handed over as a ready
    client (``broker_instance``), which worker processes inherit when they are forked.
    """
    chosen = dict(QUEUE_CLIENT_OPTIONS if options is None else options)
    scheme = url.partition("://")[0].lower()
    if scheme == "unix":  # TCP keepalive means nothing on a Unix socket (and redis-py refuses it there)
        chosen = {name: value for name, value in chosen.items() if not name.startswith("socket_keepalive")}
    if scheme in {"redis", "rediss"}:
        return {"dsn": url, "broker_instance_options": chosen}
    return {"broker_instance": connect(url, **chosen)}
