"""Background jobs of photos, both outbox tasks (recorded with the write, retried with backoff until done): making a
photo's variants, and deleting objects whose rows were deleted."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from sqlalchemy import select, update

from chopchop.db import PhotoStatus, RecipePhoto
from chopchop.domain import cache_tags
from chopchop.domain.photos.queries import original_key, variant_key
from chopchop.lib import outbox
from chopchop.lib.cache import Generations
from chopchop.lib.email import UndeliverableError
from chopchop.lib.images import VARIANT_MEDIA_TYPE, VARIANTS, decode_slot, variant
from chopchop.lib.storage import ObjectMissing, ObjectStorage

logger = logging.getLogger("chopchop.photos")


class PhotoUnusable(UndeliverableError):
    """The stored original cannot be made into variants: retrying cannot help (the photo is `failed`)."""


async def _settle(ctx: dict[str, Any], photo_id: UUID, status: PhotoStatus) -> UUID | None:
    """Set the photo's status and make the cached reads that show it stale; its recipe's id (None: it is gone)."""
    db: SQLAlchemyAsyncConfig = ctx["db_config"]
    generations: Generations | None = ctx.get("cache_generations")
    async with db.get_session() as session:
        recipe_id = (
            await session.execute(
                update(RecipePhoto)
                .where(RecipePhoto.id == photo_id)
                .values(status=status.value)
                .returning(RecipePhoto.recipe_id)
            )
        ).scalar_one_or_none()
        if recipe_id is None:
            await session.rollback()
            return None
        # As a request's write does: leased before the commit (a failure rolls back and the outbox retries),
        # released after, so no process serves the photo as it was once this returns.
        tags = [cache_tags.RECIPES, cache_tags.recipe(recipe_id)]
        lease_id = os.urandom(12).hex()
        if generations is not None:
            await generations.lease(tags, lease_id)
        try:
            await session.commit()
        finally:
            if generations is not None:
                await generations.release(tags, lease_id)
    return recipe_id


async def make_photo_variants(ctx: dict[str, Any], *, photo_id: str, message_id: str | None = None) -> str:
    """Make and store each variant (WebP) of a photo from its clean original, then mark it ready. A photo deleted
    meanwhile is dropped (and what this attempt stored is deleted again)."""
    db: SQLAlchemyAsyncConfig = ctx["db_config"]
    storage: ObjectStorage = ctx["storage"]
    key = UUID(photo_id)
    async with db.get_session() as session:
        photo = (
            await session.execute(
                update(RecipePhoto)
                .where(RecipePhoto.id == key)
                .values(attempts=RecipePhoto.attempts + 1)
                .returning(RecipePhoto)
            )
        ).scalar_one_or_none()
        await session.commit()
    if photo is None:
        return "dropped"
    if photo.status == PhotoStatus.READY.value:
        return "ready"
    made = [variant_key(photo.key_prefix, name) for name in VARIANTS]
    try:
        original = await storage.get(original_key(photo.key_prefix, photo.media_type))
        for (name, side), target in zip(VARIANTS.items(), made, strict=True):
            try:
                async with decode_slot():
                    data = await asyncio.to_thread(variant, original, side)
            except (OSError, ValueError) as exc:
                await _settle(ctx, key, PhotoStatus.FAILED)
                msg = f"the {name} variant cannot be made: {type(exc).__name__}"
                raise PhotoUnusable(msg) from exc
            await storage.put(target, data, VARIANT_MEDIA_TYPE)
    except ObjectMissing:
        async with db.get_session() as session:
            still = (await session.execute(select(RecipePhoto.id).where(RecipePhoto.id == key))).scalar_one_or_none()
        if still is None:
            return "dropped"  # deleted meanwhile: its objects' deletion is recorded
        await _settle(ctx, key, PhotoStatus.FAILED)
        msg = "the photo's original is missing from the object store"
        raise PhotoUnusable(msg) from None
    except PhotoUnusable:
        raise
    except Exception:
        if photo.attempts >= outbox.MAX_ATTEMPTS:
            await _settle(ctx, key, PhotoStatus.FAILED)
        raise
    if await _settle(ctx, key, PhotoStatus.READY) is None:
        # Deleted while the variants were being made: the deletion job may have run before they were stored.
        for target in made:
            await storage.delete(target)
        return "dropped"
    return "ready"


async def delete_photo_objects(ctx: dict[str, Any], *, keys: list[str], message_id: str | None = None) -> str:
    """Delete objects whose photos were deleted (one already gone is fine); a failure retries the whole list."""
    storage: ObjectStorage = ctx["storage"]
    for key in keys:
        await storage.delete(key)
    return f"deleted {len(keys)}"


OUTBOX_TASKS = [make_photo_variants, delete_photo_objects]
