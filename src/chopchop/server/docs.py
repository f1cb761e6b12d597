"""The API documentation pages (Swagger UI, ReDoc, Scalar), with every script, style and icon served by the app.

Litestar's render plugins load their bundles from public CDNs (Scalar's and ReDoc's unpinned) and start them with
inline scripts: blank pages without internet or behind a strict CSP, and a third party's code on our origin. These
pages load pinned files from ``/schema/assets/`` instead, content-addressed (the name carries the SHA-256, so they
are cached for a year as immutable) and started by our own small scripts, so the CSP needs no other origin and no
inline script. Where each file comes from:

- Swagger UI: the PyPI package swagger-ui-bundle-v2 (its version in uv.lock);
- ReDoc and Scalar: npm bundles vendored in ``docs_assets/`` by ``scripts/vendor-docs-assets``, which records
  package, exact version, tarball integrity and SHA-256 in ``docs_assets/vendor.json`` (checked here at load).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import swagger_ui_bundle
from litestar import Request, Response, get
from litestar.enums import MediaType
from litestar.openapi.plugins import RedocRenderPlugin, ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.params import FromPath

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from litestar.router import Router

DOCS_PATH = "/schema"
ASSETS_PATH = f"{DOCS_PATH}/assets"
IMMUTABLE = "public, max-age=31536000, immutable"
VENDORED = Path(__file__).parent / "docs_assets"
SWAGGER_UI = swagger_ui_bundle.swagger_ui_path
_MEDIA_TYPES = {
    "js": "text/javascript",  # Litestar adds "; charset=utf-8" to text/*
    "css": "text/css",
    "png": "image/png",
}


@dataclass(frozen=True)
class Asset:
    """One file a docs page loads: ``name`` is what it is called in the page, ``served`` its URL's last segment."""

    name: str
    source: Traversable
    media_type: str
    sha256: str

    @property
    def served(self) -> str:
        stem, dot, extension = self.name.rpartition(".")
        return f"{stem}.{self.sha256[:16]}{dot}{extension}"

    @property
    def url(self) -> str:
        return f"{ASSETS_PATH}/{self.served}"

    @functools.cached_property
    def body(self) -> bytes:
        return self.source.read_bytes()

    @functools.cached_property
    def gzipped(self) -> bytes | None:
        if not self.media_type.startswith("text/"):
            return None  # the icon: a PNG is compressed already
        return gzip.compress(self.body, compresslevel=6, mtime=0)


class DocsAssets:
    """The files of the three pages, by name and by served name."""

    def __init__(self, sources: dict[str, Traversable], expected: dict[str, str]) -> None:
        self.by_name: dict[str, Asset] = {}
        for name, source in sources.items():
            digest = hashlib.sha256(source.read_bytes()).hexdigest()
            if name in expected and expected[name] != digest:
                msg = f"docs asset {name} has SHA-256 {digest}, docs_assets/vendor.json pins {expected[name]}"
                raise RuntimeError(msg)
            self.by_name[name] = Asset(name, source, _MEDIA_TYPES[name.rpartition(".")[2]], digest)
        self.by_served = {asset.served: asset for asset in self.by_name.values()}

    def url(self, name: str) -> str:
        return self.by_name[name].url


@functools.cache
def docs_assets() -> DocsAssets:
    """Read and hashed once a process (about 8 MB: a few milliseconds), at the first app built."""
    vendored = json.loads((VENDORED / "vendor.json").read_text())
    sources: dict[str, Traversable] = {
        "swagger-ui.css": SWAGGER_UI / "swagger-ui.css",
        "swagger-ui-bundle.js": SWAGGER_UI / "swagger-ui-bundle.js",
        "swagger-oauth2-redirect.js": SWAGGER_UI / "oauth2-redirect.js",
        "favicon.png": SWAGGER_UI / "favicon-32x32.png",
        **{name: VENDORED / name for name in vendored},
        **{name: VENDORED / name for name in ("docs.css", "swagger-init.js", "redoc-init.js", "scalar-init.js")},
    }
    return DocsAssets(sources, {name: entry["sha256"] for name, entry in vendored.items()})


