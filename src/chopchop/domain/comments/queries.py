"""The comments' hand-written SQL: the recipe's comment counter, pages of a recipe's comments, deletions that
count what they delete. Each builder (``*_statement``) is explained by tests/db/test_explain_social.py."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.sql.dml import ReturningDelete, ReturningUpdate

from chopchop.db import Comment, Recipe, User
from chopchop.domain.recipes.visibility import publicly_visible
from chopchop.lib.cursors import Seek, keyset_condition
from chopchop.lib.sql import PLAIN


def count_comment_statement(recipe_id: UUID, delta: int) -> ReturningUpdate[tuple[UUID]]:
    """Add ``delta`` to the recipe's comment counter in one atomic UPDATE, returning its id (no row: no such
    recipe): concurrent writers each add theirs under the row lock, none is lost. A new comment (``delta`` > 0)
    needs a public recipe: one that is not public is not there."""
    conditions = [Recipe.id == recipe_id]
    if delta > 0:
        conditions.append(publicly_visible())
    return (
        update(Recipe)
        .where(*conditions)
        .values(comment_count=Recipe.comment_count + delta)
        .returning(Recipe.id)
        .execution_options(**PLAIN)
    )


def comment_total_statement(recipe_id: UUID) -> Select[tuple[UUID, int]]:
    """The recipe's id (no row: no such recipe) and how many comments it has, in one statement (an index-only
    range scan)."""
    count = select(func.count()).where(Comment.recipe_id == Recipe.id).scalar_subquery()
    return select(Recipe.id, count).where(Recipe.id == recipe_id, publicly_visible())


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
    conditions = [Comment.recipe_id == recipe_id]
    if seek is not None:
        conditions.append(keyset_condition(COMMENT_KEYS, seek, descending=False))
    order = [key.desc() if reverse else key.asc() for key in COMMENT_KEYS]
    window = select(Comment.id).where(*conditions).order_by(*order).limit(limit).offset(offset).subquery("window")
    return _with_author().join(window, window.c.id == Comment.id).order_by(*order)


def comment_with_author_statement(comment_id: UUID) -> Select[tuple[Comment, str]]:
    """A comment on a public recipe, with its author's name (on a recipe that is not public: none)."""
    return (
        _with_author().join(Recipe, Recipe.id == Comment.recipe_id).where(Comment.id == comment_id, publicly_visible())
    )


def _with_author() -> Select[tuple[Comment, str]]:
    return select(Comment, User.display_name).join(User, User.id == Comment.author_id)


def comment_owners_statement(comment_id: UUID) -> Select[tuple[UUID, UUID]]:
    """Who may delete the comment: its author and its recipe's author."""
    return (
        select(Comment.author_id, Recipe.author_id)
        .join(Recipe, Recipe.id == Comment.recipe_id)
        .where(Comment.id == comment_id)
    )


def remove_comment_statement(comment_id: UUID) -> ReturningDelete[tuple[UUID]]:
    """The comment, returning its recipe only if this statement deleted it: two concurrent deletes count once."""
    return delete(Comment).where(Comment.id == comment_id).returning(Comment.recipe_id).execution_options(**PLAIN)


def remove_comments_of_statement(author_id: UUID) -> ReturningDelete[tuple[UUID]]:
    """Every comment of a user, returning the recipe of each (one row per comment deleted)."""
    return delete(Comment).where(Comment.author_id == author_id).returning(Comment.recipe_id).execution_options(**PLAIN)
