"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, Connection, column, insert, table
from sqlalchemy.ext.asyncio import create_async_engine
from uuid_utils.compat import uuid7

from chopchop.app import create_app
from chopchop.db import POSTGRES_ONLY_INDEXES, User, UserToken, metadata
from chopchop.db.migrate import upgrade
from chopchop.lib.passwords import PasswordHasher
from chopchop.lib.tokens import new_secret_token
from chopchop.settings import Settings
from tests.conftest import _admin
from tests.helpers import asgi_client

pytestmark = pytest.mark.integration


def _drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diffs = compare_metadata(context, metadata)

    def postgres_only(diff: Any) -> bool:
        # Expression/GIN indexes that only the PostgreSQL branch of a migration creates.
        return diff[0] in {"remove_index", "add_index"} and diff[1].name in POSTGRES_ONLY_INDEXES

    return [diff for diff in diffs if not (isinstance(diff, tuple) and postgres_only(diff))]


async def test_upgrade_head_matches_the_models(database_url: str) -> None:
    """`database_url` was built by `alembic upgrade head` on an empty database (see conftest)."""
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        drift = await connection.run_sync(_drift)
    await engine.dispose()
    assert drift == []


@asynccontextmanager
async def _scratch_database(dialect: str, settings: Settings, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database of its own for a migration test (PostgreSQL: dropped afterwards)."""
    if dialect != "postgresql":
        yield f"sqlite+aiosqlite:///{tmp_path / 'legacy.sqlite3'}"
        return
    name = f"chopchop_migrate_{uuid.uuid4().hex[:8]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield settings.database_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
async def test_unconfirmed_accounts_become_pending_registrations_whose_links_keep_working(
    dialect: str, settings: Settings, tmp_path: Path
) -> None:
    """0005: an account registered (unconfirmed) before the upgrade is confirmed after it with its old link."""
    async with _scratch_database(dialect, settings, tmp_path) as url:
        await asyncio.to_thread(upgrade, url, "0004")
        hasher = PasswordHasher(time_cost=2, memory_kib=19456, parallelism=1)
        token, token_hash = new_secret_token()
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            legacy = {"is_active": False, "confirmed_at": None, "token_version": 0}
            pending_id, confirmed_id = uuid7(), uuid7()
            now = datetime.now(UTC)
            for row in (
                {"id": pending_id, "email": "old@example.com", "display_name": "Old", **legacy},
                {"id": confirmed_id, "email": "done@example.com", "display_name": "Done", **legacy}
                | {"is_active": True, "confirmed_at": now},
            ):
                values = {**row, "password_hash": await hasher.hash("legacy password"), "created_at": now}
                values["updated_at"] = now
                # The table as 0004 had it: the model's later columns (and their defaults) did not exist yet.
                legacy_table = table("user_account", *(column(name, User.__table__.c[name].type) for name in values))
                await connection.execute(insert(legacy_table).values(**values))
            await connection.execute(
                insert(UserToken).values(
                    id=uuid7(),
                    user_id=pending_id,
                    purpose="confirm_email",
                    token_hash=token_hash,
                    expires_at=now + timedelta(hours=1),
                    created_at=now,
                    updated_at=now,
                )
            )
        await engine.dispose()
        await asyncio.to_thread(upgrade, url)

        app = create_app(replace(settings, database_url=url, auto_migrate=False))
        async with app.lifespan(), asgi_client(app) as http:
            # The old account is no account until confirmed; then it is, with its name and password.
            early = await http.post(
                "/api/v1/auth/login", json={"email": "old@example.com", "password": "legacy password"}
            )
            assert early.status_code == 401
            confirmed = await http.post("/api/v1/auth/confirm", json={"token": token, "password": "legacy password"})
            assert confirmed.status_code == 200, confirmed.text
            assert confirmed.json()["display_name"] == "Old"
            for email in ("old@example.com", "done@example.com"):
                login = await http.post("/api/v1/auth/login", json={"email": email, "password": "legacy password"})
                assert login.status_code == 200, (email, login.text)


def test_worker_processes_of_one_embedded_server_migrate_one_at_a_time(tmp_path: Path) -> None:
    """`chopchop serve --workers N` in embedded mode: every worker migrates at start; none may crash on it."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from chopchop.db.migrate import upgrade_locked

    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.sqlite3'}"
    with ProcessPoolExecutor(max_workers=4, mp_context=get_context("spawn")) as pool:
        runs = [pool.submit(upgrade_locked, url, tmp_path / "migrate.lock") for _ in range(4)]
        for run in runs:
            run.result(timeout=120)  # raises what a worker raised
    import sqlite3

    with sqlite3.connect(tmp_path / "shared.sqlite3") as connection:
        (version,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    assert version == max(path.name[:4] for path in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))  # the head


async def _recipes_of_0006(url: str, recipes: dict[str, tuple[list[str], list[str]]]) -> None:
    """Recipes as 0006 stored them (rows only: today's models have the columns 0007 adds)."""
    guid, when = GUID(), DateTimeUTC(timezone=True)
    user = table(
        "user_account",
        *(column(name) for name in ("email", "display_name", "password_hash", "is_active", "token_version")),
        column("id", guid),
        *(column(name, when) for name in ("confirmed_at", "created_at", "updated_at")),
    )
    now = datetime.now(UTC)
    stamps = {"created_at": now, "updated_at": now}
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        author = uuid7()
        await connection.execute(
            insert(user).values(
                id=author,
                email="old@example.com",
                display_name="Old",
                password_hash="x",
                is_active=True,
                token_version=0,
                confirmed_at=now,
                **stamps,
            )
        )
        ingredient = table(
            "ingredient", column("id", guid), column("name"), column("created_at", when), column("updated_at", when)
        )
        names = sorted({name for names, _ in recipes.values() for name in names})
        ids = {name: uuid7() for name in names}
        for name in names:
            await connection.execute(insert(ingredient).values(id=ids[name], name=name, **stamps))
        recipe = table(
            "recipe",
            column("id", guid),
            column("author_id", guid),
            column("title"),
            column("description"),
            column("complexity"),
            column("servings"),
            column("prep_minutes"),
            column("cook_minutes"),
            column("total_minutes"),
            column("steps", JSON()),
            column("search_text"),
            column("created_at", when),
            column("updated_at", when),
        )
        line = table("recipe_ingredient", column("recipe_id", guid), column("position"), column("ingredient_id", guid))
        tag = table("recipe_tag", column("recipe_id", guid), column("tag"))
        for title, (names, tags) in recipes.items():
            recipe_id = uuid7()
            await connection.execute(
                insert(recipe).values(
                    id=recipe_id,
                    author_id=author,
                    title=title,
                    description="",
                    complexity="easy",
                    servings=2,
                    prep_minutes=1,
                    cook_minutes=1,
                    total_minutes=2,
                    steps=["Cook."],
                    search_text=" ".join([title, *names, *tags]),
                    **stamps,
                )
            )
            for position, name in enumerate(names, start=1):
                await connection.execute(
                    insert(line).values(recipe_id=recipe_id, position=position, ingredient_id=ids[name])
                )
            for value in tags:
                await connection.execute(insert(tag).values(recipe_id=recipe_id, tag=value))
    await engine.dispose()


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
async def test_recipes_written_before_0007_are_found_by_ingredient_and_tag_filters_after_it(
    dialect: str, settings: Settings, tmp_path: Path
) -> None:
    """0007 fills the arrays and the usage counts of existing recipes; on PostgreSQL also after an interrupted run
    (its batches commit as they go: the schema steps before them are done again without failing)."""
    async with _scratch_database(dialect, settings, tmp_path) as url:
        await asyncio.to_thread(upgrade, url, "0006")
        await _recipes_of_0006(
            url,
            {
                "Soup": (["tomato", "onion"], ["vegan", "quick"]),
                "Stew": (["onion", "beef"], []),
                "Salad": ([], ["vegan"]),
            },
        )
        if dialect == "postgresql":
            # What a run killed during the backfill leaves: its schema steps committed, the version still 0006.
            engine = create_async_engine(url)
            async with engine.begin() as connection:
                await connection.exec_driver_sql(
                    "ALTER TABLE ingredient ADD COLUMN recipe_count integer NOT NULL DEFAULT 0"
                )
                await connection.exec_driver_sql(
                    "ALTER TABLE recipe ADD COLUMN ingredient_ids uuid[] NOT NULL DEFAULT '{}'::uuid[]"
                )
            await engine.dispose()
        await asyncio.to_thread(upgrade, url)

        app = create_app(replace(settings, database_url=url, auto_migrate=False))
        async with app.lifespan(), asgi_client(app) as http:

            async def titles(query: str) -> list[str]:
                response = await http.get(f"/api/v1/recipes?sort=title&{query}")
                assert response.status_code == 200, response.text
                return [item["title"] for item in response.json()["items"]]

            assert await titles("ingredients_all=tomato&ingredients_all=onion") == ["Soup"]
            assert await titles("ingredients_any=beef&ingredients_any=tomato") == ["Soup", "Stew"]
            assert await titles("exclude_ingredients=tomato") == ["Salad", "Stew"]
            assert await titles("tag=vegan") == ["Salad", "Soup"]
            soup = (await http.get("/api/v1/recipes?tag=quick")).json()["items"][0]
            assert soup["tags"] == ["quick", "vegan"]
            catalogue = (await http.get("/api/v1/ingredients")).json()["items"]
            assert {item["name"]: item["recipe_count"] for item in catalogue} == {"beef": 1, "onion": 2, "tomato": 1}
