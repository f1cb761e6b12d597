"""Redis Sentinel: a primary, its replica and a sentinel of the test's own, on spare ports; the primary is SIGKILLed
under load. Requests that need Redis answer 503 (Retry-After) only while the sentinel promotes the replica, then
the service carries on without a restart; the cache never serves what a write replaced, even though the promoted
replica lacks that write; no job is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from litestar import Litestar
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import MasterNotFoundError
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from sqlalchemy import select

from chopchop.app import create_app
from chopchop.db import OutboxMessage, OutboxStatus, User
from chopchop.lib import outbox
from chopchop.lib.outages import is_outage
from chopchop.lib.redis_client import SentinelRedis, check_redis_url, connect, parse_sentinel_url, redact
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings, SettingsError
from tests.factories import recipe_payload
from tests.helpers import Mailbox, asgi_client, count_statements, quick_user, saq_worker
from tests.load import Call, Hammer

pytestmark = pytest.mark.integration

RECIPES = "/api/v1/recipes"
PROBLEM = "application/problem+json"
SERVICE = "chopchop-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _close(*probes: Redis) -> None:
    """Close probes of the test's own; a close that times out on a loaded machine is not what the test is about."""
    for probe in probes:
        with contextlib.suppress(RedisError):
            await probe.aclose()


def _probe(port: int) -> Redis:
    """Our own view of one server: no client-side retries, short timeouts."""
    return Redis(port=port, retry=Retry(NoBackoff(), 0), socket_connect_timeout=0.5, socket_timeout=2)


