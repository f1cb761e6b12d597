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
import functools
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx

from bench import RESULTS, pg
from bench.console import log as _log
from bench.environment import chopchop, service_env
from bench.plans import captured, explain
from bench.report import save, utc_stamp

PG = os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")
SEED = 7
FINGERPRINT = "chopchop-growth v3 seed={seed} users={users} recipes={recipes}"
SLOW_MS = 25.0  # the target of a typical uncached read (issue 12)
UNCACHED = {"Cache-Control": "no-cache"}  # each read skips the stored response: PostgreSQL is asked every time

# Progress goes to standard error: standard output is the table.
log = functools.partial(_log, file=sys.stderr)

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


def users_for(recipes: int) -> int:
    return max(50, recipes // 200)


def environment(database: str, size: int) -> dict[str, str]:
    """The API on ``database``, its Redis keys and queue under a prefix of this size's own."""
    return service_env(f"postgresql+asyncpg://{PG}/{database}", REDIS, f"growth{size}")


def ensure_dataset(size: int, *, reseed: bool) -> str:
    """The database of ``size`` recipes, seeded unless it already holds that very dataset."""
    database = f"chopchop_growth_{size}"
    fingerprint = FINGERPRINT.format(seed=SEED, users=users_for(size), recipes=size)
    state = asyncio.run(pg.dataset_tag(PG, database))
    if state == fingerprint and not reseed:
        log(f"{database}: reused ({state})")
        return database
    log(f"{database}: creating and seeding {size:,} recipes")
    asyncio.run(pg.recreate_database(PG, database))
    env = environment(database, size)
    chopchop(env, "db", "upgrade", timeout=None)
    started = time.perf_counter()
    chopchop(env, "seed", "--seed", str(SEED), "--users", str(users_for(size)), "--recipes", str(size), timeout=None)
    log(f"{database}: seeded in {time.perf_counter() - started:.0f} s; VACUUM ANALYZE")
    asyncio.run(_vacuum_analyze(pg.dsn(PG, database)))
    asyncio.run(pg.tag_database(PG, database, fingerprint))
    return database


async def _vacuum_analyze(dsn: str) -> None:
    async with pg.connected(dsn) as connection:
        await connection.execute("VACUUM ANALYZE")


async def _ids(database: str) -> dict[str, str]:
    async with pg.connected(pg.dsn(PG, database)) as connection:
        # Cheap picks, whatever the size: index scans only.
        author = await connection.fetchval("SELECT author_id FROM recipe ORDER BY created_at DESC LIMIT 1")
        commented = await connection.fetchval("SELECT id FROM recipe ORDER BY comment_count DESC, id DESC LIMIT 1")
        liker = await connection.fetchval("SELECT user_id FROM recipe_like ORDER BY user_id LIMIT 1")
        recipe = await connection.fetchval("SELECT id FROM recipe ORDER BY like_count DESC, id DESC LIMIT 1")
        return {"author": str(author), "commented": str(commented), "liker": str(liker), "recipe": str(recipe)}


async def measure(
    database: str, size: int, reads: list[tuple[str, str]], runs: int, *, explain_plans: bool
) -> list[Measured]:
    """Each read in the app (no HTTP server), uncached: one warm-up, then the median of ``runs``."""
    os.environ.update(environment(database, size))
    from chopchop.app import create_app
    from chopchop.settings import Settings

    app = create_app(Settings.from_env(env_file=None))
    ids = await _ids(database)
    results: list[Measured] = []
    transport = httpx.ASGITransport(app=cast("Any", app))
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://growth.local") as client:
        for label, template in reads:
            path = template.format(**ids)
            ms, status = await time_read(client, path, runs)
            plans: list[str] = []
            if explain_plans:
                with captured(app) as statements:
                    await client.get(path, headers=UNCACHED)
                plans = await explain(pg.dsn(PG, database), statements)
            results.append(Measured(label, path, ms, status, plans))
            log(f"{size:>9,} {label:<28} {ms:9.1f} ms ({status})")
    return results


async def time_read(client: httpx.AsyncClient, path: str, runs: int) -> tuple[float, int]:
    """The median ms of ``runs`` uncached GETs of ``path`` after one warm-up, and the last one's status."""
    response = await client.get(path, headers=UNCACHED)  # warm-up (PostgreSQL buffers, plan caches)
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        response = await client.get(path, headers=UNCACHED)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), response.status_code


def table(sizes: list[int], reads: list[tuple[str, str]], results: dict[int, list[Measured]]) -> str:
    header = "| read | " + " | ".join(f"{size:,} recipes" for size in sizes) + " | growth |"
    lines = [header, "|---|" + "---:|" * (len(sizes) + 1)]
    for index, (label, _) in enumerate(reads):
        cells = []
        for size in sizes:
            measured = results[size][index]
            mark = "" if measured.status == 200 else f" ({measured.status})"
            value = f"{measured.ms:.1f} ms{mark}"
            cells.append(f"**{value}**" if measured.ms > SLOW_MS else value)
        first, last = results[sizes[0]][index].ms, results[sizes[-1]][index].ms
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {last / first:.1f}x |")
    return "\n".join(lines)


def document(stamp: str, runs: int, report: str, size: int, largest: list[Measured]) -> str:
    """The result file: the table, then the plans of every read at the largest ``size``."""
    plans = "\n\n".join(
        f"### {m.label}: `{m.path}` ({m.ms:.1f} ms)\n\n" + "\n\n".join(f"```\n{plan}\n```" for plan in m.plans)
        for m in largest
    )
    return (
        f"# Growth benchmark {stamp}\n\nUncached single requests in the app, median of {runs}, "
        f"`chopchop seed --seed {SEED}` datasets; bold: over {SLOW_MS:.0f} ms.\n\n{report}\n\n"
        f"## Plans at {size:,} recipes\n\n{plans}\n"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000,1000000", help="recipe counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per read (median)")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the dataset is there")
    parser.add_argument("--no-plans", action="store_true", help="skip EXPLAIN ANALYZE of the largest size")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--adversarial", action="store_true", help="also time the requests an attacker would pick")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    reads = READS + ADVERSARIAL if args.adversarial else READS
    sizes = sorted(int(size) for size in args.sizes.split(","))
    results: dict[int, list[Measured]] = {}
    for size in sizes:
        database = ensure_dataset(size, reseed=args.reseed)
        explain_plans = size == sizes[-1] and not args.no_plans
        results[size] = asyncio.run(measure(database, size, reads, args.runs, explain_plans=explain_plans))
    report = table(sizes, reads, results)
    print(report)
    stamp = utc_stamp()
    save(args.out, f"{stamp}-growth", document(stamp, args.runs, report, sizes[-1], results[sizes[-1]]))
    log(f"written {args.out / f'{stamp}-growth.md'}")


if __name__ == "__main__":
    main()
