"""The fixed dataset of ``python -m bench``: seeded once, tagged, reused; the writes of a run undone after it."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import TYPE_CHECKING

from bench import pg
from bench.console import log
from bench.environment import api_env, chopchop

if TYPE_CHECKING:
    from bench.options import Options

SEED_PASSWORD = "chopchop-seed-password"  # noqa: S105 - printed by `chopchop seed`: demo accounts
BENCH_USERS = 4  # extra accounts that log in and write during the run (sorted last in the user directory)


def writer_email(n: int) -> str:
    return f"bench{n}@bench.chopchop.example"


def fingerprint(options: Options) -> str:
    """What the database's ``COMMENT`` says when it holds the dataset of ``options``."""
    return (
        f"chopchop-bench v2 seed={options.seed} users={options.users} recipes={options.recipes} "
        f"bench_users={BENCH_USERS}"
    )


def prepare_database(options: Options) -> None:
    """Reuse the database if it holds the dataset of ``options`` (unless ``--reseed``), else make and seed it."""
    state = asyncio.run(pg.dataset_tag(options.pg, options.database))
    if state == fingerprint(options) and not options.reseed:
        log(f"database {options.database} already holds the fixed dataset ({state}): reused")
        return
    started = time.monotonic()
    log(f"creating database {options.database} and seeding it (was: {state!r})")
    asyncio.run(pg.recreate_database(options.pg, options.database))
    env = api_env(options)
    chopchop(env, "db", "upgrade")
    chopchop(env, "seed", "--seed", str(options.seed), "--users", str(options.users), "--recipes", str(options.recipes))
    asyncio.run(_add_writers(options))
    asyncio.run(pg.tag_database(options.pg, options.database, fingerprint(options)))
    log(f"seeded in {time.monotonic() - started:.1f} s")


async def _add_writers(options: Options) -> None:
    """Accounts that write during the run: copies of a seed account (same password hash), named to sort last."""
    async with pg.connected(options.dsn) as connection:
        columns = [
            r["column_name"]
            for r in await connection.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'user_account' "
                "ORDER BY ordinal_position"
            )
        ]
        template = f"cook0.s{options.seed}@seed.chopchop.example"
        values = {"id": "$1", "email": "$2", "display_name": "$3"}
        select = ", ".join(values.get(c, c) for c in columns)
        for n in range(BENCH_USERS):
            await connection.execute(
                # column names come from information_schema, values are parameters
                f"INSERT INTO user_account ({', '.join(columns)}) SELECT {select} FROM user_account WHERE email = $4",  # noqa: S608
                uuid.UUID(int=n + 1, version=4),
                writer_email(n),
                f"zzz bench writer {n}",
                template,
            )
        await connection.execute("VACUUM ANALYZE")


async def cleanup_writes(options: Options) -> None:
    """Undo what the write scenarios did (likes and recipes of the bench accounts): the dataset stays fixed."""
    async with pg.connected(options.dsn) as connection:
        async with connection.transaction():
            ids = [
                r["id"]
                for r in await connection.fetch(
                    "SELECT id FROM user_account WHERE email LIKE 'bench%@bench.chopchop.example'"
                )
            ]
            await connection.execute(
                "UPDATE recipe SET like_count = like_count - 1 WHERE id IN "
                "(SELECT recipe_id FROM recipe_like WHERE user_id = ANY($1::uuid[]))",
                ids,
            )
            await connection.execute("DELETE FROM recipe_like WHERE user_id = ANY($1::uuid[])", ids)
            await connection.execute("DELETE FROM recipe WHERE author_id = ANY($1::uuid[])", ids)
        await connection.execute("VACUUM ANALYZE recipe, recipe_like, recipe_ingredient, recipe_tag")
