"""Cursor (keyset) paging shared by the lists: an opaque, authenticated cursor, the keyset condition, the page.

A cursor is ``base64url(payload || mac)`` without padding, where ``payload`` is a msgpack array
``[version, list, binding, backward, keys]``:

* ``list`` names the list (``"recipes"``, ``"comments"``...) and ``binding`` is a 12-byte digest of what else makes
  the list (its sort, its filters, the user or recipe of its path): a cursor used with another list, sort or filters
  is a 400 ``cursor-mismatch``, never rows of another order;
* ``keys`` are the boundary row's sort key values, its id last; ``backward`` says which way the page goes from it;
* ``mac`` is the first 16 bytes of HMAC-SHA256 of the payload under a key derived from the JWT secret with its own
  label (``cursor_key``): clients cannot make up positions, and the key signs nothing else.

Decoding is strict and total: anything but a cursor this deployment issued for this very list (a wrong length or
alphabet, a non-canonical base64 spelling, a bad MAC, another version, keys of the wrong types) is a 400
problem+json, never a 500. The MAC is checked before anything is parsed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import msgspec
from litestar import Request, Response
from litestar.params import QueryParameter
from sqlalchemy import ColumnElement, literal, tuple_

from chopchop.lib.keys import derive_key
from chopchop.lib.pagination import CursorPage, link_header, public_url
from chopchop.lib.problems import BadRequest
from chopchop.lib.signed_positions import InvalidCursor, seal, unseal
from chopchop.lib.text import END

#: The payload's format; a cursor of another version is refused (clients start again from the first page).
CURSOR_VERSION = 1
MAC_BYTES = 16
BINDING_BYTES = 12
#: The longest cursor accepted: a title key (200 characters, up to 800 bytes of UTF-8) fits with room to spare.
MAX_CURSOR_CHARS = 1400
CURSOR_PATTERN = rf"^[A-Za-z0-9_-]+{END}"
_LABEL = "list cursor v1"

Cursor = Annotated[
    str | None,
    QueryParameter(
        min_length=1,
        max_length=MAX_CURSOR_CHARS,
        pattern=CURSOR_PATTERN,
        description="An opaque position from a page's `next_cursor` or `prev_cursor` (or its `Link` header): the "
        "page after (or before) it, in the same order. Only valid with the same sort and filters it was issued "
        "for (otherwise a 400), and not with a nonzero `offset`. Cursor pages stay correct while items are added "
        "or removed and cost the same at any depth.",
    ),
]

_MISMATCH = (
    "This cursor was issued for another list, sort or filters: repeat the query it came from, or start again "
    "without `cursor`."
)
_INVALID = "Invalid `cursor`: use a `next_cursor` or `prev_cursor` exactly as a page returned it."


class _Envelope(msgspec.Struct, array_like=True, forbid_unknown_fields=True):
    version: int
    list: str
    binding: bytes
    backward: bool
    keys: msgspec.Raw


_encode = msgspec.msgpack.Encoder(uuid_format="bytes").encode
_envelope = msgspec.msgpack.Decoder(_Envelope)


@dataclass(frozen=True)
class Seek:
    """Where a cursor page starts: the boundary row's sort key values (its id last) and the direction."""

    keys: tuple[Any, ...]
    backward: bool


@dataclass(frozen=True)
class CursorScope:
    """What a cursor belongs to: a list, a digest of its sort and filters, and the types of its keys."""

    list: str
    binding: bytes
    key_types: Any

    @classmethod
    def of(cls, list_name: str, key_types: Any, *bound: object) -> CursorScope:
        """The scope of ``list_name`` with ``bound`` (sort, filters, path ids: anything msgspec encodes)."""
        digest = hashlib.sha256(msgspec.json.encode([list_name, *bound])).digest()[:BINDING_BYTES]
        return cls(list_name, digest, key_types)


@lru_cache(maxsize=8)
def cursor_key(secret: str) -> bytes:
    """The MAC key of cursors: a labelled derivation of the JWT secret (one secret to manage; signs nothing else)."""
    if not secret:
        msg = "No JWT secret configured: cursors cannot be signed."
        raise RuntimeError(msg)
    return derive_key(secret, _LABEL)


def encode_cursor(key: bytes, scope: CursorScope, keys: Sequence[Any], *, backward: bool) -> str:
    payload = _encode(_Envelope(CURSOR_VERSION, scope.list, scope.binding, backward, msgspec.Raw(_encode(tuple(keys)))))
    return seal(key, payload)


