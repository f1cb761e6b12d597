"""``python -m bench.growth``: how the cost of typical reads grows with the data.

For each size (default 1,000 / 100,000 / 1,000,000 recipes) it makes sure the database
``chopchop_growth_<size>`` holds ``chopchop seed --seed 7 --users <size / 200, at least 50> --recipes <size>``
(tagged with a ``COMMENT``: later runs reuse it, ``--reseed`` forces a new one), then ``VACUUM ANALYZE``; then it
runs the API in this process (server mode: that PostgreSQL, Redis db 9 under a key prefix of its own), answers each
typical read of docs/database.md ``--runs`` times *uncached* (``Cache-Control: no-cache``, so PostgreSQL is asked
every time) after one warm-up, and records the median time in the app (no HTTP server: the growth is the point).
The SQL statements of each read are captured as they are sent and explained (``EXPLAIN (ANALYZE, BUFFERS)``) with
their parameters, so the plans printed are those of the statements the app really runs.

    uv run python -m bench.growth                          # the three sizes (the 1,000,000 seed takes minutes)
    uv run python -m bench.growth --sizes 1000,100000 --runs 7

Prints a table (ms per read at each size, and the growth from the smallest to the largest) and writes it with
the plans of the largest size to ``bench/results/<time>-growth.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")
SEED = 7
FINGERPRINT = "chopchop-growth v3 seed={seed} users={users} recipes={recipes}"
SLOW_MS = 25.0  # the target of a typical uncached read (issue 12)

# (label, path template). Templates name ids picked from each database: {author}, {liker}, {recipe}, {commented}.
READS: list[tuple[str, str]] = [
    ("newest, 20", "/api/v1/recipes?limit=20"),
    ("newest, 100 at offset 900", "/api/v1/recipes?limit=100&offset=900"),
    ("newest, 20 at offset 1,000", "/api/v1/recipes?limit=20&offset=1000"),
    ("most liked", "/api/v1/recipes?limit=20&sort=most_liked"),
    ("most commented", "/api/v1/recipes?limit=20&sort=most_commented"),
    ("title", "/api/v1/recipes?limit=20&sort=title"),
    ("quickest", "/api/v1/recipes?limit=20&sort=quickest"),
    ("author", "/api/v1/recipes?limit=20&author={author}"),
    ("complexity", "/api/v1/recipes?limit=20&complexity=easy"),
    ("tag", "/api/v1/recipes?limit=20&tag=vegetarian"),
    ("two tags", "/api/v1/recipes?limit=20&tag=vegetarian&tag=quick"),
    ("max_total_minutes", "/api/v1/recipes?limit=20&max_total_minutes=30"),
    ("ingredients_all", "/api/v1/recipes?limit=20&ingredients_all=tomato&ingredients_all=onion"),
    ("ingredients_all (rare pair)", "/api/v1/recipes?limit=20&ingredients_all=tofu&ingredients_all=saffron"),
    ("ingredients_any", "/api/v1/recipes?limit=20&ingredients_any=salmon&ingredients_any=tofu"),
    ("exclude_ingredients", "/api/v1/recipes?limit=20&exclude_ingredients=garlic&exclude_ingredients=butter"),
    ("exclude, most liked", "/api/v1/recipes?limit=20&exclude_ingredients=garlic&sort=most_liked"),
    ("tag at offset 1,000", "/api/v1/recipes?limit=20&tag=vegetarian&offset=1000"),
    ("q (common word)", "/api/v1/recipes?limit=20&q=tomato"),
    ("q (rare word)", "/api/v1/recipes?limit=20&q=saffron"),
    ("q (unknown word)", "/api/v1/recipes?limit=20&q=xylophone"),
    ("q (negated word only)", "/api/v1/recipes?limit=20&q=-tomato"),
    ("q + complexity + time", "/api/v1/recipes?limit=20&q=tomato&complexity=easy&max_total_minutes=30"),
    ("q + tag", "/api/v1/recipes?limit=20&q=tomato&tag=vegetarian"),
    ("q + author", "/api/v1/recipes?limit=20&q=tomato&author={author}"),
    ("q + ingredients_all", "/api/v1/recipes?limit=20&q=soup&ingredients_all=onion"),
    ("q + ingredients_any", "/api/v1/recipes?limit=20&q=soup&ingredients_any=salmon&ingredients_any=tofu"),
    ("q + exclude_ingredients", "/api/v1/recipes?limit=20&q=tomato&exclude_ingredients=garlic"),
    ("q, most liked", "/api/v1/recipes?limit=20&q=tomato&sort=most_liked"),
    ("q, title", "/api/v1/recipes?limit=20&q=tomato&sort=title"),
    ("q at offset 1,000", "/api/v1/recipes?limit=20&q=tomato&offset=1000"),
    ("recipe detail", "/api/v1/recipes/{recipe}"),
    ("a user's recipes", "/api/v1/users/{author}/recipes?limit=20"),
    ("a user's likes", "/api/v1/users/{liker}/likes?limit=20"),
    ("comments of a recipe", "/api/v1/recipes/{commented}/comments?limit=20"),
    ("ingredient autocomplete", "/api/v1/ingredients?prefix=to"),
    ("ingredient autocomplete, one letter", "/api/v1/ingredients?prefix=s"),
    ("users, 100", "/api/v1/users?limit=100"),
]


# Requests an attacker picks at a million recipes (terms that never meet, exclusions and negations no index can
# look up, phrases of common words): bounded by the walk's window and the search timeout (docs/database.md).
ADVERSARIAL: list[tuple[str, str]] = [
    ("words that never meet, by title", "/api/v1/recipes?q=whisk%20salt&sort=title"),
    ("words that never meet, offset 1,000", "/api/v1/recipes?q=whisk%20salt&offset=1000"),
    ("word and ingredient that never meet", "/api/v1/recipes?q=whisk&ingredients_all=salt"),
    ("ingredients that never meet", "/api/v1/recipes?ingredients_all=black%20pepper&ingredients_all=orange"),
    ("negated words only", "/api/v1/recipes?q=-minutes%20-cook%20-stir"),
    (
        "five staples excluded",
        "/api/v1/recipes?exclude_ingredients=black%20pepper&exclude_ingredients=salt&exclude_ingredients=butter"
        "&exclude_ingredients=olive%20oil&exclude_ingredients=vegetable%20oil",
    ),
    ("phrase of two common words", "/api/v1/recipes?q=%22pepper%20salt%22&sort=title"),
    ("rare word or common word", "/api/v1/recipes?q=salt%20or%20zzzzunknown&sort=title"),
]


@dataclass
class Measured:
    label: str
    path: str
    ms: float
    status: int
    plans: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def users_for(recipes: int) -> int:
    return max(50, recipes // 200)


def environment(database: str, size: int) -> dict[str, str]:
    env = {
        "CHOPCHOP_DATABASE_URL": f"postgresql+asyncpg://{PG}/{database}",
        "CHOPCHOP_REDIS_URL": REDIS,
        "CHOPCHOP_REDIS_KEY_PREFIX": f"growth{size}",
        "CHOPCHOP_QUEUE_NAME": f"growth{size}",
        "CHOPCHOP_JWT_SECRET": secrets.token_urlsafe(48),
        "CHOPCHOP_ALLOW_FILE_MAILER": "true",
        "CHOPCHOP_LOG_LEVEL": "WARNING",
    }
    return {**os.environ, **env}


async def _admin(sql: str, *args: Any) -> Any:
    connection = await asyncpg.connect(f"postgresql://{PG}/postgres")
    try:
        return await connection.fetchval(sql, *args)
    finally:
        await connection.close()


def ensure_dataset(size: int, *, reseed: bool) -> str:
    """The database of ``size`` recipes, seeded unless it already holds that very dataset."""
    database = f"chopchop_growth_{size}"
    fingerprint = FINGERPRINT.format(seed=SEED, users=users_for(size), recipes=size)
    state = asyncio.run(
        _admin(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
            database,
        )
    )
    if state == fingerprint and not reseed:
        log(f"{database}: reused ({state})")
        return database
    log(f"{database}: creating and seeding {size:,} recipes")
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    asyncio.run(_admin(f'CREATE DATABASE "{database}"'))
    env = environment(database, size)
    chopchop = str(Path(sys.executable).parent / "chopchop")
    subprocess.run([chopchop, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    started = time.perf_counter()
    command = [chopchop, "seed", "--seed", str(SEED), "--users", str(users_for(size)), "--recipes", str(size)]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    log(f"{database}: seeded in {time.perf_counter() - started:.0f} s; VACUUM ANALYZE")

    async def finish() -> None:
        connection = await asyncpg.connect(f"postgresql://{PG}/{database}")
        try:
            await connection.execute("VACUUM ANALYZE")
            await connection.execute(f"COMMENT ON DATABASE \"{database}\" IS '{fingerprint}'")
        finally:
            await connection.close()

    asyncio.run(finish())
    return database


async def _ids(database: str) -> dict[str, str]:
    connection = await asyncpg.connect(f"postgresql://{PG}/{database}")
    try:
        # Cheap picks, whatever the size: index scans only.
        author = await connection.fetchval("SELECT author_id FROM recipe ORDER BY created_at DESC LIMIT 1")
        commented = await connection.fetchval("SELECT id FROM recipe ORDER BY comment_count DESC, id DESC LIMIT 1")
        liker = await connection.fetchval("SELECT user_id FROM recipe_like ORDER BY user_id LIMIT 1")
        recipe = await connection.fetchval("SELECT id FROM recipe ORDER BY like_count DESC, id DESC LIMIT 1")
        return {"author": str(author), "commented": str(commented), "liker": str(liker), "recipe": str(recipe)}
    finally:
        await connection.close()


@contextmanager
def captured(app: Any) -> Iterator[list[tuple[str, Any]]]:
    from chopchop.server import ChopchopPlugin

    engine = app.plugins.get(ChopchopPlugin).db_config.get_engine().sync_engine
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def _explain(database: str, statements: list[tuple[str, Any]]) -> list[str]:
    connection = await asyncpg.connect(f"postgresql://{PG}/{database}")
    plans: list[str] = []
    try:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", *(parameters or ()))
            plans.append(statement.strip() + "\n\n" + "\n".join(row[0] for row in rows))
    finally:
        await connection.close()
    return plans


async def measure(database: str, size: int, runs: int, *, explain: bool) -> list[Measured]:
    os.environ.update(environment(database, size))
    from chopchop.app import create_app
    from chopchop.settings import Settings

    app = create_app(Settings.from_env(env_file=None))
    ids = await _ids(database)
    results: list[Measured] = []
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://growth.local") as client,
    ):
        headers = {"Cache-Control": "no-cache"}
        for label, template in READS:
            path = template.format(**ids)
            response = await client.get(path, headers=headers)  # warm-up (PostgreSQL buffers, plan caches)
            times: list[float] = []
            for _ in range(runs):
                started = time.perf_counter()
                response = await client.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
            plans: list[str] = []
            if explain:
                with captured(app) as statements:
                    await client.get(path, headers=headers)
                plans = await _explain(database, statements)
            results.append(Measured(label, path, statistics.median(times), response.status_code, plans))
            log(f"{size:>9,} {label:<28} {results[-1].ms:9.1f} ms ({response.status_code})")
    return results


def table(sizes: list[int], results: dict[int, list[Measured]]) -> str:
    header = "| read | " + " | ".join(f"{size:,} recipes" for size in sizes) + " | growth |"
    lines = [header, "|---|" + "---:|" * (len(sizes) + 1)]
    for index, (label, _) in enumerate(READS):
        cells = []
        for size in sizes:
            measured = results[size][index]
            mark = "" if measured.status == 200 else f" ({measured.status})"
            value = f"{measured.ms:.1f} ms{mark}"
            cells.append(f"**{value}**" if measured.ms > SLOW_MS else value)
        first, last = results[sizes[0]][index].ms, results[sizes[-1]][index].ms
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {last / first:.1f}x |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000,1000000", help="recipe counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per read (median)")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the dataset is there")
    parser.add_argument("--no-plans", action="store_true", help="skip EXPLAIN ANALYZE of the largest size")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--adversarial", action="store_true", help="also time the requests an attacker would pick")
    args = parser.parse_args()
    if args.adversarial:
        READS.extend(ADVERSARIAL)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    results: dict[int, list[Measured]] = {}
    for size in sizes:
        database = ensure_dataset(size, reseed=args.reseed)
        explain = size == sizes[-1] and not args.no_plans
        results[size] = asyncio.run(measure(database, size, args.runs, explain=explain))
    report = table(sizes, results)
    print(report)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = args.out / f"{stamp}-growth.md"
    plans = "\n\n".join(
        f"### {m.label}: `{m.path}` ({m.ms:.1f} ms)\n\n" + "\n\n".join(f"```\n{plan}\n```" for plan in m.plans)
        for m in results[sizes[-1]]
    )
    path.write_text(
        f"# Growth benchmark {stamp}\n\nUncached single requests in the app, median of {args.runs}, "
        f"`chopchop seed --seed {SEED}` datasets; bold: over {SLOW_MS:.0f} ms.\n\n{report}\n\n"
        f"## Plans at {sizes[-1]:,} recipes\n\n{plans}\n"
    )
    log(f"written {path}")


if __name__ == "__main__":
    main()
