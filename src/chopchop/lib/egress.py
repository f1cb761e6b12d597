"""Calls to hosts that users name (webhook receivers, recipe pages), knowing no domain: which URLs and addresses
may be called (SSRF rules), resolving a name once and checking every address, and connections pinned to the
checked addresses (no second DNS lookup between the check and the connection)."""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
from collections.abc import Iterable, Sequence
from typing import Any, Final
from urllib.parse import urlsplit

import httpcore
import httpx

MAX_URL_LENGTH: Final = 2048
_IPV4_SHARED = ipaddress.ip_network("100.64.0.0/10")  # CGNAT (RFC 6598)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64 prefix: an IPv4 address inside
_METADATA = ipaddress.ip_address("169.254.169.254")
_HOST_NAME = re.compile(r"[a-z0-9_.-]+")  # what urlsplit's ``hostname`` (lower-cased) of a name may hold
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class UrlRefused(ValueError):
    """The URL may never be called: the message says why, for a 400."""


class AddressRefused(Exception):
    """The host resolved to an address that must not be called (SSRF rules); never retried."""


# Addresses


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4, Teredo), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def refusal(address: Address) -> str | None:
    """Why ``address`` must not be called (``None``: it is a public unicast address), naming it: for an address
    the user wrote (an IP literal in the URL)."""
    kind = refused_kind(address)
    return None if kind is None else f"{address} is {kind}"


def refused_kind(address: Address) -> str | None:
    """What kind of address ``address`` is if it must not be called ("loopback", "private", ...), without naming
    it: the reason given for a name resolved by the server, which must not tell users what the server's resolver
    answers for internal names (``vault.corp`` is 10.3.4.5)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            kind = refused_kind(embedded)
            return None if kind is None else f"{kind} (an IPv4 address inside an IPv6 one)"
    if address == _METADATA:
        return "a cloud metadata address"
    checks = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
        (isinstance(address, ipaddress.IPv4Address) and address in _IPV4_SHARED, "shared (CGNAT)"),
        (not address.is_global, "not global"),
    )
    for refused, why in checks:
        if refused:
            return why
    return None


def literal_address(host: str) -> Address | None:
    """The address a host that is an IP literal stands for, in every spelling a resolver accepts (``127.1``,
    ``0x7f000001``, ``2130706433``, ``0177.0.0.1``, ``[::ffff:127.0.0.1]``); ``None`` for a name."""
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        pass
    try:  # the C library's legacy IPv4 forms: what getaddrinfo would connect to
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except OSError:
        return None


def parse_networks(text: str | None) -> tuple[Network, ...]:
    """Comma-separated CIDRs (``127.0.0.2/32, 10.0.0.0/8``) as networks; ``ValueError`` for a malformed one."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in (text or "").split(",") if part.strip())


def _allowed(address: Address, allowed: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in allowed)


def check_url(url: str, *, allow_private: bool, allowed: Sequence[Network] = ()) -> str:
    """``url`` if it may be registered, else :class:`UrlRefused`: absolute http(s), printable ASCII (IDNs in
    their ``xn--`` form), no user info, no fragment, a valid port, and (unless ``allow_private``) neither a
    private IP literal nor ``localhost``."""
    if len(url) > MAX_URL_LENGTH:
        msg = f"The URL is longer than {MAX_URL_LENGTH} characters."
        raise UrlRefused(msg)
    if not url.isascii() or not url.isprintable() or any(c.isspace() for c in url):
        msg = "The URL must be printable ASCII without spaces (write international domain names as xn--...)."
        raise UrlRefused(msg)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # an unbalanced [ ] or a port that is not a number
        msg = f"The URL cannot be parsed: {exc}."
        raise UrlRefused(msg) from exc
    if parts.scheme not in {"http", "https"}:
        msg = "The URL must start with https:// or http://."
        raise UrlRefused(msg)
    if "@" in parts.netloc or parts.username is not None:
        msg = "The URL must not carry a user name or password."
        raise UrlRefused(msg)
    if parts.fragment or url.endswith("#"):
        msg = "The URL must not have a fragment (#...)."
        raise UrlRefused(msg)
    host = parts.hostname or ""
    if not host or port == 0 or "\\" in parts.netloc:
        msg = "The URL must name a host (and, if it has one, a port from 1 to 65535)."
        raise UrlRefused(msg)
    if literal_address(host) is None and not _HOST_NAME.fullmatch(host):
        # Percent-escapes and other characters in a name are read differently by different parsers.
        msg = "The URL's host must be a name of letters, digits, hyphens, underscores and dots, or an IP address."
        raise UrlRefused(msg)
    try:  # the C library reads spellings the HTTP client refuses (``0177.0.0.1``): a URL it cannot fetch, ever
        httpx.URL(url)
    except httpx.InvalidURL as exc:
        msg = f"The URL cannot be fetched: {exc}."
        raise UrlRefused(msg) from exc
    if allow_private:
        return url
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        msg = "The URL must not point at this server (localhost)."
        raise UrlRefused(msg)
    address = literal_address(host)
    if address is not None and not _allowed(address, allowed) and (why := refusal(address)) is not None:
        msg = f"The URL must point at a public address: {why}."
        raise UrlRefused(msg)
    return url


async def resolve(host: str, port: int, *, allow_private: bool, allowed: Sequence[Network] = ()) -> list[Address]:
    """The addresses to connect to, in the resolver's order: every address ``host`` resolves to is checked (one
    refused: all refused, as the resolver could hand out any of them next time). ``allowed``: networks let through
    whatever they are (tests and development only)."""
    literal = literal_address(host)
    if literal is not None:
        found: Iterable[Address] = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            msg = f"cannot resolve {host}: {exc}"
            raise ConnectionError(msg) from exc
        found = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    addresses = list(dict.fromkeys(found))
    if not addresses:
        msg = f"{host} resolves to no address"
        raise ConnectionError(msg)
    if not allow_private:
        for address in addresses:
            if not _allowed(address, allowed) and (kind := refused_kind(address)) is not None:
                msg = f"{host} resolves to an address that is {kind}"
                raise AddressRefused(msg)
    return addresses


# Connections


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects to the addresses checked by :func:`resolve` (the first that answers) whatever host httpcore asks
    for: no second DNS lookup (no DNS rebinding between the check and the connection); TLS still sends the URL's
    name (SNI, certificate check) and the request its ``Host``, as httpcore takes both from the URL, not from the
    socket."""

    def __init__(self, addresses: list[Address]) -> None:
        self._addresses = [str(address) for address in addresses]
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: Exception | None = None
        for address in self._addresses:  # e.g. ::1 then 127.0.0.1: a receiver may listen on one family only
            try:
                return await self._backend.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as exc:
                failure = exc
        raise failure or ConnectionError("no address to connect to")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        msg = "calls out never use unix sockets"
        raise ConnectionError(msg)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def pinned_transport(addresses: list[Address]) -> httpx.AsyncHTTPTransport:
    # httpx's transport with its connection pool replaced by one on the pinned backend (httpx takes no network
    # backend of its own); no proxies from the environment (a proxy would resolve the name itself).
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl.create_default_context(), max_connections=1, network_backend=PinnedBackend(addresses)
    )
    return transport
