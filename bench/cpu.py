"""CPU time of process groups and of the PostgreSQL backends of one database, from /proc (Linux).

Throughput on a shared 2-core machine moves with whatever else runs; CPU time spent per request by the server
processes (and by the database backends serving them) moves much less. ``bench.compare`` reports both.
"""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg

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
    connection = await asyncpg.connect(dsn)
    try:
        own = connection.get_server_pid()
        rows = await connection.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", database)
        return [r["pid"] for r in rows if r["pid"] != own]
    finally:
        await connection.close()
