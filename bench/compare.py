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
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.__main__ import (
    BENCH,
    BENCH_USERS,
    HOST,
    LIST,
    RECIPE_BODY,
    SEED_PASSWORD,
    Server,
    _fixtures,
    api_env,
    asgi_command,
    flush_cache,
    log,
    login,
    parse,
    request,
    stop_servers,
    wait_ready,
)
from bench.cpu import backend_pids, group_cpu, pids_cpu
from bench.loadgen import run_load

TARGETS = {
    "api": "chopchop.app:create_app",
    "memory": "bench.ceilings.memory:create_app",
    "rawpg": "bench.ceilings.rawpg:create_app",
}
# key: (kind of server, mode, path)
SCENARIOS: dict[str, tuple[str, str, str]] = {
    "ceiling_memory": ("memory", "get", "/bytes"),
    "ceiling_memory_struct": ("memory", "get", "/struct"),
    "ceiling_rawpg": ("rawpg", "get", "/recipes?limit=100"),
    "rawpg_separate_count": ("rawpg", "get", "/recipes?limit=100&count=separate&tags=array"),
    "rawpg_window_count": ("rawpg", "get", "/recipes?limit=100&count=window&tags=array"),
    "rawpg_separate_all": ("rawpg", "get", "/recipes?limit=100&count=separate&tags=separate"),
    "list100_warm": ("api", "get", f"{LIST}?limit=100"),
    "list100_cold": ("api", "bust", f"{LIST}?limit=100"),
    "list2480_warm": ("api", "get", f"{LIST}?limit=2480"),
    "detail_warm": ("api", "get", f"{LIST}/{{detail}}"),
    "users100_warm": ("api", "get", "/api/v1/users?limit=100"),
    "users100_cold": ("api", "bust", "/api/v1/users?limit=100"),
    "login": ("api", "login", "/api/v1/auth/login"),
    "like": ("api", "like", LIST),
    "create": ("api", "create", LIST),
}


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


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.compare", description=__doc__)
    parser.add_argument("--config", action="append", required=True)
    parser.add_argument("--scenario", action="append", required=True, choices=sorted(SCENARIOS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--base-port", type=int, default=18300)
    args, rest = parser.parse_known_args()
    options = parse(rest)
    configs = [Config.parse(text) for text in args.config]
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
            command = asgi_command(
                config.server, config.workers, config.name.endswith("+log"), TARGETS[config.kind], port
            )
            import os
            import subprocess

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
            if config.kind == "api" and not (work / "payload.json").exists():
                flush_cache(options)
                status, payload, _ = request(port, "GET", f"{LIST}?limit=100")
                assert status == 200
                (work / "payload.json").write_bytes(payload)
        fixtures = asyncio.run(_fixtures(options))
        (work / "ids.txt").write_text("\n".join(fixtures["ids"]) + "\n")
        (work / "emails.txt").write_text("\n".join(fixtures["emails"]) + "\n")
        (work / "recipe.json").write_text(json.dumps(RECIPE_BODY))
        api_port = next((ports[c.name] for c in configs if c.kind == "api"), None)
        tokens = [login(api_port, f"bench{n}@bench.chopchop.example") for n in range(BENCH_USERS)] if api_port else []
        extra = {
            "BENCH_IDS": str(work / "ids.txt"),
            "BENCH_EMAILS": str(work / "emails.txt"),
            "BENCH_BODY": str(work / "recipe.json"),
            "BENCH_PASSWORD": SEED_PASSWORD,
            "BENCH_TOKENS": ",".join(tokens),
        }
        deadline = time.monotonic() + 1800
        for round_ in range(args.rounds):
            for key in args.scenario:
                kind, mode, path = SCENARIOS[key]
                path = path.replace("{detail}", fixtures["ids"][0])
                eligible = [c for c in configs if c.kind == kind]
                shift = round_ % max(1, len(eligible))
                for config in eligible[shift:] + eligible[:shift]:
                    if time.monotonic() > deadline:
                        raise SystemExit("compare: 30 minutes are up")
                    if mode == "bust":
                        flush_cache(options)
                    elif kind == "api":
                        request(ports[config.name], "GET", path)
                    server = next(s for s in servers if s.name == config.name)
                    pg_before = {p: pids_cpu([p]) for p in asyncio.run(backend_pids(options.dsn, options.database))}
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
                    # backends that appeared during the run count from zero; ones that ended are lost (pools: rare)
                    pg_after = asyncio.run(backend_pids(options.dsn, options.database))
                    pg_cpu = sum(pids_cpu([p]) - pg_before.get(p, 0.0) for p in pg_after)
                    requests = max(1, result["requests"])
                    result["app_cpu_us"] = app_cpu * 1e6 / requests
                    result["pg_cpu_us"] = max(0.0, pg_cpu) * 1e6 / requests
                    results.setdefault((key, config.name), []).append(result)
                    log(
                        f"round {round_ + 1} {key:<22} {config.name:<16} {result['rps']:>8.1f} req/s "
                        f"p50 {result['p50_us'] / 1000:6.2f} ms p99 {result['p99_us'] / 1000:7.2f} ms "
                        f"cpu/req app {result['app_cpu_us']:.0f} us pg {result['pg_cpu_us']:.0f} us "
                        f"err {result['errors']}+{result['http_errors']}"
                    )
    finally:
        stop_servers(servers)
    print()
    print("| scenario | config | median req/s | runs req/s | p50 ms | p99 ms | app CPU µs/req | PG CPU µs/req |")
    print("|---|---|---:|---|---:|---:|---:|---:|")
    for (key, name), runs in results.items():
        rps = [r["rps"] for r in runs]
        print(
            f"| {key} | {name} | {statistics.median(rps):.0f} | {', '.join(f'{x:.0f}' for x in rps)} | "
            f"{statistics.median(r['p50_us'] for r in runs) / 1000:.2f} | "
            f"{statistics.median(r['p99_us'] for r in runs) / 1000:.2f} | "
            f"{statistics.median(r['app_cpu_us'] for r in runs):.0f} | "
            f"{statistics.median(r['pg_cpu_us'] for r in runs):.0f} |"
        )


if __name__ == "__main__":
    main()
