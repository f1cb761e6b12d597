"""SAQ through litestar-saq: one queue configuration for the API (which only enqueues), `chopchop workers run` (and its
alias `chopchop worker`, and `litestar ... workers run`), and the web UI that the API serves to whoever has its token.

Real Redis, a real SMTP server, real worker processes: nothing is mocked.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import multiprocessing
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar_saq import SAQPlugin
from redis.asyncio import Redis
from saq import Queue
from saq.job import Status

from chopchop.app import create_app
from chopchop.lib.jobs import SAQ_WEB_PATH, SaqJobQueue
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings, SettingsError
from tests.helpers import Client, Mailbox, quick_user, running

# litestar-saq's UI controller takes its queues as an inferred dependency (deprecated in Litestar 2, its warning an
# error in this suite, which is meant for our own handlers): not ours to change.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings(
        "ignore:.*Inferred dependency field 'task_queues':litestar.exceptions.LitestarDeprecationWarning"
    ),
]

TOKEN = secrets.token_urlsafe(48)
BIN = Path(sys.executable).parent


def basic(password: str, user: str = "admin") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _saq(app: Litestar) -> SAQPlugin:
    plugin = app.plugins.get(ChopchopPlugin)
    assert plugin.saq is not None
    return plugin.saq


async def _job_status(queue: Queue, key: str, wanted: set[Status], timeout: float = 20.0) -> Status:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        job = await queue.job(key)
        assert job is not None
        if job.status in wanted or asyncio.get_running_loop().time() > deadline:
            return job.status
        await asyncio.sleep(0.05)


async def test_the_api_registers_litestar_saq_but_runs_no_worker(settings: Settings) -> None:
    """The app has litestar-saq's plugin (its `workers` CLI finds it by type) and an API process that runs for a while
    leaves a job it enqueued waiting: no worker task, no worker (or heartbeat) thread, no worker process."""
    own = replace(settings, queue_name=f"{settings.queue_name}-api-only")
    app = create_app(own)
    saq = _saq(app)
    assert app.plugins.get(SAQPlugin) is saq
    assert saq.config.use_server_lifespan is False
    assert all(queue.separate_process for queue in saq.config.queue_configs)
    workers = saq.get_workers()
    assert set(workers) == {own.queue_name}
    # None of the workers (nor the plugin's cleanup) is hooked into the API's lifespan.
    hooks = [*app.on_startup, *app.on_shutdown]
    owners = {id(saq), *(id(worker) for worker in workers.values())}
    assert not [hook for hook in hooks if id(getattr(hook, "__self__", None)) in owners]

    threads_before = {thread.ident for thread in threading.enumerate()}
    async with running(app):
        plugin = app.plugins.get(ChopchopPlugin)
        assert isinstance(plugin.job_queue, SaqJobQueue)
        queue = plugin.job_queue.queue
        assert queue is saq.get_queue(own.queue_name)  # one queue object: what handlers enqueue on, what the UI shows
        job = await queue.enqueue("purge_expired_tokens", timeout=10)
        assert job is not None
        await asyncio.sleep(2.5)
        assert (await _job_status(queue, job.key, {Status.QUEUED}, timeout=0)) == Status.QUEUED
        info = await queue.info()
        assert info["workers"] == {}, info
        assert info["queued"] == 1
        new_threads = [t.name for t in threading.enumerate() if t.ident not in threads_before]
        assert not [name for name in new_threads if "heartbeat" in name or "worker" in name], new_threads
        assert multiprocessing.active_children() == []
        for worker in workers.values():
            assert not hasattr(worker, "_saq_asyncio_tasks")  # litestar-saq's in-loop worker task
        await queue.abort(job, "test over")


async def test_without_its_token_the_web_ui_does_not_exist(client: Client) -> None:
    for path in (f"{SAQ_WEB_PATH}/", f"{SAQ_WEB_PATH}/api/queues", f"{SAQ_WEB_PATH}/static/app.js"):
        response = await client.get(path, headers=basic(TOKEN))
        assert response.status_code == 404, path


@pytest.fixture(scope="module")
async def ui_app(settings: Settings) -> Any:
    """The API with the SAQ web UI on: the session's queue, which the session's worker consumes."""
    app = create_app(replace(settings, saq_web_token=TOKEN))
    async with running(app) as http:
        yield app, http


async def test_the_web_ui_shows_the_queue_and_its_worker_to_the_token_holder(ui_app: Any, settings: Settings) -> None:
    app, http = ui_app
    response = await http.get(f"{SAQ_WEB_PATH}/api/queues", headers=basic(TOKEN))
    assert response.status_code == 200, response.text
    queues = response.json()["queues"]
    assert [q["name"] for q in queues] == [settings.queue_name]
    # The session's SAQ worker, built from the same configuration, registered itself on that queue.
    assert queues[0]["workers"], queues[0]

    # A job that a handler enqueued, run by the worker, seen through the UI.
    queue = _saq(app).get_queue(settings.queue_name)
    job = await queue.enqueue("purge_expired_tokens", timeout=10)
    assert job is not None
    assert await _job_status(queue, job.key, {Status.COMPLETE}) == Status.COMPLETE
    detail = await http.get(f"{SAQ_WEB_PATH}/api/queues/{settings.queue_name}/jobs/{job.key}", headers=basic(TOKEN))
    assert detail.status_code == 200, detail.text
    assert detail.json()["job"]["function"] == "purge_expired_tokens"
    assert detail.json()["job"]["status"] == "complete"

    # Retry from the UI's own page (what its script sends): queued again, and the worker runs it again.
    retry = await http.post(
        f"{SAQ_WEB_PATH}/api/queues/{settings.queue_name}/jobs/{job.key}/retry",
        json={},
        headers={**basic(TOKEN), "Sec-Fetch-Site": "same-origin", "Accept": "application/json"},
    )
    assert retry.status_code == 202, retry.text
    assert await _job_status(queue, job.key, {Status.COMPLETE}) == Status.COMPLETE
    again = await queue.job(job.key)
    assert again is not None
    assert again.attempts >= 1


async def test_the_web_ui_page_loads_its_script_under_its_own_policy(ui_app: Any) -> None:
    _, http = ui_app
    page = await http.get(f"{SAQ_WEB_PATH}/", headers=basic(TOKEN))
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    # The one inline script of litestar-saq's page is allowed by its hash, and only it.
    inline = re.findall(r"<script>(.*?)</script>", page.text, flags=re.DOTALL)
    assert len(inline) == 1, page.text
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    # Its scripts and styles are served from this origin, behind the same guard.
    for asset in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert asset.startswith(f"{SAQ_WEB_PATH}/static/"), asset
        served = await http.get(asset, headers={**basic(TOKEN), "Accept-Encoding": "gzip"})
        assert served.status_code == 200, asset
        assert served.content, asset
        assert (await http.get(asset)).status_code == 401, asset


@pytest.mark.parametrize(
    "path",
    [f"{SAQ_WEB_PATH}/", f"{SAQ_WEB_PATH}/api/queues", f"{SAQ_WEB_PATH}/static/app.js", f"{SAQ_WEB_PATH}/health"],
)
async def test_the_web_ui_refuses_everyone_else(ui_app: Any, path: str) -> None:
    """401 problem+json with a Basic challenge: no credentials, a wrong password, an access token of the API
    (a signed-in user is no queue admin), the token sent as a bearer token."""
    app, http = ui_app
    _, user = await quick_user(app, f"cook-{secrets.token_hex(4)}@example.com")
    attempts: list[dict[str, str]] = [
        {},
        basic("not-" + TOKEN),
        basic(TOKEN[:-1]),
        basic(""),
        user,
        {"Authorization": f"Bearer {TOKEN}"},
        {"Authorization": "Basic !!!not-base64!!!"},
    ]
    for headers in attempts:
        response = await http.get(path, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["status"] == 401
        assert response.headers["www-authenticate"].startswith('Basic realm="chopchop-saq"')
        assert TOKEN not in response.text


async def test_the_web_ui_refuses_changes_that_other_sites_make_a_browser_send(ui_app: Any, settings: Settings) -> None:
    """A browser sends the Basic credentials with any request to the UI, whoever made it send it: a retry or an abort
    must come from the UI's own page and be JSON, or it is 403 and nothing changes."""
    app, http = ui_app
    queue = _saq(app).get_queue(settings.queue_name)
    job = await queue.enqueue("purge_expired_tokens", timeout=10)
    assert job is not None
    assert await _job_status(queue, job.key, {Status.COMPLETE}) == Status.COMPLETE
    url = f"{SAQ_WEB_PATH}/api/queues/{settings.queue_name}/jobs/{job.key}/retry"
    refused: list[dict[str, Any]] = [
        {"json": {}, "headers": {**basic(TOKEN), "Sec-Fetch-Site": "cross-site"}},
        {"json": {}, "headers": {**basic(TOKEN), "Sec-Fetch-Site": "same-site"}},
        {"content": b"{}", "headers": {**basic(TOKEN), "Content-Type": "text/plain"}},
        {"content": b"a=1", "headers": {**basic(TOKEN), "Content-Type": "application/x-www-form-urlencoded"}},
    ]
    for request in refused:
        response = await http.post(url, **request)
        assert response.status_code == 403, (request, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    finished = await queue.job(job.key)
    assert finished is not None
    assert finished.status == Status.COMPLETE  # not queued again


async def test_the_web_ui_stays_out_of_the_api_document(ui_app: Any) -> None:
    """Server mode with the UI on documents the same operations as the contract (docs/openapi.json)."""
    app, _ = ui_app
    served = app.openapi_schema.to_schema()
    contract = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text())
    assert sorted(served["paths"]) == sorted(contract["paths"])
    assert not [path for path in served["paths"] if path.startswith(SAQ_WEB_PATH)]


