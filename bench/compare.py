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
import asyncio
import json
import os
import resource
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import redis

from bench import BENCH, HOST
from bench.cache import flush_cache
from bench.client import request
from bench.console import log
from bench.cpu import TICK, backend_pids, group_cpu, pids_cpu
from bench.environment import api_env
from bench.fixtures import prepare_fixtures, write_payloads
from bench.loadgen import run_load
from bench.options import parse
from bench.report import compare_table, meta
from bench.scenarios import COMPARE_SCENARIOS as SCENARIOS
from bench.servers import TARGETS, Server, asgi_command, stop_servers, wait_ready, wait_replica


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


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all CPUs (``/proc/stat``)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    total = sum(fields[:8]) / TICK  # user nice system idle iowait irq softirq steal
    return total - (fields[3] + fields[4]) / TICK, total


def redis_cpu(client: redis.Redis) -> float:
    info = cast("dict[str, Any]", client.info("cpu"))
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def loadgen_cpu() -> float:
    """CPU seconds of the waited-for children: wrk's runs (servers are waited for at the end; the Python load
    generator runs in this process and is not counted)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:  # noqa: PLR0912 - one linear script
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
    # The replica's backends serving the benchmark database, for their CPU time (a libpq DSN of the first URL).
    replica_dsn = (
        args.replica_url.split(",")[0].replace("postgresql+asyncpg://", "postgresql://") if args.replica_url else None
    )
    redis_client = redis.Redis.from_url(options.redis_url)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="chopchop-compare-"))
    servers: list[Server] = []
    ports: dict[str, int] = {}
    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    try:
        # The API first: the ceilings serve its payload.
        for n, config in enumerate(sorted(configs, key=lambda c: c.kind != "api")):
            port = args.base_port + n
            ports[config.name] = port
            env = {**api_env(options), "BENCH_PG_DSN": options.dsn, "BENCH_PAYLOAD_FILE": str(work / "payload.json")}
            if config.src:
                env["PYTHONPATH"] = f"{config.src}:{BENCH.parent}"
            else:
                env["PYTHONPATH"] = str(BENCH.parent)
            if "replica" in config.tags and config.kind == "api":
                env["CHOPCHOP_DATABASE_REPLICA_URLS"] = args.replica_url
            command = asgi_command(config.server, config.workers, "log" in config.tags, TARGETS[config.kind], port)
            sink = (work / f"{config.name}.log").open("wb")
            process = subprocess.Popen(  # noqa: S603
                command,
                cwd=BENCH.parent,
                env={**os.environ, **env},
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            server = Server(config.name, port, process, work / f"{config.name}.log")
            servers.append(server)
            wait_ready(server, "/health/live" if config.kind == "api" else "/health")
            if "replica" in config.tags and config.kind == "api":
                wait_replica(server)
            if config.kind == "api" and not (work / "payload.json").exists():
                write_payloads(options.redis_url, port, work)
        api_port = next((ports[c.name] for c in configs if c.kind == "api"), None)
        fixtures = prepare_fixtures(options, work, api_port)
        extra = fixtures.load_env()
        deadline = time.monotonic() + 1800
        for round_ in range(args.rounds):
            for key in args.scenario:
                kind, mode, path = SCENARIOS[key]
                path = path.replace("{detail}", fixtures.detail)
                eligible = [c for c in configs if c.kind == kind]
                shift = round_ % max(1, len(eligible))
                for config in eligible[shift:] + eligible[:shift]:
                    if time.monotonic() > deadline:
                        raise SystemExit("compare: 30 minutes are up")
                    if mode == "bust":
                        flush_cache(options.redis_url)
                    elif kind == "api":
                        request(ports[config.name], "GET", path)
                    server = next(s for s in servers if s.name == config.name)
                    pg_before = {p: pids_cpu([p]) for p in asyncio.run(backend_pids(options.dsn, options.database))}
                    replica_before = (
                        {p: pids_cpu([p]) for p in asyncio.run(backend_pids(replica_dsn, options.database))}
                        if replica_dsn
                        else {}
                    )
                    redis_before, loadgen_before = redis_cpu(redis_client), loadgen_cpu()
                    busy_before, total_before = machine_busy()
                    app_before = group_cpu(server.process.pid)
                    result = run_load(
                        options.loadgen,
                        f"http://{HOST}:{ports[config.name]}{path}",
                        mode=mode,
                        duration=args.duration,
                        threads=2,
                        connections=min(args.connections, 16) if mode == "login" else args.connections,
                        env=extra,
                        script=BENCH / "wrk" / "scenario.lua",
                    )
                    app_cpu = group_cpu(server.process.pid) - app_before
                    busy_after, total_after = machine_busy()
                    redis_used, loadgen_used = redis_cpu(redis_client) - redis_before, loadgen_cpu() - loadgen_before
                    # backends that appeared during the run count from zero; ones that ended are lost (pools: rare)
                    pg_after = asyncio.run(backend_pids(options.dsn, options.database))
                    pg_cpu = sum(pids_cpu([p]) - pg_before.get(p, 0.0) for p in pg_after)
                    replica_cpu = 0.0
                    if replica_dsn:
                        replica_after = asyncio.run(backend_pids(replica_dsn, options.database))
                        replica_cpu = sum(pids_cpu([p]) - replica_before.get(p, 0.0) for p in replica_after)
                    requests = max(1, result["requests"])
                    result["app_cpu_us"] = app_cpu * 1e6 / requests
                    result["pg_cpu_us"] = max(0.0, pg_cpu) * 1e6 / requests
                    result["replica_cpu_us"] = max(0.0, replica_cpu) * 1e6 / requests
                    result["redis_cpu_us"] = redis_used * 1e6 / requests
                    result["loadgen_cpu_us"] = loadgen_used * 1e6 / requests
                    # share of all CPUs busy over the run (anything on the machine), in CPUs: 2.0 = both cores
                    result["busy_cpus"] = (
                        (busy_after - busy_before) / (total_after - total_before) * (os.cpu_count() or 1)
                    )
                    results.setdefault((key, config.name), []).append(result)
                    log(
                        f"round {round_ + 1} {key:<22} {config.name:<16} {result['rps']:>8.1f} req/s "
                        f"p50 {result['p50_us'] / 1000:6.2f} ms p99 {result['p99_us'] / 1000:7.2f} ms "
                        f"cpu/req app {result['app_cpu_us']:.0f} us pg {result['pg_cpu_us']:.0f} us "
                        f"replica {result['replica_cpu_us']:.0f} us redis {result['redis_cpu_us']:.0f} us "
                        f"wrk {result['loadgen_cpu_us']:.0f} us busy {result['busy_cpus']:.2f} CPUs "
                        f"err {result['errors']}+{result['http_errors']}"
                    )
    finally:
        stop_servers(servers)
        redis_client.close()
    text = compare_table(results, [c.name for c in configs])
    print()
    print(text)
    if args.save:
        seconds = time.monotonic() - started
        info = meta(options, seconds)
        info["server"] = "; ".join(args.config)
        info["load"] = f"{options.loadgen}: {args.duration} s, 2 threads, {args.connections} connections"
        info["rounds"] = args.rounds
        info["databases"] = f"primary {options.dsn}" + (f", replica {replica_dsn}" if replica_dsn else "")
        info["redis_url"] = options.redis_url
        out = BENCH / "results"
        out.mkdir(parents=True, exist_ok=True)
        name = f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{args.save}"
        runs = [{"scenario": k, "config": c, "runs": v} for (k, c), v in results.items()]
        (out / f"{name}.json").write_text(json.dumps({"meta": info, "results": runs}, indent=2))
        heading = (
            f"Compare run {info['date']} ({info['seconds']} s): {info['server']}; {info['load']}; "
            f"{args.rounds} rounds; {info['dataset']}; {info['nproc']} CPUs ({info['cpu']}); "
            f"PostgreSQL {info['postgresql']} ({info['databases']}), Redis {info['redis']} ({info['redis_url']})"
        )
        (out / f"{name}.md").write_text(f"{heading}\n\n{text}\n")
        log(f"results in {out / name}.{{md,json}}")


if __name__ == "__main__":
    main()
