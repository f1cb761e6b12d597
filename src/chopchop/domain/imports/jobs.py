"""Background job of the imports area: one attempt at an import (an outbox task, so it runs at least once and its
transient failures are retried on the outbox's schedule)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from uuid import UUID

import msgspec
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

from chopchop.db import RecipeImportStatus
from chopchop.domain import cache_tags
from chopchop.domain.imports.mapping import NoRecipe, to_recipe_create
from chopchop.domain.imports.services import RecipeImportService
from chopchop.lib import outbox
from chopchop.lib.cache.invalidation import commit_invalidating
from chopchop.lib.pagefetch import FetchFailed, fetch_page
from chopchop.lib.schema_org import find_recipe, read_recipe

logger = logging.getLogger("chopchop.imports")


class ImportAttemptFailed(Exception):
    """This attempt failed for a reason that may pass (a timeout, a 5xx): the outbox tries again later."""


async def _settle(db: SQLAlchemyAsyncConfig, import_id: UUID, status: RecipeImportStatus, **values: Any) -> None:
    async with db.get_session() as session:
        await RecipeImportService(session=session).settle(import_id, status, **values)
        await session.commit()


async def _fail(db: SQLAlchemyAsyncConfig, import_id: UUID, slug: str, detail: str) -> str:
    await _settle(db, import_id, RecipeImportStatus.FAILED, reason_type=slug, reason_detail=detail[:2000])
    logger.info("recipe import %s failed: %s (%s)", import_id, slug, detail)
    return "failed"


#: Each attempt may wait the whole import timeout on a host a user chose: at most half of a worker's job slots go to
#: them, so pages that never answer cannot stall the emails queued with them.
@outbox.slot_share(0.5)
async def import_recipe(ctx: dict[str, Any], *, import_id: str, message_id: str | None = None) -> str:
    """One attempt: fetch the page, find its schema.org Recipe, create it as the user's draft. Permanent failures
    (a refused address, a 404, not a web page, no recipe) fail the import at once; transient ones (a timeout, a
    5xx, a connection refused) raise for the outbox's retry, until its last attempt fails the import."""
    db: SQLAlchemyAsyncConfig = ctx["db_config"]
    settings = ctx["settings"]
    key = UUID(import_id)
    async with db.get_session() as session:
        job = await RecipeImportService(session=session).start(key)
        await session.commit()
    if job is None:
        return "finished already"  # done, failed, or deleted with its user
    try:
        page = await fetch_page(
            job.url,
            timeout=settings.import_timeout_seconds,
            allowed=settings.import_allowed_networks,
        )
    except FetchFailed as exc:
        if exc.permanent or job.attempts >= outbox.MAX_ATTEMPTS:
            return await _fail(db, key, exc.slug, exc.detail)
        await _settle(db, key, RecipeImportStatus.QUEUED)
        raise ImportAttemptFailed(exc.detail) from exc
    # Parsing up to 2 MiB of HTML takes a while: off the worker's event loop, where other jobs run.
    node = await asyncio.to_thread(find_recipe, page.text, page.media_type, page.url)
    try:
        if node is None:
            raise NoRecipe("The page has no schema.org Recipe (in JSON-LD or microdata).")
        data = to_recipe_create(read_recipe(node, page.url), source_url=page.url)
    except (NoRecipe, msgspec.ValidationError) as exc:
        read = " (only its first 2 MiB were read)" if page.truncated else ""
        return await _fail(db, key, "import-no-recipe", f"{exc}{read}")
    try:
        async with db.get_session() as session:
            recipe_id = await RecipeImportService(session=session).complete(job, data)
            await commit_invalidating(
                ctx.get("cache_generations"),
                [cache_tags.RECIPES, cache_tags.USERS],
                session.commit,
                release=not settings.replica_urls,
            )
    except Exception:
        # The database or the cache's Redis away: nothing was committed; the outbox tries again (the import stays
        # visible as queued), and its last attempt's failure is the import's.
        if job.attempts >= outbox.MAX_ATTEMPTS:
            await _fail(db, key, "import-failed", "The recipe could not be saved; try importing it again.")
        else:
            await _settle(db, key, RecipeImportStatus.QUEUED)
        raise
    if recipe_id is None:
        return "finished already"
    logger.info("recipe import %s made recipe %s", import_id, recipe_id)
    return "done"


OUTBOX_TASKS = [import_recipe]
