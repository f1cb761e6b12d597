"""Following rules: a follow is once per pair and never of oneself; both users' counters move only when a follow row
really appears or goes (exact under concurrency); an account deletion takes its follows back and uncounts them; the
feed is one statement."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository

from chopchop.db import Follow
from chopchop.domain.follows import queries
from chopchop.domain.follows.schemas import FollowState, FollowUser
from chopchop.domain.recipes.services import summary_of
from chopchop.lib.cursors import Seek, Slice, take
from chopchop.lib.problems import Conflict
from chopchop.lib.sql import Service

#: How many ids one counter UPDATE of an account deletion names (SQLite bounds a statement's parameters).
_CHUNK = 500


def _no_such_user() -> NotFoundError:
    return NotFoundError("No such user.")


class FollowRepository(SQLAlchemyAsyncRepository[Follow]):
    model_type = Follow


class FollowService(Service[Follow, FollowRepository]):
    """Who follows whom, and the feed."""

    repository_type = FollowRepository

    async def _lock(self, follower_id: UUID, followee_id: UUID) -> None:
        """Both users locked in id order; 404 unless the followee is an active user."""
        session = self.session
        result = await session.execute(queries.lock_users_statement(self.dialect, [follower_id, followee_id]))
        if self.dialect == "postgresql":
            active = set(result.scalars())
        else:
            active = set((await session.execute(queries.active_users_statement([followee_id]))).scalars())
        if followee_id not in active:
            raise _no_such_user()

    async def _state(self, followee_id: UUID, *, following: bool) -> FollowState:
        count = (await self.session.execute(queries.follower_count_statement(followee_id))).scalar_one()
        return FollowState(user_id=followee_id, following=following, follower_count=int(count))

    async def follow(self, follower_id: UUID, followee_id: UUID) -> tuple[FollowState, bool]:
        """Follow the user (idempotent), and whether this request made the follow."""
        if follower_id == followee_id:
            msg = "You cannot follow yourself."
            raise Conflict(msg, slug="cannot-follow-yourself")
        await self._lock(follower_id, followee_id)
        added = queries.add_follow_statement(self.dialect, follower_id, followee_id, datetime.now(UTC))
        made = (await self.session.execute(added)).scalar_one_or_none() is not None
        if made:
            await self.session.execute(queries.count_follow_statement(follower_id, followee_id, 1))
        return await self._state(followee_id, following=True), made

    async def unfollow(self, follower_id: UUID, followee_id: UUID) -> tuple[FollowState, bool]:
        """Stop following the user (idempotent), and whether this request removed the follow."""
        if follower_id == followee_id:
            return await self._state(followee_id, following=False), False
        await self._lock(follower_id, followee_id)
        removed = await self.session.execute(queries.remove_follow_statement(follower_id, followee_id))
        gone = removed.scalar_one_or_none() is not None
        if gone:
            await self.session.execute(queries.count_follow_statement(follower_id, followee_id, -1))
        return await self._state(followee_id, following=False), gone

    async def people(self, user_id: UUID, *, followers: bool, limit: int, seek: Seek | None) -> tuple[Slice, int]:
        """A page of the user's followers (or of whom they follow), most recent follow first, and how many in all
        (the user's exact counter)."""
        counts = (await self.session.execute(queries.counts_statement(user_id))).one_or_none()
        if counts is None:
            raise _no_such_user()
        total = int(counts[0] if followers else counts[1])
        build = queries.followers_page_statement if followers else queries.following_page_statement
        rows = (await self.session.execute(build(user_id, limit=limit + 1, seek=seek))).all()
        found, more = take(rows, limit=limit, seek=seek)
        items = [FollowUser(id=row.id, display_name=row.display_name, followed_at=row.created_at) for row in found]
        return Slice(items, [(row.created_at, row.id) for row in found], more), total

    async def feed(self, user_id: UUID, *, limit: int, seek: Seek | None) -> Slice:
        """A page of the recipes of the authors the user follows, newest first, from a cursor's position: one
        statement of ``limit + 1`` rows (the extra one says whether more follow in the direction walked)."""
        statement = queries.feed_statement(self.dialect, user_id, limit=limit + 1, seek=seek)
        rows = (await self.session.execute(statement)).all()
        found, more = take(rows, limit=limit, seek=seek)
        items = [summary_of(row) for row in found]
        return Slice(items, [(row.created_at, row.id) for row in found], more)

    async def remove_all_of(self, user_id: UUID) -> int:
        """Take back every follow the user made or received, uncounting the other side of each (an account
        deletion, in its transaction, after the account's row is locked: ON DELETE CASCADE would remove the rows
        but leave what they counted). Counting what the DELETEs returned, not what a read saw: an unfollow that
        wins the race for a row has uncounted it already. Returns how many follows went."""
        session = self.session
        followed = list((await session.execute(queries.remove_follows_by_statement(user_id))).scalars())
        followers = list((await session.execute(queries.remove_follows_of_statement(user_id))).scalars())
        for ids, as_followers in ((followed, True), (followers, False)):
            ordered = sorted(ids)
            for start in range(0, len(ordered), _CHUNK):
                chunk = ordered[start : start + _CHUNK]
                await session.execute(queries.uncount_statement(chunk, followers=as_followers))
        return len(followed) + len(followers)
