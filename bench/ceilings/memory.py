"""Ceiling 1: a minimal Litestar app that returns the list-of-100 payload from memory.

``GET /bytes`` returns the exact bytes the API sends for ``GET /api/v1/recipes?limit=100`` (what a response
cache hit can at best do); ``GET /struct`` returns the same page as msgspec Structs that Litestar encodes on
every request; ``GET /bytes/{size}`` the API's bytes of the list of ``size`` (1130, 2480). The payload files are
written by the benchmark (``BENCH_PAYLOAD_FILE``, and ``payload-<size>.json`` beside it).
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
from litestar import Litestar, Response, get

from chopchop.domain.recipes.schemas import RecipeSummary
from chopchop.lib.pagination import Page

JSON = "application/json"


def create_app() -> Litestar:
    body = Path(os.environ["BENCH_PAYLOAD_FILE"]).read_bytes()
    page = msgspec.json.decode(body, type=Page[RecipeSummary])
    folder = Path(os.environ["BENCH_PAYLOAD_FILE"]).parent
    sized = {int(p.stem.split("-")[1]): p.read_bytes() for p in folder.glob("payload-*.json")}

    @get("/bytes", sync_to_thread=False)
    def payload_bytes() -> Response[bytes]:
        return Response(body, media_type=JSON)

    @get("/bytes/{size:int}", sync_to_thread=False)
    def payload_of_size(size: int) -> Response[bytes]:
        return Response(sized[size], media_type=JSON)

    @get("/struct", sync_to_thread=False)
    def payload_struct() -> Page[RecipeSummary]:
        return page

    @get("/health", sync_to_thread=False)
    def health() -> str:
        return "ok"

    return Litestar([payload_bytes, payload_of_size, payload_struct, health], openapi_config=None, logging_config=None)
