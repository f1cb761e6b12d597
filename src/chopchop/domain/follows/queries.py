"""Following's hand-written SQL: the follow and unfollow statements and their counters, the followers and following
lists, and the feed. The feed is the only statement that selects recipes (``feed_statement``): one place decides
which recipes a feed may show. Each builder (``*_statement``) is explained by tests/db/test_explain_follows.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, case, delete, select, true, update
from sqlalchemy.sql.dml import ReturningDelete

from chopchop.db import Follow, Recipe, User
from chopchop.domain.recipes.queries import SUMMARY_COLUMNS
from chopchop.domain.visibility import shown_recipe
from chopchop.lib.cursors import Seek, keyset_condition
from chopchop.lib.sql import PLAIN, insert_on_conflict

#: The feed's order (descending) and a cursor's keys: the recipe's creation time, then its id.
FEED_KEYS = (Recipe.created_at, Recipe.id)


def lock_users_statement(dialect: str, user_ids: Sequence[UUID]) -> Any:
    """Both users' rows, locked in id order until the commit (PostgreSQL: ``FOR NO KEY UPDATE``, the lock their
    counter updates take anyway), returning the active ones: concurrent follows between the same users, either way
    round, and an account deletion (``FOR UPDATE``) wait for each other instead of deadlocking. SQLite has no row
    locks: a no-op write takes the database's write lock, and the active ones are read after it."""
    ordered = sorted(set(user_ids))
    if dialect == "postgresql":
        return (
            select(User.id)
            .where(User.id.in_(ordered), User.is_active.is_(True))
            .order_by(User.id)
            .with_for_update(key_share=True)
        )
    return update(User).where(User.id.in_(ordered)).values(updated_at=User.updated_at).execution_options(**PLAIN)


def active_users_statement(user_ids: Sequence[UUID]) -> Select[tuple[UUID]]:
    return select(User.id).where(User.id.in_(sorted(set(user_ids))), User.is_active.is_(True))


def add_follow_statement(dialect: str, follower_id: UUID, followee_id: UUID, now: datetime) -> Any:
    """The follow's row unless it exists, returning the followee only if it went in: only the request whose row went
    in moves the counters, so a repeated or concurrent follow adds 0."""
    return (
        insert_on_conflict(dialect)(Follow)
        .values(follower_id=follower_id, followee_id=followee_id, created_at=now)
        .on_conflict_do_nothing(index_elements=[Follow.follower_id, Follow.followee_id])
        .returning(Follow.followee_id)
    )


def remove_follow_statement(follower_id: UUID, followee_id: UUID) -> ReturningDelete[tuple[UUID]]:
    """The follow's row, returning the followee only if this statement deleted it (concurrent unfollows count once)."""
    return (
        delete(Follow)
        .where(Follow.follower_id == follower_id, Follow.followee_id == followee_id)
        .returning(Follow.followee_id)
        .execution_options(**PLAIN)
    )


def count_follow_statement(follower_id: UUID, followee_id: UUID, delta: int) -> Any:
    """Both counters of one follow in one UPDATE: the followee's followers and the follower's following."""
    return (
        update(User)
        .where(User.id.in_([follower_id, followee_id]))
        .values(
            follower_count=User.follower_count + case((User.id == followee_id, delta), else_=0),
            following_count=User.following_count + case((User.id == follower_id, delta), else_=0),
        )
        .execution_options(**PLAIN)
    )


def follower_count_statement(user_id: UUID) -> Select[tuple[int]]:
    return select(User.follower_count).where(User.id == user_id)


def counts_statement(user_id: UUID) -> Select[tuple[int, int]]:
    """The active user's follower and following counts (no row: no such active user)."""
    return select(User.follower_count, User.following_count).where(User.id == user_id, User.is_active.is_(True))


def _people(user_id: UUID, *, followers: bool, limit: int, seek: Seek | None) -> Select[Any]:
    mine, theirs = (Follow.followee_id, Follow.follower_id) if followers else (Follow.follower_id, Follow.followee_id)
    keys = (Follow.created_at, theirs)
    conditions = [mine == user_id]
    if seek is not None:
        conditions.append(keyset_condition(keys, seek, descending=True))
    reverse = seek is not None and seek.backward
    return (
        select(Follow.created_at, User.id, User.display_name)
        .select_from(Follow)
        .join(User, User.id == theirs)
        .where(*conditions)
        .order_by(*(key.asc() if reverse else key.desc() for key in keys))
        .limit(limit)
    )


