"""The ASGI entry point, ``chopchop.app:create_app``: the API (``chopchop.server``) with the ``chopchop`` commands."""

from __future__ import annotations

from litestar import Litestar

from chopchop.cli.plugin import ChopchopCLIPlugin
from chopchop.lib.passwords import PasswordHasher
from chopchop.server import build_app
from chopchop.settings import Settings


def create_app(settings: Settings | None = None, *, hasher: PasswordHasher | None = None) -> Litestar:
    """Build the API for ``settings`` (default: from the ``CHOPCHOP_*`` environment). ``hasher`` replaces the
    argon2 parameters of the settings: the tests' cheap one (``tests/helpers.py``)."""
    return build_app(settings or Settings.from_env(), plugins=[ChopchopCLIPlugin()], hasher=hasher)