class SentinelGroup:
    """A primary, its replica and one sentinel (quorum 1) watching them, as redis-server processes on spare ports
    in ``root``. Nothing persists: a killed primary's last writes live only where they were replicated."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ports = {"primary": _free_port(), "replica": _free_port(), "sentinel": _free_port()}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        return f"redis+sentinel://127.0.0.1:{self.ports['sentinel']}/{SERVICE}/0"

    def _spawn(self, name: str, *args: str) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        with (self.root / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen([binary, *args], stdout=log, stderr=log)  # noqa: S603
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.ports[name]), timeout=0.2):
                return
            time.sleep(0.02)
        msg = f"{name} did not start on port {self.ports[name]}: see {self.root / f'{name}.log'}"
        raise RuntimeError(msg)

    def start(self) -> None:
        data = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0"]
        data += ["--enable-debug-command", "local"]  # DEBUG SLEEP: a replica busy for a moment
        for name in ("primary", "replica"):
            (self.root / name).mkdir()
        self._spawn("primary", "--port", str(self.ports["primary"]), "--dir", str(self.root / "primary"), *data)
        self._spawn(
            "replica",
            *("--port", str(self.ports["replica"]), "--dir", str(self.root / "replica"), *data),
            *("--replicaof", "127.0.0.1", str(self.ports["primary"])),
        )
        config = self.root / "sentinel.conf"  # the sentinel rewrites it: a file of its own
        config.write_text(
            f"port {self.ports['sentinel']}\nbind 127.0.0.1\ndir {self.root}\n"
            f"sentinel monitor {SERVICE} 127.0.0.1 {self.ports['primary']} 1\n"
            f"sentinel down-after-milliseconds {SERVICE} 1000\n"
            f"sentinel failover-timeout {SERVICE} 10000\n"
        )
        self._spawn("sentinel", str(config), "--sentinel")

    async def ready(self, timeout: float = 15) -> None:
        """The replica is in sync and the sentinel knows it (else it would have no replica to promote)."""
        replica, sentinel = _probe(self.ports["replica"]), _probe(self.ports["sentinel"])
        replica_name = f"127.0.0.1:{self.ports['replica']}"
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                link = (await replica.info("replication")).get("master_link_status")
                known = [
                    state
                    for state in await sentinel.sentinel_slaves(SERVICE)  # type: ignore[no-untyped-call]
                    if state["name"] == replica_name and not (state["is_sdown"] or state["is_disconnected"])
                ]
                if link == "up" and known:
                    return
                await asyncio.sleep(0.05)
        finally:
            await _close(replica, sentinel)
        msg = f"the replica or the sentinel was not ready within {timeout}s: see {self.root}"
        raise AssertionError(msg)

    async def master_port(self) -> int | None:
        sentinel = _probe(self.ports["sentinel"])
        try:
            address = await sentinel.execute_command(  # type: ignore[no-untyped-call]
                "SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE
            )
        finally:
            await _close(sentinel)
        return int(address[1]) if address else None

    def signal(self, name: str, signum: signal.Signals) -> None:
        process = self.processes[name]
        if process.poll() is None:
            process.send_signal(signum)
            if signum == signal.SIGKILL:
                process.wait(timeout=10)

    def stop(self) -> None:
        for name in self.processes:
            self.signal(name, signal.SIGKILL)


@pytest.fixture
def sentinel_group(tmp_path: Path) -> Iterator[SentinelGroup]:
    group = SentinelGroup(tmp_path)
    try:
        group.start()
        yield group
    finally:
        group.stop()


# --- load ---------------------------------------------------------------------------------------------------------


async def _until_cached(app: Litestar, http: httpx.AsyncClient, path: str, timeout: float = 10) -> dict[str, Any]:
    """GET until an answer comes from the cache (no SQL: a new Redis serves no stamps for one lease time)."""
    deadline = time.monotonic() + timeout
    while True:
        first = await http.get(path)
        with count_statements(app) as statements:
            second = await http.get(path)
        assert first.status_code == second.status_code == 200, second.text
        if not statements:
            assert first.content == second.content
            body: dict[str, Any] = second.json()
            return body
        assert time.monotonic() < deadline, f"{path} was never served from the cache"
        await asyncio.sleep(0.1)


async def _outbox_rows(app: Litestar, ids: list[UUID] | None = None) -> list[OutboxMessage]:
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.created_at)
        if ids is not None:
            query = query.where(OutboxMessage.id.in_(ids))
        return list((await session.execute(query)).scalars())


async def _until_sent(app: Litestar, ids: list[UUID] | None, timeout: float) -> list[OutboxMessage]:
    deadline = time.monotonic() + timeout
    while True:
        rows = await _outbox_rows(app, ids)
        if all(row.status == OutboxStatus.SENT.value for row in rows):
            return rows
        if time.monotonic() > deadline:
            msg = f"not sent within {timeout}s: {[(r.task, r.status, r.last_error) for r in rows]}"
            raise AssertionError(msg)
        await asyncio.sleep(0.1)


def _message_ids(mailbox: Mailbox) -> set[str]:
    return {str(message["Message-ID"]) for message in list(mailbox.messages)}


# --- the failover -------------------------------------------------------------------------------------------------


async def test_primary_killed_under_load_fails_over_without_a_500_a_stale_read_or_a_lost_job(
    settings: Settings, mailbox: Mailbox, sentinel_group: SentinelGroup
) -> None:
    group = sentinel_group
    await group.ready()
    own = replace(settings, redis_url=group.url, queue_name=f"{settings.queue_name}-sentinel", cache_lease_seconds=1)
    app = create_app(own)
    plugin = app.plugins.get(ChopchopPlugin)
    assert isinstance(plugin.redis, SentinelRedis)
    primary, replica = _probe(group.ports["primary"]), _probe(group.ports["replica"])
    async with app.lifespan(), asgi_client(app) as http, saq_worker(app):
        user_id, headers = await quick_user(app, "sentinel@example.com")
        async with plugin.db_config.get_session() as session:
            user = await session.get(User, UUID(user_id))
            assert user is not None

        def fresh_token() -> dict[str, str]:
            token, _ = plugin.token_issuer.issue(user.id, user.token_version)
            return {"Authorization": f"Bearer {token}"}

        created = await http.post(RECIPES, json=recipe_payload(title="Version 0"), headers=headers)
        assert created.status_code == 201, created.text
        detail = f"{RECIPES}/{created.json()['id']}"
        assert (await _until_cached(app, http, detail))["title"] == "Version 0"

        # Jobs waiting in the queue when the primary dies: emails due in 3 s (after the switch).
        queued: list[UUID] = []
        async with plugin.db_config.get_session() as session:
            for _ in range(3):
                queued.append(outbox.record(session, "send_password_reset", email="sentinel@example.com").id)
            await session.commit()
        for outbox_id in queued:
            await plugin.job_queue.enqueue(outbox.DELIVER_TASK, after=3, outbox_id=str(outbox_id))
        assert await primary.execute_command("WAIT", 1, 2000) == 1  # type: ignore[no-untyped-call]  # the replica has everything so far

        registered: list[str] = []

        async def register(h: httpx.AsyncClient) -> httpx.Response:
            email = f"{uuid4().hex[:12]}@example.com"
            response = await h.post(
                "/api/v1/auth/register", json={"email": email, "password": "long enough!", "display_name": "Cook"}
            )
            if response.status_code == 202:
                registered.append(email)
            return response

        calls: dict[str, Call] = {
            "list": lambda h: h.get(RECIPES),  # the response cache
            "detail": lambda h: h.get(detail),
            "me": lambda h: h.get("/api/v1/me", headers=headers),  # the revocation check
            "create": lambda h: h.post(RECIPES, json=recipe_payload(), headers=headers),  # rate limit, cache lease
            "logout": lambda h: h.post("/api/v1/me/logout", headers=fresh_token()),  # writes the revocation
            "register": register,  # the outbox, then the queue
            "ready": lambda h: h.get("/health/ready"),
        }
        async with Hammer(http, calls, clients=8) as load:
            await asyncio.sleep(0.5)
            # The replica stops reading the replication stream, and a 48 MB value fills the sockets between them
            # (the kernel would deliver what they hold even after the primary died): what the primary acknowledges
            # from now on stays in its own memory, and dies with it.
            group.signal("replica", signal.SIGSTOP)
            try:
                await primary.set("filler", b"x" * (48 << 20))
                patched = await http.patch(detail, json={"title": "Version 1"}, headers=headers)
                assert patched.status_code == 200, patched.text
                assert (await http.get(detail)).json()["title"] == "Version 1"
                assert (await http.get(detail)).json()["title"] == "Version 1"  # cached, on the primary only
                load.phase = "switch"
                killed = time.perf_counter()
                group.signal("primary", signal.SIGKILL)
            finally:
                group.signal("replica", signal.SIGCONT)
            while await group.master_port() != group.ports["replica"]:
                assert time.perf_counter() - killed < 20, "the sentinel never promoted the replica"
                await asyncio.sleep(0.05)
            promoted = time.perf_counter() - killed
            recovered = max(
                [
                    await load.until("create", {201}, timeout=20, since=killed),
                    await load.until("logout", {204}, timeout=20, since=killed),
                    await load.until("ready", {200}, timeout=20, since=killed),
                ]
            )
            load.phase = "after"
            await asyncio.sleep(1.5)
        await primary.aclose()

        report = load.summary()
        slowest = max(load.answers, key=lambda a: a.seconds)
        print(f"\n{report}\npromoted after {promoted:.2f}s, service back after {recovered:.2f}s, slowest: {slowest}")
        escaped = [str(a) for a in load.answers if a.status == 0 or (a.status >= 500 and a.status != 503)]
        assert not escaped, f"{escaped[:10]}\n{report}"
        allowed = {"list": {200}, "detail": {200}, "me": {200}, "register": {202}}
        wrong = [str(a) for a in load.answers if a.name in allowed and a.status not in allowed[a.name]]
        assert not wrong, f"{wrong[:10]}\n{report}"
        for answer in load.answers:
            if answer.status == 503:
                # Sent during the switch, or just before it and answered during it.
                assert answer.phase != "after", f"a 503 after the switch: {answer}\n{report}"
                assert answer.answered_at > killed, f"a 503 before the kill: {answer}\n{report}"
                if answer.name != "ready":  # the readiness probe answers its checks, not a problem
                    assert answer.retry_after is not None, answer
                    assert answer.retry_after.isdigit(), answer
                    assert answer.content_type.startswith(PROBLEM), answer
            else:
                assert answer.status < 400, f"{answer}\n{report}"
        assert recovered < 15, report

        # The promoted replica never had "Version 1" (nor the generations its write bumped), but had the entry
        # of "Version 0": the cache must treat it as a Redis that lost its data, not serve what the write replaced.
        for _ in range(3):
            assert (await http.get(detail)).json()["title"] == "Version 1"
        assert (await _until_cached(app, http, detail))["title"] == "Version 1"
        await replica.aclose()

        # The logout denylist works on the new master.
        token = fresh_token()
        assert (await http.post("/api/v1/me/logout", headers=token)).status_code == 204
        assert (await http.get("/api/v1/me", headers=token)).status_code == 401

        # No job lost: the queued ones are run from the promoted replica by the worker, which reconnected by
        # itself; emails whose job could not be queued during the switch wait in the outbox for the periodic
        # sweep (every minute in production; run here once).
        rows = await _until_sent(app, queued, timeout=15)
        assert {outbox.message_id_for(row.id) for row in rows} <= _message_ids(mailbox)
        await outbox.sweep_outbox(plugin.job_context, older_than_seconds=0)
        rows = await _until_sent(app, None, timeout=15)
        assert len(rows) == len(queued) + len(registered), [(r.task, r.status) for r in rows]
        assert {outbox.message_id_for(row.id) for row in rows} <= _message_ids(mailbox)
        assert [email for email in registered if not mailbox.to(email)] == []


# --- the URL ------------------------------------------------------------------------------------------------------


def test_a_sentinel_url_names_the_sentinels_the_service_and_the_database() -> None:
    parsed = parse_sentinel_url(
        "redis+sentinel://app:p%40ss@10.0.0.1:26380,sentinel-b,[::1]:5000/cache-group/3"
        "?sentinel_password=s3cret&min_other_sentinels=1"
    )
    assert parsed.sentinels == (("10.0.0.1", 26380), ("sentinel-b", 26379), ("::1", 5000))
    assert (parsed.service, parsed.db, parsed.username, parsed.password) == ("cache-group", 3, "app", "p@ss")
    assert (parsed.sentinel_password, parsed.min_other_sentinels) == ("s3cret", 1)
    assert parse_sentinel_url("redis+sentinel://h/svc").db == 0
    assert redact("redis+sentinel://:pw@h/svc?sentinel_password=s3cret") == (
        "redis+sentinel://:***@h/svc?sentinel_password=***"
    )


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("redis+sentinel://h1:26379/", "no service name"),
        ("redis+sentinel:///svc", "no sentinel address"),
        ("redis+sentinel://h1:port/svc", "invalid port"),
        ("redis+sentinel://h1:70000/svc", "invalid port"),
        ("redis+sentinel://h1,,h2/svc", "without a host"),
        ("redis+sentinel://h1/svc/zero", "not a number"),
        ("redis+sentinel://h1/svc/0/1", "too many path segments"),
        ("redis+sentinel://h1/svc?sentinel=1", "unknown option"),
        ("redis+sentinel://h1:1:2/svc", "IPv6"),
        ("rediss+sentinel://h1/svc", "no TLS yet"),
        ("http://h1:6379/0", "redis+sentinel://"),
    ],
)
def test_a_malformed_redis_url_is_refused_at_start_with_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        check_redis_url(url)
    settings = Settings(
        database_url="postgresql+asyncpg://u@h/db",
        redis_url=url,
        jwt_secret="test-secret-that-is-long-enough-for-hs256-and-hs512-0123456789abcdefghij",
        smtp_host="127.0.0.1",
    )
    with pytest.raises(SettingsError, match=f"^CHOPCHOP_REDIS_URL: .*{re.escape(says)}"):
        settings.validate()


def test_a_key_prefix_with_braces_is_refused() -> None:
    settings = Settings(redis_key_prefix="{chopchop}")
    with pytest.raises(SettingsError, match="REDIS_KEY_PREFIX"):
        settings.validate()


async def test_plain_urls_are_unchanged() -> None:
    client = connect("redis://127.0.0.1:6379/3", socket_timeout=2.0)
    try:
        assert not isinstance(client, SentinelRedis)
        assert client.connection_pool.connection_kwargs["db"] == 3
        assert client.connection_pool.connection_kwargs["socket_timeout"] == 2.0
    finally:
        await client.aclose()


async def test_a_logout_acknowledged_just_before_a_failover_stays_in_force(
    settings: Settings, sentinel_group: SentinelGroup
) -> None:
    """Replication is asynchronous: a revocation the primary acknowledged but had not copied would die with it, and
    the logged-out token would work again on the promoted replica. Under Sentinel a logout waits for a replica."""
    group = sentinel_group
    await group.ready()
    own = replace(settings, redis_url=group.url, queue_name=f"{settings.queue_name}-logout", cache_lease_seconds=1)
    app = create_app(own)
    replica = _probe(group.ports["replica"])
    async with app.lifespan(), asgi_client(app) as http:
        _, headers = await quick_user(app, "logout-failover@example.com")
        assert (await http.get("/api/v1/me", headers=headers)).status_code == 200
        # The replica is busy for 0.25 s: what the primary acknowledges meanwhile is not copied yet ...
        busy = asyncio.create_task(replica.execute_command("DEBUG", "SLEEP", "0.25"))  # type: ignore[no-untyped-call]
        await asyncio.sleep(0.05)
        started = time.monotonic()
        assert (await http.post("/api/v1/me/logout", headers=headers)).status_code == 204
        waited = time.monotonic() - started
        # ... and the primary dies the moment the logout is answered.
        group.signal("primary", signal.SIGKILL)
        await busy
        deadline = time.monotonic() + 20
        while await group.master_port() != group.ports["replica"]:
            assert time.monotonic() < deadline, "no failover"
            await asyncio.sleep(0.1)
        plugin = app.plugins.get(ChopchopPlugin)
        assert plugin.redis is not None
        for _ in range(100):  # until the service talks to the promoted replica (meanwhile the check fails open)
            with contextlib.suppress(Exception):
                if await plugin.redis.ping():  # type: ignore[misc]
                    break
            await asyncio.sleep(0.1)
        answer = await http.get("/api/v1/me", headers=headers)
        assert answer.status_code == 401, (answer.status_code, answer.text)
        assert waited > 0.1  # the logout did wait for the replica
    await replica.aclose()


# --- a listed address that is no sentinel, and URLs that cannot work ----------------------------------------------


async def _garbage_server() -> asyncio.Server:
    """An HTTP endpoint where a sentinel was expected: it answers anything with an HTTP error and hangs up."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            await reader.read(1024)
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
        writer.close()

    return await asyncio.start_server(answer, "127.0.0.1", 0)