def followers_page_statement(user_id: UUID, *, limit: int, seek: Seek | None = None) -> Select[Any]:
    """Who follows the user, most recent follow first (ties by follower id): a range of the (followee_id,
    created_at, follower_id) index from the cursor's position, a primary-key lookup of each follower."""
    return _people(user_id, followers=True, limit=limit, seek=seek)


def following_page_statement(user_id: UUID, *, limit: int, seek: Seek | None = None) -> Select[Any]:
    """Whom the user follows, most recent follow first: a range of the (follower_id, created_at, followee_id) index."""
    return _people(user_id, followers=False, limit=limit, seek=seek)


def _feed_order(columns: Any, *, reverse: bool) -> list[Any]:
    return [column.asc() if reverse else column.desc() for column in columns]


def feed_statement(dialect: str, user_id: UUID, *, limit: int, seek: Seek | None = None) -> Select[Any]:
    """The newest ``limit`` recipes of the authors the user follows, after the cursor's position (newest first, ties
    by id; a backward cursor: the ``limit`` just newer than it, oldest first, flipped by the caller), with their
    summaries: one statement.

    PostgreSQL: for each followed author (the follow table's primary key), the first ``limit`` rows of a range of
    ``ix_recipe_author_id_created_at_id`` past the cursor (a LATERAL subquery), merged and cut to ``limit``: the
    cost is (followed authors) x ``limit`` index rows, whatever their numbers of recipes. SQLite (embedded) has no
    LATERAL: the join, ordered."""
    reverse = seek is not None and seek.backward
    if dialect != "postgresql":
        conditions = [Follow.follower_id == user_id, shown_recipe()]
        if seek is not None:
            conditions.append(keyset_condition(FEED_KEYS, seek, descending=True))
        return (
            select(*SUMMARY_COLUMNS)
            .select_from(Follow)
            .join(Recipe, Recipe.author_id == Follow.followee_id)
            .join(User, User.id == Recipe.author_id)
            .where(*conditions)
            .order_by(*_feed_order(FEED_KEYS, reverse=reverse))
            .limit(limit)
        )
    # Shown recipes only (public, not hidden): each author's range of the author index, checked per row.
    per_author = select(Recipe.id, Recipe.created_at).where(Recipe.author_id == Follow.followee_id, shown_recipe())
    if seek is not None:
        per_author = per_author.where(keyset_condition(FEED_KEYS, seek, descending=True))
    latest = per_author.order_by(*_feed_order(FEED_KEYS, reverse=reverse)).limit(limit).lateral("latest")
    window = (
        select(latest.c.id, latest.c.created_at)
        .select_from(Follow)
        .join(latest, true())
        .where(Follow.follower_id == user_id)
        .order_by(*_feed_order((latest.c.created_at, latest.c.id), reverse=reverse))
        .limit(limit)
        .subquery("w")
    )
    return (
        select(*SUMMARY_COLUMNS)
        .select_from(window)
        .join(Recipe, Recipe.id == window.c.id)
        .join(User, User.id == Recipe.author_id)
        .order_by(*_feed_order(FEED_KEYS, reverse=reverse))
    )


def remove_follows_by_statement(user_id: UUID) -> ReturningDelete[tuple[UUID]]:
    """Every follow the user made (an account deletion), returning whom each one it really removed followed."""
    return delete(Follow).where(Follow.follower_id == user_id).returning(Follow.followee_id).execution_options(**PLAIN)


def remove_follows_of_statement(user_id: UUID) -> ReturningDelete[tuple[UUID]]:
    """Every follow of the user (an account deletion), returning the follower of each one it really removed."""
    return delete(Follow).where(Follow.followee_id == user_id).returning(Follow.follower_id).execution_options(**PLAIN)


def uncount_statement(user_ids: Sequence[UUID], *, followers: bool) -> Any:
    """One less follower (``followers``) or one less followed user for each of ``user_ids`` (each appears once: a
    follow is one row per pair)."""
    column = User.follower_count if followers else User.following_count
    return update(User).where(User.id.in_(sorted(user_ids))).values({column: column - 1}).execution_options(**PLAIN)
