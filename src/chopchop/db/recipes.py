"""The recipe aggregate: recipes with their ingredient lines and tags, the ingredient catalogue, likes and ratings.

Index names follow the typical queries of ``chopchop.domain.recipes.queries`` (see docs/database.md). B-tree
indexes are declared here and created by migration 0002 on every database; PostgreSQL-only indexes (full-text
GIN over ``recipe.search_vector``, trigram GIN over ``ingredient.name``) exist only in the migrations and are
listed in :data:`POSTGRES_ONLY_INDEXES` so that the models-versus-migrations comparison can skip them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from advanced_alchemy.base import DefaultBase, UUIDv7AuditBase
from advanced_alchemy.types import GUID, DateTimeUTC
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

#: Full-text configuration of the search index and of the queries that must use it (they must match).
FULLTEXT_CONFIG = "english"

#: Indexes created by migrations on PostgreSQL only (GIN indexes the models do not declare). The full-text
#: index was an expression index over ``search_text`` (0002) until the stored ``search_vector`` (0006).
POSTGRES_ONLY_INDEXES: set[str] = {
    "ix_recipe_search_fts",
    "ix_recipe_search_vector",
    "ix_recipe_ingredient_ids",
    "ix_recipe_tags",
    "ix_ingredient_name_trgm",
}


#: The predicate of the partial list indexes: the recipes the public sees (``domain.visibility.shown_recipe`` writes
#: the same into every list's SQL as constants, so that the planner can prove a query implies it): public, not hidden.
SHOWN_PREDICATE = "status = 'public' AND hidden_at IS NULL"
SHOWN_ONLY: dict[str, Any] = {"postgresql_where": text(SHOWN_PREDICATE), "sqlite_where": text(SHOWN_PREDICATE)}
#: The rating sort's Bayesian prior: every recipe counts as if it also had ``RATING_PRIOR_COUNT`` ratings of
#: ``RATING_PRIOR_MEAN`` stars, so one 5-star rating does not outrank fifty 4.8-star ones, and an unrated recipe sits
#: at the scale's middle. Changing either means recomputing ``recipe.rating_score`` (a migration).
RATING_PRIOR_MEAN = 3
RATING_PRIOR_COUNT = 5
#: ``rating_score`` is the Bayesian average in millionths of a star, an integer: exact, the same on both databases,
#: and a plain value in a cursor.
RATING_SCORE_SCALE = 1_000_000
#: The score of a recipe nobody rated.
UNRATED_SCORE = RATING_PRIOR_MEAN * RATING_SCORE_SCALE


def _now() -> datetime:
    return datetime.now(UTC)


class Ingredient(UUIDv7AuditBase):
    """A catalogue entry, shared by every recipe. ``name`` is stored normalised (trimmed, single spaces,
    lower-case), so the unique constraint makes names unique regardless of case and spacing."""

    __tablename__ = "ingredient"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    # PostgreSQL: how many recipes use the entry, as of the last fold of ``ingredient_usage`` (add its pending
    # deltas for the exact figure: ``chopchop.domain.recipes.queries.ingredient_statement``). Unused on SQLite.
    recipe_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class IngredientUsage(DefaultBase):
    """A pending change of an ingredient's ``recipe_count`` (+1 or -1), inserted by the ``recipe_ingredient_usage``
    trigger (migration 0007) whenever a recipe's ``ingredient_ids`` gain or lose an entry, folded into
    ``ingredient.recipe_count`` by the ``fold_ingredient_usage`` job.

    Only inserts on the write path, so creating recipes with salt never queues behind another writer's lock on the
    salt row, and the exact count is always ``recipe_count + sum(delta)``. PostgreSQL only (SQLite counts lines).
    """

    __tablename__ = "ingredient_usage"
    __table_args__ = (Index("ix_ingredient_usage_ingredient_id", "ingredient_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), Identity(), primary_key=True)
    ingredient_id: Mapped[UUID] = mapped_column(Uuid())
    delta: Mapped[int] = mapped_column(Integer)


class Recipe(UUIDv7AuditBase):
    """A recipe: a draft, private, or public. Counters are maintained by atomic UPDATEs, never by clients."""

    __tablename__ = "recipe"
    __table_args__ = (
        # Sort orders of GET /recipes (each ends with id: the tie-breaker of a stable order). B-trees scan both
        # ways, so one index serves e.g. ``created_at DESC, id DESC`` as well as the ascending order.
        # Partial: only the recipes the public sees (``domain/visibility.py``; migration 0012), which every list
        # walks or counts; the predicate here must be the one of ``shown_recipe``.
        Index("ix_recipe_created_at_id", "created_at", "id", **SHOWN_ONLY),
        Index("ix_recipe_like_count_id", "like_count", "id", **SHOWN_ONLY),
        Index("ix_recipe_comment_count_id", "comment_count", "id", **SHOWN_ONLY),
        Index("ix_recipe_title_id", "title", "id", **SHOWN_ONLY),
        Index("ix_recipe_total_minutes_id", "total_minutes", "id", **SHOWN_ONLY),
        Index("ix_recipe_rating_score_id", "rating_score", "id", **SHOWN_ONLY),
        # ?author= and GET /users/{id}/recipes (newest first); also the FK's index for ON DELETE CASCADE (so: whole).
        Index("ix_recipe_author_id_created_at_id", "author_id", "created_at", "id"),
        Index("ix_recipe_complexity_created_at_id", "complexity", "created_at", "id", **SHOWN_ONLY),
    )

    author_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # One of ``schemas.Complexity`` (the wire contract says it, once; the column does not check it).
    complexity: Mapped[str] = mapped_column(String(10))
    servings: Mapped[int] = mapped_column(Integer)
    prep_minutes: Mapped[int] = mapped_column(Integer)
    cook_minutes: Mapped[int] = mapped_column(Integer)
    # Stored (prep + cook, kept by the service) so that "quickest" and ?max_total_minutes= can use an index.
    total_minutes: Mapped[int] = mapped_column(Integer)
    # Ordered steps: read and written as a whole with the recipe, never queried one by one.
    steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    like_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    comment_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Ratings: how many, the sum of their stars (the average is ``rating_sum / rating_count``) and the rating sort's
    # key (``RATING_*`` above). Kept exact by the ``recipe_rating_count`` triggers (migration 0013) in the statement
    # that writes a rating, whatever wrote it (a service, a cascade): never by the application.
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    rating_sum: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    rating_score: Mapped[int] = mapped_column(
        BigInteger, default=UNRATED_SCORE, server_default=text(str(UNRATED_SCORE))
    )
    # Title, description, steps and ingredient names in one text, rebuilt on every write: what ?q= searches
    # (a GIN full-text index on PostgreSQL, LIKE in the embedded SQLite mode).
    search_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    # PostgreSQL: ``to_tsvector('english', search_text)``, stored and kept by a trigger (migration 0006) on every
    # write of ``search_text``, COPY included; ?q= matches it through its GIN index without computing anything per
    # row. Unused (NULL) on SQLite.
    search_vector: Mapped[str | None] = mapped_column(
        TSVECTOR().with_variant(Text(), "sqlite"), nullable=True, deferred=True
    )
    # The recipe's distinct catalogue ids and tags, sorted, written by the service in the same statement as the
    # recipe (the lines and tag rows stay the source of the details). PostgreSQL: arrays with GIN indexes
    # (migration 0007), so ingredient and tag filters are containment tests (``@>``, ``&&``) the planner can
    # either look up or check per row while it walks a sort index; summaries read their tags from here. SQLite:
    # JSON lists (ids as strings), filters there still join the lines.
    ingredient_ids: Mapped[list[UUID]] = mapped_column(ARRAY(Uuid()).with_variant(JSON(), "sqlite"), default=list)
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(40)).with_variant(JSON(), "sqlite"), default=list)
    # One of ``schemas.RecipeStatus``: who sees it (migration 0011). Only ``public`` recipes are in lists, counts,
    # the change feed and the shared cache: ``chopchop.domain.visibility`` says so, in one place.
    status: Mapped[str] = mapped_column(String(10), default="public", server_default=text("'public'"))
    # Hidden by a moderator (``domain/visibility.py`` is the one predicate of what is shown): gone from every
    # public read, shown to its author and moderators only through authenticated, uncached reads.
    hidden_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    hidden_reason: Mapped[str | None] = mapped_column(String(1000), default=None)


class RecipeIngredient(DefaultBase):
    """One ingredient line of a recipe, at its position in the list."""

    __tablename__ = "recipe_ingredient"
    __table_args__ = (
        # ?ingredients_all= / ?ingredients_any= / ?exclude_ingredients= look up recipes by ingredient, and the
        # catalogue counts recipes per ingredient: both only read this index.
        Index("ix_recipe_ingredient_ingredient_id_recipe_id", "ingredient_id", "recipe_id"),
    )

    recipe_id: Mapped[UUID] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    ingredient_id: Mapped[UUID] = mapped_column(ForeignKey("ingredient.id", ondelete="RESTRICT"))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 3), default=None)
    # One of ``schemas.Unit`` (the wire contract says it, once; the column does not check it).
    unit: Mapped[str | None] = mapped_column(String(10), default=None)
    note: Mapped[str | None] = mapped_column(String(200), default=None)


class RecipeTag(DefaultBase):
    """A tag of a recipe (normalised lower-case)."""

    __tablename__ = "recipe_tag"
    __table_args__ = (Index("ix_recipe_tag_tag_recipe_id", "tag", "recipe_id"),)

    recipe_id: Mapped[UUID] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)


class RecipeLike(DefaultBase):
    """A user likes a recipe, at most once (the primary key)."""

    __tablename__ = "recipe_like"
    __table_args__ = (
        # A user's liked recipes, most recent first; the primary key (user_id, recipe_id) answers "did they like".
        Index("ix_recipe_like_user_id_created_at_recipe_id", "user_id", "created_at", "recipe_id"),
        # ON DELETE CASCADE from recipe and likes per recipe.
        Index("ix_recipe_like_recipe_id", "recipe_id"),
    )

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    recipe_id: Mapped[UUID] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)


class RecipeRating(DefaultBase):
    """A user's stars (1 to 5) for a recipe, at most one rating per user and recipe (the primary key).

    Every insert, change of ``stars`` and delete moves the recipe's ``rating_count``, ``rating_sum`` and
    ``rating_score`` in the same statement (triggers of migration 0013, with the old and new stars)."""

    __tablename__ = "recipe_rating"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
        # ON DELETE CASCADE from recipe; the primary key (user_id, recipe_id) answers "my rating" and an account's.
        Index("ix_recipe_rating_recipe_id", "recipe_id"),
    )

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    recipe_id: Mapped[UUID] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"), primary_key=True)
    stars: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)


class RecipeChange(DefaultBase):
    """One entry of the change feed (``GET /recipes/changes``): the latest change of a recipe, or its tombstone.

    Written only by the ``recipe_change_log`` triggers (migration 0009) in the transaction of the recipe's write,
    whatever wrote it (the service, a cascade from an account's deletion, the seed's COPY): a recipe's earlier entry is
    replaced by its new one, so the table holds one row per live recipe plus the tombstones of the retention window.
    ``xid`` is the writer's transaction id on PostgreSQL (``pg_current_xact_id()``; 0 on SQLite, one writer at a
    time): the feed reads in ``(xid, seq)`` order and only what transactions older than its snapshot's ``xmin``
    wrote, so a transaction that commits after a later-numbered one is never skipped (docs/architecture.md).
    """

    __tablename__ = "recipe_change"
    __table_args__ = (
        # The feed: a range of (xid, seq) after the client's cursor.
        Index("ix_recipe_change_xid_seq", "xid", "seq"),
        # The trigger replaces a recipe's earlier entry.
        Index("ix_recipe_change_recipe_id", "recipe_id"),
        # The retention job: tombstones older than the window.
        Index("ix_recipe_change_kind_changed_at", "kind", "changed_at"),
        # SQLite: never reuse a deleted row's number (a replaced last entry would come back under a seen cursor).
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), Identity(), primary_key=True)
    xid: Mapped[int] = mapped_column(BigInteger)
    recipe_id: Mapped[UUID] = mapped_column(GUID(length=16))  # the type of ``recipe.id`` (the trigger copies it)
    # One of ``schemas.ChangeKind``: created, updated, deleted.
    kind: Mapped[str] = mapped_column(String(10))
    changed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class RecipeChangeHorizon(DefaultBase):
    """One row: the feed position of the newest tombstone the retention job pruned. A cursor before it may have
    missed a deletion: 410 Gone (resynchronise from the start)."""

    __tablename__ = "recipe_change_horizon"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    xid: Mapped[int] = mapped_column(BigInteger)
    seq: Mapped[int] = mapped_column(BigInteger)


__all__ = [
    "FULLTEXT_CONFIG",
    "POSTGRES_ONLY_INDEXES",
    "RATING_PRIOR_COUNT",
    "RATING_PRIOR_MEAN",
    "RATING_SCORE_SCALE",
    "UNRATED_SCORE",
    "Ingredient",
    "IngredientUsage",
    "Recipe",
    "RecipeChange",
    "RecipeChangeHorizon",
    "RecipeIngredient",
    "RecipeLike",
    "RecipeRating",
    "RecipeTag",
]
