"""Photo rules: author-only changes under the recipe's lock, a bounded number per recipe, one order without gaps,
exactly one cover, and object deletions recorded (outbox) in the transaction that deletes the rows."""

from __future__ import annotations

from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from msgspec import UnsetType
from sqlalchemy import func, select, update
from uuid_utils.compat import uuid7

from chopchop.db import PhotoStatus, Recipe, RecipePhoto
from chopchop.domain.photos.queries import (
    MAKE_VARIANTS_TASK,
    new_key_prefix,
    original_key,
    photos_of,
    record_object_deletion,
)
from chopchop.domain.photos.schemas import PhotoUpdate
from chopchop.domain.recipes.services import RecipeService
from chopchop.domain.visibility import shown_recipe
from chopchop.lib import outbox
from chopchop.lib.images import CleanImage
from chopchop.lib.problems import BadRequest, Conflict, Forbidden
from chopchop.lib.sql import Service
from chopchop.lib.storage import ObjectStorage, track_new_object


class PhotoRepository(SQLAlchemyAsyncRepository[RecipePhoto]):
    model_type = RecipePhoto


class PhotoService(Service[RecipePhoto, PhotoRepository]):
    """A recipe's photos."""

    repository_type = PhotoRepository

    async def audience_of(self, recipe_id: UUID) -> tuple[UUID, bool, bool] | None:
        """Who may see the images of a photo of ``recipe_id``: its author's id, whether the recipe is shown to the
        public (public and not hidden) and whether a moderator hid it; None if the recipe is gone."""
        row = (
            await self.session.execute(
                select(Recipe.author_id, shown_recipe(), Recipe.hidden_at.is_not(None)).where(Recipe.id == recipe_id)
            )
        ).one_or_none()
        return None if row is None else (row[0], bool(row[1]), bool(row[2]))

    async def require_author(self, recipe_id: UUID, actor_id: UUID) -> None:
        """404 or 403 before any work is spent on an upload (checked again under the lock)."""
        author = (
            await self.session.execute(select(Recipe.author_id).where(Recipe.id == recipe_id))
        ).scalar_one_or_none()
        if author is None:
            msg = "No such recipe."
            raise NotFoundError(msg)
        if author != actor_id:
            msg = "Only the author of a recipe may change its photos."
            raise Forbidden(msg, slug="not-the-author")

    async def _lock(self, recipe_id: UUID, actor_id: UUID) -> None:
        await RecipeService(session=self.session).lock_owned(recipe_id, actor_id)

    async def add(
        self, recipe_id: UUID, actor_id: UUID, image: CleanImage, *, storage: ObjectStorage, limit: int
    ) -> RecipePhoto:
        """Store the clean image and record the photo (last in the order; the cover if it is the first), with the
        job that makes its variants. Under the recipe's lock: concurrent uploads never pass ``limit``.

        The object is written after the row's insert and before the commit: a store that fails rolls the row back
        (503) and leaves nothing."""
        await self._lock(recipe_id, actor_id)
        count = int(
            (
                await self.session.execute(
                    select(func.count()).select_from(RecipePhoto).where(RecipePhoto.recipe_id == recipe_id)
                )
            ).scalar_one()
        )
        if count >= limit:
            msg = f"A recipe has at most {limit} photos: delete one first."
            raise Conflict(msg, slug="too-many-photos")
        photo_id = uuid7()
        prefix = new_key_prefix(photo_id)
        photo = RecipePhoto(
            id=photo_id,
            recipe_id=recipe_id,
            key_prefix=prefix,
            media_type=image.media_type,
            width=image.width,
            height=image.height,
            byte_size=len(image.data),
            position=count,
            is_cover=count == 0,
            status=PhotoStatus.PROCESSING.value,
            attempts=0,
        )
        self.session.add(photo)
        await self.session.flush()  # the row's own errors before the object exists
        key = original_key(prefix, image.media_type)
        await storage.put(key, image.data, image.media_type)
        track_new_object(self.session, key)  # deleted again if this transaction does not commit
        outbox.record(self.session, MAKE_VARIANTS_TASK, photo_id=str(photo_id))
        return photo

    async def list_photos(self, recipe_id: UUID) -> list[RecipePhoto]:
        """A shown recipe's photos (the public, cached list: a draft's are on its author's page only)."""
        found = select(Recipe.id).where(Recipe.id == recipe_id, shown_recipe())
        exists = (await self.session.execute(found)).scalar_one_or_none()
        if exists is None:
            msg = "No such recipe."
            raise NotFoundError(msg)
        return await photos_of(self.session, recipe_id)

    async def _photo(self, recipe_id: UUID, photo_id: UUID) -> RecipePhoto:
        photo = await self.repository.get_one_or_none(
            RecipePhoto.id == photo_id,
            RecipePhoto.recipe_id == recipe_id,
            execution_options={"populate_existing": True},
        )
        if photo is None:
            msg = "No such photo of this recipe."
            raise NotFoundError(msg)
        return photo

    async def change(self, recipe_id: UUID, photo_id: UUID, actor_id: UUID, data: PhotoUpdate) -> RecipePhoto:
        """Move the photo and/or make it the cover; the others shift so the order stays 0..n-1."""
        await self._lock(recipe_id, actor_id)
        photo = await self._photo(recipe_id, photo_id)
        if not isinstance(data.cover, UnsetType):
            if not data.cover and photo.is_cover:
                msg = "A recipe always has a cover: make another photo the cover instead."
                raise BadRequest(msg, slug="cover-required")
            if data.cover and not photo.is_cover:
                await self.session.execute(
                    update(RecipePhoto)
                    .where(RecipePhoto.recipe_id == recipe_id, RecipePhoto.is_cover.is_(True))
                    .values(is_cover=False)
                )
                photo.is_cover = True
        if not isinstance(data.position, UnsetType):
            count = int(
                (
                    await self.session.execute(
                        select(func.count()).select_from(RecipePhoto).where(RecipePhoto.recipe_id == recipe_id)
                    )
                ).scalar_one()
            )
            old, new = photo.position, min(data.position, count - 1)
            if new < old:
                await self._shift(recipe_id, +1, new, old - 1)
            elif new > old:
                await self._shift(recipe_id, -1, old + 1, new)
            photo.position = new
        await self.session.flush()
        await self.session.refresh(photo)
        return photo

    async def _shift(self, recipe_id: UUID, delta: int, first: int, last: int) -> None:
        await self.session.execute(
            update(RecipePhoto)
            .where(RecipePhoto.recipe_id == recipe_id, RecipePhoto.position.between(first, last))
            .values(position=RecipePhoto.position + delta)
        )

    async def remove(self, recipe_id: UUID, photo_id: UUID, actor_id: UUID) -> None:
        """Delete the photo; later ones move up; if it was the cover, the first one left becomes the cover. Its
        objects are deleted by a job recorded in this transaction."""
        await self._lock(recipe_id, actor_id)
        photo = await self._photo(recipe_id, photo_id)
        record_object_deletion(self.session, [(photo.key_prefix, photo.media_type)])
        position, was_cover = photo.position, photo.is_cover
        await self.repository.delete(photo.id)
        await self.session.execute(
            update(RecipePhoto)
            .where(RecipePhoto.recipe_id == recipe_id, RecipePhoto.position > position)
            .values(position=RecipePhoto.position - 1)
        )
        if was_cover:
            await self.session.execute(
                update(RecipePhoto)
                .where(RecipePhoto.recipe_id == recipe_id, RecipePhoto.position == 0)
                .values(is_cover=True)
            )
