"""The seeded tables' columns, a batch ready to write (:class:`Rows`), the run's counts, and a batch as Python rows
for executemany (SQLite)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chopchop.cli.seed.generate import UNIX_EPOCH, GeneratedRecipe
from chopchop.cli.seed.recipes import LINE_NOTES, LINE_VARIANTS

RECIPE_COLUMNS = [
    "id",
    "author_id",
    "title",
    "description",
    "complexity",
    "servings",
    "prep_minutes",
    "cook_minutes",
    "total_minutes",
    "steps",
    "like_count",
    "comment_count",
    "search_text",
    "created_at",
    "updated_at",
    "ingredient_ids",
    "tags",
]
LINE_COLUMNS = ["recipe_id", "position", "ingredient_id", "quantity", "unit", "note"]
TAG_COLUMNS = ["recipe_id", "tag"]
LIKE_COLUMNS = ["user_id", "recipe_id", "created_at"]
USER_COLUMNS = [
    "id",
    "email",
    "display_name",
    "password_hash",
    "is_active",
    "confirmed_at",
    "token_version",
    "created_at",
    "updated_at",
]
COMMENT_COLUMNS = ["id", "recipe_id", "author_id", "body", "created_at", "updated_at"]
SEEDED_TABLES = ("user_account", "ingredient", "recipe", "recipe_ingredient", "recipe_tag", "recipe_like", "comment")


@dataclass
class SeedReport:
    """What a seed run wrote, and how long it took."""

    users: int = 0
    recipes: int = 0
    ingredient_lines: int = 0
    tags: int = 0
    likes: int = 0
    comments: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class Rows:
    """One batch ready to write: per table, its name, columns and either Python rows or a binary COPY payload."""

    recipes: int
    lines: int
    tags: int
    likes: int
    comments: int
    tables: list[tuple[str, list[str], int, list[tuple[Any, ...]] | bytes]]  # name, columns, rows, data

    def add_to(self, report: SeedReport) -> None:
        report.recipes += self.recipes
        report.ingredient_lines += self.lines
        report.tags += self.tags
        report.likes += self.likes
        report.comments += self.comments


def _moment(micros: int) -> datetime:
    return UNIX_EPOCH + timedelta(microseconds=micros)


def _recipe_row(
    made: GeneratedRecipe, recipe_id: uuid.UUID, author: uuid.UUID, variant_ids: list[str]
) -> tuple[Any, ...]:
    content, created = made.content, _moment(made.created)
    return (
        recipe_id,
        author,
        content.title,
        content.description,
        content.complexity,
        content.servings,
        content.prep_minutes,
        content.cook_minutes,
        content.prep_minutes + content.cook_minutes,
        content.steps,
        len(made.likes),
        len(made.comments),
        content.search_text,
        created,
        created,
        sorted({variant_ids[variant] for variant, _ in content.lines}),
        sorted(set(content.tags)),
    )


def python_rows(
    batch: list[GeneratedRecipe], user_ids: Sequence[uuid.UUID], ingredient_ids: Mapping[str, uuid.UUID]
) -> Rows:
    """The batch as rows of Python values, for executemany (SQLite)."""
    # recipe.ingredient_ids on SQLite: a JSON list of the ids as strings (lower case, dashed: sorting the strings
    # sorts the ids), by LINE_VARIANTS index.
    variant_ids = [str(ingredient_ids[name]) for name, _, _ in LINE_VARIANTS]
    recipes: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    likes: list[tuple[Any, ...]] = []
    comments: list[tuple[Any, ...]] = []
    for made in batch:
        recipe_id = uuid.UUID(bytes=made.id)
        recipes.append(_recipe_row(made, recipe_id, user_ids[made.author], variant_ids))
        for position, (variant, note) in enumerate(made.content.lines, start=1):
            name, quantity, unit = LINE_VARIANTS[variant]
            lines.append((recipe_id, position, ingredient_ids[name], quantity, unit, LINE_NOTES[note]))
        tags += [(recipe_id, tag) for tag in made.content.tags]
        likes += [(user_ids[user], recipe_id, _moment(micros)) for user, micros in made.likes]
        for comment_id, author, body, micros in made.comments:
            said = _moment(micros)
            comments.append((uuid.UUID(bytes=comment_id), recipe_id, user_ids[author], body, said, said))
    return Rows(
        len(recipes),
        len(lines),
        len(tags),
        len(likes),
        len(comments),
        [
            ("recipe", RECIPE_COLUMNS, len(recipes), recipes),
            ("recipe_ingredient", LINE_COLUMNS, len(lines), lines),
            ("recipe_tag", TAG_COLUMNS, len(tags), tags),
            ("recipe_like", LIKE_COLUMNS, len(likes), likes),
            ("comment", COMMENT_COLUMNS, len(comments), comments),
        ],
    )
