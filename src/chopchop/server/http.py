"""The HTTP edge: middleware, CORS, the response cache's configuration, logging, and the checks of every request."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request
from litestar.config.cors import CORSConfig
from litestar.config.response_cache import ResponseCacheConfig
from litestar.logging import LoggingConfig
from litestar.plugins.prometheus import PrometheusConfig

from chopchop.lib.cache import CACHE_TTL_SECONDS, cache_key_builder, cache_response_filter
from chopchop.lib.headers import SecurityHeadersMiddleware
from chopchop.lib.observability import LeanPrometheusMiddleware, RequestContextMiddleware, formatter
from chopchop.lib.ratelimit import limit_writes
from chopchop.lib.transport import HeadAsGet, TransportGuard, refuse_undeclared_query_parameters
from chopchop.settings import Settings

# Request rate and latency by route template (not raw path: ids would explode the series) and status.
PROMETHEUS = PrometheusConfig(
    app_name="chopchop",
    prefix="chopchop",
    group_path=True,
    exclude=["^/metrics$"],
    middleware_class=LeanPrometheusMiddleware,
)

# Litestar's response cache, extended at its three points: the key builder, the store, the filter.
RESPONSE_CACHE = ResponseCacheConfig(
    default_expiration=CACHE_TTL_SECONDS,
    key_builder=cache_key_builder,
    store="response_cache",
    cache_response_filter=cache_response_filter,
)


def cors_config(settings: Settings) -> CORSConfig | None:
    origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    if not origins:
        return None
    return CORSConfig(
        allow_origins=origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match", "X-Request-ID"],
        expose_headers=["ETag", "Link", "Location", "Retry-After", "RateLimit", "RateLimit-Policy"],
        allow_credentials=False,
        max_age=600,
    )


def logging_config(settings: Settings) -> LoggingConfig:
    return LoggingConfig(
        formatters={"standard": formatter(settings.json_logs)},
        root={"level": settings.log_level.upper(), "handlers": ["queue_listener"]},
        log_exceptions="never",
        loggers={"chopchop": {"level": settings.log_level.upper(), "propagate": True}},
    )


async def before_request(request: Request[Any, Any, Any]) -> None:
    """Checks of every request that reaches a handler (not of cache hits, which were checked when stored)."""
    await refuse_undeclared_query_parameters(request)
    await limit_writes(request)


def wrap_whole_app(app: Litestar, settings: Settings) -> None:
    """Litestar runs app middleware only for matched routes: wrapping its whole ASGI handler instead gives the
    router's 404/405, the 400s of the URL checks and every exception response an id, an access line and the
    security headers too; and HEAD is answered as GET without its body (``HeadAsGet``)."""
    app.asgi_handler = RequestContextMiddleware(
        SecurityHeadersMiddleware(
            HeadAsGet(TransportGuard(app.asgi_handler)), hsts=settings.public_base_url.startswith("https://")
        )
    )
