"""The ASGI entry point, ``chopchop.app:create_app``: the API (``chopchop.server``) with the ``chopchop`` commands."""

from __future__ import annotations

from litestar import Litestar

from chopchop.cli.plugin import ChopchopCLIPlugin
from chopchop.server import build_app
from chopchop.settings import Settings


def create_app(settings: Settings | None = None) -> Litestar:
    """Build the API for ``settings`` (default: from the ``CHOPCHOP_*`` environment)."""
    return build_app(settings or Settings.from_env(), plugins=[ChopchopCLIPlugin()])
