"""The docs pages without a browser: they reference only this origin's files, those files are served pinned and
cached as immutable, and the CSP names no other origin and allows no inline script."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
from litestar import Litestar

from chopchop.app import create_app
from chopchop.lib.headers import DOCS_CSP
from chopchop.server.docs import IMMUTABLE, VENDORED, docs_assets
from chopchop.settings import Settings
from tests.helpers import asgi_client

PAGES = ["/schema/swagger", "/schema/redoc", "/schema/scalar", "/schema", "/schema/oauth2-redirect.html"]
URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@pytest.fixture
def docs_app(tmp_path: Path) -> Litestar:
    """An embedded-mode app, never started: the pages and their files need no database."""
    return create_app(
        Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'chopchop.sqlite3'}",
            data_dir=str(tmp_path / "data"),
            mail_outbox_dir=str(tmp_path / "outbox"),
            log_level="WARNING",
        )
    )


def test_the_csp_needs_no_other_origin_and_no_inline_script() -> None:
    directives = dict(part.strip().split(" ", 1) for part in DOCS_CSP.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    for name, sources in directives.items():
        for source in sources.split():
            assert source in {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}, (name, source)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "unsafe-eval" not in DOCS_CSP


@pytest.mark.parametrize("path", PAGES)
async def test_pages_reference_only_local_files(docs_app: Litestar, path: str) -> None:
    async with asgi_client(docs_app) as http:
        page = await http.get(path)
        assert page.status_code == 200
        assert page.headers["content-security-policy"] == DOCS_CSP
        body = page.text
        urls = URL.findall(body)
        assert urls, body
        for url in urls:
            assert url.startswith("/schema/assets/"), url
            asset = await http.get(url)
            assert asset.status_code == 200, url
            assert asset.headers["cache-control"] == IMMUTABLE
        # No inline script or style of ours: every <script> has a src and there is no <style>.
        assert "<style" not in body
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", body))
        assert "http://" not in body
        assert "https://" not in body


async def test_assets_are_content_addressed_and_compressed(docs_app: Litestar) -> None:
    async with asgi_client(docs_app) as http:
        for asset in docs_assets().by_name.values():
            assert asset.sha256[:16] in asset.served
            plain = await http.get(asset.url, headers={"accept-encoding": "identity"})
            assert hashlib.sha256(plain.content).hexdigest() == asset.sha256
            assert plain.headers["content-type"].split(";")[0] == asset.media_type
            assert "content-encoding" not in plain.headers
            assert plain.headers["content-security-policy"] == DOCS_CSP
            if asset.media_type.startswith("text/"):
                zipped = await http.get(asset.url, headers={"accept-encoding": "br, gzip;q=0.5"})
                assert zipped.headers["content-encoding"] == "gzip"
                assert zipped.headers["vary"] == "accept-encoding"
                refused = await http.get(asset.url, headers={"accept-encoding": "gzip;q=0"})
                assert "content-encoding" not in refused.headers
        assert (await http.get("/schema/assets/redoc.standalone.js")).status_code == 404  # only by its hash
        assert (await http.get("/schema/assets/nothing.0123456789abcdef.js")).status_code == 404


def test_gzip_round_trips() -> None:
    asset = docs_assets().by_name["swagger-init.js"]
    assert asset.gzipped is not None
    assert gzip.decompress(asset.gzipped) == asset.body


def test_vendored_files_match_their_record() -> None:
    """vendor.json (written by scripts/vendor-docs-assets) pins package, version, tarball integrity and SHA-256."""
    record = json.loads((VENDORED / "vendor.json").read_text())
    assert set(record) == {"redoc.standalone.js", "scalar.standalone.js"}
    for name, entry in record.items():
        assert entry["registry"] == "npm"
        assert re.fullmatch(r"\d+\.\d+\.\d+", entry["version"]), entry  # exact, never a range or a tag
        assert entry["tarball_integrity"].startswith("sha512-")
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == entry["sha256"]


def test_the_assets_are_not_in_the_openapi_document(docs_app: Litestar) -> None:
    assert not any(path.startswith("/schema") for path in docs_app.openapi_schema.paths or {})
