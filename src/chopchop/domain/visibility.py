"""What the public may see: the one predicate of shown recipes and of shown comments.

Every public read (lists, search, counts, profiles, the change feed, likes, comments, collections, the follow feed,
webhooks' fan-out) filters with these and nothing else. A recipe is shown when it is ``public`` (not a ``draft`` nor
``private``: its author reads those) and not hidden by a moderator; a comment when it is not hidden. A hidden recipe
or comment is absent from every public answer for everyone: its author and moderators read it through
authenticated, uncached routes (``GET /api/v1/moderation/recipes/{id}``, ``.../comments/{id}``). A draft or private
recipe is read by its author on its own page, an answer that is never stored in the shared cache.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, literal_column

from chopchop.db import Comment, Recipe
from chopchop.domain.recipes.schemas import RecipeStatus

#: The status of a recipe everyone sees (the column's default: rows older than migration 0011 are public).
PUBLIC = RecipeStatus.PUBLIC.value


def shown_recipe(columns: Any = Recipe) -> ColumnElement[bool]:
    """The recipe (the ``Recipe`` model, or a subquery's ``.c``) is shown to the public: public and not hidden.

    The status is written into the SQL, not bound: the list indexes are partial (``db.recipes.SHOWN_PREDICATE``),
    and a planner proves that a query's condition implies an index's predicate only from a constant (PostgreSQL's
    generic plan of a prepared statement, or SQLite, would not use them for ``status = $1``)."""
    hidden_at: ColumnElement[Any] = columns.hidden_at
    return and_(columns.status == literal_column(f"'{PUBLIC}'"), hidden_at.is_(None))


def not_hidden(columns: Any = Recipe) -> ColumnElement[bool]:
    """The recipe (or comment) is not hidden by a moderator, whatever its status (a draft's page, for its author)."""
    hidden_at: ColumnElement[Any] = columns.hidden_at
    return hidden_at.is_(None)


def shown_comment(columns: Any = Comment) -> ColumnElement[bool]:
    """The comment is shown to the public (not hidden by a moderator; its recipe's visibility is checked by the
    reads that reach comments through their recipe)."""
    return not_hidden(columns)


def is_public(status: str) -> bool:
    """The status rule, for a row already read (a recipe's own page: everyone, or only its author)."""
    return status == PUBLIC


__all__ = ["PUBLIC", "is_public", "not_hidden", "shown_comment", "shown_recipe"]
