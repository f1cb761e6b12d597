"""The typical queries of comments and of the user directory are served by indexes, not sequential scans.

Seeds a realistic amount of data straight in SQL (INSERT ... SELECT generate_series: about a second), runs the
services' own statements (captured as they are sent) under EXPLAIN ANALYZE (writes under EXPLAIN alone: they are
not run twice), and fails on any Seq Scan over the tables those queries read. Every builder of the comments' and
the directory's ``queries`` is explained as well, with realistic parameters (``COVERAGE`` names each one, and a
test checks it names all of them). The rows go with the usual truncation after the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

from chopchop.db import User
from chopchop.domain.comments import queries as comment_queries
from chopchop.domain.comments.services import CommentService
from chopchop.domain.users import queries as user_queries
from chopchop.domain.users.services import UserDirectoryService
from chopchop.lib.cursors import Seek
from tests.db.test_explain_recipes import Entry, plan_of, sent_by, statement_builders

pytestmark = pytest.mark.integration

USERS = 20_000
RECIPES = 2_000
COMMENTS = 40_000
HOT_RECIPE_COMMENTS = 10_000  # one recipe everybody talks about; the rest spread over the others
WATCHED_TABLES = {"comment", "user_account", "recipe"}
#: The statements of both ``queries`` modules, each explained below by ``builder_entries``.
COVERAGE = {
    comment_queries: {
        "count_comment_statement",
        "comment_total_statement",
        "comment_page_statement",
        "comment_with_author_statement",
        "comment_owners_statement",
        "remove_comment_statement",
        "remove_comments_of_statement",
        "set_comment_hidden_statement",
    },
    user_queries: {"directory_count_statement", "directory_page_statement", "profile_statement"},
}
WRITES = ("INSERT", "UPDATE", "DELETE")

FIRST_NAMES = [
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Donald",
    "Margaret",
    "Ken",
    "Dennis",
    "Frances",
    "John",
    "Radia",
    "Tim",
    "Linus",
    "Guido",
    "Anita",
    "Niklaus",
    "Katherine",
    "Hedy",
    "Claude",
]
LAST_NAMES = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Hamilton",
    "Thompson",
    "Ritchie",
    "Allen",
    "McCarthy",
    "Perlman",
    "Berners-Lee",
    "Torvalds",
    "van Rossum",
    "Borg",
    "Wirth",
    "Johnson",
    "Lamarr",
    "Shannon",
    "Kay",
    "Backus",
    "Codd",
    "Stonebraker",
    "Gray",
    "Lamport",
    "Hoare",
    "Milner",
    "Naur",
    "Iverson",
    "Floyd",
    "Tarjan",
    "Karp",
    "Cook",
    "Rabin",
    "Scott",
    "Sutherland",
    "Engelbart",
    "Cerf",
    "Kahn",
]


def _pg_array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


SEED = [
    # 90% confirmed; names like "Grace Hopper 1234" (20 x 40 name pairs, numbered).
    f"""
    INSERT INTO user_account (id, email, display_name, password_hash, is_active, confirmed_at, token_version,
                              created_at, updated_at)
    SELECT gen_random_uuid(), 'seed' || g || '@example.test',
           ({_pg_array(FIRST_NAMES)})[1 + g % {len(FIRST_NAMES)}] || ' '
             || ({_pg_array(LAST_NAMES)})[1 + (g / {len(FIRST_NAMES)}) % {len(LAST_NAMES)}] || ' ' || g,
           'not-a-hash', g % 10 <> 0, now(), 0, now() - g * interval '1 minute', now()
    FROM generate_series(1, {USERS}) AS g
    """,  # noqa: S608 - built from constants of this module only
    """CREATE TEMPORARY TABLE seed_user AS
       SELECT id, row_number() OVER (ORDER BY id) AS n FROM user_account WHERE is_active""",
    f"""
    INSERT INTO recipe (id, author_id, title, description, complexity, servings, prep_minutes, cook_minutes,
                        total_minutes, steps, like_count, comment_count, search_text, created_at, updated_at)
    SELECT gen_random_uuid(), u.id, 'Recipe ' || g, '', 'easy', 2, 10, 20, 30, '[]', g % 50, 0, '',
           now() - g * interval '1 hour', now()
    FROM generate_series(1, {RECIPES}) AS g
    JOIN seed_user AS u ON u.n = 1 + (g * 7) % 5000
    """,  # noqa: S608 - built from constants of this module only
    """CREATE TEMPORARY TABLE seed_recipe AS
       SELECT id, row_number() OVER (ORDER BY created_at DESC, id) AS n FROM recipe""",
    f"""
    INSERT INTO comment (id, recipe_id, author_id, body, created_at, updated_at)
    SELECT gen_random_uuid(), r.id, u.id, 'Comment number ' || g, now() - g * interval '1 second', now()
    FROM generate_series(1, {COMMENTS}) AS g
    JOIN seed_recipe AS r
      ON r.n = CASE WHEN g <= {HOT_RECIPE_COMMENTS} THEN 1 ELSE 2 + g % {RECIPES - 1} END
    JOIN seed_user AS u ON u.n = 1 + (g * 13) % 15000
    """,  # noqa: S608 - built from constants of this module only
    "UPDATE recipe SET comment_count = c.n FROM (SELECT recipe_id, count(*) AS n FROM comment GROUP BY recipe_id) c "
    "WHERE c.recipe_id = recipe.id",
    "DROP TABLE seed_user",
    "DROP TABLE seed_recipe",
]


@dataclass
class Plan:
    statement: str
    plan: dict[str, Any]
    milliseconds: float

    def scans(self) -> list[tuple[str, str | None, str | None]]:
        found: list[tuple[str, str | None, str | None]] = []

        def walk(node: dict[str, Any]) -> None:
            if "Scan" in node["Node Type"]:
                found.append((node["Node Type"], node.get("Relation Name"), node.get("Index Name")))
            for child in node.get("Plans", []):
                walk(child)

        walk(self.plan["Plan"])
        return found

    def seq_scans(self) -> list[str]:
        return [table for kind, table, _ in self.scans() if kind == "Seq Scan" and table in WATCHED_TABLES]


@pytest.fixture
async def seeded(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        for statement in SEED:
            await connection.execute(text(statement))
    # Fresh statistics and visibility map, as autovacuum would leave them on a live database.
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE user_account, recipe, comment"))
    yield engine
    await engine.dispose()  # the rows go with the truncation after every test


async def explain_service_calls(engine: AsyncEngine, call: Callable[[AsyncSession], Awaitable[object]]) -> list[Plan]:
    """Run ``call`` against a session, then EXPLAIN ANALYZE every SELECT it sent, with the same parameters."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH", *WRITES)):
            sent.append((statement, parameters))

    async with AsyncSession(engine) as session:
        connection: AsyncConnection = await session.connection()
        event.listen(connection.sync_connection, "before_cursor_execute", record)
        await call(session)
        event.remove(connection.sync_connection, "before_cursor_execute", record)
        plans: list[Plan] = []
        for statement, parameters in sent:
            # A write has run already: planned only, it is not run twice (its time is not known, then).
            options = "FORMAT JSON" if statement.lstrip().upper().startswith(WRITES) else "ANALYZE, FORMAT JSON"
            result = await connection.exec_driver_sql(f"EXPLAIN ({options}) {statement}", parameters)
            plan = result.scalar_one()[0]
            plans.append(Plan(statement, plan, float(plan.get("Execution Time", "nan"))))
        await session.rollback()
    assert plans, "the service sent nothing"
    return plans