async def test_an_address_that_is_no_sentinel_is_skipped_for_the_next(sentinel_group: SentinelGroup) -> None:
    group = sentinel_group
    group.ports["plain"] = _free_port()  # a Redis data port listed as a sentinel: "unknown command"
    group._spawn("plain", "--port", str(group.ports["plain"]), "--bind", "127.0.0.1", "--save", "")
    await group.ready()
    garbage = await _garbage_server()
    garbage_port = garbage.sockets[0].getsockname()[1]
    try:
        url = (
            f"redis+sentinel://127.0.0.1:{group.ports['plain']},127.0.0.1:{garbage_port},"
            f"127.0.0.1:{group.ports['sentinel']}/{SERVICE}/0"
        )
        client = connect(url, socket_timeout=2.0)
        try:
            assert await client.ping()  # type: ignore[misc]
            assert await client.set("through-the-sentinel", "1")
        finally:
            await client.aclose()
        assert await _probe(group.ports["primary"]).get("through-the-sentinel") == b"1"

        # No real sentinel listed: Redis is unavailable (a 503), not a bug (a 500).
        lost = connect(f"redis+sentinel://127.0.0.1:{group.ports['plain']},127.0.0.1:{garbage_port}/{SERVICE}")
        try:
            with pytest.raises(MasterNotFoundError) as caught:
                await lost.ping()  # type: ignore[misc]
        finally:
            await lost.aclose()
        assert is_outage(caught.value)
    finally:
        garbage.close()
        await garbage.wait_closed()


