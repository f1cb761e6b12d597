"""The collection aggregate: a user's named, ordered groups of recipes (cookbooks), public or private."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.base import DefaultBase, UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class Collection(UUIDv7AuditBase):
    """A user's named list of recipes. Deleted with its owner; its entries go with it."""

    __tablename__ = "collection"
    __table_args__ = (
        # The owner's collections, oldest first (their list, the per-user limit, the public ones of a profile), and
        # the owner's cascade.
        Index("ix_collection_owner_id_created_at_id", "owner_id", "created_at", "id"),
    )

    owner_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    # ``public`` or ``private`` (``schemas.Visibility``: the wire contract says it; the column does not check it).
    visibility: Mapped[str] = mapped_column(String(10))


class CollectionRecipe(DefaultBase):
    """A recipe in a collection, at a sparse position: entries are ordered by ``position`` (then recipe id), and
    an insertion takes the midpoint of its neighbours, renumbering the collection (under its lock) only when they
    touch. A recipe is in a collection once (the primary key); it leaves every collection with its deletion."""

    __tablename__ = "collection_recipe"
    __table_args__ = (
        # The collection's entries in order: a page is an index range.
        Index("ix_collection_recipe_collection_id_position_recipe_id", "collection_id", "position", "recipe_id"),
        # The recipe's cascade (a deleted recipe leaves every collection).
        Index("ix_collection_recipe_recipe_id", "recipe_id"),
    )

    collection_id: Mapped[UUID] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"), primary_key=True)
    recipe_id: Mapped[UUID] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
