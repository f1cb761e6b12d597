"""``python -m bench.compare``: A/B runs of server configurations (or source variants) side by side, interleaved.

This machine is shared and noisy, so one run per configuration proves little. This starts every configuration
at once (each on its own port), then for ``--rounds`` rounds runs each scenario against each configuration in
turn (the order rotates every round) and reports the median requests/s, p50 and p99 per configuration.
Figures of configurations measured in the same round are affected by the same noise.

    python -m bench.compare --config uv1:uvicorn:1 --config gr1:granian:1 \\
        --config mem-uv1:uvicorn:1:memory --scenario list100_warm --scenario ceiling_memory --rounds 5

``--config NAME:SERVER:WORKERS[:KIND[:SRC]]``: KIND is ``api`` (default), ``memory`` or ``rawpg`` (the ceilings);
SRC is a source tree (a copy of ``src/`` with a change) put first on ``PYTHONPATH``, to time a code variant.
Access logs are off unless ``NAME`` ends with ``+log``. The database must hold the benchmark dataset
(run ``bench/run`` once first).

Read replicas: ``--replica-url URL`` (comma-separated ``postgresql+asyncpg://`` URLs, as
``CHOPCHOP_DATABASE_REPLICA_URLS``) is given to the API configurations whose ``NAME`` ends with ``+replica``
(``w2+replica``; ``+replica+log`` for both), which are started only once the replica is in rotation;
``python -m bench.replica_pair up`` makes a primary and replica holding the dataset and prints the options.
The CPU time per request of the replica's backends is then reported too.

Besides the servers' and PostgreSQL's CPU time per request, each run records that of Redis (``INFO cpu``: the
whole server, other clients included) and of the load generator, and how busy the machine's CPUs were
(``/proc/stat``). ``--save LABEL`` also writes the table and the raw figures to
``bench/results/<UTC time>-LABEL.{md,json}``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from bench import RESULTS, ROOT
from bench.cache import flush_cache
from bench.client import request
from bench.console import log
from bench.cpu import CpuMeter
from bench.environment import api_env
from bench.fixtures import Fixtures, prepare_fixtures, write_payloads
from bench.loadgen import connections_for, load
from bench.options import Options, parse
from bench.report import compare_heading, compare_table, meta, save, utc_stamp
from bench.scenarios import COMPARE_SCENARIOS as SCENARIOS
from bench.servers import TARGETS, Server, asgi_command, start_server, stop_servers, wait_ready, wait_replica

TIME_LIMIT = 1800  # seconds: a comparison that takes longer stops
Results = dict[tuple[str, str], list[dict[str, Any]]]  # (scenario, configuration name): one result per round


@dataclass
class Config:
    name: str
    server: str
    workers: int
    kind: str
    src: str | None

    @classmethod
    def parse(cls, text: str) -> Config:
        parts = text.split(":")
        name, server, workers = parts[0], parts[1], int(parts[2])
        kind = parts[3] if len(parts) > 3 and parts[3] else "api"
        src = parts[4] if len(parts) > 4 and parts[4] else None
        return cls(name, server, workers, kind, src)

    @property
    def tags(self) -> set[str]:
        """What follows the first ``+`` of the name: ``log``, ``replica``."""
        return set(self.name.split("+")[1:])

    @property
    def reads_replica(self) -> bool:
        return "replica" in self.tags and self.kind == "api"


@dataclass
class Comparison:
    """What every step of a comparison reads: its command line, the run options and the measuring clients."""

    args: argparse.Namespace
    options: Options
    configs: list[Config]
    replica_dsn: str | None  # the replica's backends serving the benchmark database, for their CPU time
    redis_client: redis.Redis


def parse_args() -> tuple[argparse.Namespace, Options, list[Config]]:
    """This command's options; the others are ``python -m bench``'s (database, Redis, load generator)."""
    parser = argparse.ArgumentParser(prog="bench.compare", description=__doc__)
    parser.add_argument("--config", action="append", required=True)
    parser.add_argument("--scenario", action="append", required=True, choices=sorted(SCENARIOS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--base-port", type=int, default=18300)
    parser.add_argument("--replica-url", default=None, help="replica URL(s) of the configurations named NAME+replica")
    parser.add_argument("--save", metavar="LABEL", default=None, help="write bench/results/<time>-LABEL.{md,json}")
    args, rest = parser.parse_known_args()
    options = parse(rest)
    configs = [Config.parse(text) for text in args.config]
    if any("replica" in c.tags for c in configs) and not args.replica_url:
        raise SystemExit("a NAME+replica configuration needs --replica-url (see python -m bench.replica_pair)")
    return args, options, configs


def replica_dsn(replica_url: str | None) -> str | None:
    """A libpq DSN of the first replica URL."""
    return replica_url.split(",")[0].replace("postgresql+asyncpg://", "postgresql://") if replica_url else None


def main() -> None:
    args, options, configs = parse_args()
    comparison = Comparison(
        args, options, configs, replica_dsn(args.replica_url), redis.Redis.from_url(options.redis_url)
    )
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="chopchop-compare-"))
    servers: list[Server] = []
    try:
        start_configs(comparison, work, servers)
        ports = {server.name: server.port for server in servers}
        api_port = next((ports[c.name] for c in configs if c.kind == "api"), None)
        results = run_rounds(comparison, servers, prepare_fixtures(options, work, api_port))
    finally:
        stop_servers(servers)
        comparison.redis_client.close()
    text = compare_table(results, [c.name for c in configs])
    print()
    print(text)
    if args.save:
        save_results(comparison, results, text, time.monotonic() - started)


# --- servers -------------------------------------------------------------------------------------------------


def start_configs(comparison: Comparison, work: Path, servers: list[Server]) -> None:
    """Every configuration on its own port (appended to ``servers`` as they start, for the stop)."""
    # The API first: the ceilings serve its payload.
    for n, config in enumerate(sorted(comparison.configs, key=lambda c: c.kind != "api")):
        port = comparison.args.base_port + n
        command = asgi_command(config.server, config.workers, "log" in config.tags, TARGETS[config.kind], port)
        server = start_server(config.name, command, port, config_env(comparison, config, work), work)
        servers.append(server)
        wait_ready(server, "/health/live" if config.kind == "api" else "/health")
        if config.reads_replica:
            wait_replica(server)
        if config.kind == "api" and not (work / "payload.json").exists():
            write_payloads(comparison.options.redis_url, port, work)


def config_env(comparison: Comparison, config: Config, work: Path) -> dict[str, str]:
    options = comparison.options
    env = {**api_env(options), "BENCH_PG_DSN": options.dsn, "BENCH_PAYLOAD_FILE": str(work / "payload.json")}
    env["PYTHONPATH"] = f"{config.src}:{ROOT}" if config.src else str(ROOT)
    if config.reads_replica:
        env["CHOPCHOP_DATABASE_REPLICA_URLS"] = comparison.args.replica_url
    return env


# --- rounds --------------------------------------------------------------------------------------------------


def run_rounds(comparison: Comparison, servers: list[Server], fixtures: Fixtures) -> Results:
    """Each scenario against each configuration of its kind in turn, the order rotating every round."""
    args = comparison.args
    results: Results = {}
    env = fixtures.load_env()
    deadline = time.monotonic() + TIME_LIMIT
    for round_ in range(args.rounds):
        for key in args.scenario:
            kind, mode, path = SCENARIOS[key]
            path = path.replace("{detail}", fixtures.detail)
            for config in in_turn(comparison.configs, kind, round_):
                if time.monotonic() > deadline:
                    raise SystemExit("compare: 30 minutes are up")
                server = next(s for s in servers if s.name == config.name)
                result = measure(comparison, server, kind, mode, path, env)
                results.setdefault((key, config.name), []).append(result)
                log_result(round_, key, config.name, result)
    return results


def in_turn(configs: list[Config], kind: str, round_: int) -> list[Config]:
    """The configurations serving ``kind``, rotated by the round: each goes first in turn."""
    eligible = [c for c in configs if c.kind == kind]
    shift = round_ % max(1, len(eligible))
    return eligible[shift:] + eligible[:shift]


def measure(
    comparison: Comparison, server: Server, kind: str, mode: str, path: str, env: dict[str, str]
) -> dict[str, Any]:
    """One load run of ``path`` against ``server``, with the CPU time per request it cost."""
    args, options = comparison.args, comparison.options
    if mode == "bust":
        flush_cache(options.redis_url)
    elif kind == "api":
        request(server.port, "GET", path)
    meter = CpuMeter(server.process.pid, options.dsn, options.database, comparison.replica_dsn, comparison.redis_client)
    meter.start()
    result = load(
        options.loadgen,
        server.port,
        path,
        mode=mode,
        duration=args.duration,
        threads=2,
        connections=connections_for(mode, args.connections),
        env=env,
    )
    result.update(meter.per_request(result["requests"]))
    return result


def log_result(round_: int, key: str, name: str, result: dict[str, Any]) -> None:
    log(
        f"round {round_ + 1} {key:<22} {name:<16} {result['rps']:>8.1f} req/s "
        f"p50 {result['p50_us'] / 1000:6.2f} ms p99 {result['p99_us'] / 1000:7.2f} ms "
        f"cpu/req app {result['app_cpu_us']:.0f} us pg {result['pg_cpu_us']:.0f} us "
        f"replica {result['replica_cpu_us']:.0f} us redis {result['redis_cpu_us']:.0f} us "
        f"wrk {result['loadgen_cpu_us']:.0f} us busy {result['busy_cpus']:.2f} CPUs "
        f"err {result['errors']}+{result['http_errors']}"
    )


# --- --save --------------------------------------------------------------------------------------------------


def save_results(comparison: Comparison, results: Results, text: str, seconds: float) -> None:
    """``bench/results/<UTC time>-LABEL.{md,json}``: the table under what it was measured on, and every run."""
    args, options = comparison.args, comparison.options
    info = meta(options, seconds)
    info["server"] = "; ".join(args.config)
    info["load"] = f"{options.loadgen}: {args.duration} s, 2 threads, {args.connections} connections"
    info["rounds"] = args.rounds
    info["databases"] = f"primary {options.dsn}" + (
        f", replica {comparison.replica_dsn}" if comparison.replica_dsn else ""
    )
    info["redis_url"] = options.redis_url
    name = f"{utc_stamp()}-{args.save}"
    runs = [{"scenario": k, "config": c, "runs": v} for (k, c), v in results.items()]
    save(RESULTS, name, f"{compare_heading(info)}\n\n{text}\n", {"meta": info, "results": runs})
    log(f"results in {RESULTS / name}.{{md,json}}")


if __name__ == "__main__":
    main()
