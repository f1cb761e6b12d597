"""The Litestar app: one :class:`ChopchopPlugin` wires a :class:`~chopchop.settings.Settings` into it."""

from chopchop.server.app import build_app
from chopchop.server.plugin import ChopchopPlugin

__all__ = ["ChopchopPlugin", "build_app"]
