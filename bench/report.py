"""What the benchmarks write: the run's machine and versions, the Markdown tables, the result files."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import statistics
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import redis

from bench import pg
from bench.dataset import fingerprint

if TYPE_CHECKING:
    from bench.options import Options

VERSIONS = ("litestar", "msgspec", "sqlalchemy", "advanced-alchemy", "asyncpg", "uvicorn", "granian")
CEILINGS = ("memory", "rawpg", "memory_1130", "rawpg_1130", "memory_2480", "rawpg_2480")
CEILING_NAMES = {"memory": "in-memory", "rawpg": "raw asyncpg"}
# The reference implementation's single-request latencies (ms): list length -> (uncached, cached).
REFERENCE = {100: (94, 18), 1130: (285, 154), 2480: (553, 317)}


def utc_stamp() -> str:
    """The UTC time that starts the name of a result file."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def save(out: Path, name: str, markdown: str, data: Any = None) -> None:
    """``out/name.md`` and, given ``data``, ``out/name.json``."""
    out.mkdir(parents=True, exist_ok=True)
    if data is not None:
        (out / f"{name}.json").write_text(json.dumps(data, indent=2))
    (out / f"{name}.md").write_text(markdown)


# --- what a run was measured on ------------------------------------------------------------------------------


def meta(options: Options, seconds: float) -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory": _memory(),
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in VERSIONS},
        "postgresql": asyncio.run(_postgresql_version(options.dsn)),
        "redis": _redis_version(options.redis_url),
        "server": _server(options),
        "load": (
            f"{options.loadgen}: {options.duration} s, {options.threads} threads, {options.connections} connections"
        ),
        "dataset": fingerprint(options),
    }


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "?"


def _memory() -> str:
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().splitlines()[0].split()[1])
        return f"{kib / 1024 / 1024:.1f} GiB"
    return "?"


def _version(module: str) -> str:
    try:
        return version(module)
    except PackageNotFoundError:
        return "-"


async def _postgresql_version(dsn: str) -> str:
    async with pg.connected(dsn) as connection:
        return str(await connection.fetchval("SHOW server_version"))


def _redis_version(url: str) -> str:
    client = redis.Redis.from_url(url)
    try:
        return str(cast("dict[str, Any]", client.info("server")).get("redis_version"))
    finally:
        client.close()


def _server(options: Options) -> str:
    return (
        f"{options.server} --workers {options.workers}"
        + ("" if options.access_log else " (no access log)")
        + (f", source {options.src}" if options.src else "")
    )


# --- python -m bench -----------------------------------------------------------------------------------------


def run_report(results: dict[str, Any]) -> str:
    """The throughput table (each figure as a ratio to its ceiling), then the single-request table."""
    meta_ = results["meta"]
    lines = [f"Run {meta_['date']}: {meta_['server']}; {meta_['load']}; {meta_['dataset']}", ""]
    lines += _throughput_table(results["scenarios"])
    if results["singles"]:
        lines += ["", *_singles_table(results["singles"])]
    return "\n".join(lines)