def is_whole_directory_count(statement: str) -> bool:
    """The `total` of the unfiltered user directory: the one statement allowed to read the whole table.

    Counting every active user reads every active user. PostgreSQL can do it with an index-only scan of the
    partial index ix_user_account_active_name_id, but while the table is narrow a sequential read costs about
    the same (measured at 20,000 users: 3.7 ms, against 2.7 ms warm / 7.3 ms cold for the forced index-only
    scan), so the planner may choose either. The page itself must still come from the index (checked).
    """
    flat = " ".join(statement.split()).lower()
    return flat.startswith("select count(*)") and "from user_account" in flat and " like " not in flat


async def _ids(engine: AsyncEngine, sql: str) -> list[UUID]:
    async with engine.connect() as connection:
        return list((await connection.execute(text(sql))).scalars())


async def test_social_queries_use_indexes(seeded: AsyncEngine) -> None:
    engine = seeded
    hot_recipe, quiet_recipe = await _ids(
        engine,
        "(SELECT id FROM recipe ORDER BY comment_count DESC LIMIT 1) "
        "UNION ALL (SELECT id FROM recipe ORDER BY comment_count ASC, id LIMIT 1)",
    )
    (a_comment,) = await _ids(engine, "SELECT id FROM comment ORDER BY id DESC LIMIT 1")
    (busy_user,) = await _ids(
        engine,
        "SELECT author_id FROM recipe GROUP BY author_id ORDER BY count(*) DESC, author_id LIMIT 1",
    )
    (commenter,) = await _ids(engine, f"SELECT author_id FROM comment WHERE id = '{a_comment}'")  # noqa: S608

    comment_seek, user_seek = await deep_seeks(engine, hot_recipe)

    async def comment(session: AsyncSession) -> object:
        author = await session.get(User, busy_user)
        assert author is not None
        return await CommentService(session=session).add(recipe_id=hot_recipe, author=author, body="Explained.")

    typical: dict[str, Callable[[AsyncSession], Awaitable[object]]] = {
        "comments of a busy recipe, first page": lambda s: CommentService(session=s).page_for_recipe(
            hot_recipe, limit=20, offset=0
        ),
        "comments of a busy recipe, page 100": lambda s: CommentService(session=s).page_for_recipe(
            hot_recipe, limit=20, offset=2000
        ),
        "comments of a busy recipe, by cursor half-way": lambda s: CommentService(session=s).page_for_recipe(
            hot_recipe, limit=20, offset=0, seek=comment_seek
        ),
        "comments of a busy recipe, by cursor backward": lambda s: CommentService(session=s).page_for_recipe(
            hot_recipe, limit=20, offset=0, seek=Seek(comment_seek.keys, backward=True)
        ),
        "users directory, by cursor half-way": lambda s: UserDirectoryService(session=s).page(
            query=None, limit=20, offset=0, seek=user_seek
        ),
        "users directory, by cursor backward": lambda s: UserDirectoryService(session=s).page(
            query=None, limit=20, offset=0, seek=Seek(user_seek.keys, backward=True)
        ),
        "comments of a quiet recipe": lambda s: CommentService(session=s).page_for_recipe(
            quiet_recipe, limit=20, offset=0
        ),
        "one comment": lambda s: CommentService(session=s).get_with_author(a_comment),
        "users directory, first page": lambda s: UserDirectoryService(session=s).page(query=None, limit=20, offset=0),
        "users directory, page 50": lambda s: UserDirectoryService(session=s).page(query=None, limit=20, offset=1000),
        "users search by name": lambda s: UserDirectoryService(session=s).page(query="HOPPER", limit=20, offset=0),
        "users search by number": lambda s: UserDirectoryService(session=s).page(query="1234", limit=20, offset=0),
        "public profile": lambda s: UserDirectoryService(session=s).profile(busy_user),
        "comment on a busy recipe": comment,
        "edit a comment": lambda s: CommentService(session=s).edit(a_comment, editor_id=commenter, body="Edited."),
        "delete a comment": lambda s: CommentService(session=s).remove(a_comment, remover_id=commenter),
        "delete a user's comments": lambda s: CommentService(session=s).remove_all_by_author(commenter),
    }

    report: list[str] = []
    offenders: dict[str, list[str]] = {}
    for name, call in typical.items():
        for plan in await explain_service_calls(engine, call):
            report.append(f"{name}: {plan.milliseconds:.2f} ms {plan.scans()}")
            if plan.seq_scans() and not is_whole_directory_count(plan.statement):
                offenders[name] = [*plan.seq_scans(), plan.statement]
    print(
        "\n".join(report)
    )  # shown with -s / on failure: the numbers of docs/database.md (comments and the user directory)
    assert offenders == {}

    # Every builder, with realistic parameters (what the calls above did not send is explained all the same).
    entries = builder_entries(hot_recipe=hot_recipe, a_comment=a_comment, commenter=commenter, busy_user=busy_user)
    assert {builder for _, builder, _ in entries} == set().union(*COVERAGE.values())
    cursor_pages: list[Entry] = [
        (
            "comments by cursor",
            "comment_page_statement",
            comment_queries.comment_page_statement(hot_recipe, limit=21, offset=0, seek=comment_seek),
        ),
        (
            "directory by cursor",
            "directory_page_statement",
            user_queries.directory_page_statement(None, limit=21, offset=0, seek=user_seek),
        ),
    ]
    entries += cursor_pages
    # A cursor page enters its index at the position (a row comparison in the Index Cond), at any depth.
    async with engine.connect() as connection:
        for name, _builder, statement in cursor_pages:
            (sql, parameters), *_ = await sent_by(connection, statement)
            conditions = _index_conditions(await plan_of(connection, sql, parameters))
            assert any("ROW(" in condition for condition in conditions), (name, conditions)
    async with engine.connect() as connection:
        for name, _builder, statement in entries:
            for sql, parameters in await sent_by(connection, statement):
                plan = Plan(sql, {"Plan": await plan_of(connection, sql, parameters)}, 0.0)
                if plan.seq_scans() and not is_whole_directory_count(sql):
                    offenders[name] = [*plan.seq_scans(), sql]
    assert offenders == {}


