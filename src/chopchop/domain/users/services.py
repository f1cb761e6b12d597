"""The public user directory: active users only, public fields only."""

from __future__ import annotations

from typing import NamedTuple
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository

from chopchop.db import User
from chopchop.domain.users import queries
from chopchop.lib.cursors import Seek, Slice, take
from chopchop.lib.sql import Service


class PublicProfile(NamedTuple):
    """An active user and the counts its public profile shows."""

    user: User
    recipe_count: int
    likes_received: int
    comment_count: int


class UserDirectoryRepository(SQLAlchemyAsyncRepository[User]):
    model_type = User


class UserDirectoryService(Service[User, UserDirectoryRepository]):
    """Who is on Chop-chop. Unconfirmed accounts do not exist here."""

    repository_type = UserDirectoryRepository

    async def page(self, *, query: str | None, limit: int, offset: int, seek: Seek | None = None) -> tuple[Slice, int]:
        """Active users by name (case-insensitive, ties broken by id), optionally whose name contains ``query``, and
        how many in all. From a cursor (``seek``): ``limit + 1`` rows from its position."""
        total = int((await self.session.execute(queries.directory_count_statement(query))).scalar_one())
        if seek is None and offset >= total:
            return Slice([], []), total
        statement = queries.directory_page_statement(
            query, limit=limit if seek is None else limit + 1, offset=offset, seek=seek
        )
        rows, more = take(list((await self.session.execute(statement)).tuples()), limit=limit, seek=seek)
        return Slice([user for user, _ in rows], [(name, user.id) for user, name in rows], more), total

    async def profile(self, user_id: UUID) -> PublicProfile:
        """An active user and the counts of what they published, in one statement."""
        row = (await self.session.execute(queries.profile_statement(user_id))).one_or_none()
        if row is None:
            msg = "No such user."
            raise NotFoundError(msg)
        return PublicProfile(row[0], int(row[1]), int(row[2]), int(row[3]))
