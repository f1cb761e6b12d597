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

import ipaddress
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import unquote

from redis.asyncio import Redis
from redis.asyncio.connection import URL_QUERY_ARGUMENT_PARSERS, parse_url
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import MasterNotFoundError, Sentinel
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

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


# Every option a Redis URL may carry (ours and redis-py's): an unencoded "&" in a password value ends the value only
# where a known option follows it, in redaction and in parsing alike.
_KNOWN_OPTIONS = _SENTINEL_OPTIONS | frozenset(URL_QUERY_ARGUMENT_PARSERS) | {"username", "password", "client_name"}
_NEXT_OPTION = "|".join(sorted(re.escape(name) for name in _KNOWN_OPTIONS))
_PASSWORD_OPTION = re.compile(rf"([?&][a-z_]*password=)(.*?)(?=&(?:{_NEXT_OPTION})=|\Z)", re.IGNORECASE | re.DOTALL)
_HOST_NAME = re.compile(r"[A-Za-z0-9._-]+")
_MAX_HOST = 253  # a DNS name
_MAX_SERVICE = 255
_MAX_DB = 2**31 - 1
_MAX_MIN_OTHER_SENTINELS = 100
_ENCODE_HINT = "percent-encode '/', '?', '#' and '@' in a user name or password (%2F, %3F, %23, %40)"


def _secret_spans(url: str) -> list[tuple[int, int]]:
    """Where the secrets of ``url`` are: password option values, and the userinfo (up to the last ``@`` outside
    them, however many ``/``, ``?`` or ``#`` an unencoded password holds)."""
    spans = [match.span(2) for match in _PASSWORD_OPTION.finditer(url)]
    sep = url.find("://")
    if sep < 0:
        return spans
    at = len(url)
    while (at := url.rfind("@", sep + 3, at)) >= 0:
        if not any(start <= at < end for start, end in spans):
            spans.append((sep + 3, at))
            break
    return sorted(spans)


def _userinfo(url: str) -> tuple[str | None, str]:
    """The raw userinfo of ``url`` (None without one) and what follows its ``@`` (or the ``://``)."""
    rest = url.partition("://")[2]
    sep = len(url) - len(rest)
    for start, end in _secret_spans(url):
        if start == sep and url[end : end + 1] == "@":
            return url[start:end], url[end + 1 :]
    return None, rest


def redact(url: str) -> str:
    """The URL without its secrets (the whole userinfo and password options): for messages and logs."""
    out, last = [], 0
    for start, end in _secret_spans(url):
        secret = url[start:end]
        if url[end : end + 1] == "@":  # the userinfo: keep its shape, not its text
            user, colon, _ = secret.partition(":")
            masked = ("***" if user else "") + (":***" if colon else "")
        else:
            masked = "***"
        out += [url[last:start], masked]
        last = end
    return "".join([*out, url[last:]])


def _refuse(url: str, why: str) -> ValueError:
    return ValueError(f"{why} in {redact(url)!r}: expected {SENTINEL_URL_FORM}")


