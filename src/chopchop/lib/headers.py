"""Security headers on every response."""

from __future__ import annotations

from typing import Any, cast

from litestar.types import ASGIApp, Receive, Scope, Send

# A JSON API renders nothing: forbid everything a browser could do with a response.
API_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-site",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}
# The documentation pages (Swagger UI, ReDoc, Scalar; server/docs.py): every file from this origin, no inline
# script, nothing from any other origin. What the bundles need beyond that, found in a browser
# (tests/openapi/test_docs_browser.py): inline styles (ReDoc's styled-components and Scalar's Vue components write
# <style> elements and style attributes at run time; no nonce can reach them) and a worker from a blob: URL (ReDoc's
# search index, built by its own bundle).
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """Adds the headers to every response; it wraps Litestar's whole ASGI handler (see ``create_app``), so the
    router's 404/405s and the transport's refusals get them as well as the handlers' answers."""

    def __init__(self, app: ASGIApp, *, docs_path: str = "/schema", hsts: bool = False) -> None:
        self.app = app
        self.docs_path = docs_path
        extra = {"strict-transport-security": "max-age=31536000; includeSubDomains"} if hsts else {}
        # Encoded once: this runs for every response, cache hits included.
        self._api = _encoded({**API_HEADERS, **extra})
        self._docs = _encoded({**API_HEADERS, "content-security-policy": DOCS_CSP, **extra})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = cast("dict[str, Any]", scope)
        if http["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = http.get("path", "")
        docs = path == self.docs_path or path.startswith(self.docs_path + "/")
        added = self._docs if docs else self._api

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(pair for pair in added if pair[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _encoded(headers: dict[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items())