def _accepts_gzip(request: Request[Any, Any, Any]) -> bool:
    """``gzip`` (or ``*``) in Accept-Encoding, unless with ``q=0``."""
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.partition(";")
        if coding.strip().lower() in {"gzip", "*"}:
            return params.replace(" ", "").lower().rstrip("0").rstrip(".") not in {"q=", "q=0"}
    return False


@get(f"{ASSETS_PATH}/{{name:str}}", include_in_schema=False, sync_to_thread=False, exclude_from_auth=True)
def docs_asset(name: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
    """One file of the docs pages, cached for a year: a new version has a new name."""
    asset = docs_assets().by_served.get(name)
    if asset is None:
        return Response(b"Not Found", status_code=404, media_type=MediaType.TEXT)
    headers = {"cache-control": IMMUTABLE, "vary": "accept-encoding"}
    if asset.gzipped is not None and _accepts_gzip(request):
        return Response(asset.gzipped, media_type=asset.media_type, headers={**headers, "content-encoding": "gzip"})
    return Response(asset.body, media_type=asset.media_type, headers=headers)


def _page(title: str, *, styles: list[str], root: str, spec_url: str, scripts: list[str]) -> bytes:
    assets = docs_assets()
    links = "".join(f'<link rel="stylesheet" href="{assets.url(name)}">' for name in styles)
    tags = "".join(f'<script src="{assets.url(name)}"></script>' for name in scripts)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="icon" type="image/png" href="{assets.url("favicon.png")}">{links}</head>'
        f'<body><div id="{root}" data-spec-url="{html.escape(spec_url)}"></div>{tags}</body></html>'
    ).encode()


class SwaggerPage(SwaggerRenderPlugin):
    """Swagger UI from swagger-ui-bundle-v2, started by ``swagger-init.js``."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return _page(
            f"{openapi_schema['info']['title']} - Swagger UI",
            styles=["swagger-ui.css", "docs.css"],
            root="swagger-ui",
            spec_url=self.get_openapi_json_route(request),
            scripts=["swagger-ui-bundle.js", "swagger-init.js"],
        )

    def receive_router(self, router: Router) -> None:
        # Litestar's redirect page is an inline script; the package's loads oauth2-redirect.js.
        router.register(get("/oauth2-redirect.html", media_type=MediaType.HTML, sync_to_thread=False)(_oauth2_redirect))


def _oauth2_redirect() -> bytes:
    script = docs_assets().url("swagger-oauth2-redirect.js")
    return f'<!doctype html><html lang="en-US"><body><script src="{script}"></script></body></html>'.encode()


class RedocPage(RedocRenderPlugin):
    """ReDoc's standalone bundle (npm ``redoc``), started by ``redoc-init.js``; no Google Fonts."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return _page(
            f"{openapi_schema['info']['title']} - ReDoc",
            styles=["docs.css"],
            root="redoc",
            spec_url=self.get_openapi_json_route(request),
            scripts=["redoc.standalone.js", "redoc-init.js"],
        )


class ScalarPage(ScalarRenderPlugin):
    """Scalar's standalone bundle (npm ``@scalar/api-reference``), started by ``scalar-init.js``."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return _page(
            f"{openapi_schema['info']['title']} - Scalar",
            styles=["docs.css"],
            root="scalar",
            spec_url=self.get_openapi_json_route(request),
            scripts=["scalar.standalone.js", "scalar-init.js"],
        )


def docs_pages() -> list[SwaggerPage | RedocPage | ScalarPage]:
    """The render plugins: Scalar first, so that it also answers ``/schema`` itself, as before."""
    docs_assets()  # a vendored file that does not match vendor.json fails the app's start, not a page view
    return [ScalarPage(), SwaggerPage(), RedocPage()]
