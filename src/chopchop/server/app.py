"""Build the Litestar app for one :class:`Settings`."""

from __future__ import annotations

from collections.abc import Sequence

from litestar import Litestar
from litestar.plugins import PluginProtocol

from chopchop.lib.cache import CACHED_ROUTES_STATE_KEY, index_cached_routes
from chopchop.lib.passwords import PasswordHasher
from chopchop.lib.transport import QUERY_PARAMETERS_STATE_KEY, StrictRequest, index_query_parameters
from chopchop.server import http
from chopchop.server.openapi import finish_document
from chopchop.server.plugin import ChopchopPlugin
from chopchop.settings import Settings


def build_app(
    settings: Settings, plugins: Sequence[PluginProtocol] = (), *, hasher: PasswordHasher | None = None
) -> Litestar:
    """The API for ``settings``; ``plugins`` come after the app's own (the CLI's commands); ``hasher``: see
    :class:`ChopchopPlugin`."""
    # Litestar reads the body limit from its constructor only (not from a plugin's AppConfig).
    app = Litestar(
        plugins=[ChopchopPlugin(settings, hasher=hasher), *plugins],
        request_max_body_size=settings.max_body_bytes,
        request_class=StrictRequest,
        before_request=http.before_request,
    )
    app.state[QUERY_PARAMETERS_STATE_KEY] = index_query_parameters(app)
    app.state[CACHED_ROUTES_STATE_KEY] = index_cached_routes(app)
    http.wrap_whole_app(app, settings)
    finish_document(app)
    return app
