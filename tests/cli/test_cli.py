"""The `chopchop` command: its commands are there, and configuration mistakes are one clear line."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

CHOPCHOP = str(Path(sys.executable).with_name("chopchop"))
TOKEN = secrets.token_urlsafe(48)


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CHOPCHOP_")} | env
    return subprocess.run(  # noqa: S603 - our own console script
        [CHOPCHOP, *args], capture_output=True, text=True, timeout=60, env=environment, check=False
    )


# Each test runs the `chopchop` console script in a process of its own (seconds each).
pytestmark = pytest.mark.slow


def test_commands_are_listed_with_help() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for command in ("serve", "workers", "worker", "db", "users", "seed"):
        assert f" {command} " in result.stdout, command


def test_configuration_errors_are_one_line_without_traceback() -> None:
    result = _run("users", "create", "--help", CHOPCHOP_SMTP_PORT="twenty-five")
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "chopchop: configuration error: CHOPCHOP_SMTP_PORT has an invalid value 'twenty-five'."
    )
    assert "Traceback" not in result.stderr


def test_workers_follow_the_cgroup_cpu_limit_not_the_node(tmp_path: Path) -> None:
    """A pod limited to 1.5 CPUs starts 2 workers, however many CPUs its node has; no limit: the CPUs it may use."""
    from chopchop.cli.serve import available_cpus

    usable = len(os.sched_getaffinity(0))
    limits = {"150000 100000": min(usable, 2), "100000 100000": 1, "50000 100000": 1, "max 100000": usable}
    for content, expected in limits.items():
        (tmp_path / "cpu.max").write_text(content + "\n")
        assert available_cpus(tmp_path / "cpu.max") == expected, content
    # cgroup v1 (no cpu.max): the CFS quota and period.
    v1 = tmp_path / "cpu"
    v1.mkdir()
    for quota, expected in {"150000": min(usable, 2), "100000": 1, "-1": usable}.items():
        (v1 / "cpu.cfs_quota_us").write_text(quota + "\n")
        (v1 / "cpu.cfs_period_us").write_text("100000\n")
        assert available_cpus(tmp_path / "missing", v1) == expected, quota
    assert available_cpus(tmp_path / "missing", tmp_path / "missing-v1") == usable


def test_both_servers_serve_the_api(tmp_path: Path) -> None:
    """`chopchop serve --server granian|uvicorn` in the embedded mode: each starts, answers a read, stops on
    SIGTERM."""
    import socket
    import time
    import urllib.request

    for server in ("granian", "uvicorn"):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CHOPCHOP_")} | {
            "CHOPCHOP_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / server}.sqlite3",
            "CHOPCHOP_OUTBOX_PATH": str(tmp_path / f"outbox-{server}"),
        }
        log = (tmp_path / f"{server}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [CHOPCHOP, "serve", "--server", server, "--port", str(port)],
            env=environment,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/recipes", timeout=2) as response:
                        assert response.status == 200
                        assert b'"total_exact":true' in response.read()
                    break
                except OSError:
                    assert process.poll() is None, (tmp_path / f"{server}.log").read_text()
                    assert time.monotonic() < deadline, f"{server} did not answer in 60 s"
                    time.sleep(0.3)
        finally:
            process.terminate()
            code = process.wait(timeout=30)
            log.close()
            output = (tmp_path / f"{server}.log").read_text()
            # A graceful stop: 0, or the SIGTERM re-raised once the server has shut down (uvicorn does).
            assert code in (0, -15), (code, output)
            assert "Traceback" not in output, output
            banner = {"granian": "Starting granian", "uvicorn": "Started server process"}[server]
            assert banner in output, output  # the server that was asked for


def test_metrics_of_a_server_with_two_workers_count_every_request(tmp_path: Path) -> None:
    """`chopchop serve --workers 2`: whichever worker is scraped, /metrics counts the requests of both."""
    import concurrent.futures
    import re
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CHOPCHOP_", "PROMETHEUS_"))} | {
        "CHOPCHOP_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'metrics.sqlite3'}",
        "CHOPCHOP_METRICS_TOKEN": TOKEN,
    }
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [CHOPCHOP, "serve", "--workers", "2", "--port", str(port)],
        env=environment,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def get(path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        request = urllib.request.Request(base + path, headers=headers or {})  # noqa: S310
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.read().decode()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get("/health/live")
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "no answer in 60 s"
                time.sleep(0.3)
        sent = 60
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda _: get("/api/v1/ingredients")[0], range(sent)))
        assert statuses == [200] * sent
        pattern = re.compile(r'^chopchop_requests_total\{[^}]*path="/api/v1/ingredients"[^}]*\} (\S+)$', re.M)
        for _ in range(6):  # several scrapes: they land on either worker
            _, body = get("/metrics", {"Authorization": f"Bearer {TOKEN}"})
            assert sum(float(value) for value in pattern.findall(body)) == sent, body[:2000]
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _in(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CHOPCHOP_", "LITESTAR_"))} | env
    return subprocess.run(  # noqa: S603 - our own console scripts
        list(args), capture_output=True, text=True, timeout=60, env=environment, cwd=folder, check=False
    )


def test_the_workers_need_the_server_mode(tmp_path: Path) -> None:
    """Embedded mode: no SAQ, the jobs run inside the API; `workers run` and its alias `worker` say so and stop."""
    embedded = {
        "CHOPCHOP_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'embedded.sqlite3'}",
        "CHOPCHOP_DATA_DIR": str(tmp_path / "var"),
    }
    for args in (("workers", "run"), ("worker", "--concurrency", "2")):
        result = _in(tmp_path, CHOPCHOP, *args, **embedded)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "CHOPCHOP_REDIS_URL" in result.stderr, args
        assert "Traceback" not in result.stderr, args


def test_the_server_mode_has_litestar_saqs_workers_commands(tmp_path: Path) -> None:
    """`chopchop workers` and `litestar --app chopchop.app:create_app workers` are litestar-saq's group (run, status);
    `chopchop worker` stays, as its alias. Listing them connects to nothing."""
    server = {
        "CHOPCHOP_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none",
        "CHOPCHOP_REDIS_URL": "redis://127.0.0.1:1/0",
        "CHOPCHOP_JWT_SECRET": TOKEN,
        "CHOPCHOP_ALLOW_FILE_MAILER": "true",
    }
    litestar = str(Path(sys.executable).with_name("litestar"))
    for command in ([CHOPCHOP], [litestar, "--app", "chopchop.app:create_app"]):
        result = _in(tmp_path, *command, "workers", "--help", **server)
        assert result.returncode == 0, result.stderr
        assert "Manage background task workers" in result.stdout  # litestar-saq's group
        assert " run " in result.stdout, result.stdout
        assert " status " in result.stdout, result.stdout
    status = _in(tmp_path, CHOPCHOP, "workers", "status", **server)
    assert status.returncode == 0, status.stderr
    assert "Queues" in status.stdout, status.stdout
    alias = _in(tmp_path, CHOPCHOP, "worker", "--help", **server)
    assert alias.returncode == 0, alias.stderr
    assert "workers run" in alias.stdout
    assert "--concurrency" in alias.stdout


def test_a_weak_web_ui_token_is_a_configuration_error(tmp_path: Path) -> None:
    result = _in(
        tmp_path,
        CHOPCHOP,
        "workers",
        "--help",
        CHOPCHOP_DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/none",
        CHOPCHOP_REDIS_URL="redis://127.0.0.1:1/0",
        CHOPCHOP_JWT_SECRET=TOKEN,
        CHOPCHOP_ALLOW_FILE_MAILER="true",
        CHOPCHOP_SAQ_WEB_TOKEN="admin",
    )
    assert result.returncode == 2
    assert result.stderr.startswith("chopchop: configuration error: CHOPCHOP_SAQ_WEB_TOKEN must be at least")
    assert "Traceback" not in result.stderr
