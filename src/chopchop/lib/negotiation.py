"""Content negotiation (RFC 9110 §12.5.1): which of the media types a handler offers an ``Accept`` header asks for,
quality values and wildcards honoured. The one function that decides it, for the handler and the cache key alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from litestar import Request

from chopchop.lib.problems import ProblemError

MAX_ACCEPT_CHARS: Final = 4096  # longer headers are read up to here: the ranges a client really sends fit in it
MAX_RANGES: Final = 64
#: A handler's ``opt`` key: the media types it offers, its default first (the cache key builder reads it).
MEDIA_TYPES_OPT: Final = "media_types"


class NotAcceptable(ProblemError):
    status_code = 406


def _quality(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 <= value <= 1 else None


def _ranges(header: str) -> list[tuple[str, str, float]]:
    """(type, subtype, q) of each well-formed media range; malformed ones are ignored."""
    ranges = []
    for item in header[:MAX_ACCEPT_CHARS].split(",")[:MAX_RANGES]:
        media, *parameters = item.split(";")
        kind, slash, subtype = media.strip().lower().partition("/")
        if not slash or not kind or not subtype or (kind == "*" and subtype != "*"):
            continue
        quality: float | None = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                quality = _quality(value.strip())
        if quality is not None:
            ranges.append((kind, subtype, quality))
    return ranges


def negotiate(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered type the header prefers (its most specific matching range gives each type its quality; ties go
    to the server's order), the first offered when there is no header, None when none is acceptable (406)."""
    if header is None or not header.strip():
        return offered[0]
    ranges = _ranges(header)
    if not ranges:
        return offered[0]  # nothing readable: as if no preference was given
    best: tuple[float, int] | None = None
    chosen = None
    for index, media in enumerate(offered):
        kind, _, subtype = media.partition("/")
        specificity, quality = -1, 0.0
        for range_kind, range_subtype, range_quality in ranges:
            if range_kind == kind and range_subtype == subtype:
                rank = 2
            elif range_kind == kind and range_subtype == "*":
                rank = 1
            elif range_kind == "*":
                rank = 0
            else:
                continue
            if rank > specificity:
                specificity, quality = rank, range_quality
        if quality > 0 and (best is None or (quality, -index) > best):
            best, chosen = (quality, -index), media
    return chosen


def negotiated(request: Request[Any, Any, Any], offered: Sequence[str]) -> str:
    """The media type to answer ``request`` with, or a 406 problem naming what is offered."""
    chosen = negotiate(request.headers.get("accept"), offered)
    if chosen is None:
        msg = f"This resource is available as {', '.join(offered)}: send an `Accept` header that allows one of them."
        raise NotAcceptable(msg, slug="not-acceptable")
    return chosen
