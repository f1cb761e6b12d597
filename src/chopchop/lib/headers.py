"""Security headers on every response."""

from __future__ import annotations

from typing import Any, cast

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Receive, Scope, Send

# A JSON API renders nothing: forbid everything a browser could do with a response.
API_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-site",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}
# The documentation pages (Swagger UI, ReDoc, Scalar) load their scripts and styles from CDNs.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://unpkg.com; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://unpkg.com https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com data:; img-src 'self' data: https:; connect-src 'self'; "
    "frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """Adds the headers to every response; it wraps Litestar's whole ASGI handler (see ``create_app``), so the
    router's 404/405s and the transport's refusals get them as well as the handlers' answers."""

    def __init__(self, app: ASGIApp, *, docs_path: str = "/schema", hsts: bool = False) -> None:
        self.app = app
        self.docs_path = docs_path
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = cast("dict[str, Any]", scope)
        if http["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = http.get("path", "")
        docs = path == self.docs_path or path.startswith(self.docs_path + "/")

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders(message)
                for name, value in API_HEADERS.items():
                    if name not in headers:
                        headers[name] = DOCS_CSP if docs and name == "content-security-policy" else value
                if self.hsts:
                    headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
            await send(message)

        await self.app(scope, receive, send_with_headers)
