"""Comment rules: who may write, edit and delete comments, and the recipe's comment counter."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import NamedTuple
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.utils.serialization import ModelDictT
from msgspec import UNSET, UnsetType

from chopchop.db import Comment, User
from chopchop.domain.comments import queries
from chopchop.domain.webhooks.schemas import WebhookEvent
from chopchop.domain.webhooks.services import record_event
from chopchop.lib.cursors import Seek, Slice, take
from chopchop.lib.problems import Forbidden
from chopchop.lib.sql import Service


class CommentWithAuthor(NamedTuple):
    """A comment and its author's public name, read in the same statement."""

    comment: Comment
    author_name: str


class CommentRepository(SQLAlchemyAsyncRepository[Comment]):
    model_type = Comment


class CommentService(Service[Comment, CommentRepository]):
    """Comments on recipes. ``recipe.comment_count`` moves in the same transaction as each insert and delete."""

    repository_type = CommentRepository

    async def to_model_on_create(self, data: ModelDictT[Comment]) -> ModelDictT[Comment]:
        """One instant for both timestamps: a comment never edited has ``updated_at == created_at``."""
        if isinstance(data, dict):
            now = datetime.now(UTC)
            data = {**data, "created_at": now, "updated_at": now}
        return data

    async def add(self, *, recipe_id: UUID, author: User, body: str) -> CommentWithAuthor:
        """Comment on a recipe. A missing recipe is a NotFoundError."""
        # One atomic UPDATE both proves the recipe exists and counts the comment: concurrent comments each
        # add one under the row lock, none is lost (a read-modify-write in Python would lose some).
        bumped = await self.session.execute(queries.count_comment_statement(recipe_id, 1, shown_only=True))
        if bumped.scalar_one_or_none() is None:
            msg = "No such recipe."
            raise NotFoundError(msg)
        comment = await self.create({"recipe_id": recipe_id, "author_id": author.id, "body": body}, auto_refresh=False)
        # The recipe's author is told, unless they commented themselves.
        data = {"recipe_id": str(recipe_id), "comment_id": str(comment.id), "user_id": str(author.id)}
        await record_event(self.session, WebhookEvent.RECIPE_COMMENTED, data, actor_id=author.id, recipe_id=recipe_id)
        return CommentWithAuthor(comment, author.display_name)

    async def page_for_recipe(
        self, recipe_id: UUID, *, limit: int, offset: int, seek: Seek | None = None
    ) -> tuple[Slice, int]:
        """One page of a recipe's comments, oldest first (ties broken by id), and how many there are in all. From a
        cursor (``seek``): ``limit + 1`` rows from its position (the extra one says whether more follow)."""
        found = (await self.session.execute(queries.comment_total_statement(recipe_id))).one_or_none()
        if found is None:
            msg = "No such recipe."
            raise NotFoundError(msg)
        total = int(found[1])
        if seek is None and offset >= total:
            return Slice([], []), total
        statement = queries.comment_page_statement(
            recipe_id, limit=limit if seek is None else limit + 1, offset=offset, seek=seek
        )
        rows, more = take(list((await self.session.execute(statement)).tuples()), limit=limit, seek=seek)
        found_rows = [CommentWithAuthor(comment, name) for comment, name in rows]
        return Slice(found_rows, [(c.comment.created_at, c.comment.id) for c in found_rows], more), total

    async def get_with_author(self, comment_id: UUID, *, shown_only: bool = True) -> CommentWithAuthor:
        """The comment (``shown_only``: 404 if the public may not see it)."""
        statement = queries.comment_with_author_statement(comment_id, shown_only=shown_only)
        row = (await self.session.execute(statement)).tuples().one_or_none()
        if row is None:
            msg = "No such comment."
            raise NotFoundError(msg)
        return CommentWithAuthor(*row)

    async def edit(self, comment_id: UUID, *, editor_id: UUID, body: str | UnsetType) -> CommentWithAuthor:
        """Change a comment: only its author may. Absent fields stay as they are."""
        found = await self.get_with_author(comment_id, shown_only=False)
        if found.comment.author_id != editor_id:
            msg = "Only the author of a comment may edit it."
            raise Forbidden(msg, slug="not-comment-author")
        if body is not UNSET and body != found.comment.body:
            found.comment.body = body
            await self.repository.update(found.comment, auto_refresh=False)  # the audit listener moves updated_at
        return found

    async def remove(self, comment_id: UUID, *, remover_id: UUID) -> UUID:
        """Delete a comment: its author or the recipe's author may. Returns the id of its recipe."""
        owners = (await self.session.execute(queries.comment_owners_statement(comment_id))).one_or_none()
        if owners is None:
            msg = "No such comment."
            raise NotFoundError(msg)
        if remover_id not in (owners[0], owners[1]):
            msg = "Only the author of a comment or of its recipe may delete it."
            raise Forbidden(msg, slug="not-comment-or-recipe-author")
        # Decrement only for a row this statement really deleted: two concurrent deletes count once.
        removed = (await self.session.execute(queries.remove_comment_statement(comment_id))).one_or_none()
        if removed is None:
            msg = "No such comment."
            raise NotFoundError(msg)
        recipe_id: UUID = removed[0]
        if removed[1] is None:  # a hidden comment was uncounted when it was hidden
            await self._uncount({recipe_id: 1})
        return recipe_id

    async def remove_all_by_author(self, author_id: UUID) -> int:
        """Delete every comment of a user and uncount them; returns how many went.

        Deleting an account cascades to its comments in the database, which would leave the counters of
        other people's recipes too high: the account deletion calls this first, in its own transaction.
        """
        deleted = (await self.session.execute(queries.remove_comments_of_statement(author_id))).all()
        per_recipe = Counter(recipe_id for recipe_id, hidden_at in deleted if hidden_at is None)
        await self._uncount(per_recipe)
        return len(deleted)

    async def set_hidden(self, comment_id: UUID, *, hidden_at: datetime | None, reason: str | None) -> UUID | None:
        """Hide (``hidden_at``) or show (None) a comment, moving its recipe's counter in the same transaction; returns
        its recipe if the state changed, None if it already was so. A missing comment is a NotFoundError."""
        statement = queries.set_comment_hidden_statement(comment_id, hidden_at=hidden_at, reason=reason)
        recipe_id = (await self.session.execute(statement)).scalar_one_or_none()
        if recipe_id is None:
            await self.get_with_author(comment_id, shown_only=False)  # 404 if it does not exist
            return None
        await self.session.execute(queries.count_comment_statement(recipe_id, -1 if hidden_at is not None else 1))
        return recipe_id

    async def _uncount(self, per_recipe: dict[UUID, int]) -> None:
        for recipe_id, how_many in sorted(per_recipe.items()):  # one lock order: no deadlock between deleters
            await self.session.execute(queries.count_comment_statement(recipe_id, -how_many))