def _throughput_table(scenarios: dict[str, Any]) -> list[str]:
    ceilings = {name: scenarios.get(f"ceiling_{name}", {}).get("rps") for name in CEILINGS}
    lines = [
        "| scenario | req/s | p50 ms | p99 ms | errors | ratio to ceiling |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for key, r in scenarios.items():
        ceiling_name = r["ceiling"]
        if key in {"ceiling_memory_struct", "ceiling_rawpg"}:
            ceiling_name = "memory"
        ceiling = ceilings.get(ceiling_name)
        ratio = ""
        if ceiling and key != "ceiling_memory":
            base, _, size = ceiling_name.partition("_")
            ratio = f"{r['rps'] / ceiling:.2f} x {CEILING_NAMES[base]}" + (f" {int(size):,}" if size else "")
        lines.append(
            f"| {r['label']} | {r['rps']:.0f} | {r['p50_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} | "
            f"{r['errors'] + r['http_errors']} | {ratio} |"
        )
    return lines


def _singles_table(singles: dict[str, Any]) -> list[str]:
    lines = [
        f"Single requests (sequential, one keep-alive connection, median of {next(iter(singles.values()))['n']}):",
        "",
        "| list of | reference uncached | reference cached | ours uncached | ours cached | body |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, (ref_cold, ref_warm) in REFERENCE.items():
        cold, warm = singles.get(f"list{size}_cold"), singles.get(f"list{size}_warm")
        if cold and warm:
            lines.append(
                f"| {size:,} | {ref_cold} ms | {ref_warm} ms | {cold['median_ms']} ms | {warm['median_ms']} ms | "
                f"{warm['bytes'] / 1024:.0f} KiB |"
            )
    if "detail_cold" in singles:
        lines.append(
            f"| detail | - | - | {singles['detail_cold']['median_ms']} ms | "
            f"{singles['detail_warm']['median_ms']} ms | "
            f"{singles['detail_warm']['bytes'] / 1024:.1f} KiB |"
        )
    if "ceiling_memory" in singles:
        lines.append(
            f"| ceilings | - | - | raw asyncpg {singles['ceiling_rawpg']['median_ms']} ms | "
            f"in-memory {singles['ceiling_memory']['median_ms']} ms | |"
        )
    return lines


# --- python -m bench.compare ---------------------------------------------------------------------------------


def compare_table(results: dict[tuple[str, str], list[dict[str, Any]]], order: list[str]) -> str:
    """Medians per scenario and configuration; x first: requests/s as a ratio to the first configuration's."""
    replicas = any(r.get("replica_cpu_us") for runs in results.values() for r in runs)
    lines = [
        "| scenario | config | median req/s | x first | runs req/s | p50 ms | p99 ms | app CPU µs/req | "
        f"PG CPU µs/req | {'replica CPU µs/req | ' if replicas else ''}Redis CPU µs/req | load gen CPU µs/req | "
        "busy CPUs |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|" + ("---:|" if replicas else "") + "---:|---:|---:|",
    ]
    for key in dict.fromkeys(k for k, _ in results):
        first = None
        for name in order:
            runs = results.get((key, name))
            if not runs:
                continue
            rps = _median(runs, "rps")
            first = first or rps
            lines.append(_compare_row(key, name, runs, rps / first, replicas=replicas))
    return "\n".join(lines)


def _median(runs: list[dict[str, Any]], field: str) -> float:
    return float(statistics.median(r.get(field, 0.0) for r in runs))


def _compare_row(key: str, name: str, runs: list[dict[str, Any]], x_first: float, *, replicas: bool) -> str:
    def median(field: str) -> float:
        return _median(runs, field)

    each = ", ".join(f"{r['rps']:.0f}" for r in runs)
    replica = f"{median('replica_cpu_us'):.0f} | " if replicas else ""
    return (
        f"| {key} | {name} | {median('rps'):.0f} | {x_first:.2f} | {each} | "
        f"{median('p50_us') / 1000:.2f} | {median('p99_us') / 1000:.2f} | {median('app_cpu_us'):.0f} | "
        f"{median('pg_cpu_us'):.0f} | {replica}"
        f"{median('redis_cpu_us'):.0f} | {median('loadgen_cpu_us'):.0f} | {median('busy_cpus'):.2f} |"
    )


def compare_heading(info: dict[str, Any]) -> str:
    """The first line of a saved compare table: what it was measured on."""
    return (
        f"Compare run {info['date']} ({info['seconds']} s): {info['server']}; {info['load']}; "
        f"{info['rounds']} rounds; {info['dataset']}; {info['nproc']} CPUs ({info['cpu']}); "
        f"PostgreSQL {info['postgresql']} ({info['databases']}), Redis {info['redis']} ({info['redis_url']})"
    )
