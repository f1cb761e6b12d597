"""What the public may see: the one predicate of shown recipes and of shown comments.

Every public read (lists, search, counts, profiles, the change feed, likes, single reads) filters with these and
nothing else, so a new kind of "not shown" (a draft, a private recipe) is added here once. A hidden recipe or comment
is absent from every public answer for everyone: public answers never depend on the caller, so they stay safe to
share through the response cache. Its author and moderators read it through authenticated, uncached routes
(``GET /api/v1/moderation/recipes/{id}``, ``.../comments/{id}``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from chopchop.db import Comment, Recipe


def shown_recipe(columns: Any = Recipe) -> ColumnElement[bool]:
    """The recipe is shown to the public (not hidden by a moderator). ``columns``: the recipe table or a subquery
    of its columns."""
    hidden_at: ColumnElement[Any] = columns.hidden_at
    return hidden_at.is_(None)


def shown_comment(columns: Any = Comment) -> ColumnElement[bool]:
    """The comment is shown to the public (not hidden by a moderator; its recipe's visibility is checked by the
    reads that reach comments through their recipe)."""
    hidden_at: ColumnElement[Any] = columns.hidden_at
    return hidden_at.is_(None)
