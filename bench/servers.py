"""The ASGI servers a benchmark starts (the API and the ceilings): command lines, start, readiness, stop."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import HOST, ROOT
from bench.client import request
from bench.environment import tool

# What each kind of server serves: the API, ceiling 1 (in-memory payload), ceiling 2 (raw asyncpg).
TARGETS = {
    "api": "chopchop.app:create_app",
    "memory": "bench.ceilings.memory:create_app",
    "rawpg": "bench.ceilings.rawpg:create_app",
}


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path


def asgi_command(
    server: str, workers: int, access_log: bool, target: str, port: int, *, factory: bool = True
) -> list[str]:
    """The ASGI server command line: granian, or uvicorn with the options of `chopchop serve`."""
    if server == "granian":
        return _granian_command(workers, access_log, target, port, factory=factory)
    return _uvicorn_command(workers, access_log, target, port, factory=factory)


def _granian_command(workers: int, access_log: bool, target: str, port: int, *, factory: bool) -> list[str]:
    command = [tool("granian"), "--interface", "asgi", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers), "--loop", "uvloop", "--no-ws"]
    if factory:
        command.append("--factory")
    if access_log:
        command.append("--access-log")
    return [*command, target]


def _uvicorn_command(workers: int, access_log: bool, target: str, port: int, *, factory: bool) -> list[str]:
    command = [sys.executable, "-m", "uvicorn", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    command += ["--no-proxy-headers", "--no-server-header", "--timeout-graceful-shutdown", "5"]
    if factory:
        command.append("--factory")
    if not access_log:
        command.append("--no-access-log")
    return [*command, target]


def start_server(name: str, command: list[str], port: int, env: dict[str, str], logs: Path) -> Server:
    """Start ``command`` in a process group of its own (stopped as a whole), its output in ``logs/name.log``."""
    log_path = logs / f"{name}.log"
    with log_path.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, port, process, log_path)


def wait_ready(server: Server, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} exited:\n{server.log_path.read_text()[-3000:]}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection(HOST, server.port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                connection.close()
                return
        time.sleep(0.2)
    raise SystemExit(f"{server.name} not ready after {timeout} s:\n{server.log_path.read_text()[-3000:]}")


def wait_replica(server: Server, timeout: float = 30) -> None:
    """Until /health/ready lists a replica in rotation (``ok``), so that no run measures the primary instead."""
    deadline = time.monotonic() + timeout
    checks: dict[str, str] = {}
    while time.monotonic() < deadline:
        status, body, _ = request(server.port, "GET", "/health/ready")
        checks = json.loads(body).get("checks", {}) if status in {200, 503} else {}
        replicas = {k: v for k, v in checks.items() if k.startswith("replica ")}
        if replicas and all(v.startswith("ok") for v in replicas.values()):
            return
        time.sleep(0.5)
    raise SystemExit(f"{server.name}: no replica in rotation after {timeout:.0f} s: {checks}")


def stop_servers(servers: list[Server]) -> None:
    """SIGTERM to every process group, then SIGKILL to those still running after 15 s."""
    for server in servers:
        if server.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGTERM)
    for server in servers:
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=5)
