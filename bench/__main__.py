"""``python -m bench``: seed a fixed dataset, start the API and the two ceilings, measure, report, stop.

Everything listens on 127.0.0.1. Every loop is bounded in time and count. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import redis

from bench.loadgen import run_load

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
HOST = "127.0.0.1"
SEED_PASSWORD = "chopchop-seed-password"  # noqa: S105 - printed by `chopchop seed`: demo accounts
BENCH_USERS = 4  # extra accounts that log in and write during the run (sorted last in the user directory)
# A new secret each run: the service refuses constant and guessable ones.
JWT_SECRET = secrets.token_urlsafe(48)
UNLIMITED = "1000000/minute"
RATE_VARS = ["REGISTER", "LOGIN", "LOGIN_ACCOUNT", "EMAIL", "EMAIL_ACCOUNT", "TOKEN", "WRITES"]
LIST = "/api/v1/recipes"


@dataclass
class Options:
    pg: str
    database: str
    redis_url: str
    users: int
    recipes: int
    seed: int
    server: str
    workers: int
    access_log: bool
    duration: int
    threads: int
    connections: int
    singles: int
    only: set[str]
    reseed: bool
    loadgen: str
    base_port: int
    out: Path
    src: str | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql://{self.pg}/{self.database}"

    @property
    def sqlalchemy_url(self) -> str:
        return f"postgresql+asyncpg://{self.pg}/{self.database}"

    @property
    def fingerprint(self) -> str:
        return f"chopchop-bench v2 seed={self.seed} users={self.users} recipes={self.recipes} bench_users={BENCH_USERS}"


def tool(name: str) -> str:
    """A console script of this environment (next to the interpreter), else from PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name) or name


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def chopchop(options: Options, *args: str, timeout: float = 600) -> str:
    env = {**os.environ, **api_env(options)}
    result = subprocess.run(  # noqa: S603 - our own command line
        [tool("chopchop"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"chopchop {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def api_env(options: Options) -> dict[str, str]:
    env = {
        "CHOPCHOP_DATABASE_URL": options.sqlalchemy_url,
        "CHOPCHOP_REDIS_URL": options.redis_url,
        "CHOPCHOP_REDIS_KEY_PREFIX": "bench",
        "CHOPCHOP_QUEUE_NAME": "bench",
        "CHOPCHOP_JWT_SECRET": JWT_SECRET,
        # The benchmark sends no email worth reading: .eml files instead of an SMTP server.
        "CHOPCHOP_ALLOW_FILE_MAILER": "true",
        "CHOPCHOP_LOG_LEVEL": "WARNING",
        "CHOPCHOP_BENCH_MAX_PAGE_SIZE": "2480",
        "LITESTAR_APP": "chopchop.app:create_app",
    }
    if options.src:  # a variant source tree first on the path (see --src)
        env["PYTHONPATH"] = f"{options.src}:{ROOT}"
    env.update({f"CHOPCHOP_RATE_{name}": UNLIMITED for name in RATE_VARS})
    return env


# --- the fixed dataset ---------------------------------------------------------------------------------------


async def _database_state(options: Options) -> str | None:
    admin = await asyncpg.connect(f"postgresql://{options.pg}/postgres")
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", options.database)
        if not exists:
            return None
        return await admin.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", options.database
        )
    finally:
        await admin.close()


async def _recreate(options: Options) -> None:
    admin = await asyncpg.connect(f"postgresql://{options.pg}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{options.database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{options.database}"')
    finally:
        await admin.close()


async def _mark(options: Options, comment: str) -> None:
    connection = await asyncpg.connect(options.dsn)
    try:
        await connection.execute(f"COMMENT ON DATABASE \"{options.database}\" IS '{comment}'")
    finally:
        await connection.close()


async def _add_bench_users(options: Options) -> None:
    """Accounts that write during the run: copies of a seed account (same password hash), named to sort last."""
    connection = await asyncpg.connect(options.dsn)
    try:
        columns = [
            r["column_name"]
            for r in await connection.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'user_account' "
                "ORDER BY ordinal_position"
            )
        ]
        template = f"cook0.s{options.seed}@seed.chopchop.example"
        for n in range(BENCH_USERS):
            values = {"id": "$1", "email": "$2", "display_name": "$3"}
            select = ", ".join(values.get(c, c) for c in columns)
            await connection.execute(
                # column names come from information_schema, values are parameters
                f"INSERT INTO user_account ({', '.join(columns)}) SELECT {select} FROM user_account WHERE email = $4",  # noqa: S608
                uuid.UUID(int=n + 1, version=4),
                f"bench{n}@bench.chopchop.example",
                f"zzz bench writer {n}",
                template,
            )
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def _cleanup_writes(options: Options) -> None:
    """Undo what the write scenarios did (likes and recipes of the bench accounts): the dataset stays fixed."""
    connection = await asyncpg.connect(options.dsn)
    try:
        async with connection.transaction():
            ids = [
                r["id"]
                for r in await connection.fetch(
                    "SELECT id FROM user_account WHERE email LIKE 'bench%@bench.chopchop.example'"
                )
            ]
            await connection.execute(
                "UPDATE recipe SET like_count = like_count - 1 WHERE id IN "
                "(SELECT recipe_id FROM recipe_like WHERE user_id = ANY($1::uuid[]))",
                ids,
            )
            await connection.execute("DELETE FROM recipe_like WHERE user_id = ANY($1::uuid[])", ids)
            await connection.execute("DELETE FROM recipe WHERE author_id = ANY($1::uuid[])", ids)
        await connection.execute("VACUUM ANALYZE recipe, recipe_like, recipe_ingredient, recipe_tag")
    finally:
        await connection.close()


def prepare_database(options: Options) -> None:
    state = asyncio.run(_database_state(options))
    if state == options.fingerprint and not options.reseed:
        log(f"database {options.database} already holds the fixed dataset ({state}): reused")
        return
    started = time.monotonic()
    log(f"creating database {options.database} and seeding it (was: {state!r})")
    asyncio.run(_recreate(options))
    chopchop(options, "db", "upgrade")
    chopchop(
        options, "seed", "--seed", str(options.seed), "--users", str(options.users), "--recipes", str(options.recipes)
    )
    asyncio.run(_add_bench_users(options))
    asyncio.run(_mark(options, options.fingerprint))
    log(f"seeded in {time.monotonic() - started:.1f} s")


# --- servers -------------------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path


def server_command(options: Options, target: str, port: int, *, factory: bool = True) -> list[str]:
    """The ASGI server command line. uvicorn with the options of `chopchop serve`, or granian."""
    return asgi_command(options.server, options.workers, options.access_log, target, port, factory=factory)


def asgi_command(
    server: str, workers: int, access_log: bool, target: str, port: int, *, factory: bool = True
) -> list[str]:
    if server == "granian":
        command = [
            tool("granian"),
            "--interface",
            "asgi",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--loop",
            "uvloop",
            "--no-ws",
        ]
        if factory:
            command.append("--factory")
        if access_log:
            command.append("--access-log")
        return [*command, target]
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-proxy-headers",
        "--no-server-header",
        "--timeout-graceful-shutdown",
        "5",
    ]
    if factory:
        command.append("--factory")
    if not access_log:
        command.append("--no-access-log")
    return [*command, target]


def start_server(options: Options, name: str, target: str, port: int, env: dict[str, str], logs: Path) -> Server:
    log_path = logs / f"{name}.log"
    with log_path.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            server_command(options, target, port),
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


def stop_servers(servers: list[Server]) -> None:
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


# --- HTTP helpers --------------------------------------------------------------------------------------------


def request(
    port: int, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data, {k.lower(): v for k, v in response.getheaders()}


def flush_cache(options: Options) -> None:
    """Delete the benchmark's cache entries and rate-limit counters: the next reads are cache misses.

    ``bench:*`` and ``bench_*`` (Litestar's ``RedisStore`` joins namespaces with ``_``), except the response
    cache's generations, leases and WAL positions (``bench:{gen}:*``, the layout of ``chopchop.lib.cache.Generations``):
    deleting those is what a Redis that lost its data looks like, and the API then serves no cache for a lease time
    (90 s; see docs/architecture.md). Birth is set in the past: the benchmark measures a Redis that has served the
    cache for long.
    """
    client = redis.Redis.from_url(options.redis_url)
    kept = (b"bench:{gen}:",)
    try:
        deadline = time.monotonic() + 30
        for pattern in ("bench:*", "bench_*"):
            batch: list[bytes] = []
            for key in client.scan_iter(match=pattern, count=1000):
                if key.startswith(kept):
                    continue
                batch.append(key)
                if len(batch) >= 1000:
                    client.delete(*batch)
                    batch.clear()
                if time.monotonic() > deadline:
                    break
            if batch:
                client.delete(*batch)
        client.set("bench:{gen}:_born", 0)  # a bare time: adopted by the current history
    finally:
        client.close()


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
            target = path
            started = time.perf_counter()
            # An unknown query parameter is a 400: a miss is asked for the way HTTP says (RFC 9111 §5.2.1.4).
            connection.request("GET", target, headers={"Cache-Control": "no-cache"} if bust else {})
            response = connection.getresponse()
            body = response.read()
            timings.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise SystemExit(f"GET {target}: {response.status} {body[:300]!r}")
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


# --- the run -------------------------------------------------------------------------------------------------


@dataclass
class Scenario:
    key: str
    label: str
    port_of: str  # api | memory | rawpg
    path: str
    mode: str = "get"
    ceiling: str = "memory"
    extra: dict[str, str] = field(default_factory=dict)


def scenarios(ids_file: Path, emails_file: Path, body_file: Path, tokens: list[str], detail: str) -> list[Scenario]:
    write_env = {"BENCH_TOKENS": ",".join(tokens)}
    return [
        Scenario("ceiling_memory", "ceiling: in-memory payload (bytes)", "memory", "/bytes", ceiling="memory"),
        Scenario("ceiling_memory_struct", "ceiling: in-memory Structs encoded per request", "memory", "/struct"),
        Scenario("ceiling_rawpg", "ceiling: raw asyncpg list of 100", "rawpg", "/recipes?limit=100", ceiling="rawpg"),
        Scenario("list100_cold", "recipe list of 100, uncached", "api", f"{LIST}?limit=100", "bust", "rawpg"),
        Scenario("list100_warm", "recipe list of 100, cached", "api", f"{LIST}?limit=100"),
        Scenario("ceiling_memory_1130", "ceiling: in-memory list of 1,130", "memory", "/bytes/1130", ceiling="-"),
        Scenario(
            "ceiling_rawpg_1130", "ceiling: raw asyncpg list of 1,130", "rawpg", "/recipes?limit=1130", ceiling="-"
        ),
        Scenario("list1130_cold", "recipe list of 1,130, uncached", "api", f"{LIST}?limit=1130", "bust", "rawpg_1130"),
        Scenario("list1130_warm", "recipe list of 1,130, cached", "api", f"{LIST}?limit=1130", ceiling="memory_1130"),
        Scenario("ceiling_memory_2480", "ceiling: in-memory list of 2,480", "memory", "/bytes/2480", ceiling="-"),
        Scenario(
            "ceiling_rawpg_2480", "ceiling: raw asyncpg list of 2,480", "rawpg", "/recipes?limit=2480", ceiling="-"
        ),
        Scenario("list2480_cold", "recipe list of 2,480, uncached", "api", f"{LIST}?limit=2480", "bust", "rawpg_2480"),
        Scenario("list2480_warm", "recipe list of 2,480, cached", "api", f"{LIST}?limit=2480", ceiling="memory_2480"),
        Scenario("detail_cold", "recipe detail, uncached", "api", f"{LIST}/{detail}", "bust", "rawpg"),
        Scenario("detail_warm", "recipe detail, cached", "api", f"{LIST}/{detail}"),
        Scenario("users100_cold", "user list of 100, uncached", "api", "/api/v1/users?limit=100", "bust", "rawpg"),
        Scenario("users100_warm", "user list of 100, cached", "api", "/api/v1/users?limit=100"),
        Scenario(
            "login",
            "login (argon2id)",
            "api",
            "/api/v1/auth/login",
            "login",
            extra={"BENCH_EMAILS": str(emails_file), "BENCH_PASSWORD": SEED_PASSWORD},
        ),
        Scenario(
            "create", "create recipe", "api", LIST, "create", "rawpg", extra={**write_env, "BENCH_BODY": str(body_file)}
        ),
        Scenario("like", "like", "api", LIST, "like", "rawpg", extra={**write_env, "BENCH_IDS": str(ids_file)}),
    ]


RECIPE_BODY = {
    "title": "Benchmark tomato and chickpea stew",
    "description": "A quick weeknight stew, written by the load benchmark.",
    "complexity": "easy",
    "servings": 4,
    "prep_minutes": 10,
    "cook_minutes": 25,
    "steps": [
        "Chop the onion and the garlic finely.",
        "Soften them in the olive oil for 5 minutes.",
        "Add the tomatoes, chickpeas and spices; simmer for 20 minutes.",
        "Season, scatter the coriander over it and serve with rice.",
    ],
    "ingredients": [
        {"ingredient": "onion", "quantity": 1, "unit": "piece"},
        {"ingredient": "garlic", "quantity": 2, "unit": "clove", "note": "crushed"},
        {"ingredient": "olive oil", "quantity": 2, "unit": "tbsp"},
        {"ingredient": "tinned tomatoes", "quantity": 1, "unit": "can"},
        {"ingredient": "chickpeas", "quantity": 1, "unit": "can", "note": "drained"},
        {"ingredient": "cumin", "quantity": 1, "unit": "tsp"},
        {"ingredient": "coriander"},
        {"ingredient": "rice", "quantity": 300, "unit": "g"},
    ],
    "tags": ["vegetarian", "weeknight", "stew"],
}


def login(port: int, email: str) -> str:
    status, body, _ = request(port, "POST", "/api/v1/auth/login", {"email": email, "password": SEED_PASSWORD})
    if status != 200:
        raise SystemExit(f"login {email}: {status} {body[:300]!r}")
    return str(json.loads(body)["access_token"])


def run(options: Options) -> dict[str, Any]:  # noqa: PLR0912 - one linear script
    started = time.monotonic()
    prepare_database(options)
    work = Path(tempfile.mkdtemp(prefix="chopchop-bench-"))
    ports = {"api": options.base_port, "memory": options.base_port + 1, "rawpg": options.base_port + 2}
    servers: list[Server] = []
    results: dict[str, Any] = {"scenarios": {}, "singles": {}}
    try:
        env = api_env(options)
        servers.append(start_server(options, "api", "chopchop.app:create_app", ports["api"], env, work))
        wait_ready(servers[0], "/health/live")
        flush_cache(options)
        status, payload, _ = request(ports["api"], "GET", f"{LIST}?limit=100")
        assert status == 200, payload[:300]
        (work / "payload.json").write_bytes(payload)
        for size in (1130, 2480):
            status, body, _ = request(ports["api"], "GET", f"{LIST}?limit={size}")
            assert status == 200, body[:300]
            (work / f"payload-{size}.json").write_bytes(body)
        ceiling_env = {"BENCH_PAYLOAD_FILE": str(work / "payload.json"), "BENCH_PG_DSN": options.dsn}
        if options.src:
            ceiling_env["PYTHONPATH"] = f"{options.src}:{ROOT}"
        servers.append(
            start_server(options, "memory", "bench.ceilings.memory:create_app", ports["memory"], ceiling_env, work)
        )
        servers.append(
            start_server(options, "rawpg", "bench.ceilings.rawpg:create_app", ports["rawpg"], ceiling_env, work)
        )
        for server in servers[1:]:
            wait_ready(server, "/health")
        # The ceilings answer exactly the API's bytes (checked: the comparison is like for like).
        for port, path in (
            (ports["memory"], "/bytes"),
            (ports["memory"], "/struct"),
            (ports["rawpg"], "/recipes?limit=100"),
        ):
            status, body, _ = request(port, "GET", path)
            if body != payload:
                raise SystemExit(f"ceiling {path} does not answer the API's payload")

        fixtures = asyncio.run(_fixtures(options))
        ids_file, emails_file, body_file = work / "ids.txt", work / "emails.txt", work / "recipe.json"
        ids_file.write_text("\n".join(fixtures["ids"]) + "\n")
        emails_file.write_text("\n".join(fixtures["emails"]) + "\n")
        body_file.write_text(json.dumps(RECIPE_BODY))
        tokens = [login(ports["api"], f"bench{n}@bench.chopchop.example") for n in range(BENCH_USERS)]
        detail = fixtures["ids"][0]

        # Single-request latencies (the reference table): sequential, one connection, median of N.
        if not options.only or "singles" in options.only:
            for size in (100, 1130, 2480):
                path = f"{LIST}?limit={size}"
                flush_cache(options)
                results["singles"][f"list{size}_cold"] = single_latencies(
                    ports["api"], path, options.singles, bust=True
                )
                results["singles"][f"list{size}_warm"] = single_latencies(
                    ports["api"], path, options.singles, bust=False
                )
                log(
                    f"single list of {size}: {results['singles'][f'list{size}_cold']['median_ms']} ms uncached, "
                    f"{results['singles'][f'list{size}_warm']['median_ms']} ms cached"
                )
            path = f"{LIST}/{detail}"
            results["singles"]["detail_cold"] = single_latencies(ports["api"], path, options.singles, bust=True)
            results["singles"]["detail_warm"] = single_latencies(ports["api"], path, options.singles, bust=False)
            results["singles"]["ceiling_memory"] = single_latencies(
                ports["memory"], "/bytes", options.singles, bust=False
            )
            results["singles"]["ceiling_rawpg"] = single_latencies(
                ports["rawpg"], "/recipes?limit=100", options.singles, bust=False
            )

        # Throughput: wrk (or the Python load generator), ceilings first, writes last.
        for scenario in scenarios(ids_file, emails_file, body_file, tokens, detail):
            if options.only and scenario.key not in options.only:
                continue
            if scenario.mode == "bust":
                flush_cache(options)
            elif scenario.port_of == "api" and scenario.mode == "get":
                request(ports[scenario.port_of], "GET", scenario.path)  # warm the entry
            connections = options.connections
            if scenario.mode == "login":
                connections = min(connections, 16)  # argon2 is CPU-bound: more connections only queue
            result = run_load(
                options.loadgen,
                f"http://{HOST}:{ports[scenario.port_of]}{scenario.path}",
                mode=scenario.mode,
                duration=options.duration,
                threads=options.threads,
                connections=connections,
                env=scenario.extra,
                script=BENCH / "wrk" / "scenario.lua",
            )
            result["label"] = scenario.label
            result["ceiling"] = scenario.ceiling
            result["connections"] = connections
            results["scenarios"][scenario.key] = result
            log(
                f"{scenario.label:<48} {result['rps']:>9.1f} req/s  p50 {result['p50_us'] / 1000:7.2f} ms  "
                f"p99 {result['p99_us'] / 1000:7.2f} ms  errors {result['errors']}+{result['http_errors']}"
            )
    finally:
        stop_servers(servers)
        with contextlib.suppress(Exception):
            asyncio.run(_cleanup_writes(options))
        flush_cache(options)
    results["meta"] = meta(options, time.monotonic() - started)
    return results


async def _fixtures(options: Options) -> dict[str, list[str]]:
    connection = await asyncpg.connect(options.dsn)
    try:
        ids = [str(r["id"]) for r in await connection.fetch("SELECT id FROM recipe ORDER BY id LIMIT 5000")]
        emails = [
            r["email"]
            for r in await connection.fetch(
                "SELECT email FROM user_account WHERE email LIKE 'cook%' ORDER BY email LIMIT 200"
            )
        ]
        return {"ids": ids, "emails": emails}
    finally:
        await connection.close()


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return "-"


def meta(options: Options, seconds: float) -> dict[str, Any]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().splitlines()[0].split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"

    async def pg_version() -> str:
        connection = await asyncpg.connect(options.dsn)
        try:
            return str(await connection.fetchval("SHOW server_version"))
        finally:
            await connection.close()

    client = redis.Redis.from_url(options.redis_url)
    try:
        redis_version = str(client.info("server").get("redis_version"))
    finally:
        client.close()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "versions": {
            name: _version(name)
            for name in ("litestar", "msgspec", "sqlalchemy", "advanced-alchemy", "asyncpg", "uvicorn", "granian")
        },
        "postgresql": asyncio.run(pg_version()),
        "redis": redis_version,
        "server": f"{options.server} --workers {options.workers}"
        + ("" if options.access_log else " (no access log)")
        + (f", source {options.src}" if options.src else ""),
        "load": (
            f"{options.loadgen}: {options.duration} s, {options.threads} threads, {options.connections} connections"
        ),
        "dataset": options.fingerprint,
    }


# --- report --------------------------------------------------------------------------------------------------


def report(results: dict[str, Any]) -> str:
    scenarios_ = results["scenarios"]
    ceilings = {
        name: scenarios_.get(f"ceiling_{name}", {}).get("rps")
        for name in ("memory", "rawpg", "memory_1130", "rawpg_1130", "memory_2480", "rawpg_2480")
    }
    names = {"memory": "in-memory", "rawpg": "raw asyncpg"}
    lines = [
        f"Run {results['meta']['date']}: {results['meta']['server']}; {results['meta']['load']}; "
        f"{results['meta']['dataset']}",
        "",
        "| scenario | req/s | p50 ms | p99 ms | errors | ratio to ceiling |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for key, r in scenarios_.items():
        ceiling_name = r["ceiling"]
        if key in {"ceiling_memory_struct", "ceiling_rawpg"}:
            ceiling_name = "memory"
        ceiling = ceilings.get(ceiling_name)
        ratio = ""
        if ceiling and key != "ceiling_memory":
            base, _, size = ceiling_name.partition("_")
            ratio = f"{r['rps'] / ceiling:.2f} x {names[base]}" + (f" {int(size):,}" if size else "")
        lines.append(
            f"| {r['label']} | {r['rps']:.0f} | {r['p50_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} | "
            f"{r['errors'] + r['http_errors']} | {ratio} |"
        )
    singles = results["singles"]
    if singles:
        reference = {100: (94, 18), 1130: (285, 154), 2480: (553, 317)}
        lines += [
            "",
            f"Single requests (sequential, one keep-alive connection, median of {next(iter(singles.values()))['n']}):",
            "",
            "| list of | reference uncached | reference cached | ours uncached | ours cached | body |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for size, (ref_cold, ref_warm) in reference.items():
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
    return "\n".join(lines)


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432"), help="user@host:port")
    parser.add_argument("--database", default="chopchop_bench")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--recipes", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--server", choices=["uvicorn", "granian"], default=os.environ.get("BENCH_SERVER", "granian"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 1))))
    parser.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=False)
    parser.add_argument("--duration", type=int, default=5, help="seconds per scenario")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--singles", type=int, default=15, help="sequential requests per single-latency figure")
    parser.add_argument("--only", default="", help="comma-separated scenario keys (and/or 'singles')")
    parser.add_argument("--reseed", action="store_true", help="recreate the database even if it holds the dataset")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--base-port", type=int, default=18100)
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    parser.add_argument(
        "--src", default=None, help="measure a variant: a copy of src/ with a change, put first on PYTHONPATH"
    )
    args = parser.parse_args(argv)
    loadgen = args.loadgen
    if loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "python"
    return Options(
        pg=args.pg,
        database=args.database,
        redis_url=args.redis_url,
        users=args.users,
        recipes=args.recipes,
        seed=args.seed,
        server=args.server,
        workers=args.workers,
        access_log=args.access_log,
        duration=args.duration,
        threads=args.threads,
        connections=args.connections,
        singles=args.singles,
        only={s for s in args.only.split(",") if s},
        reseed=args.reseed,
        loadgen=loadgen,
        base_port=args.base_port,
        out=args.out,
        src=args.src,
    )


def main(argv: list[str] | None = None) -> None:
    options = parse(argv)
    log(f"benchmark: {options.server} x{options.workers}, load by {options.loadgen}")
    results = run(options)
    text = report(results)
    options.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{stamp}-{options.server}-w{options.workers}{'' if options.access_log else '-nolog'}"
    (options.out / f"{name}.json").write_text(json.dumps(results, indent=2))
    (options.out / f"{name}.md").write_text(text + "\n")
    print()
    print(text)
    log(f"results in {options.out / name}.{{json,md}} ({results['meta']['seconds']} s)")


if __name__ == "__main__":
    main()
