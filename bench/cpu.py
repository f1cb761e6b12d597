"""CPU time of process groups, of the PostgreSQL backends of one database, of Redis, of the load generator and of
the whole machine, from /proc (Linux); :class:`CpuMeter` charges it to the requests of one load run.

Throughput on a shared 2-core machine moves with whatever else runs; CPU time spent per request by the server
processes (and by the database backends serving them) moves much less. ``bench.compare`` reports both.
"""

from __future__ import annotations

import asyncio
import os
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import redis

from bench import pg

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces: split after its closing parenthesis
    return text[text.rindex(")") + 2 :].split()


def group_cpu(pgid: int) -> float:
    """Seconds of CPU (user + system) used so far by the live processes of process group ``pgid``."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields is not None and int(fields[2]) == pgid:  # fields[2] is pgrp (field 5 of stat)
            total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)
    return total


def pids_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


async def backend_pids(dsn: str, database: str) -> list[int]:
    async with pg.connected(dsn) as connection:
        own = connection.get_server_pid()
        rows = await connection.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", database)
        return [r["pid"] for r in rows if r["pid"] != own]


def backends_cpu(dsn: str, database: str) -> dict[int, float]:
    """CPU seconds so far of each backend serving ``database`` (but this one's)."""
    return {pid: pids_cpu([pid]) for pid in asyncio.run(backend_pids(dsn, database))}


def backends_used(dsn: str, database: str, before: dict[int, float]) -> float:
    """CPU seconds the backends of ``database`` used since ``before`` (:func:`backends_cpu`)."""
    # backends that appeared during the run count from zero; ones that ended are lost (pools: rare)
    return sum(pids_cpu([pid]) - before.get(pid, 0.0) for pid in asyncio.run(backend_pids(dsn, database)))


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


@dataclass
class _Readings:
    pg: dict[int, float]
    replica: dict[int, float]
    redis: float
    loadgen: float
    busy: float
    total: float
    app: float


@dataclass
class CpuMeter:
    """The CPU time of one load run per request: the server's process group, PostgreSQL's (and a replica's)
    backends of the database, Redis (the whole server), the load generator; and how many CPUs were busy.

    The server's group is read last before the run and first after it, the PostgreSQL backends (a connection
    each time) the other way round: the server's figure brackets the run most tightly.
    """

    pgid: int
    dsn: str
    database: str
    replica_dsn: str | None
    redis_client: redis.Redis
    _before: _Readings | None = None

    def start(self) -> None:
        pg_cpu = backends_cpu(self.dsn, self.database)
        replica_cpu = backends_cpu(self.replica_dsn, self.database) if self.replica_dsn else {}
        redis_used, loadgen_used = redis_cpu(self.redis_client), loadgen_cpu()
        busy, total = machine_busy()
        self._before = _Readings(pg_cpu, replica_cpu, redis_used, loadgen_used, busy, total, group_cpu(self.pgid))

    def per_request(self, requests: int) -> dict[str, float]:
        """Microseconds of CPU per request since :meth:`start` (``busy_cpus``: in CPUs, 2.0 = both cores)."""
        before = self._before
        assert before is not None, "start() first"
        app = group_cpu(self.pgid) - before.app
        busy, total = machine_busy()
        redis_used, loadgen_used = redis_cpu(self.redis_client) - before.redis, loadgen_cpu() - before.loadgen
        pg_used = backends_used(self.dsn, self.database, before.pg)
        replica_used = backends_used(self.replica_dsn, self.database, before.replica) if self.replica_dsn else 0.0
        requests = max(1, requests)
        return {
            "app_cpu_us": app * 1e6 / requests,
            "pg_cpu_us": max(0.0, pg_used) * 1e6 / requests,
            "replica_cpu_us": max(0.0, replica_used) * 1e6 / requests,
            "redis_cpu_us": redis_used * 1e6 / requests,
            "loadgen_cpu_us": loadgen_used * 1e6 / requests,
            # share of all CPUs busy over the run (anything on the machine), in CPUs: 2.0 = both cores
            "busy_cpus": (busy - before.busy) / (total - before.total) * (os.cpu_count() or 1),
        }
