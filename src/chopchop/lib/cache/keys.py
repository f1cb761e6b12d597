"""Cache keys from the route, its parsed path parameters and its validated query; what may be stored."""

from __future__ import annotations

import hashlib
import logging
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.types import Empty, HTTPScope

from chopchop.lib.cache.constants import (
    CACHED_ROUTES_STATE_KEY,
    KEY_MEMO_SIZE,
    MAX_KEY_CHARS,
    MEMO_SPELLING_CHARS,
    RELOAD,
    TOKEN_KEY_STATE_KEY,
    UNCACHED,
)
from chopchop.lib.negotiation import MEDIA_TYPES_OPT, negotiate
from chopchop.lib.replicas import CONSISTENCY_HEADER_BYTES, is_token

logger = logging.getLogger("chopchop.cache")


class _Refused(Exception):
    """The query is not one the operation declares: not a key (the handler or a hook answers the 400)."""


@dataclass(frozen=True, slots=True)
class CachedRoute:
    """What the key builder needs of a cached handler, computed once at start-up."""

    name: str
    tags: tuple[str, ...]
    fields: dict[str, str]  # query parameter name (alias) -> field of ``query``
    repeatable: frozenset[str]
    query: type[msgspec.Struct]
    defaults: dict[str, Any] = field(default_factory=dict)  # field -> default (fields without one are absent)
    # The media types the handler offers (several: the key names the negotiated one); empty: JSON only.
    media_types: tuple[str, ...] = ()
    keys: dict[tuple[str, bytes], str] = field(default_factory=dict)  # memo: (path, raw query) -> key

    def parsed_query(self, items: Iterable[tuple[str, Any]]) -> msgspec.Struct:
        """The query as the handler sees it (declared types, defaults applied); _Refused if Litestar would refuse it."""
        values: dict[str, Any] = {}
        for alias, value in items:
            name = self.fields.get(alias)
            if name is None:
                raise _Refused(alias)
            if alias in self.repeatable:
                values.setdefault(name, []).append(value)
            elif name in values:
                raise _Refused(alias)
            else:
                values[name] = value
        try:
            return msgspec.convert(values, self.query, strict=False)
        except msgspec.ValidationError as exc:
            raise _Refused(str(exc)) from exc

    def normalised_query(self, items: Iterable[tuple[str, Any]]) -> str:
        return _ENCODE_QUERY(self.parsed_query(items)).decode()

    def canonical_items(self, items: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
        """The query in one spelling: parameters by name, values in their canonical form, defaults left out."""
        parsed = self.parsed_query(items)
        defaults = self.defaults
        canonical: list[tuple[str, str]] = []
        for alias, name in sorted(self.fields.items()):
            value = getattr(parsed, name)
            if value == defaults.get(name, msgspec.NODEFAULT):
                continue
            builtin = msgspec.to_builtins(value)
            canonical.extend((alias, str(item)) for item in (builtin if isinstance(builtin, list) else [builtin]))
        return canonical


_ENCODE_QUERY = msgspec.json.Encoder().encode


def index_cached_routes(app: Litestar) -> dict[int, CachedRoute]:
    """The cached handlers of ``app``, by handler identity, each with a Struct of its query parameters whose
    fields are the types (and constraints and defaults) Litestar validates them with."""
    index: dict[int, CachedRoute] = {}
    for route in app.routes:
        for handler, kwargs_model in getattr(route, "route_handler_map", {}).values():
            tags = handler.opt.get("cache_tags")
            if not handler.cache or not tags:
                continue
            hints = typing.get_type_hints(handler.signature_model, include_extras=True)
            fields: list[tuple[str, Any, Any]] = []
            for parameter in kwargs_model.expected_query_params:
                fallback = list[str] if parameter.is_sequence else str
                annotation = hints.get(parameter.field_name, fallback)
                default = parameter.default
                if default is Empty or parameter.is_required:
                    fields.append((parameter.field_name, annotation, msgspec.NODEFAULT))
                elif isinstance(default, list):
                    fields.append((parameter.field_name, annotation, msgspec.field(default_factory=default.copy)))
                else:
                    fields.append((parameter.field_name, annotation, default))
            query = msgspec.defstruct(f"{handler.handler_name}_query", fields, kw_only=True, forbid_unknown_fields=True)
            index[id(handler)] = CachedRoute(
                name=handler.handler_name,
                tags=tuple(tags),
                fields={p.field_alias: p.field_name for p in kwargs_model.expected_query_params},
                repeatable=frozenset(p.field_alias for p in kwargs_model.expected_query_params if p.is_sequence),
                query=query,
                defaults={info.name: info.default for info in msgspec.structs.fields(query)},
                media_types=tuple(handler.opt.get(MEDIA_TYPES_OPT, ())),
            )
    return index


def _cached_route(request: Request[Any, Any, Any]) -> CachedRoute | None:
    routes: dict[int, CachedRoute] | None = request.app.state.get(CACHED_ROUTES_STATE_KEY)
    return routes.get(id(request.scope["route_handler"])) if routes else None


def canonical_query(request: Request[Any, Any, Any]) -> list[tuple[str, str]] | None:
    """The canonical query items of a cached route's request (for links), or None (not cached, or not valid)."""
    route = _cached_route(request)
    if route is None:
        return None
    try:
        return route.canonical_items(request.query_params.multi_items())
    except _Refused:
        return None


def _asks_no_cache(scope: HTTPScope, token_key: bytes) -> bool | None:
    """True: ``Cache-Control: no-cache``; None: a malformed consistency token (not cached: the handler's 400)."""
    no_cache = False
    for name, value in scope["headers"]:
        lowered = name.lower()
        if lowered in {b"cache-control", b"pragma"} and b"no-cache" in value.lower():
            no_cache = True
        elif lowered == CONSISTENCY_HEADER_BYTES and not is_token(value, token_key):
            return None
    return no_cache


def cache_key_builder(request: Request[Any, Any, Any]) -> str:
    """``<tags>|<handler>|<path parameters>|<query>``, where the query is the validated, normalised one, and
    ``|<media type>`` for a handler that offers several representations (``MEDIA_TYPES_OPT``).

    ``GET /recipes?sort=title&complexity=easy`` and ``GET /recipes?complexity=easy&sort=title&limit=20`` share a
    key; ``GET /recipes?limit%3D87%26offset=5`` has none (an unknown parameter: a 400 that is never stored).
    """
    scope = request.scope
    route = _cached_route(request)
    if route is None or scope["method"] != "GET":
        return UNCACHED
    # The key is a function of the path and the raw query: work it out once per spelling (bounded memo).
    spelling = (scope["path"], scope["query_string"])
    key = route.keys.get(spelling)
    if key is None:
        key = _key(route, request)
        # Only valid, short spellings are remembered: the memo is at most KEY_MEMO_SIZE x ~1 KiB per route.
        if key and len(spelling[0]) + len(spelling[1]) <= MEMO_SPELLING_CHARS:
            if len(route.keys) >= KEY_MEMO_SIZE:
                route.keys.clear()
            route.keys[spelling] = key
    asks = _asks_no_cache(scope, request.app.state.get(TOKEN_KEY_STATE_KEY, b""))
    if asks is None:
        return UNCACHED
    if key and len(route.media_types) > 1:
        # One entry per representation, keyed on the type negotiated from Accept (the handler's own decision,
        # by the same function), never on the header's bytes: `*/*`, `application/json;q=0.9` and no header
        # share the JSON entry. Not acceptable: not cached (the handler answers its 406).
        media = negotiate(request.headers.get("accept"), route.media_types)
        if media is None:
            return UNCACHED
        key = f"{key}|{media}"
    return RELOAD + key if key and asks else key


def _key(route: CachedRoute, request: Request[Any, Any, Any]) -> str:
    try:
        query = route.normalised_query(request.query_params.multi_items())
    except _Refused:
        return UNCACHED
    params = request.scope["path_params"]
    tags = ",".join(tag.format(**params) for tag in route.tags) if params else ",".join(route.tags)
    rest = f"{route.name}|{','.join(f'{k}={v}' for k, v in sorted(params.items()))}|{query}"
    if len(rest) > MAX_KEY_CHARS:
        rest = f"{route.name}|#{hashlib.sha256(rest.encode()).hexdigest()}"
    return f"{tags}|{rest}"
