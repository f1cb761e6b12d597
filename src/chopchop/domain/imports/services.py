"""Import rules: a user's imports (recorded with their outbox row in the request's transaction), read by their
owner only, and what a finished job writes: the draft recipe and the import's outcome, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import select, update
from uuid_utils.compat import uuid7

from chopchop.db import RecipeImport, RecipeImportStatus
from chopchop.domain.recipes.schemas import RecipeCreate, RecipeStatus
from chopchop.domain.recipes.services import RecipeService
from chopchop.lib import outbox
from chopchop.lib.egress import Network, UrlRefused
from chopchop.lib.pagefetch import page_url
from chopchop.lib.problems import BadRequest
from chopchop.lib.sql import Service

IMPORT_TASK = "import_recipe"

#: The status an imported recipe is created with: a draft its importer reviews (``GET /me/recipes``) and publishes.
IMPORTED_RECIPE_STATUS = RecipeStatus.DRAFT


class RecipeImportRepository(SQLAlchemyAsyncRepository[RecipeImport]):
    model_type = RecipeImport


class RecipeImportService(Service[RecipeImport, RecipeImportRepository]):
    """A user's recipe imports. Reads take the owner's id: another user's import is a 404."""

    repository_type = RecipeImportRepository

    async def request_import(
        self, user_id: UUID, url: str, *, allow_private: bool = False, allowed: Sequence[Network] = ()
    ) -> RecipeImport:
        """Record an import of the page at ``url`` and its job (an outbox row, queued after the commit). A URL
        that can never be fetched (syntax, user info, port, a refused IP literal) is a 400 now; a name that
        resolves to a refused address fails the import when its job runs."""
        try:
            checked = page_url(url, allow_private=allow_private, allowed=allowed)
        except UrlRefused as exc:
            raise BadRequest(str(exc), slug="import-url-refused") from exc
        now = datetime.now(UTC)
        found = RecipeImport(
            id=uuid7(),
            user_id=user_id,
            url=checked,
            status=RecipeImportStatus.QUEUED.value,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        self.session.add(found)
        outbox.record(self.session, IMPORT_TASK, import_id=str(found.id))
        await self.session.flush()
        return found

    async def get_owned(self, import_id: UUID, user_id: UUID) -> RecipeImport:
        found = (
            await self.session.execute(
                select(RecipeImport).where(RecipeImport.id == import_id, RecipeImport.user_id == user_id)
            )
        ).scalar_one_or_none()
        if found is None:
            msg = "No such recipe import."
            raise NotFoundError(msg)
        return found

    # What the job writes (its own sessions; the caller commits)

    async def start(self, import_id: UUID) -> RecipeImport | None:
        """Mark the import running and count the attempt; None if it is finished (or gone with its user)."""
        now = datetime.now(UTC)
        return (
            await self.session.execute(
                update(RecipeImport)
                .where(
                    RecipeImport.id == import_id,
                    RecipeImport.status.in_([RecipeImportStatus.QUEUED.value, RecipeImportStatus.RUNNING.value]),
                )
                .values(status=RecipeImportStatus.RUNNING.value, attempts=RecipeImport.attempts + 1, updated_at=now)
                .returning(RecipeImport)
            )
        ).scalar_one_or_none()

    async def settle(self, import_id: UUID, status: RecipeImportStatus, **values: Any) -> None:
        """Record the outcome of an attempt: ``queued`` again (to be retried), ``failed`` or ``done``."""
        now = datetime.now(UTC)
        finished = {"finished_at": now} if status in {RecipeImportStatus.DONE, RecipeImportStatus.FAILED} else {}
        await self.session.execute(
            update(RecipeImport)
            .where(RecipeImport.id == import_id, RecipeImport.status == RecipeImportStatus.RUNNING.value)
            .values(status=status.value, updated_at=now, **finished, **values)
        )

    async def complete(self, job: RecipeImport, data: RecipeCreate) -> UUID | None:
        """Mark the import done and create the recipe as the importing user's, in the session's transaction; None
        (nothing created) if the import is no longer running (deleted with its user meanwhile, or settled by
        another attempt). The import's row is updated first: it stays locked until the commit, so an account
        deletion that would cascade to it waits for the recipe to exist (and then takes it too)."""
        now = datetime.now(UTC)
        marked = await self.session.execute(
            update(RecipeImport)
            .where(RecipeImport.id == job.id, RecipeImport.status == RecipeImportStatus.RUNNING.value)
            .values(status=RecipeImportStatus.DONE.value, updated_at=now, finished_at=now)
            .returning(RecipeImport.id)
        )
        if marked.scalar_one_or_none() is None:
            return None
        draft = msgspec.structs.replace(data, status=IMPORTED_RECIPE_STATUS)
        recipe_id = await RecipeService(session=self.session).create_recipe(job.user_id, draft)
        await self.session.execute(
            update(RecipeImport)
            .where(RecipeImport.id == job.id)
            .values(recipe_id=recipe_id, reason_type=None, reason_detail=None)
        )
        return recipe_id