def test_the_web_ui_token_is_a_secret_and_needs_server_mode(settings: Settings) -> None:
    with pytest.raises(SettingsError, match="CHOPCHOP_SAQ_WEB_TOKEN must be at least"):
        replace(settings, saq_web_token="short").validate()
    with pytest.raises(SettingsError, match="too guessable"):
        replace(settings, saq_web_token="password-password-password-password").validate()
    with pytest.raises(SettingsError, match="needs server mode"):
        Settings(saq_web_token=TOKEN).validate()
    with pytest.raises(SettingsError, match="WORKER_CONCURRENCY"):
        replace(settings, worker_concurrency=0).validate()


COMMANDS = {
    "chopchop workers run": [str(BIN / "chopchop"), "workers", "run"],
    "litestar workers run": [str(BIN / "litestar"), "--app", "chopchop.app:create_app", "workers", "run"],
    "chopchop worker (alias)": [str(BIN / "chopchop"), "worker", "--concurrency", "2"],
}


def _start(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        return subprocess.Popen(  # noqa: S603 - our own console scripts
            command, env=env, cwd=log_path.parent, stdout=log, stderr=subprocess.STDOUT
        )


@pytest.mark.parametrize("name", list(COMMANDS))
async def test_a_worker_command_sends_an_email_from_its_own_process(
    name: str, settings: Settings, app: Litestar, mailbox: Mailbox, tmp_path: Path
) -> None:
    """The command, as its own OS process configured like a deployment: it takes a job from its queue (which no
    other worker reads), sends the email over SMTP, and stops cleanly on SIGTERM (`chopchop workers run`)."""
    queue_name = f"{settings.queue_name}-cli-{secrets.token_hex(3)}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHOPCHOP_", "LITESTAR_"))} | {
        "CHOPCHOP_DATABASE_URL": settings.database_url,
        "CHOPCHOP_REDIS_URL": settings.redis_url or "",
        "CHOPCHOP_REDIS_KEY_PREFIX": settings.redis_key_prefix,
        "CHOPCHOP_QUEUE_NAME": queue_name,
        "CHOPCHOP_WORKER_CONCURRENCY": "3",
        "CHOPCHOP_JWT_SECRET": settings.jwt_secret,
        "CHOPCHOP_SMTP_HOST": settings.smtp_host or "",
        "CHOPCHOP_SMTP_PORT": str(settings.smtp_port),
        "CHOPCHOP_PUBLIC_BASE_URL": settings.public_base_url,
        "CHOPCHOP_LOG_LEVEL": "INFO",
    }
    email = f"worker-{secrets.token_hex(4)}@example.com"
    await quick_user(app, email)
    log_path = tmp_path / "worker.log"
    process = _start(COMMANDS[name], env, log_path)
    queue = Queue.from_url(settings.redis_url or "", name=queue_name)
    try:
        await queue.connect()
        job = await queue.enqueue("send_password_reset", email=email, timeout=30)
        assert job is not None
        message = await mailbox.wait_for(email, "reset", timeout=60)
        assert "reset" in str(message["Subject"]).lower()
        assert await _job_status(queue, job.key, {Status.COMPLETE, Status.FAILED}) == Status.COMPLETE
        info = await queue.info()
        assert len(info["workers"]) == 1, info  # the command's worker, the only one on this queue
        output = log_path.read_text()
        concurrency = 2 if "--concurrency" in COMMANDS[name] else 3
        assert f'"concurrency": {concurrency}' in output, output[-3000:]
        if name == "chopchop workers run":
            process.send_signal(signal.SIGTERM)
            # SAQ lets running jobs finish for up to 20 s (shutdown_grace_period_s) before it cancels them.
            code = await asyncio.to_thread(process.wait, 60)
            output = log_path.read_text()
            assert code == 0, output[-3000:]
            assert "Traceback" not in output, output[-3000:]
    finally:
        if process.poll() is None:
            process.kill()
            await asyncio.to_thread(process.wait, 10)
        await queue.disconnect()
        redis = Redis.from_url(settings.redis_url or "")
        keys = [key async for key in redis.scan_iter(match=f"*{queue_name}*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
