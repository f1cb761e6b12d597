"""The docs pages in a real browser with no route to the internet: headless Chromium (Debian's package, driven by
Playwright) opens Swagger UI, ReDoc and Scalar on an embedded-mode server of the test's own and checks that the
operations render, that nothing was asked of another host and that the CSP refused nothing. With
CHOPCHOP_DOCS_SCREENSHOTS=1 each page's screenshot is saved in docs/screenshots/ (docs/api.md shows them).

Skips when Chromium is not installed (``apt-get install chromium``; .ci/run installs it)."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
import uvicorn

from chopchop.app import create_app
from chopchop.settings import Settings
from tests.servers import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Route

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Debian's /usr/bin/chromium is a shell wrapper; the binary itself takes Playwright's pipe flags as they are.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser")
# The page, and what it shows once the document has rendered: an operation's summary.
PAGES = {
    "swagger": ("/schema/swagger", "#operations-auth-register", "Register"),
    "redoc": ("/schema/redoc", "[data-section-id='tag/auth/operation/register']", "Register"),
    "scalar": ("/schema/scalar", "[id$='tag/auth/POST/api/v1/auth/register']", "Register"),
}
# What the bundles ask of their makers' hosts whatever their options say, and the CSP refuses before any request is
# made (the route guard below never sees them): Scalar's API client injects @font-face rules for fonts.scalar.com,
# asked for even with the font variables pointed at system fonts (docs.css); ReDoc's sidebar footer has the Redocly
# logo from cdn.redoc.ly, which it removes when it fails to load.
KNOWN_REFUSALS = ("https://fonts.scalar.com/", "https://cdn.redoc.ly/redoc/logo-mini.svg")
# And what else the browser reports and the page lives with: Scalar's bundle tries an eval (refused: the page
# renders without it; 'unsafe-eval' stays out of the CSP) and Vue reports a hydration mismatch. Anything else the
# console reports, or the CSP refuses, fails the test.
KNOWN_MESSAGES = (
    "CSP violation: script-src eval http://{origin}/schema/assets/scalar.standalone.",
    "Hydration completed",
)


def _chromium() -> str:
    configured = os.environ.get("CHOPCHOP_CHROMIUM")
    for candidate in (configured,) if configured else CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    pytest.skip("Chromium is not installed (apt-get install chromium, or set CHOPCHOP_CHROMIUM)")


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread of the test process: the signals stay pytest's
        return


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An embedded-mode app (SQLite, no Redis, no SMTP) under uvicorn on a free loopback port, in a thread."""
    folder = tmp_path_factory.mktemp("docs-server")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'chopchop.sqlite3'}",
        data_dir=str(folder / "data"),
        mail_outbox_dir=str(folder / "outbox"),
        log_level="WARNING",
    )
    port = free_port()
    server = _Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server stopped at start"
        assert time.monotonic() < deadline, "the server did not start in 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize("page", list(PAGES))
def test_docs_page_renders_offline(page: str, docs_server: str) -> None:
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    path, operation, summary = PAGES[page]
    origin = urlsplit(docs_server).netloc
    requested: list[str] = []
    left: list[str] = []
    problems: list[str] = []

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            # No name resolves but 127.0.0.1 (and no proxy): the machine may have a route out, the page must not.
            args=["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-proxy-server"],
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")

            def guard(route: Route) -> None:
                url = route.request.url
                if urlsplit(url).scheme in {"http", "https", "ws", "wss"} and urlsplit(url).netloc != origin:
                    left.append(url)
                    route.abort("blockedbyclient")
                else:
                    route.continue_()

            context.route("**/*", guard)
            tab = context.new_page()
            tab.on("request", lambda request: requested.append(request.url))
            tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            tab.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
            tab.on("requestfailed", lambda request: problems.append(f"failed: {request.url} {request.failure}"))
            tab.add_init_script(
                "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: '"
                " + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber))"
            )

            response = tab.goto(docs_server + path, wait_until="load")
            assert response is not None
            assert response.status == 200
            rendered = tab.locator(operation).or_(tab.get_by_text(summary, exact=True)).filter(visible=True).first
            try:
                rendered.wait_for(state="visible", timeout=30_000)
            except sync_api.TimeoutError:
                pytest.fail(f"{page}: no {operation} after 30 s; the browser said {problems}, asked {left}")
            assert summary in rendered.inner_text()
            tab.wait_for_load_state("networkidle")
            if os.environ.get("CHOPCHOP_DOCS_SCREENSHOTS") == "1":  # refresh docs/screenshots/ on purpose only
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(SCREENSHOTS / f"{page}.png"))
        finally:
            browser.close()

    assert left == [], f"{page} sent requests to another host: {left}"
    elsewhere = [
        url for url in requested if urlsplit(url).scheme not in {"data", "blob"} and urlsplit(url).netloc != origin
    ]
    for url in elsewhere:  # only the known ones, and each refused by the CSP, not by the guard
        assert url.startswith(KNOWN_REFUSALS), f"{page} asked {url}"
        assert f"failed: {url} csp" in problems, f"{page}: {url} was not refused by the CSP"
    known = (*KNOWN_REFUSALS, *(message.format(origin=origin) for message in KNOWN_MESSAGES))
    unexpected = [text for text in problems if not any(pattern in text for pattern in known)]
    assert unexpected == [], f"{page}: {unexpected}"
