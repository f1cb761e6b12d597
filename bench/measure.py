"""The measurements of ``python -m bench``: single-request latencies, then throughput per scenario."""

from __future__ import annotations

import http.client
import statistics
import time
from typing import TYPE_CHECKING, Any

from bench import HOST
from bench.cache import flush_cache
from bench.client import request
from bench.console import log
from bench.loadgen import connections_for, load
from bench.scenarios import LIST, SINGLE_LIST_SIZES, Scenario

if TYPE_CHECKING:
    from bench.options import Options


def single_latencies(port: int, path: str, count: int, *, bust: bool) -> dict[str, float]:
    """Sequential requests on one keep-alive connection; ``bust`` makes each one a cache miss."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    timings: list[float] = []
    size = 0
    try:
        if not bust:
            connection.request("GET", path)
            connection.getresponse().read()  # prime the cache
        for _ in range(count):
            started = time.perf_counter()
            # An unknown query parameter is a 400: a miss is asked for the way HTTP says (RFC 9111 §5.2.1.4).
            connection.request("GET", path, headers={"Cache-Control": "no-cache"} if bust else {})
            response = connection.getresponse()
            body = response.read()
            timings.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
            size = len(body)
    finally:
        connection.close()
    return {
        "median_ms": round(statistics.median(timings), 2),
        "min_ms": round(min(timings), 2),
        "p90_ms": round(sorted(timings)[int(0.9 * (len(timings) - 1))], 2),
        "bytes": size,
        "n": count,
    }


def measure_singles(options: Options, ports: dict[str, int], detail: str) -> dict[str, dict[str, float]]:
    """The reference table: sequential requests on one connection, median of ``--singles``."""
    singles: dict[str, dict[str, float]] = {}
    count = options.singles
    for size in SINGLE_LIST_SIZES:
        path = f"{LIST}?limit={size}"
        flush_cache(options.redis_url)
        cold = singles[f"list{size}_cold"] = single_latencies(ports["api"], path, count, bust=True)
        warm = singles[f"list{size}_warm"] = single_latencies(ports["api"], path, count, bust=False)
        log(f"single list of {size}: {cold['median_ms']} ms uncached, {warm['median_ms']} ms cached")
    path = f"{LIST}/{detail}"
    singles["detail_cold"] = single_latencies(ports["api"], path, count, bust=True)
    singles["detail_warm"] = single_latencies(ports["api"], path, count, bust=False)
    singles["ceiling_memory"] = single_latencies(ports["memory"], "/bytes", count, bust=False)
    singles["ceiling_rawpg"] = single_latencies(ports["rawpg"], "/recipes?limit=100", count, bust=False)
    return singles


def measure_throughput(options: Options, ports: dict[str, int], scenarios: list[Scenario]) -> dict[str, Any]:
    """Each scenario asked for by ``--only`` under load, in order; results by scenario key."""
    return {
        scenario.key: measure_scenario(options, ports, scenario)
        for scenario in scenarios
        if options.wants(scenario.key)
    }


def measure_scenario(options: Options, ports: dict[str, int], scenario: Scenario) -> dict[str, Any]:
    """One scenario under load, from an empty cache (``bust``) or a stored entry (cached reads of the API)."""
    port = ports[scenario.port_of]
    if scenario.mode == "bust":
        flush_cache(options.redis_url)
    elif scenario.port_of == "api" and scenario.mode == "get":
        request(port, "GET", scenario.path)  # warm the entry
    connections = connections_for(scenario.mode, options.connections)
    result = load(
        options.loadgen,
        port,
        scenario.path,
        mode=scenario.mode,
        duration=options.duration,
        threads=options.threads,
        connections=connections,
        env=scenario.extra,
    )
    result["label"] = scenario.label
    result["ceiling"] = scenario.ceiling
    result["connections"] = connections
    log(
        f"{scenario.label:<48} {result['rps']:>9.1f} req/s  p50 {result['p50_us'] / 1000:7.2f} ms  "
        f"p99 {result['p99_us'] / 1000:7.2f} ms  errors {result['errors']}+{result['http_errors']}"
    )
    return result
