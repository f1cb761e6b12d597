"""Fetching a web page a user named (a recipe to import), knowing no domain: the SSRF rules and pinned connections of
``lib/egress.py`` at every hop, redirects followed by hand, a time cap for the whole fetch, a size cap on what is
read (decompressed by us, so a small gzip bomb cannot grow past it), and only HTML or JSON-LD accepted."""

from __future__ import annotations

import asyncio
import socket
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from chopchop.lib.egress import AddressRefused, Network, UrlRefused, check_url, pinned_transport, resolve

MAX_REDIRECTS: Final = 5
MAX_PAGE_BYTES: Final = 2 * 1024 * 1024
USER_AGENT: Final = "Chop-chop-Import/1 (+recipe import; schema.org Recipe)"
#: What a page may be: HTML (schema.org in JSON-LD scripts or microdata) or JSON-LD itself.
PAGE_TYPES: Final = frozenset({"text/html", "application/xhtml+xml", "application/ld+json"})
#: The ports a page may be on: the web's, and the unprivileged range (8080, 8443, ...). Other privileged ports (25,
#: 22, 110, ...) are other protocols that an HTTP request must not be smuggled into, even on a public host.
WEB_PORTS: Final = frozenset({80, 443})
FIRST_UNPRIVILEGED_PORT: Final = 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TRANSIENT_STATUSES = frozenset({408, 425, 429})
_NO_SUCH_NAME = frozenset(
    code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None)) if code is not None
)