SECRET_PIECES = ("S3cr", "tPassw0rd", "Passw", "cr/t", "cr#t", "r&tP")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("redis+sentinel://h1/svc/2147483648", "database '2147483648' is out of range"),
        ("redis+sentinel://h1/svc/99999999999999999999999", "database"),
        ("redis+sentinel://h1/svc/٣٣", "database '٣٣' is not a number"),
        ("redis+sentinel://h1/svc/²", "database '²' is not a number"),
        ("redis+sentinel://h1/svc/-1", "database '-1' is not a number"),
        ("redis+sentinel://h1//0", "an empty path segment"),
        ("redis+sentinel://h1/svc/", "an empty path segment"),
        ("redis+sentinel://h1:²/svc", "invalid port '²' of sentinel 1"),
        ("redis+sentinel://h1,h2:٣٣/svc", "invalid port '٣٣' of sentinel 2"),
        (f"redis+sentinel://{'a' * 254}/svc", "a host of 254 characters for sentinel 1"),
        ("redis+sentinel://h1,bad host/svc", "host 'bad host' of sentinel 2"),
        ("redis+sentinel://[not-ipv6]/svc", "is not an IPv6 address"),
        (f"redis+sentinel://h1/{'s' * 256}", "a service name of 256 characters"),
        ("redis+sentinel://h1/s%00vc", "has spaces or control characters"),
        ("redis+sentinel://h1/s%20vc", "has spaces or control characters"),
        ("redis+sentinel://h1/s%0Avc", "has spaces or control characters"),
        ("redis+sentinel://h1/%ff", "not UTF-8"),
        ("redis+sentinel://h1/svc?min_other_sentinels=101", "min_other_sentinels=101 is out of range"),
        ("redis+sentinel://h1/svc?min_other_sentinels=²", "min_other_sentinels='²' is not a number"),
        # Unencoded secrets: refused without a piece of them in the message.
        ("redis+sentinel://:S3cr/tPassw0rd@h1/svc", "percent-encode"),
        ("redis+sentinel://app:S3cr?tPassw0rd@h1/svc", "percent-encode"),
        ("redis+sentinel://:S3cr#tPassw0rd@h1/svc", "percent-encode"),
        ("redis+sentinel://h1/svc?sentinel_password=S3cr#tPassw0rd", "a '#'"),
        ("redis+sentinel://h1/svc/x?sentinel_password=S3cr&tPassw0rd", "database 'x' is not a number"),
        ("redis+sentinel://:S3cr@tPassw0rd@h1/svc/x", "database 'x' is not a number"),
        ("redis+sentinel://S3cr:tPassw0rd@h1:port/svc", "invalid port 'port' of sentinel 1"),
        ("redis://:S3cr#tPassw0rd@h1:6379/0", "percent-encode"),
        ("redis://:S3cr/tPassw0rd@h1:6379/0", "percent-encode"),
        ("redis://:S3cr?tPassw0rd@h1:6379/0", "percent-encode"),
    ],
)
def test_an_unusable_redis_url_is_refused_naming_the_part_and_never_a_secret(url: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)) as caught:
        check_redis_url(url)
    message = str(caught.value)
    assert not [piece for piece in SECRET_PIECES if piece in message], message
    assert caught.value.__cause__ is None or not any(piece in str(caught.value.__cause__) for piece in SECRET_PIECES)
    if "S3cr" in url or "tPassw0rd" in url:
        assert not [piece for piece in SECRET_PIECES if piece in redact(url)], redact(url)


