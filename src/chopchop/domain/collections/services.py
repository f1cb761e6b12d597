"""Collection rules: at most ``MAX_COLLECTIONS_PER_USER`` per user and ``MAX_RECIPES_PER_COLLECTION`` recipes in
each (counted under a lock), a recipe once per collection, an order that survives concurrent writers, and who may
read what (a private collection is its owner's alone: to anyone else it does not exist)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from msgspec import UNSET
from uuid_utils.compat import uuid7

from chopchop.db import Collection
from chopchop.domain.collections import queries
from chopchop.domain.collections.schemas import (
    MAX_COLLECTIONS_PER_USER,
    MAX_RECIPES_PER_COLLECTION,
    CollectionCreate,
    CollectionEntry,
    CollectionEntryState,
    CollectionRead,
    CollectionUpdate,
    Visibility,
)
from chopchop.domain.recipes.schemas import AuthorRef
from chopchop.domain.recipes.services import summary_of
from chopchop.lib.problems import Conflict
from chopchop.lib.sql import Service

#: The distance between neighbours when positions are (re)numbered: about ten halvings fit between two of them
#: before the collection is renumbered (at most ``MAX_RECIPES_PER_COLLECTION`` rows, under its lock).
POSITION_GAP = 1024


def _no_such_collection() -> NotFoundError:
    return NotFoundError("No such collection.")


def _read(collection: Collection, owner_name: str, count: int) -> CollectionRead:
    return CollectionRead(
        id=collection.id,
        name=collection.name,
        description=collection.description,
        visibility=Visibility(collection.visibility),
        owner=AuthorRef(id=collection.owner_id, display_name=owner_name),
        recipe_count=int(count),
        created_at=collection.created_at,
        updated_at=collection.updated_at,
    )


@dataclass(frozen=True)
class Placement:
    """Where an entry goes: its new position, and the other entries' new positions when the collection had to be
    renumbered (empty otherwise)."""

    position: int
    index: int
    renumbered: list[tuple[UUID, int]]


def place(entries: list[tuple[UUID, int]], index: int | None) -> Placement:
    """The position of an entry put at ``index`` (None: last) among ``entries`` (the others, in order): between
    its neighbours' positions when there is room, otherwise every entry renumbered ``POSITION_GAP`` apart."""
    at = len(entries) if index is None else min(index, len(entries))
    before = entries[at - 1][1] if at > 0 else None
    after = entries[at][1] if at < len(entries) else None
    if before is None and after is None:
        return Placement(0, at, [])
    if before is None:
        assert after is not None  # noqa: S101 - both None returned above
        return Placement(after - POSITION_GAP, at, [])
    if after is None:
        return Placement(before + POSITION_GAP, at, [])
    if after - before >= 2:  # a free integer strictly between them
        return Placement((before + after) // 2, at, [])
    renumbered = [(recipe_id, (k if k < at else k + 1) * POSITION_GAP) for k, (recipe_id, _) in enumerate(entries)]
    changed = [(recipe_id, new) for (recipe_id, new), (_, old) in zip(renumbered, entries, strict=True) if new != old]
    return Placement(at * POSITION_GAP, at, changed)


class CollectionRepository(SQLAlchemyAsyncRepository[Collection]):
    model_type = Collection


class CollectionService(Service[Collection, CollectionRepository]):
    """Users' collections. Writes take the owner's id: another user's collection is a 404, as is, for reads, a
    private collection of someone else."""

    repository_type = CollectionRepository

    async def _read_one(self, collection_id: UUID) -> CollectionRead | None:
        row = (await self.session.execute(queries.collection_statement(collection_id))).one_or_none()
        return None if row is None else _read(row[0], row[1], row[2])

    async def _read_existing(self, collection_id: UUID) -> CollectionRead:
        found = await self._read_one(collection_id)
        if found is None:
            raise _no_such_collection()
        return found

    async def create_collection(self, owner_id: UUID, data: CollectionCreate) -> CollectionRead:
        """A new collection; 409 past ``MAX_COLLECTIONS_PER_USER``, counted under the owner's row lock so that
        concurrent creations cannot overshoot."""
        session = self.session
        await session.execute(queries.lock_owner_statement(self.dialect, owner_id))
        if (await session.execute(queries.owned_count_statement(owner_id))).scalar_one() >= MAX_COLLECTIONS_PER_USER:
            msg = f"You have {MAX_COLLECTIONS_PER_USER} collections already: delete one first."
            raise Conflict(msg, slug="too-many-collections")
        now = datetime.now(UTC)
        collection = Collection(
            id=uuid7(),
            owner_id=owner_id,
            name=data.name,
            description=data.description,
            visibility=data.visibility.value,
            created_at=now,
            updated_at=now,
        )
        await self.create(collection, auto_refresh=False)
        return await self._read_existing(collection.id)

    async def read(self, collection_id: UUID, *, owner_id: UUID | None) -> CollectionRead:
        """The public collection (``owner_id`` None: the shared read, the same for everyone), or the collection of
        ``owner_id`` whatever its visibility (the owner's own read); a 404 otherwise."""
        found = await self._read_one(collection_id)
        if found is None:
            raise _no_such_collection()
        if owner_id is None and found.visibility is not Visibility.PUBLIC:
            raise _no_such_collection()
        if owner_id is not None and found.owner.id != owner_id:
            raise _no_such_collection()
        return found

    async def owned_page(
        self, owner_id: UUID, *, public_only: bool, limit: int, offset: int
    ) -> tuple[list[CollectionRead], int]:
        """The owner's collections (only the public ones: ``public_only``), oldest first, and how many in all."""
        if (
            public_only
            and (await self.session.execute(queries.active_owner_statement(owner_id))).scalar_one_or_none() is None
        ):
            msg = "No such user."
            raise NotFoundError(msg)
        total = int(
            (await self.session.execute(queries.owned_count_statement(owner_id, public_only=public_only))).scalar_one()
        )
        if offset >= total:
            return [], total
        statement = queries.owned_page_statement(owner_id, public_only=public_only, limit=limit, offset=offset)
        rows = (await self.session.execute(statement)).tuples()
        return [_read(collection, name, count) for collection, name, count in rows], total

    async def entries(
        self, collection_id: UUID, *, owner_id: UUID | None, limit: int, offset: int
    ) -> tuple[list[CollectionEntry], int]:
        """A page of the collection's recipes in order, if it may be read so (as :meth:`read`)."""
        found = await self.read(collection_id, owner_id=owner_id)
        total = found.recipe_count
        if offset >= total:
            return [], total
        statement = queries.entry_page_statement(collection_id, limit=limit, offset=offset)
        rows = (await self.session.execute(statement)).all()
        items = [
            CollectionEntry(position=offset + k, added_at=row.added_at, recipe=summary_of(row))
            for k, row in enumerate(rows)
        ]
        return items, total

    async def _lock_owned(self, collection_id: UUID, owner_id: UUID) -> None:
        """The owner's collection, locked until the commit; 404 if it is not theirs (or does not exist)."""
        result = await self.session.execute(queries.lock_collection_statement(self.dialect, collection_id, owner_id))
        if self.dialect != "postgresql":  # the write lock is taken: read it
            result = await self.session.execute(queries.owned_statement(collection_id, owner_id))
        if result.scalar_one_or_none() is None:
            raise _no_such_collection()

    async def update_collection(self, collection_id: UUID, owner_id: UUID, data: CollectionUpdate) -> CollectionRead:
        await self._lock_owned(collection_id, owner_id)
        collection = await self.get(collection_id)
        changes: dict[str, Any] = {}
        for name in ("name", "description", "visibility"):
            value = getattr(data, name)
            if value is not UNSET:
                changes[name] = value.value if isinstance(value, Visibility) else value
        changes = {name: value for name, value in changes.items() if getattr(collection, name) != value}
        if changes:  # an empty or same-valued PATCH changes nothing, updated_at included
            for name, value in changes.items():
                setattr(collection, name, value)
            collection.updated_at = datetime.now(UTC)
            await self.session.flush()
        return await self._read_existing(collection_id)

    async def delete_collection(self, collection_id: UUID, owner_id: UUID) -> None:
        """Delete it; its entries go with it (the recipes stay)."""
        await self._lock_owned(collection_id, owner_id)
        await self.repository.delete(collection_id)

    async def put_recipe(
        self, collection_id: UUID, owner_id: UUID, recipe_id: UUID, index: int | None
    ) -> tuple[CollectionEntryState, bool]:
        """Put the recipe in the collection at ``index`` (None: last, or where it is if it is there already), and
        whether it was added (rather than already there). Under the collection's lock: concurrent puts are placed
        one after the other, and the limit cannot be overshot."""
        await self._lock_owned(collection_id, owner_id)
        session = self.session
        if (await session.execute(queries.recipe_exists_statement(recipe_id))).scalar_one_or_none() is None:
            msg = "No such recipe."
            raise NotFoundError(msg)
        entries = list((await session.execute(queries.positions_statement(collection_id))).tuples())
        current = next((k for k, (rid, _) in enumerate(entries) if rid == recipe_id), None)
        now = datetime.now(UTC)
        if current is not None and index is None:
            return CollectionEntryState(collection_id, recipe_id, current, len(entries)), False
        if current is None and len(entries) >= MAX_RECIPES_PER_COLLECTION:
            msg = f"This collection holds {MAX_RECIPES_PER_COLLECTION} recipes already: remove one first."
            raise Conflict(msg, slug="collection-full")
        others = [entry for entry in entries if entry[0] != recipe_id]
        placement = place(others, index)
        for statement in queries.renumber_statements(collection_id, placement.renumbered):
            await session.execute(statement)
        if current is None:
            await session.execute(queries.add_entry_statement(collection_id, recipe_id, placement.position, now))
        else:
            await session.execute(queries.move_entry_statement(collection_id, recipe_id, placement.position))
        await session.execute(queries.touch_statement(collection_id, now))
        state = CollectionEntryState(collection_id, recipe_id, placement.index, len(others) + 1)
        return state, current is None

    async def remove_recipe(self, collection_id: UUID, owner_id: UUID, recipe_id: UUID) -> bool:
        """Take the recipe out of the collection (idempotent); whether it was in it."""
        await self._lock_owned(collection_id, owner_id)
        removed = await self.session.execute(queries.remove_entry_statement(collection_id, recipe_id))
        if removed.scalar_one_or_none() is None:
            return False
        await self.session.execute(queries.touch_statement(collection_id, datetime.now(UTC)))
        return True
