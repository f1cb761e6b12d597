"""Comment rules: who may write, edit and delete comments, and the recipe's comment counter."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import NamedTuple
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from msgspec import UNSET, UnsetType
from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session

from chopchop.db import Comment, User
from chopchop.db.recipes import Recipe
from chopchop.lib.problems import Forbidden

# Counter statements never touch ORM objects that may sit in the session: they are plain SQL on one row.
_PLAIN = {"synchronize_session": False}


class CommentWithAuthor(NamedTuple):
    """A comment and its author's public name, read in the same statement."""

    comment: Comment
    author_name: str


def _with_author() -> Select[tuple[Comment, str]]:
    return select(Comment, User.display_name).join(User, User.id == Comment.author_id)


class CommentService(SQLAlchemyAsyncRepositoryService[Comment]):
    """Comments on recipes. ``recipe.comment_count`` moves in the same transaction as each insert and delete."""

    class Repository(SQLAlchemyAsyncRepository[Comment]):
        model_type = Comment

    repository_type = Repository

    @property
    def session(self) -> AsyncSession | async_scoped_session[AsyncSession]:
        session: AsyncSession | async_scoped_session[AsyncSession] = self.repository.session
        return session

    async def add(self, *, recipe_id: UUID, author: User, body: str) -> CommentWithAuthor:
        """Comment on a recipe. A missing recipe is a NotFoundError."""
        # One atomic UPDATE both proves the recipe exists and counts the comment: concurrent comments each
        # add one under the row lock, none is lost (a read-modify-write in Python would lose some).
        bumped = await self.session.execute(
            update(Recipe)
            .where(Recipe.id == recipe_id)
            .values(comment_count=Recipe.comment_count + 1)
            .returning(Recipe.id)
            .execution_options(**_PLAIN)
        )
        if bumped.scalar_one_or_none() is None:
            msg = "No such recipe."
            raise NotFoundError(msg)
        now = datetime.now(UTC)  # one instant: a comment never edited has updated_at == created_at
        comment = Comment(recipe_id=recipe_id, author_id=author.id, body=body, created_at=now, updated_at=now)
        self.session.add(comment)
        await self.session.flush()
        return CommentWithAuthor(comment, author.display_name)

    async def page_for_recipe(self, recipe_id: UUID, *, limit: int, offset: int) -> tuple[list[CommentWithAuthor], int]:
        """One page of a recipe's comments, oldest first (ties broken by id), and how many there are in all."""
        # One statement checks the recipe exists and counts its comments (an index-only range scan).
        count = select(func.count()).where(Comment.recipe_id == Recipe.id).scalar_subquery()
        found = (await self.session.execute(select(Recipe.id, count).where(Recipe.id == recipe_id))).one_or_none()
        if found is None:
            msg = "No such recipe."
            raise NotFoundError(msg)
        total = int(found[1])
        if offset >= total:
            return [], total
        # Deferred join: the offset walks the index alone (an index-only scan), and only the page's rows are
        # read from the table and joined to their authors. Joining first would fetch every skipped row too.
        window = (
            select(Comment.id)
            .where(Comment.recipe_id == recipe_id)
            .order_by(Comment.created_at, Comment.id)
            .limit(limit)
            .offset(offset)
            .subquery("window")
        )
        rows = await self.session.execute(
            _with_author().join(window, window.c.id == Comment.id).order_by(Comment.created_at, Comment.id)
        )
        return [CommentWithAuthor(comment, name) for comment, name in rows.tuples()], total

    async def get_with_author(self, comment_id: UUID) -> CommentWithAuthor:
        row = (await self.session.execute(_with_author().where(Comment.id == comment_id))).tuples().one_or_none()
        if row is None:
            msg = "No such comment."
            raise NotFoundError(msg)
        return CommentWithAuthor(*row)

    async def edit(self, comment_id: UUID, *, editor_id: UUID, body: str | UnsetType) -> CommentWithAuthor:
        """Change a comment: only its author may. Absent fields stay as they are."""
        found = await self.get_with_author(comment_id)
        if found.comment.author_id != editor_id:
            msg = "Only the author of a comment may edit it."
            raise Forbidden(msg, slug="not-comment-author")
        if body is not UNSET and body != found.comment.body:
            found.comment.body = body
            await self.session.flush()  # the audit listener moves updated_at
        return found

    async def remove(self, comment_id: UUID, *, remover_id: UUID) -> UUID:
        """Delete a comment: its author or the recipe's author may. Returns the id of its recipe."""
        owners = (
            await self.session.execute(
                select(Comment.author_id, Recipe.author_id)
                .join(Recipe, Recipe.id == Comment.recipe_id)
                .where(Comment.id == comment_id)
            )
        ).one_or_none()
        if owners is None:
            msg = "No such comment."
            raise NotFoundError(msg)
        if remover_id not in (owners[0], owners[1]):
            msg = "Only the author of a comment or of its recipe may delete it."
            raise Forbidden(msg, slug="not-comment-or-recipe-author")
        # Decrement only for a row this statement really deleted: two concurrent deletes count once.
        deleted = await self.session.execute(
            delete(Comment).where(Comment.id == comment_id).returning(Comment.recipe_id).execution_options(**_PLAIN)
        )
        recipe_id = deleted.scalar_one_or_none()
        if recipe_id is None:
            msg = "No such comment."
            raise NotFoundError(msg)
        await self._uncount({recipe_id: 1})
        return recipe_id

    async def remove_all_by_author(self, author_id: UUID) -> int:
        """Delete every comment of a user and uncount them; returns how many went.

        Deleting an account cascades to its comments in the database, which would leave the counters of
        other people's recipes too high: the account deletion calls this first, in its own transaction.
        """
        deleted = await self.session.execute(
            delete(Comment)
            .where(Comment.author_id == author_id)
            .returning(Comment.recipe_id)
            .execution_options(**_PLAIN)
        )
        per_recipe = Counter(deleted.scalars().all())
        await self._uncount(per_recipe)
        return sum(per_recipe.values())

    async def _uncount(self, per_recipe: dict[UUID, int]) -> None:
        for recipe_id, how_many in sorted(per_recipe.items()):  # one lock order: no deadlock between deleters
            await self.session.execute(
                update(Recipe)
                .where(Recipe.id == recipe_id)
                .values(comment_count=Recipe.comment_count - how_many)
                .execution_options(**_PLAIN)
            )
