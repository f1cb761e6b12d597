"""``python -m bench.replica_pair up|down``: a private PostgreSQL primary and streaming replica holding the benchmark
dataset, for ``python -m bench.compare --replica-url``.

The shared PostgreSQL (127.0.0.1:5432) takes no replication connections, so ``up`` makes a pair of its own with
tests/servers.py (``initdb`` and ``pg_basebackup`` run as the ``postgres`` user, spare ports, trust
authentication, ``fsync=off``, ``max_connections=200``: every configuration of a compare run keeps a pool), loads
``bench/run``'s dataset into the primary (``chopchop db upgrade`` + ``chopchop seed --seed 2024 --users 1000
--recipes 20000`` + the 4 writer accounts, ~20 s), then takes the replica from it (``pg_basebackup -R``), starts it
and waits until it has replayed all of the primary's WAL. It prints the options to pass to ``bench.compare``; if
it fails, it removes what it made.
Where the two clusters live is kept in ``DIR/pair.json`` (default DIR: /tmp/chopchop-replica-pair); ``down`` stops
both and deletes them. Nothing is created or changed in the shared PostgreSQL.

    uv run python -m bench.replica_pair up
    uv run python -m bench.compare --pg postgres@127.0.0.1:<primary> \\
        --replica-url postgresql+asyncpg://postgres@127.0.0.1:<replica>/chopchop_bench --config w1+replica:granian:1 ...
    uv run python -m bench.replica_pair down
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import time
from pathlib import Path

import asyncpg
from tests.servers import PrivatePostgres

from bench import pg
from bench.console import log
from bench.dataset import prepare_database
from bench.options import parse

DEFAULT_DIR = Path("/tmp/chopchop-replica-pair")  # noqa: S108 - a fixed, documented place


def _save(folder: Path, pair: dict[str, dict[str, object]]) -> None:
    (folder / "pair.json").write_text(json.dumps(pair, indent=2))


async def _wait_replayed(primary_dsn: str, replica_dsn: str, timeout: float = 120) -> float:
    """Seconds until the replica has replayed the primary's current WAL position."""
    started = time.monotonic()
    async with pg.connected(primary_dsn) as primary:
        target = await primary.fetchval("SELECT pg_current_wal_lsn()::text")
    problem: Exception | None = None
    while time.monotonic() - started < timeout:
        try:
            async with pg.connected(replica_dsn) as replica:
                if await replica.fetchval("SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn", target):
                    return time.monotonic() - started
        except (OSError, asyncpg.CannotConnectNowError) as exc:  # still starting
            problem = exc
        await asyncio.sleep(0.5)
    raise SystemExit(f"the replica has not replayed {target} after {timeout:.0f} s ({problem!r})")


def up(folder: Path, database: str) -> None:
    if (folder / "pair.json").exists():
        raise SystemExit(f"{folder} holds a pair: `python -m bench.replica_pair down --dir {folder}` first")
    started = time.monotonic()
    folder.mkdir(parents=True, exist_ok=True)
    pair: dict[str, dict[str, object]] = {}
    primary_root = folder / "primary"
    primary_root.mkdir(mode=0o777)
    primary_root.chmod(0o777)
    primary = PrivatePostgres(primary_root)
    pair["primary"] = {"root": str(primary.root), "port": primary.port}
    _save(folder, pair)  # from here on, `down` cleans up whatever part was made
    primary.init()
    with (primary.data / "postgresql.conf").open("a") as conf:
        conf.write("\n# bench.replica_pair: a pool per API process of each configuration of a compare run\n")
        conf.write("max_connections = 200\n")
    primary.start()
    log(f"primary on 127.0.0.1:{primary.port} ({primary.root})")
    options = parse(["--pg", f"postgres@127.0.0.1:{primary.port}", "--database", database])
    prepare_database(options)  # bench/run's dataset: same seed, sizes and writer accounts
    replica = primary.replica()
    pair["replica"] = {"root": str(replica.root), "port": replica.port}
    _save(folder, pair)
    replica.start()
    caught_up = asyncio.run(_wait_replayed(options.dsn, pg.dsn(f"postgres@127.0.0.1:{replica.port}", database)))
    log(f"replica on 127.0.0.1:{replica.port} ({replica.root}), caught up in {caught_up:.1f} s")
    (folder / "ready").touch()
    log(f"pair up in {time.monotonic() - started:.0f} s; state in {folder / 'pair.json'}")
    print(
        f"--pg postgres@127.0.0.1:{primary.port} --database {database} "
        f"--replica-url postgresql+asyncpg://postgres@127.0.0.1:{replica.port}/{database}"
    )


def down(folder: Path) -> None:
    state = folder / "pair.json"
    if not state.exists():
        log(f"no pair in {folder}")
        return
    pair = json.loads(state.read_text())
    for role in ("replica", "primary"):
        if role in pair:
            PrivatePostgres(Path(pair[role]["root"])).remove()  # stops it (immediate) and deletes its folder
            log(f"{role} on port {pair[role]['port']} stopped and removed")
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.replica_pair", description=__doc__)
    parser.add_argument("action", choices=["up", "down"])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="where the pair's state is kept")
    parser.add_argument("--database", default="chopchop_bench")
    args = parser.parse_args()
    if args.action == "up":
        try:
            up(args.dir, args.database)
        except BaseException:
            if (args.dir / "pair.json").exists() and not (args.dir / "ready").exists():
                log("up failed: removing what was made")
                down(args.dir)
            raise
    else:
        down(args.dir)


if __name__ == "__main__":
    main()
