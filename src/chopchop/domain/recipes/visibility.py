"""Which recipes everyone may see: the one predicate every public query uses (lists, counts, the change feed, likes
and comments), so that a new rule of visibility is added here and nowhere else."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, literal_column

from chopchop.db import Recipe
from chopchop.domain.recipes.schemas import RecipeStatus

#: The status of a recipe everyone sees (the column's default: rows older than migration 0011 are public).
PUBLIC = RecipeStatus.PUBLIC.value
#: The predicate of the partial list indexes (db/recipes.py, migration 0011), as SQL.
PUBLIC_SQL = f"status = '{PUBLIC}'"


def publicly_visible(columns: Any = Recipe) -> ColumnElement[bool]:
    """The recipe (the ``Recipe`` model, or a subquery's ``.c``) is visible to everyone.

    The value is written into the SQL, not bound: the list indexes are partial (``WHERE status = 'public'``), and a
    planner proves that a query's condition implies an index's predicate only from a constant (PostgreSQL's generic
    plan of a prepared statement, or SQLite, would not use them for ``status = $1``)."""
    condition: ColumnElement[bool] = columns.status == literal_column(f"'{PUBLIC}'")
    return condition


def is_public(status: str) -> bool:
    """The same rule, for a row already read (a recipe's own page: everyone, or only its author)."""
    return status == PUBLIC


__all__ = ["PUBLIC", "PUBLIC_SQL", "is_public", "publicly_visible"]
