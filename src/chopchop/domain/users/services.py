"""The public user directory: active users only, public fields only."""

from __future__ import annotations

from typing import NamedTuple
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import ColumnElement, func, select

from chopchop.db import Comment, User
from chopchop.db.recipes import Recipe
from chopchop.lib.text import LIKE_ESCAPE, like_escaped


class PublicProfile(NamedTuple):
    """An active user and the counts its public profile shows."""

    user: User
    recipe_count: int
    likes_received: int
    comment_count: int


def _contains_pattern(text: str) -> str:
    """A LIKE pattern that matches ``text`` anywhere, with the wildcards inside it taken literally."""
    return f"%{like_escaped(text)}%"


class UserDirectoryService(SQLAlchemyAsyncRepositoryService[User]):
    """Who is on Chop-chop. Unconfirmed accounts do not exist here."""

    class Repository(SQLAlchemyAsyncRepository[User]):
        model_type = User

    repository_type = Repository

    async def page(self, *, query: str | None, limit: int, offset: int) -> tuple[list[User], int]:
        """Active users by name (case-insensitive, ties broken by id), optionally whose name contains ``query``."""
        # `is_active = true` is the predicate of the partial index ix_user_account_active_name_id.
        conditions: list[ColumnElement[bool]] = [User.is_active == True]  # noqa: E712
        if query:
            # lower() on both sides: the same folding in SQL on both dialects; on PostgreSQL the trigram
            # index on lower(display_name) serves it.
            conditions.append(
                func.lower(User.display_name).like(func.lower(_contains_pattern(query)), escape=LIKE_ESCAPE)
            )
        session = self.repository.session
        total = int((await session.execute(select(func.count()).select_from(User).where(*conditions))).scalar_one())
        if offset >= total:
            return [], total
        users = await session.execute(
            select(User).where(*conditions).order_by(func.lower(User.display_name), User.id).limit(limit).offset(offset)
        )
        return list(users.scalars()), total

    async def profile(self, user_id: UUID) -> PublicProfile:
        """An active user and the counts of what they published, in one statement."""
        recipes = select(func.count()).where(Recipe.author_id == user_id).scalar_subquery()
        likes = (
            select(func.coalesce(func.sum(Recipe.like_count), 0)).where(Recipe.author_id == user_id).scalar_subquery()
        )
        comments = select(func.count()).where(Comment.author_id == user_id).scalar_subquery()
        row = (
            await self.repository.session.execute(
                select(User, recipes, likes, comments).where(User.id == user_id, User.is_active == True)  # noqa: E712
            )
        ).one_or_none()
        if row is None:
            msg = "No such user."
            raise NotFoundError(msg)
        return PublicProfile(row[0], int(row[1]), int(row[2]), int(row[3]))
