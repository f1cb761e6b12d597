"""The webhooks' statements find endpoints and deliveries by index, never by reading the table.

Seeds 20,000 users, 20,000 recipes, 4,000 endpoints (one user in ten has two) and 100,000 deliveries with
``INSERT ... SELECT generate_series``, then explains every statement of ``chopchop.domain.webhooks.queries``
(``COVERAGE`` names each one, and a test checks it names all of them) as it is sent. A Seq Scan over a watched
table fails the test, except for the hourly purge (``WHOLE_TABLE``). The event fan-out that every like and comment
runs is the one that matters: an index lookup of the recipe, then of its author's endpoints.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from chopchop.domain.webhooks import queries
from tests.db.test_explain_recipes import plan_of, scans, sent_by, statement_builders

pytestmark = pytest.mark.integration

WATCHED = {"user_account", "recipe", "webhook_endpoint", "webhook_delivery"}
COVERAGE = {
    "record_statement",
    "lock_user_statement",
    "endpoint_count_statement",
    "endpoint_page_statement",
    "owned_endpoint_statement",
    "delivery_count_statement",
    "delivery_page_statement",
    "delivery_with_endpoint_statement",
    "attempt_statement",
    "disable_endpoint_statement",
    "purge_deliveries_statement",
}
#: Hourly cron: deliveries live a week, so the purge deletes about 1/168th of the table; it reads it all (an
#: index on created_at alone would be written by every event for an hourly job).
WHOLE_TABLE = {"purge_deliveries_statement": "webhook_delivery"}

SEED = [
    """
    INSERT INTO user_account (id, email, display_name, password_hash, is_active, token_version, created_at, updated_at)
    SELECT gen_random_uuid(), 'hook' || g || '@example.test', 'Cook ' || g, 'x', true, 0, now(), now()
    FROM generate_series(1, 20000) AS g
    """,
    """
    INSERT INTO recipe (id, author_id, title, description, complexity, servings, prep_minutes, cook_minutes,
                        total_minutes, steps, search_text, like_count, comment_count, created_at, updated_at)
    SELECT gen_random_uuid(), u.id, 'Soup', '', 'easy', 2, 5, 10, 15, '["Cook."]', 'Soup', 0, 0, now(), now()
    FROM user_account u
    """,
    """
    INSERT INTO webhook_endpoint (id, user_id, url, events, active, secret_box, created_at, updated_at)
    SELECT gen_random_uuid(), u.id, 'https://example.com/' || n, 15, true, '\\x00', now(), now()
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM user_account) AS u, generate_series(1, 2) AS n
    WHERE u.r % 10 = 0
    """,
    """
    INSERT INTO webhook_delivery (id, endpoint_id, event, data, status, attempts, created_at, updated_at)
    SELECT gen_random_uuid(), e.id, 'recipe.liked', '{}', 'delivered', 1, now() - n * interval '1 minute', now()
    FROM webhook_endpoint e, generate_series(1, 25) AS n
    """,
]


@pytest.fixture
async def seeded(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        for statement in SEED:
            await connection.execute(text(statement))
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("ANALYZE user_account, recipe, webhook_endpoint, webhook_delivery"))
    yield engine
    await engine.dispose()


def test_coverage_names_every_statement() -> None:
    assert statement_builders(queries) == COVERAGE


async def test_no_statement_reads_a_whole_table(seeded: AsyncEngine) -> None:
    async with seeded.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT e.id, e.user_id, r.id, d.id FROM webhook_endpoint e "
                    "JOIN recipe r ON r.author_id = e.user_id JOIN webhook_delivery d ON d.endpoint_id = e.id LIMIT 1"
                )
            )
        ).one()
        endpoint, owner, recipe, delivery = (UUID(str(value)) for value in row)
        liker = (await connection.execute(text("SELECT id FROM user_account LIMIT 1"))).scalar_one()
        now = datetime.now(UTC)
        event: dict[str, Any] = {"event": "recipe.liked", "bit": 1, "data": {"recipe_id": str(recipe)}, "now": now}
        entries: list[tuple[str, str, Any]] = [
            (
                "like fan-out",
                "record_statement",
                queries.record_statement("postgresql", **event, actor_id=liker, recipe_id=recipe),
            ),
            (
                "own event",
                "record_statement",
                queries.record_statement("postgresql", **event, actor_id=None, owner_id=owner),
            ),
            ("lock the user", "lock_user_statement", queries.lock_user_statement("postgresql", owner)),
            ("count endpoints", "endpoint_count_statement", queries.endpoint_count_statement(owner)),
            ("list endpoints", "endpoint_page_statement", queries.endpoint_page_statement(owner, limit=20, offset=0)),
            ("one endpoint", "owned_endpoint_statement", queries.owned_endpoint_statement(endpoint, owner)),
            ("count deliveries", "delivery_count_statement", queries.delivery_count_statement(endpoint)),
            ("delivery log", "delivery_page_statement", queries.delivery_page_statement(endpoint, limit=20, offset=0)),
            ("delivery job", "delivery_with_endpoint_statement", queries.delivery_with_endpoint_statement(delivery)),
            ("an attempt", "attempt_statement", queries.attempt_statement(delivery, attempts=2, updated_at=now)),
            ("410: disable", "disable_endpoint_statement", queries.disable_endpoint_statement(endpoint)),
            ("purge", "purge_deliveries_statement", queries.purge_deliveries_statement(now - timedelta(days=7))),
        ]
        assert {name for _, name, _ in entries} == COVERAGE
        failures: list[str] = []
        for where, name, statement in entries:
            for sql, parameters in await sent_by(connection, statement):
                async with connection.begin() as transaction:
                    plan = await plan_of(connection, sql, parameters)
                    await transaction.rollback()
                seq = sorted({rel for node, rel in scans(plan) if node == "Seq Scan" and rel in WATCHED})
                if seq and WHOLE_TABLE.get(name) not in seq:
                    failures.append(f"{where}: Seq Scan on {', '.join(seq)}\n{sql}")
        assert not failures, "\n\n".join(failures)