async def deep_seeks(engine: AsyncEngine, hot_recipe: UUID) -> tuple[Seek, Seek]:
    """Cursor positions half-way down the busy recipe's comments and the user directory."""
    async with engine.connect() as connection:
        comment = await connection.execute(
            text("SELECT created_at, id FROM comment WHERE recipe_id = :r ORDER BY created_at, id OFFSET :n LIMIT 1"),
            {"r": hot_recipe, "n": HOT_RECIPE_COMMENTS // 2},
        )
        user = await connection.execute(
            text(
                "SELECT lower(display_name), id FROM user_account WHERE is_active ORDER BY lower(display_name), id "
                "OFFSET :n LIMIT 1"
            ),
            {"n": USERS // 2},
        )
        return Seek(tuple(comment.one()), False), Seek(tuple(user.one()), False)


def _index_conditions(plan: dict[str, Any]) -> list[str]:
    found = [str(plan["Index Cond"])] if "Index Cond" in plan else []
    for child in plan.get("Plans", []):
        found += _index_conditions(child)
    return found


def builder_entries(*, hot_recipe: UUID, a_comment: UUID, commenter: UUID, busy_user: UUID) -> list[Entry]:
    """Each statement of the comments' and the directory's ``queries``, with the parameters of typical calls."""
    return [
        ("comment counted", "count_comment_statement", comment_queries.count_comment_statement(hot_recipe, 1)),
        ("comment uncounted", "count_comment_statement", comment_queries.count_comment_statement(hot_recipe, -1)),
        ("a recipe's comment total", "comment_total_statement", comment_queries.comment_total_statement(hot_recipe)),
        (
            "a deep page of comments",
            "comment_page_statement",
            comment_queries.comment_page_statement(hot_recipe, limit=20, offset=2000),
        ),
        (
            "one comment",
            "comment_with_author_statement",
            comment_queries.comment_with_author_statement(a_comment),
        ),
        ("who may delete it", "comment_owners_statement", comment_queries.comment_owners_statement(a_comment)),
        ("a comment deleted", "remove_comment_statement", comment_queries.remove_comment_statement(a_comment)),
        (
            "a user's comments deleted",
            "remove_comments_of_statement",
            comment_queries.remove_comments_of_statement(commenter),
        ),
        (
            "a comment hidden",
            "set_comment_hidden_statement",
            comment_queries.set_comment_hidden_statement(a_comment, hidden_at=datetime.now(UTC), reason="spam"),
        ),
        ("directory total", "directory_count_statement", user_queries.directory_count_statement(None)),
        ("directory search total", "directory_count_statement", user_queries.directory_count_statement("HOPPER")),
        (
            "directory page 50",
            "directory_page_statement",
            user_queries.directory_page_statement(None, limit=20, offset=1000),
        ),
        (
            "directory search",
            "directory_page_statement",
            user_queries.directory_page_statement("1234", limit=20, offset=0),
        ),
        ("a public profile", "profile_statement", user_queries.profile_statement(busy_user)),
    ]


def test_every_social_statement_is_explained() -> None:
    """Each statement of the comments' and the directory's ``queries`` is named in ``COVERAGE``."""
    for module, names in COVERAGE.items():
        assert statement_builders(module) == names, module.__name__
