"""The options of a benchmark run: the command line of ``python -m bench``, which bench.compare and
bench.replica_pair read too."""

from __future__ import annotations

import argparse
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from bench import RESULTS, pg


@dataclass
class Options:
    pg: str
    database: str
    redis_url: str
    users: int
    recipes: int
    seed: int
    server: str
    workers: int
    access_log: bool
    duration: int
    threads: int
    connections: int
    singles: int
    only: set[str]
    reseed: bool
    loadgen: str
    base_port: int
    out: Path
    src: str | None = None

    @property
    def dsn(self) -> str:
        return pg.dsn(self.pg, self.database)

    @property
    def sqlalchemy_url(self) -> str:
        return f"postgresql+asyncpg://{self.pg}/{self.database}"

    def wants(self, key: str) -> bool:
        """Whether ``--only`` (empty: everything) asks for the scenario (or ``singles``) ``key``."""
        return not self.only or key in self.only


def _parser(description: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench", description=description)
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432"), help="user@host:port")
    parser.add_argument("--database", default="chopchop_bench")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--recipes", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--server", choices=["uvicorn", "granian"], default=os.environ.get("BENCH_SERVER", "granian"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 1))))
    parser.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=False)
    parser.add_argument("--duration", type=int, default=5, help="seconds per scenario")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--singles", type=int, default=15, help="sequential requests per single-latency figure")
    parser.add_argument("--only", default="", help="comma-separated scenario keys (and/or 'singles')")
    parser.add_argument("--reseed", action="store_true", help="recreate the database even if it holds the dataset")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--base-port", type=int, default=18100)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--src", default=None, help="measure a variant: a copy of src/ with a change, put first on PYTHONPATH"
    )
    return parser


def parse(argv: list[str] | None = None, *, description: str | None = None) -> Options:
    """The options of ``argv``; ``description`` is what ``--help`` prints above them."""
    args = _parser(description).parse_args(argv)
    loadgen = args.loadgen
    if loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "python"
    return Options(
        pg=args.pg,
        database=args.database,
        redis_url=args.redis_url,
        users=args.users,
        recipes=args.recipes,
        seed=args.seed,
        server=args.server,
        workers=args.workers,
        access_log=args.access_log,
        duration=args.duration,
        threads=args.threads,
        connections=args.connections,
        singles=args.singles,
        only={s for s in args.only.split(",") if s},
        reseed=args.reseed,
        loadgen=loadgen,
        base_port=args.base_port,
        out=args.out,
        src=args.src,
    )
