"""The feed, the follow lists and the collections' reads are served by indexes, not sequential scans.

Seeds users, recipes, follows and collections straight in SQL (INSERT ... SELECT generate_series), runs the services'
own statements (captured as they are sent) under EXPLAIN ANALYZE (writes under EXPLAIN alone), and fails on any Seq
Scan over the tables they read. The feed must be driven by the authors' (author_id, created_at, id) index, one range
per followed author, whatever the depth of its cursor.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from chopchop.domain.collections.services import CollectionService
from chopchop.domain.follows.services import FollowService
from chopchop.lib.cursors import Seek
from tests.db.test_explain_social import Plan, explain_service_calls

pytestmark = pytest.mark.integration

USERS = 5_000
RECIPES = 60_000
READER_FOLLOWS = 300
STAR_FOLLOWERS = 3_000
WATCHED_TABLES = {"follow", "recipe", "user_account", "collection", "collection_recipe"}

SEED = [
    f"""
    INSERT INTO user_account (id, email, display_name, password_hash, is_active, confirmed_at, token_version,
                              created_at, updated_at)
    SELECT gen_random_uuid(), 'seed' || g || '@example.test', 'Cook ' || g, 'not-a-hash', true, now(), 0,
           now() - g * interval '1 minute', now()
    FROM generate_series(1, {USERS}) AS g
    """,  # noqa: S608 - built from constants of this module only
    "CREATE TEMPORARY TABLE seed_user AS SELECT id, row_number() OVER (ORDER BY id) AS n FROM user_account",
    f"""
    INSERT INTO recipe (id, author_id, title, description, complexity, servings, prep_minutes, cook_minutes,
                        total_minutes, steps, like_count, comment_count, search_text, created_at, updated_at)
    SELECT gen_random_uuid(), u.id, 'Recipe ' || g, '', 'easy', 2, 10, 20, 30, '[]', 0, 0, '',
           now() - g * interval '1 minute', now()
    FROM generate_series(1, {RECIPES}) AS g JOIN seed_user AS u ON u.n = 1 + (g * 7) % 2000
    """,  # noqa: S608 - built from constants of this module only
    # The reader (user 1) follows 300 authors; the star (user 2) is followed by 3,000 users.
    f"""
    INSERT INTO follow (follower_id, followee_id, created_at)
    SELECT r.id, u.id, now() - u.n * interval '1 second'
    FROM seed_user AS r JOIN seed_user AS u ON u.n BETWEEN 3 AND {READER_FOLLOWS + 2} WHERE r.n = 1
    """,  # noqa: S608 - built from constants of this module only
    f"""
    INSERT INTO follow (follower_id, followee_id, created_at)
    SELECT u.id, s.id, now() - u.n * interval '1 second'
    FROM seed_user AS s JOIN seed_user AS u ON u.n BETWEEN 3 AND {STAR_FOLLOWERS + 2} WHERE s.n = 2
    """,  # noqa: S608 - built from constants of this module only
    # Everyone else follows five authors: the table is mostly other people's follows, as it is in use (a reader's
    # 300 rows of 3,300 would make a sequential read of the table as cheap as its index).
    """
    INSERT INTO follow (follower_id, followee_id, created_at)
    SELECT u.id, a.id, now() FROM seed_user AS u
    JOIN seed_user AS a ON a.n BETWEEN 10 + (u.n % 50) * 30 AND 14 + (u.n % 50) * 30
    WHERE u.n BETWEEN 3 AND 5000
    """,
    """UPDATE user_account SET follower_count = c.n FROM
       (SELECT followee_id, count(*) AS n FROM follow GROUP BY followee_id) c WHERE c.followee_id = user_account.id""",
    """UPDATE user_account SET following_count = c.n FROM
       (SELECT follower_id, count(*) AS n FROM follow GROUP BY follower_id) c WHERE c.follower_id = user_account.id""",
    # 2,000 collections (one per author of the first 2,000 users), 40 recipes each.
    """
    INSERT INTO collection (id, owner_id, name, description, visibility, created_at, updated_at)
    SELECT gen_random_uuid(), u.id, 'Collection ' || u.n, '', CASE WHEN u.n % 2 = 0 THEN 'public' ELSE 'private' END,
           now(), now()
    FROM seed_user AS u WHERE u.n <= 2000
    """,
    """
    INSERT INTO collection_recipe (collection_id, recipe_id, position, added_at)
    SELECT c.id, r.id, r.k * 1024, now()
    FROM collection AS c
    CROSS JOIN LATERAL (SELECT id, row_number() OVER () AS k FROM recipe
                        WHERE author_id = c.owner_id LIMIT 40) AS r
    """,
    "DROP TABLE seed_user",
]


@pytest.fixture
async def seeded(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        for statement in SEED:
            await connection.execute(text(statement))
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE user_account, recipe, follow, collection, collection_recipe"))
    yield engine
    await engine.dispose()  # the rows go with the truncation after every test


async def _one(engine: AsyncEngine, sql: str) -> UUID:
    async with engine.connect() as connection:
        return UUID(str((await connection.execute(text(sql))).scalar_one()))


def _seq_scans(plan: Plan) -> list[str]:
    return [table for kind, table, _ in plan.scans() if kind == "Seq Scan" and table in WATCHED_TABLES]


async def test_feed_lists_and_collections_use_indexes(seeded: AsyncEngine) -> None:
    engine = seeded
    reader = await _one(engine, "SELECT follower_id FROM follow GROUP BY follower_id ORDER BY count(*) DESC LIMIT 1")
    star = await _one(engine, "SELECT followee_id FROM follow GROUP BY followee_id ORDER BY count(*) DESC LIMIT 1")
    fan = await _one(engine, f"SELECT follower_id FROM follow WHERE followee_id = '{star}' LIMIT 1")  # noqa: S608
    collection = await _one(engine, "SELECT id FROM collection WHERE visibility = 'public' LIMIT 1")
    owner = await _one(engine, f"SELECT owner_id FROM collection WHERE id = '{collection}'")  # noqa: S608
    recipe = await _one(
        engine,
        "SELECT id FROM recipe WHERE id NOT IN "  # noqa: S608
        f"(SELECT recipe_id FROM collection_recipe WHERE collection_id = '{collection}') LIMIT 1",
    )
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT r.created_at, r.id FROM recipe r JOIN follow f ON f.followee_id = r.author_id "  # noqa: S608
                    f"WHERE f.follower_id = '{reader}' ORDER BY r.created_at DESC, r.id DESC OFFSET 2000 LIMIT 1"
                )
            )
        ).one()
        deep = Seek((row[0], row[1]), backward=False)

    typical: dict[str, Callable[[AsyncSession], Awaitable[object]]] = {
        "feed, first page": lambda s: FollowService(session=s).feed(reader, limit=20, seek=None),
        "feed, deep cursor": lambda s: FollowService(session=s).feed(reader, limit=20, seek=deep),
        "feed, back from a cursor": lambda s: FollowService(session=s).feed(
            reader, limit=20, seek=Seek(deep.keys, backward=True)
        ),
        "followers of a star": lambda s: FollowService(session=s).people(star, followers=True, limit=20, seek=None),
        "whom a reader follows": lambda s: FollowService(session=s).people(
            reader, followers=False, limit=20, seek=None
        ),
        "follow": lambda s: FollowService(session=s).follow(reader, star),
        "unfollow": lambda s: FollowService(session=s).unfollow(fan, star),
        # A typical account (a star's deletion removes most of this small table: a sequential read is right then).
        "account deletion's follows": lambda s: FollowService(session=s).remove_all_of(fan),
        "a public collection": lambda s: CollectionService(session=s).read(collection, owner_id=None),
        "its recipes": lambda s: CollectionService(session=s).entries(collection, owner_id=None, limit=20, offset=20),
        "a user's public collections": lambda s: CollectionService(session=s).owned_page(
            owner, public_only=True, limit=20, offset=0
        ),
        "put a recipe at the front": lambda s: CollectionService(session=s).put_recipe(collection, owner, recipe, 0),
        "take one out": lambda s: CollectionService(session=s).remove_recipe(collection, owner, recipe),
    }
    failures: list[str] = []
    for name, call in typical.items():
        for plan in await explain_service_calls(engine, call):
            if seq := _seq_scans(plan):
                failures.append(f"{name}: Seq Scan on {seq}\n{plan.statement}")
            if name.startswith("feed"):
                indexes = {index for _, _, index in plan.scans() if index}
                assert "ix_recipe_author_id_created_at_id" in indexes, (name, plan.plan)
                assert plan.milliseconds < 100, (name, plan.milliseconds)
    assert not failures, "\n\n".join(failures)
