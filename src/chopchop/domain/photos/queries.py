"""The photo area's statements and addresses, shared with the areas that show or delete photos (recipes,
accounts): object keys, the stable media URLs, the cover thumbnails of a page, and recording object deletions."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chopchop.db import PhotoStatus, Recipe, RecipePhoto
from chopchop.domain.photos.schemas import PhotoRead, PhotoState, PhotoUrls, PhotoVariant
from chopchop.lib import outbox
from chopchop.lib.images import EXTENSIONS, MEDIA_TYPES, VARIANTS

MAKE_VARIANTS_TASK = "make_photo_variants"
DELETE_OBJECTS_TASK = "delete_photo_objects"
MEDIA_PATH = "/media/photos"
_EXTENSION_OF_TYPE = {media_type: EXTENSIONS[kind] for kind, media_type in MEDIA_TYPES.items()}


def new_key_prefix(photo_id: UUID) -> str:
    """``photos/<id>-<random>``: not guessable from the photo's id, never reused."""
    return f"photos/{photo_id}-{secrets.token_urlsafe(16)}"


def original_key(prefix: str, media_type: str) -> str:
    return f"{prefix}/original.{_EXTENSION_OF_TYPE[media_type]}"


def variant_key(prefix: str, variant: str) -> str:
    return f"{prefix}/{variant}.webp"


def object_keys(prefix: str, media_type: str) -> list[str]:
    """Every object a photo may have (its variants whether or not they were made yet)."""
    return [original_key(prefix, media_type), *(variant_key(prefix, name) for name in VARIANTS)]


def key_of(photo: RecipePhoto, variant: PhotoVariant) -> str:
    if variant is PhotoVariant.ORIGINAL:
        return original_key(photo.key_prefix, photo.media_type)
    return variant_key(photo.key_prefix, variant.value)


def media_url(base_url: str, photo_id: UUID, variant: PhotoVariant | str) -> str:
    """The stable API address of one image of a photo (``/media/photos/{id}/{variant}``)."""
    name = variant.value if isinstance(variant, PhotoVariant) else variant
    return f"{base_url.rstrip('/')}{MEDIA_PATH}/{photo_id}/{name}"


def to_read(photo: RecipePhoto, base_url: str) -> PhotoRead:
    ready = photo.status == PhotoStatus.READY.value
    urls = PhotoUrls(
        original=media_url(base_url, photo.id, PhotoVariant.ORIGINAL),
        thumbnail=media_url(base_url, photo.id, PhotoVariant.THUMBNAIL) if ready else None,
        large=media_url(base_url, photo.id, PhotoVariant.LARGE) if ready else None,
    )
    return PhotoRead(
        id=photo.id,
        recipe_id=photo.recipe_id,
        position=photo.position,
        cover=photo.is_cover,
        status=PhotoState(photo.status),
        media_type=photo.media_type,
        width=photo.width,
        height=photo.height,
        urls=urls,
        created_at=photo.created_at,
    )


async def photos_of(session: AsyncSession, recipe_id: UUID) -> list[RecipePhoto]:
    """The recipe's photos in their order (one indexed read)."""
    statement = select(RecipePhoto).where(RecipePhoto.recipe_id == recipe_id).order_by(RecipePhoto.position)
    return list((await session.execute(statement)).scalars())


async def ready_photo_urls(session: AsyncSession, base_url: str, recipe_id: UUID) -> list[PhotoRead]:
    """The recipe's photos whose variants are ready, cover first then in order: what a page or an export shows
    (JSON-LD's ``image``: each one's ``urls.large``)."""
    photos = [to_read(p, base_url) for p in await photos_of(session, recipe_id) if p.status == PhotoStatus.READY]
    return sorted(photos, key=lambda photo: (not photo.cover, photo.position))


async def cover_thumbnails(session: AsyncSession, base_url: str, recipe_ids: Sequence[UUID]) -> dict[UUID, str]:
    """The cover thumbnail URL of each of ``recipe_ids`` whose cover is ready: one statement for a whole page."""
    if not recipe_ids:
        return {}
    rows = await session.execute(
        select(RecipePhoto.recipe_id, RecipePhoto.id).where(
            RecipePhoto.recipe_id.in_(list(recipe_ids)),
            RecipePhoto.is_cover.is_(True),
            RecipePhoto.status == PhotoStatus.READY.value,
        )
    )
    return {recipe_id: media_url(base_url, photo_id, PhotoVariant.THUMBNAIL) for recipe_id, photo_id in rows.tuples()}


def record_object_deletion(session: AsyncSession, photos: Iterable[tuple[str, str]]) -> None:
    """Record (outbox, this transaction) the deletion of the objects of ``photos`` ((key prefix, media type)
    pairs): they go once the rows' deletion has committed, retried until the store takes it."""
    keys = [key for prefix, media_type in photos for key in object_keys(prefix, media_type)]
    # Bounded rows: an account with thousands of photos records several tasks, none of them huge.
    for start in range(0, len(keys), 300):
        outbox.record(session, DELETE_OBJECTS_TASK, keys=keys[start : start + 300])


async def record_recipe_photos_deletion(session: AsyncSession, recipe_id: UUID) -> None:
    """Before a recipe's deletion (its rows go by ON DELETE CASCADE): record the deletion of its objects."""
    rows = await session.execute(
        select(RecipePhoto.key_prefix, RecipePhoto.media_type).where(RecipePhoto.recipe_id == recipe_id)
    )
    record_object_deletion(session, rows.tuples())


async def record_author_photos_deletion(session: AsyncSession, author_id: UUID) -> None:
    """Before an account's deletion: record the deletion of the objects of every photo of its recipes."""
    rows = await session.execute(
        select(RecipePhoto.key_prefix, RecipePhoto.media_type)
        .join(Recipe, Recipe.id == RecipePhoto.recipe_id)
        .where(Recipe.author_id == author_id)
    )
    record_object_deletion(session, rows.tuples())