def decode_cursor(key: bytes, scope: CursorScope, token: str) -> Seek:
    """The position ``token`` carries; a 400 problem (``invalid-cursor``, ``cursor-mismatch``) for anything else."""
    if not 0 < len(token) <= MAX_CURSOR_CHARS:
        raise BadRequest(_INVALID, slug="invalid-cursor")
    try:
        payload = unseal(key, token)
    except InvalidCursor:
        raise BadRequest(_INVALID, slug="invalid-cursor") from None
    try:
        envelope = _envelope.decode(payload)
    except msgspec.DecodeError:
        raise BadRequest(_INVALID, slug="invalid-cursor") from None
    if envelope.version != CURSOR_VERSION:
        msg = "This cursor is from an older version of the API: start again without `cursor`."
        raise BadRequest(msg, slug="invalid-cursor")
    if envelope.list != scope.list or not hmac.compare_digest(envelope.binding, scope.binding):
        raise BadRequest(_MISMATCH, slug="cursor-mismatch")
    try:
        keys = msgspec.msgpack.decode(envelope.keys, type=scope.key_types)
    except msgspec.DecodeError:
        raise BadRequest(_INVALID, slug="invalid-cursor") from None
    return Seek(tuple(keys), envelope.backward)


def _key_of(request: Request[Any, Any, Any]) -> bytes:
    settings = request.app.state.get("settings")
    return cursor_key(str(getattr(settings, "jwt_secret", "") or ""))


def read_cursor(request: Request[Any, Any, Any], scope: CursorScope, cursor: str | None, offset: int) -> Seek | None:
    """The position of the request's ``cursor`` (None without one); a 400 with a nonzero ``offset``."""
    if cursor is None:
        return None
    if offset:
        msg = "`cursor` and a nonzero `offset` cannot be combined: a cursor already says where the page starts."
        raise BadRequest(msg, slug="cursor-with-offset")
    return decode_cursor(_key_of(request), scope, cursor)


def keyset_condition(columns: Sequence[Any], seek: Seek, *, descending: bool) -> ColumnElement[bool]:
    """Rows strictly after the boundary in the walking order: ``(k1, ..., id) > (v1, ..., id0)`` for an ascending
    forward walk, ``<`` when the order is descending or the walk goes backward (not both). One row-value
    comparison: a b-tree on the same columns serves it as an index range."""
    values = tuple_(*(literal(value, column.type) for column, value in zip(columns, seek.keys, strict=True)))
    row = tuple_(*columns)
    return row < values if descending != seek.backward else row > values


T = TypeVar("T")
PageT = TypeVar("PageT", bound=CursorPage[Any])


@dataclass(frozen=True)
class Slice:
    """A service's answer to a cursor or offset page: the items in list order, each one's sort key values (its id
    last), and whether more rows follow in the direction walked (cursor pages only: read ``limit + 1`` rows)."""

    items: list[Any]
    keys: list[tuple[Any, ...]]
    more: bool = False


def take(rows: Sequence[T], *, limit: int, seek: Seek | None) -> tuple[list[T], bool]:
    """The page from ``limit + 1`` rows read in the walking order: in list order, and whether more follow."""
    page = list(rows[:limit])
    more = len(rows) > limit
    if seek is not None and seek.backward:
        page.reverse()
    return page, more


def _with_cursor(url: str, cursor: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in {"cursor", "offset"}]
    return urlunsplit(parts._replace(query=urlencode([*query, ("cursor", cursor)])))


def keyset_page_response(
    request: Request[Any, Any, Any],
    page: Slice,
    *,
    scope: CursorScope,
    seek: Seek | None,
    limit: int,
    offset: int,
    total: int,
    page_type: type[PageT],
    total_exact: bool = True,
    headers: dict[str, str] | None = None,
) -> Response[PageT]:
    """A 200 with the page body and its ``Link`` header, carrying ``next_cursor``/``prev_cursor`` when there is
    such a page. Offset pages (no ``seek``) keep their offset links; cursor pages link by cursor and report
    ``offset`` 0 (a cursor is a position, not a count)."""
    key = _key_of(request)
    if seek is None:
        has_next = offset + limit < total and len(page.items) == limit
        has_prev = offset > 0 and bool(page.items)
    else:
        has_next = page.more if not seek.backward else True
        has_prev = page.more if seek.backward else True
    next_cursor = encode_cursor(key, scope, page.keys[-1], backward=False) if has_next and page.items else None
    prev_cursor = encode_cursor(key, scope, page.keys[0], backward=True) if has_prev and page.items else None
    all_headers = dict(headers or {})
    url = public_url(request)
    if seek is None:
        link = link_header(url, limit=limit, offset=offset, total=total)
    else:
        links = [
            f'<{_with_cursor(url, c)}>; rel="{rel}"' for c, rel in ((next_cursor, "next"), (prev_cursor, "prev")) if c
        ]
        link = ", ".join(links) or None
    if link is not None:
        all_headers["Link"] = link
    body = page_type(
        items=page.items,
        total=total,
        limit=limit,
        offset=offset if seek is None else 0,
        total_exact=total_exact,
        next_cursor=next_cursor,
        prev_cursor=prev_cursor,
    )
    return Response(body, headers=all_headers)


__all__ = [
    "CURSOR_PATTERN",
    "MAX_CURSOR_CHARS",
    "Cursor",
    "CursorScope",
    "Seek",
    "Slice",
    "cursor_key",
    "decode_cursor",
    "encode_cursor",
    "keyset_condition",
    "keyset_page_response",
    "read_cursor",
    "take",
]
