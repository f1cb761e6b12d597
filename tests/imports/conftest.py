"""Fixtures of the import and export tests: the page server, and the app allowed to fetch from it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from litestar import Litestar

from chopchop.app import create_app
from chopchop.settings import Settings
from tests.helpers import FAST_HASHER, Client, running, saq_worker
from tests.imports.pages import PAGE_HOST, pages

__all__ = ["importer", "pages"]


@pytest.fixture(scope="module")
async def importer(settings: Settings, client: Client) -> AsyncIterator[tuple[Litestar, Client]]:
    """The app allowed to fetch from 127.0.0.2 only (the page server), with a short timeout, its own queue and
    SAQ worker."""
    own = replace(
        settings,
        import_allow_private_networks=f"{PAGE_HOST}/32",
        import_timeout_seconds=2.0,
        queue_name=f"{settings.queue_name}-imports",
    )
    app = create_app(own, hasher=FAST_HASHER)
    async with running(app) as http, saq_worker(app):
        yield app, http
