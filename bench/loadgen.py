"""Load generation: wrk with bench/wrk/scenario.lua, or a small asyncio HTTP/1.1 keep-alive client.

Both return the same figures: requests/s, p50/p90/p99/max latency in microseconds, errors.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import BENCH, HOST

SCRIPT = BENCH / "wrk" / "scenario.lua"


def connections_for(mode: str, connections: int) -> int:
    """The connections a scenario of ``mode`` runs with: at most 16 for logins."""
    return min(connections, 16) if mode == "login" else connections  # argon2 is CPU-bound: more connections only queue


def load(
    kind: str,
    port: int,
    path: str,
    *,
    mode: str,
    duration: int,
    threads: int,
    connections: int,
    env: dict[str, str],
) -> dict[str, Any]:
    """Load ``path`` of the server on ``port`` with bench/wrk/scenario.lua's ``mode`` (``kind``: wrk or python)."""
    url = f"http://{HOST}:{port}{path}"
    return run_load(
        kind, url, mode=mode, duration=duration, threads=threads, connections=connections, env=env, script=SCRIPT
    )


def run_load(
    kind: str,
    url: str,
    *,
    mode: str,
    duration: int,
    threads: int,
    connections: int,
    env: dict[str, str],
    script: Path,
) -> dict[str, Any]:
    if kind == "wrk":
        return _wrk(url, mode=mode, duration=duration, threads=threads, connections=connections, env=env, script=script)
    return asyncio.run(_python(url, mode=mode, duration=duration, connections=connections, env=env))


def _wrk(
    url: str, *, mode: str, duration: int, threads: int, connections: int, env: dict[str, str], script: Path
) -> dict[str, Any]:
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s"]
    command += ["-s", str(script), url]
    result = subprocess.run(  # noqa: S603 - our own command line
        command,
        env={**os.environ, **env, "BENCH_MODE": mode},
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=False,
    )
    found = re.search(r"^BENCH_JSON (\{.*\})$", result.stdout, re.MULTILINE)
    if not found:
        raise SystemExit(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return dict(json.loads(found.group(1)))


def _requests(url: str, mode: str, env: dict[str, str]) -> Any:
    """An endless iterator of raw HTTP/1.1 requests for ``mode`` (the same as the lua script's)."""
    parts = urlsplit(url)
    host = f"{parts.hostname}:{parts.port}"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    tokens = [t for t in env.get("BENCH_TOKENS", "").split(",") if t]
    ids = Path(env["BENCH_IDS"]).read_text().split() if "BENCH_IDS" in env else []
    emails = Path(env["BENCH_EMAILS"]).read_text().split() if "BENCH_EMAILS" in env else []
    body = Path(env["BENCH_BODY"]).read_bytes() if "BENCH_BODY" in env else b""
    password = env.get("BENCH_PASSWORD", "")

    def build(method: str, target: str, headers: dict[str, str] | None = None, payload: bytes = b"") -> bytes:
        lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if payload or method in {"POST", "PUT"}:
            lines.append(f"Content-Length: {len(payload)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload

    for n in itertools.count(1):
        if mode == "bust":
            yield build("GET", path, {"Cache-Control": "no-cache"})
        elif mode == "login":
            credentials = json.dumps({"email": emails[n % len(emails)], "password": password}).encode()
            yield build("POST", "/api/v1/auth/login", {"Content-Type": "application/json"}, credentials)
        elif mode == "create":
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {tokens[n % len(tokens)]}"}
            yield build("POST", "/api/v1/recipes", headers, body)
        elif mode == "like":
            headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
            yield build("PUT", f"/api/v1/recipes/{ids[n % len(ids)]}/like", headers)
        else:
            yield build("GET", path)


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def _python(url: str, *, mode: str, duration: int, connections: int, env: dict[str, str]) -> dict[str, Any]:
    parts = urlsplit(url)
    generator = _requests(url, mode, env)
    latencies: list[float] = []
    counters = {"errors": 0, "http_errors": 0}
    started = time.perf_counter()
    deadline = started + duration

    async def client() -> None:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while time.perf_counter() < deadline:
                payload = next(generator)
                sent = time.perf_counter()
                writer.write(payload)
                try:
                    status = await asyncio.wait_for(_read_response(reader), timeout=10)
                except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
                    counters["errors"] += 1
                    return
                latencies.append(time.perf_counter() - sent)
                if status >= 400:
                    counters["http_errors"] += 1
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(connections)), return_exceptions=True)
    seconds = time.perf_counter() - started
    latencies.sort()

    def pct(q: float) -> int:
        return int(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e6) if latencies else 0

    return {
        "requests": len(latencies),
        "seconds": round(seconds, 3),
        "rps": round(len(latencies) / seconds, 1),
        "p50_us": pct(0.50),
        "p90_us": pct(0.90),
        "p99_us": pct(0.99),
        "max_us": pct(1.0),
        **counters,
    }