class FetchFailed(Exception):
    """The page could not be fetched. ``permanent``: trying again cannot help (a refused address, a 404, not a web
    page); otherwise (a timeout, a 5xx, a connection refused) a later attempt may succeed. ``slug`` names the kind
    of failure for a problem type; the message is for people and never names an address the server resolved."""

    def __init__(self, slug: str, detail: str, *, permanent: bool) -> None:
        super().__init__(detail)
        self.slug = slug
        self.detail = detail
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: where it was found in the end, its media type, and its first ``MAX_PAGE_BYTES`` as text."""

    url: str
    media_type: str
    text: str
    truncated: bool


def page_url(url: str, *, allow_private: bool = False, allowed: Sequence[Network] = ()) -> str:
    """``url`` as it will be fetched (its fragment dropped), or :class:`~chopchop.lib.egress.UrlRefused`: the
    egress rules, and a port that is 80, 443 or 1024 and above."""
    parts = urlsplit(url)
    bare = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    checked = check_url(bare, allow_private=allow_private, allowed=allowed)
    port = urlsplit(checked).port
    if port is not None and port not in WEB_PORTS and port < FIRST_UNPRIVILEGED_PORT:
        msg = f"The URL must use port 80, 443 or 1024 and above, not {port}."
        raise UrlRefused(msg)
    return checked


def _media_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    kind, _, parameters = header.partition(";")
    charset = None
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower() or None
    return kind.strip().lower(), charset


def _decoder(encoding: str) -> zlib._Decompress | None:
    """A streaming decompressor for ``Content-Encoding`` (None: identity); FetchFailed for one we do not ask for."""
    name = encoding.strip().lower()
    if name in {"", "identity"}:
        return None
    if name in {"gzip", "x-gzip"}:
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return zlib.decompressobj()
    raise FetchFailed(
        "import-unsupported-page", f"The page came in an encoding we do not read ({name}).", permanent=True
    )


async def _read(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    """At most ``limit`` bytes of the decoded body, and whether there was more: the raw stream is decompressed
    here, each step bounded by what is still wanted (``max_length``), so no chunk can expand past the cap."""
    decoder = _decoder(response.headers.get("content-encoding", ""))
    body = bytearray()
    async for chunk in response.aiter_raw():
        if decoder is None:
            body += chunk
        else:
            try:
                data = chunk
                while data and len(body) < limit:
                    body += decoder.decompress(data, limit - len(body) + 1)
                    data = decoder.unconsumed_tail
            except zlib.error as exc:
                msg = "The page's compressed body is corrupt."
                raise FetchFailed("import-unreadable-page", msg, permanent=True) from exc
        if len(body) > limit:
            return bytes(body[:limit]), True
    return bytes(body), False


async def _one_hop(
    url: str, *, allow_private: bool, allowed: Sequence[Network], limit: int
) -> tuple[httpx.Response, bytes, bool]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = await resolve(host, port, allow_private=allow_private, allowed=allowed)
    except AddressRefused as exc:
        raise FetchFailed("import-address-refused", f"The page's address is refused: {exc}.", permanent=True) from exc
    except ConnectionError as exc:
        # A name that does not exist will not (permanent); a resolver that failed may answer later (transient).
        cause = exc.__cause__
        missing = isinstance(cause, socket.gaierror) and cause.errno in _NO_SUCH_NAME
        msg = f"The page's host does not exist: {host}." if missing else f"The page's host cannot be resolved: {host}."
        raise FetchFailed("import-unreachable", msg, permanent=missing) from exc
    async with httpx.AsyncClient(
        transport=pinned_transport(addresses),
        follow_redirects=False,
        trust_env=False,
        timeout=None,  # noqa: S113 - the whole fetch is bounded by fetch_page's asyncio.timeout
    ) as client:
        try:
            request = client.build_request(
                "GET",
                url,
                headers={
                    "user-agent": USER_AGENT,
                    "accept": "text/html, application/xhtml+xml;q=0.9, application/ld+json;q=0.8",
                    "accept-encoding": "gzip, deflate",
                },
            )
            response = await client.send(request, stream=True)
        except httpx.InvalidURL as exc:  # not an httpx.HTTPError: a URL that no later attempt can fetch either
            raise FetchFailed("import-url-refused", f"The URL cannot be fetched: {exc}.", permanent=True) from exc
        except httpx.HTTPError as exc:
            # httpx reads every redirect's Location, followed or not, and raises this (``from None``: the parse
            # error is the context) for one it cannot parse: no later attempt would fare better.
            if isinstance(exc, httpx.RemoteProtocolError) and isinstance(exc.__context__, httpx.InvalidURL):
                msg = f"The page redirected to a URL that cannot be fetched: {exc.__context__}."
                raise FetchFailed("import-url-refused", msg, permanent=True) from exc
            msg = f"The page's server could not be reached ({type(exc).__name__})."
            raise FetchFailed("import-unreachable", msg, permanent=False) from exc
        try:
            if response.status_code != httpx.codes.OK:  # a redirect or an error: no body to read
                return response, b"", False
            if _media_type(response.headers.get("content-type"))[0] not in PAGE_TYPES:
                return response, b"", False  # refused by the caller: not a byte of it is read
            body, truncated = await _read(response, limit)
        except httpx.HTTPError as exc:
            msg = f"The page's server broke off ({type(exc).__name__})."
            raise FetchFailed("import-unreachable", msg, permanent=False) from exc
        finally:
            await response.aclose()
        return response, body, truncated


async def fetch_page(
    url: str,
    *,
    timeout: float,
    allow_private: bool = False,
    allowed: Sequence[Network] = (),
    limit: int = MAX_PAGE_BYTES,
) -> Page:
    """GET the page at ``url``, following at most ``MAX_REDIRECTS`` redirects, each new URL checked by
    :func:`page_url` and each host resolved, checked and pinned again; everything within ``timeout`` seconds.
    Raises :class:`FetchFailed` (permanent or not) for anything but a 200 HTML or JSON-LD page."""
    try:
        async with asyncio.timeout(timeout):
            current = url
            for _ in range(MAX_REDIRECTS + 1):
                try:
                    current = page_url(current, allow_private=allow_private, allowed=allowed)
                except UrlRefused as exc:
                    raise FetchFailed("import-url-refused", str(exc), permanent=True) from exc
                response, body, truncated = await _one_hop(
                    current, allow_private=allow_private, allowed=allowed, limit=limit
                )
                status = response.status_code
                if status in _REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        msg = f"The page answered a redirect ({status}) without saying where to."
                        raise FetchFailed("import-page-unavailable", msg, permanent=True)
                    current = urljoin(current, location.strip())
                    continue
                if status != httpx.codes.OK:
                    transient = status >= 500 or status in _TRANSIENT_STATUSES
                    msg = f"The page answered HTTP {status}."
                    raise FetchFailed("import-page-unavailable", msg, permanent=not transient)
                media_type, charset = _media_type(response.headers.get("content-type"))
                if media_type not in PAGE_TYPES:
                    shown = media_type or "no content type"
                    msg = f"The address is not a web page ({shown[:100]}): it must be HTML or JSON-LD."
                    raise FetchFailed("import-unsupported-page", msg, permanent=True)
                return Page(url=current, media_type=media_type, text=_text(body, charset), truncated=truncated)
            msg = f"The page redirected more than {MAX_REDIRECTS} times."
            raise FetchFailed("import-too-many-redirects", msg, permanent=True)
    except TimeoutError as exc:
        msg = f"The page took longer than {timeout:g} s to fetch."
        raise FetchFailed("import-timeout", msg, permanent=False) from exc


def _text(body: bytes, charset: str | None) -> str:
    """The body as text: its declared charset if Python knows it, else UTF-8; undecodable bytes replaced (a page is
    read, never stored as is, so a replacement cannot merge two values that matter)."""
    for candidate in (charset, "utf-8"):
        if candidate:
            try:
                return body.decode(candidate, errors="replace")
            except LookupError:
                continue
    return body.decode("utf-8", errors="replace")