def _shown(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message (not a secret), cut short."""
    return repr(text if len(text) <= limit else f"{text[:limit]}...")


def _is_number(text: str, digits: int) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= digits


def _host_port(url: str, part: str, number: int) -> tuple[str, int]:
    where = f"sentinel {number}"
    if part.startswith("["):  # [::1]:26379
        host, bracket, rest = part[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise _refuse(url, f"malformed address {_shown(part)} of {where}")
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise _refuse(url, f"{_shown(host)} of {where} is not an IPv6 address") from None
        port_text = rest[1:]
    else:
        host, _, port_text = part.partition(":")
        if ":" in port_text:
            raise _refuse(url, f"malformed address {_shown(part)} of {where} (write IPv6 addresses as [addr]:port)")
        if len(host) > _MAX_HOST:
            raise _refuse(url, f"a host of {len(host)} characters for {where} (at most {_MAX_HOST})")
        if host and not _HOST_NAME.fullmatch(host):
            raise _refuse(url, f"host {_shown(host)} of {where} is not a host name or an IPv4 address")
    if not host:
        raise _refuse(url, f"an address without a host for {where}")
    if not port_text:
        return host, SENTINEL_PORT
    if not _is_number(port_text, 5) or not 0 < int(port_text) < 65536:
        raise _refuse(url, f"invalid port {_shown(port_text)} of {where} ({host})")
    return host, int(port_text)


def _service_and_db(url: str, path: str) -> tuple[str, int]:
    if path in {"", "/"}:
        raise _refuse(url, "no service name (the name the sentinels monitor)")
    segments = path[1:].split("/")
    if len(segments) > 2:
        raise _refuse(url, "too many path segments")
    if "" in segments:
        raise _refuse(url, "an empty path segment (the service name comes right after the sentinel addresses)")
    try:
        service = unquote(segments[0], errors="strict")
    except UnicodeDecodeError:
        raise _refuse(url, "a service name that is not UTF-8 once percent-decoded") from None
    if len(service) > _MAX_SERVICE:
        raise _refuse(url, f"a service name of {len(service)} characters (at most {_MAX_SERVICE})")
    if not all(char.isprintable() and not char.isspace() for char in service):
        raise _refuse(url, f"service name {_shown(service)} has spaces or control characters")
    if len(segments) == 1:
        return service, 0
    db_text = segments[1]
    if not _is_number(db_text, 20):
        raise _refuse(url, f"database {_shown(db_text)} is not a number")
    if int(db_text) > _MAX_DB:
        raise _refuse(url, f"database {_shown(db_text)} is out of range (0 to {_MAX_DB})")
    return service, int(db_text)


def _options(url: str, query: str) -> dict[str, str]:
    pieces: list[tuple[str, str]] = []
    for piece in query.split("&") if query else []:
        name, _, value = piece.partition("=")
        if pieces and pieces[-1][0].lower().endswith("password") and not (name in _KNOWN_OPTIONS and "=" in piece):
            pieces[-1] = (pieces[-1][0], f"{pieces[-1][1]}&{piece}")  # an "&" in the password (as redact reads it)
            continue
        pieces.append((name, value))
    options: dict[str, str] = {}
    for raw_name, raw_value in pieces:
        name = unquote(raw_name)
        if name not in _SENTINEL_OPTIONS:
            known = ", ".join(sorted(_SENTINEL_OPTIONS))
            raise _refuse(url, f"unknown option {_shown(name)} (known: {known})")
        if name in options:
            raise _refuse(url, f"option {name!r} given twice")
        options[name] = unquote(raw_value)
    count = options.get("min_other_sentinels", "0")
    if not _is_number(count, 20):
        raise _refuse(url, f"min_other_sentinels={_shown(count)} is not a number")
    if int(count) > _MAX_MIN_OTHER_SENTINELS:
        raise _refuse(url, f"min_other_sentinels={count} is out of range (0 to {_MAX_MIN_OTHER_SENTINELS})")
    return options


def parse_sentinel_url(url: str) -> SentinelURL:
    """Parse a ``redis+sentinel://`` URL; ValueError says what is wrong with it (and never quotes a secret)."""
    scheme, sep, _ = url.partition("://")
    if not sep or scheme.lower() != SENTINEL_SCHEME:
        raise _refuse(url, f"not a {SENTINEL_SCHEME}:// URL")
    userinfo, rest = _userinfo(url)
    if userinfo is not None and any(char in userinfo for char in "/?#"):
        raise _refuse(url, f"an unencoded '/', '?' or '#' before the last '@' ({_ENCODE_HINT})")
    if "#" in url:
        raise _refuse(url, "a '#' (fragments are not supported; write a '#' in a password as %23)")
    address_end = min((index for index in (rest.find("/"), rest.find("?")) if index >= 0), default=len(rest))
    hosts, rest = rest[:address_end], rest[address_end:]
    path, _, query = rest.partition("?")
    if not hosts:
        raise _refuse(url, "no sentinel address")
    sentinels = tuple(_host_port(url, part.strip(), n) for n, part in enumerate(hosts.split(","), start=1))
    service, db = _service_and_db(url, path)
    options = _options(url, query)
    user, colon, secret = (userinfo or "").partition(":")
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


def _mentions(text: str, secret: str) -> bool:
    """Whether ``text`` shows a piece (3 characters or more, or all of a shorter one) of ``secret``."""
    if len(secret) < 3:
        return bool(secret) and secret in text
    return any(secret[index : index + 3] in text for index in range(len(secret) - 2))


def check_redis_url(url: str) -> None:
    """ValueError if ``url`` is not one :func:`connect` accepts (for settings validation: reads nothing).

    The message never quotes the URL's user name, password or password options (only :func:`redact`'s form).
    """
    if is_sentinel_url(url):
        parse_sentinel_url(url)
        return
    if url.partition("://")[0].lower().endswith("+sentinel"):
        msg = f"only {SENTINEL_SCHEME}:// is supported for Redis Sentinel (no TLS yet), not {redact(url)!r}"
        raise ValueError(msg)
    userinfo, _ = _userinfo(url)
    if userinfo is not None and any(char in userinfo for char in "/?#"):
        msg = f"an unencoded '/', '?' or '#' before the last '@' ({_ENCODE_HINT}), not {redact(url)!r}"
        raise ValueError(msg)
    try:
        parse_url(url)
    except ValueError as exc:
        secrets = [url[start:end] for start, end in _secret_spans(url)]
        secrets += [unquote(secret) for secret in secrets]
        if any(_mentions(str(exc), secret) for secret in secrets):
            msg = f"not a valid Redis URL (details withheld: they would show a secret), not {redact(url)!r}"
            raise ValueError(msg) from None
        msg = f"{exc} (or {SENTINEL_SCHEME}:// for Redis Sentinel), not {redact(url)!r}"
        raise ValueError(msg) from exc


class _Sentinels(Sentinel):
    """redis-py's Sentinel, except that a listed address that is no sentinel does not stop the search.

    redis-py skips a sentinel only when it cannot be reached: one that answers something else (a Redis data port's
    "unknown command", a proxy's garbage, a malformed reply) raised out of ``discover_master`` and the sentinels
    listed after it were never asked. Any such answer now counts as no answer; with no master found anywhere,
    MasterNotFoundError (a ConnectionError: Redis unavailable) is raised.
    """

    async def discover_master(self, service_name: str) -> tuple[str, int]:
        errors: list[str] = []
        for number, sentinel in enumerate(self.sentinels):
            where = _sentinel_name(sentinel)
            try:
                masters = await sentinel.sentinel_masters()  # type: ignore[no-untyped-call]
                state = masters.get(service_name) if isinstance(masters, dict) else None
                address = None
                if isinstance(state, dict) and state and self.check_master_state(state, service_name):
                    address = (str(state["ip"]), int(state["port"]))
            except (RedisError, KeyError, TypeError, ValueError, AttributeError) as exc:
                errors.append(f"{where}: {type(exc).__name__}")
                continue
            if address is None:
                errors.append(f"{where}: no master")
                continue
            self.sentinels[0], self.sentinels[number] = sentinel, self.sentinels[0]  # ask it first next time
            return (self._force_master_ip, address[1]) if self._force_master_ip is not None else address
        msg = f"No master found for {service_name!r} ({', '.join(errors)})"
        raise MasterNotFoundError(msg)


def _sentinel_name(sentinel: Redis) -> str:
    kwargs = sentinel.connection_pool.connection_kwargs
    return f"{kwargs.get('host')}:{kwargs.get('port')}"


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
    sentinel = _Sentinels(  # type: ignore[no-untyped-call]
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
