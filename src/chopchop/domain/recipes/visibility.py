"""Which recipes everyone may see: the one predicate every public query uses (lists, counts, the change feed, likes
and comments), so that a new rule of visibility is added here and nowhere else."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from chopchop.db import Recipe
from chopchop.domain.recipes.schemas import RecipeStatus

#: The status of a recipe everyone sees (the column's default: rows older than migration 0011 are public).
PUBLIC = RecipeStatus.PUBLIC.value


def publicly_visible(columns: Any = Recipe) -> ColumnElement[bool]:
    """The recipe (the ``Recipe`` model, or a subquery's ``.c``) is visible to everyone."""
    condition: ColumnElement[bool] = columns.status == PUBLIC
    return condition


def is_public(status: str) -> bool:
    """The same rule, for a row already read (a recipe's own page: everyone, or only its author)."""
    return status == PUBLIC


__all__ = ["PUBLIC", "is_public", "publicly_visible"]