def test_secrets_are_parsed_and_redacted_alike() -> None:
    parsed = parse_sentinel_url("redis+sentinel://app:p%2Fw@h1/svc?sentinel_password=a&b&min_other_sentinels=1")
    assert (parsed.username, parsed.password, parsed.sentinel_password) == ("app", "p/w", "a&b")
    assert parsed.min_other_sentinels == 1
    assert redact("redis+sentinel://app:p%2Fw@h1/svc?sentinel_password=a&b&min_other_sentinels=1") == (
        "redis+sentinel://***:***@h1/svc?sentinel_password=***&min_other_sentinels=1"
    )
    assert redact("redis://:S3cr#tPassw0rd@h1:6379/0") == "redis://:***@h1:6379/0"
    assert redact("redis://h1:6379/0") == "redis://h1:6379/0"
    assert parse_sentinel_url("redis+sentinel://h1/svc/2147483647?min_other_sentinels=100").db == 2**31 - 1


async def test_a_logout_no_replica_acknowledges_is_a_503_not_a_revocation_a_failover_would_lose(
    settings: Settings, sentinel_group: SentinelGroup
) -> None:
    group = sentinel_group
    await group.ready()
    own = replace(settings, redis_url=group.url, queue_name=f"{settings.queue_name}-frozen", cache_lease_seconds=1)
    app = create_app(own)
    async with app.lifespan(), asgi_client(app) as http:
        _, headers = await quick_user(app, "frozen-replica@example.com")
        group.signal("replica", signal.SIGSTOP)  # connected, but takes nothing
        try:
            refused = await http.post("/api/v1/me/logout", headers=headers)
        finally:
            group.signal("replica", signal.SIGCONT)
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"].startswith(PROBLEM)
        assert refused.headers["retry-after"].isdigit()
        # The revocation stands on the primary (Redis has no rollback) and reaches the replica once it answers: the
        # client's retry finds the token revoked already (401), or revokes it (204); either way it is in force.
        assert (await http.post("/api/v1/me/logout", headers=headers)).status_code in {204, 401}
        assert (await http.get("/api/v1/me", headers=headers)).status_code == 401
