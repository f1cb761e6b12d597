"""The comments' hand-written SQL: the recipe's comment counter, pages of a recipe's comments, deletions that
count what they delete. Each builder (``*_statement``) is explained by tests/db/test_explain_social.py."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.sql.dml import ReturningDelete, ReturningUpdate

from chopchop.db import Comment, Recipe, User
from chopchop.domain.visibility import shown_comment, shown_recipe
from chopchop.lib.cursors import Seek, keyset_condition
from chopchop.lib.sql import PLAIN


def count_comment_statement(recipe_id: UUID, delta: int, *, shown_only: bool = False) -> ReturningUpdate[tuple[UUID]]:
    """Add ``delta`` to the recipe's comment counter in one atomic UPDATE, returning its id (no row: no such
    recipe, or with ``shown_only`` one the public may not see): concurrent writers each add theirs under the row lock,
    none is lost. The counter counts the comments the public sees (hidden ones are not counted)."""
    return (
        update(Recipe)
        .where(Recipe.id == recipe_id, *([shown_recipe()] if shown_only else []))
        .values(comment_count=Recipe.comment_count + delta)
        .returning(Recipe.id)
        .execution_options(**PLAIN)
    )


def comment_total_statement(recipe_id: UUID) -> Select[tuple[UUID, int]]:
    """The recipe's id (no row: no such recipe, or one the public may not see) and how many comments the public sees
    under it, in one statement (a range scan of the recipe's comments)."""
    count = select(func.count()).where(Comment.recipe_id == Recipe.id, shown_comment()).scalar_subquery()
    return select(Recipe.id, count).where(Recipe.id == recipe_id, shown_recipe())


#: The keys of a recipe's comments, in their order (ascending): when it was written, then its id.
COMMENT_KEYS = (Comment.created_at, Comment.id)


def comment_page_statement(
    recipe_id: UUID, *, limit: int, offset: int, seek: Seek | None = None
) -> Select[tuple[Comment, str]]:
    """One page of a recipe's comments with their authors' names, oldest first (ties broken by id).

    A deferred join: the offset walks the index alone (an index-only scan), and only the page's rows are read
    from the table and joined to their authors. Joining first would fetch every skipped row too. From a cursor's
    position (``seek`` on ``COMMENT_KEYS``) it is a range of that index (backward: the other way, flipped by the
    caller)."""
    reverse = seek is not None and seek.backward
    conditions = [Comment.recipe_id == recipe_id, shown_comment()]
    if seek is not None:
        conditions.append(keyset_condition(COMMENT_KEYS, seek, descending=False))
    order = [key.desc() if reverse else key.asc() for key in COMMENT_KEYS]
    window = select(Comment.id).where(*conditions).order_by(*order).limit(limit).offset(offset).subquery("window")
    return _with_author().join(window, window.c.id == Comment.id).order_by(*order)


def comment_with_author_statement(comment_id: UUID, *, shown_only: bool = True) -> Select[tuple[Comment, str]]:
    """The comment and its author's name (``shown_only``: no row if the public may not see it or its recipe)."""
    statement = _with_author().where(Comment.id == comment_id)
    if shown_only:
        shown_parent = select(Recipe.id).where(Recipe.id == Comment.recipe_id, shown_recipe()).exists()
        statement = statement.where(shown_comment(), shown_parent)
    return statement


def _with_author() -> Select[tuple[Comment, str]]:
    return select(Comment, User.display_name).join(User, User.id == Comment.author_id)


def comment_owners_statement(comment_id: UUID) -> Select[tuple[UUID, UUID]]:
    """Who may delete the comment: its author and its recipe's author."""
    return (
        select(Comment.author_id, Recipe.author_id)
        .join(Recipe, Recipe.id == Comment.recipe_id)
        .where(Comment.id == comment_id)
    )


def remove_comment_statement(comment_id: UUID) -> ReturningDelete[tuple[UUID, datetime | None]]:
    """The comment, returning its recipe and whether it was hidden only if this statement deleted it: two concurrent
    deletes count once, and a hidden comment (not counted) is not uncounted."""
    return (
        delete(Comment)
        .where(Comment.id == comment_id)
        .returning(Comment.recipe_id, Comment.hidden_at)
        .execution_options(**PLAIN)
    )


def remove_comments_of_statement(author_id: UUID) -> ReturningDelete[tuple[UUID, datetime | None]]:
    """Every comment of a user, returning the recipe of each and whether it was hidden (one row per comment deleted)."""
    return (
        delete(Comment)
        .where(Comment.author_id == author_id)
        .returning(Comment.recipe_id, Comment.hidden_at)
        .execution_options(**PLAIN)
    )


def set_comment_hidden_statement(
    comment_id: UUID, *, hidden_at: datetime | None, reason: str | None
) -> ReturningUpdate[tuple[UUID]]:
    """Hide (``hidden_at`` set) or show (None) the comment, returning its recipe only if its state changed: of two
    concurrent hides one changes it (and uncounts it), the other matches nothing."""
    changes = Comment.hidden_at.is_(None) if hidden_at is not None else Comment.hidden_at.is_not(None)
    return (
        update(Comment)
        .where(Comment.id == comment_id, changes)
        .values(hidden_at=hidden_at, hidden_reason=reason)
        .returning(Comment.recipe_id)
        .execution_options(**PLAIN)
    )
