"""``python -m bench``: seed a fixed dataset, start the API and the two ceilings, measure, report, stop.

Everything listens on 127.0.0.1. Every loop is bounded in time and count. See bench/README.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import ROOT
from bench.cache import flush_cache
from bench.client import request
from bench.console import log
from bench.dataset import cleanup_writes, prepare_database
from bench.environment import api_env
from bench.fixtures import prepare_fixtures, write_payloads
from bench.measure import measure_singles, measure_throughput
from bench.options import Options, parse
from bench.report import meta, run_report, save, utc_stamp
from bench.scenarios import scenarios
from bench.servers import TARGETS, Server, asgi_command, start_server, stop_servers, wait_ready

# What each ceiling must answer byte for byte: the API's body of GET /api/v1/recipes?limit=100.
CEILING_CHECKS = (("memory", "/bytes"), ("memory", "/struct"), ("rawpg", "/recipes?limit=100"))


def run(options: Options) -> dict[str, Any]:
    """Seed (or reuse) the dataset, start the servers, measure; stop them and undo the writes whatever happens."""
    started = time.monotonic()
    prepare_database(options)
    work = Path(tempfile.mkdtemp(prefix="chopchop-bench-"))
    ports = {"api": options.base_port, "memory": options.base_port + 1, "rawpg": options.base_port + 2}
    servers: list[Server] = []
    results: dict[str, Any] = {"scenarios": {}, "singles": {}}
    try:
        start_servers(options, ports, work, servers)
        fixtures = prepare_fixtures(options, work, ports["api"])
        if options.wants("singles"):
            results["singles"] = measure_singles(options, ports, fixtures.detail)
        results["scenarios"] = measure_throughput(options, ports, scenarios(fixtures))
    finally:
        stop_servers(servers)
        with contextlib.suppress(Exception):
            asyncio.run(cleanup_writes(options))
        flush_cache(options.redis_url)
    results["meta"] = meta(options, time.monotonic() - started)
    return results


def start_servers(options: Options, ports: dict[str, int], work: Path, servers: list[Server]) -> None:
    """The API, then the ceilings serving its payloads (appended to ``servers`` as they start, for the stop)."""
    servers.append(_start(options, "api", ports["api"], api_env(options), work))
    wait_ready(servers[0], "/health/live")
    payload = write_payloads(options.redis_url, ports["api"], work, sizes=(1130, 2480))
    ceiling_env = {"BENCH_PAYLOAD_FILE": str(work / "payload.json"), "BENCH_PG_DSN": options.dsn}
    if options.src:
        ceiling_env["PYTHONPATH"] = f"{options.src}:{ROOT}"
    servers.append(_start(options, "memory", ports["memory"], ceiling_env, work))
    servers.append(_start(options, "rawpg", ports["rawpg"], ceiling_env, work))
    for server in servers[1:]:
        wait_ready(server, "/health")
    # The ceilings answer exactly the API's bytes (checked: the comparison is like for like).
    for kind, path in CEILING_CHECKS:
        _, body, _ = request(ports[kind], "GET", path)
        if body != payload:
            raise SystemExit(f"ceiling {path} does not answer the API's payload")


def _start(options: Options, kind: str, port: int, env: dict[str, str], work: Path) -> Server:
    command = asgi_command(options.server, options.workers, options.access_log, TARGETS[kind], port)
    return start_server(kind, command, port, env, work)


def main(argv: list[str] | None = None) -> None:
    options = parse(argv, description=__doc__)
    log(f"benchmark: {options.server} x{options.workers}, load by {options.loadgen}")
    results = run(options)
    text = run_report(results)
    name = f"{utc_stamp()}-{options.server}-w{options.workers}{'' if options.access_log else '-nolog'}"
    save(options.out, name, text + "\n", results)
    print()
    print(text)
    log(f"results in {options.out / name}.{{json,md}} ({results['meta']['seconds']} s)")


if __name__ == "__main__":
    main()
