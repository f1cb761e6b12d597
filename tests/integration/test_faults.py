"""Faults injected for real: a PostgreSQL server of the test's own is stopped and started under the API."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from chopchop.app import create_app
from chopchop.db.migrate import upgrade
from chopchop.settings import Settings
from tests.factories import recipe_payload
from tests.helpers import asgi_client, quick_user

PROBLEM = "application/problem+json"


def _pg_bin(name: str) -> str:
    found = sorted(str(path) for path in Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        pytest.skip(f"PostgreSQL server binaries ({name}) are not installed")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivatePostgres:
    """A throw-away cluster on a spare port, run as the `postgres` user (initdb refuses root)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = _free_port()

    def _as_postgres(self, *args: str) -> None:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603

    def init(self) -> None:
        self._as_postgres(_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "server.log")  # the server must not inherit our pipes
        self._as_postgres(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "30", "start")

    def stop(self) -> None:
        self._as_postgres(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    root = Path(tempfile.mkdtemp(prefix="chopchop-pg-"))
    root.chmod(0o777)
    server = PrivatePostgres(root)
    server.init()
    server.start()
    try:
        yield server
    finally:
        subprocess.run(  # noqa: S603
            ["runuser", "-u", "postgres", "--", _pg_bin("pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"]
            if os.geteuid() == 0
            else [_pg_bin("pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


async def test_postgres_outage_is_a_quick_503_and_recovers_alone(
    settings: Settings, private_postgres: PrivatePostgres
) -> None:
    await asyncio.to_thread(upgrade, private_postgres.url)
    app = create_app(replace(settings, database_url=private_postgres.url))
    async with app.lifespan(), asgi_client(app) as http:
        _, headers = await quick_user(app, "faults@example.com")
        created = await http.post("/api/v1/recipes", json=recipe_payload(title="Before"), headers=headers)
        assert created.status_code == 201

        await asyncio.to_thread(private_postgres.stop)
        started = time.perf_counter()
        write = await http.post("/api/v1/recipes", json=recipe_payload(title="During"), headers=headers)
        uncached = await http.get("/api/v1/recipes", params={"q": "never cached"})
        ready = await http.get("/health/ready")
        elapsed = time.perf_counter() - started
        for response in (write, uncached):
            assert response.status_code == 503, response.text
            assert response.headers["content-type"].startswith(PROBLEM)
            assert response.headers["retry-after"] == "5"
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"].startswith("error")
        assert elapsed < 20, f"requests hung for {elapsed:.1f}s while the database was down"

        await asyncio.to_thread(private_postgres.start)
        deadline = time.monotonic() + 15
        while True:
            after = await http.post("/api/v1/recipes", json=recipe_payload(title="After"), headers=headers)
            if after.status_code == 201 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        assert after.status_code == 201, after.text
        titles = {r["title"] for r in (await http.get("/api/v1/recipes", params={"sort": "title"})).json()["items"]}
        assert titles == {"Before", "After"}
        assert (await http.get("/health/ready")).status_code == 200
