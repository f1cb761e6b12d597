"""Webhooks end to end: endpoints through HTTP, events recorded with the writes that cause them, signed deliveries
made by a real SAQ worker to a real HTTP receiver on 127.0.0.1, and the SSRF rules."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

import pytest
from litestar import Litestar
from sqlalchemy import func, select

from chopchop.app import create_app
from chopchop.db import OutboxMessage, WebhookEndpoint
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings
from tests.helpers import FAST_HASHER, Client, Mailbox, insert_recipe, quick_user, running, saq_worker

pytestmark = pytest.mark.integration

HOOKS = "/api/v1/me/webhooks"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A minimal HTTP/1.1 server on 127.0.0.1: keeps each request, answers the next queued status (else 200)."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            status = self.answers.pop(0) if self.answers else 200
            writer.write(f"HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".encode())
            await writer.drain()
            async with self.arrived:
                self.requests.append(Received(path, headers, body))
                self.arrived.notify_all()
        finally:
            writer.close()

    async def wait_for(self, count: int, timeout: float = 15.0) -> list[Received]:
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: len(self.requests) >= count), timeout)
        return self.requests

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    box = Receiver()
    server = await asyncio.start_server(box.handle, "127.0.0.1", 0)
    box.port = server.sockets[0].getsockname()[1]
    yield box
    server.close()
    await server.wait_closed()


@pytest.fixture(scope="module")
async def hooks(settings: Settings, client: Client) -> AsyncIterator[tuple[Litestar, Client]]:
    """The app with private addresses allowed (the receiver is on 127.0.0.1), its own queue and SAQ worker."""
    own = replace(settings, webhook_allow_private_addresses=True, queue_name=f"{settings.queue_name}-hooks")
    app = create_app(own, hasher=FAST_HASHER)
    async with running(app) as http, saq_worker(app):
        yield app, http


def verify(secret: str, received: Received) -> dict[str, Any]:
    """What a receiver does (Standard Webhooks): recompute the signature with the secret, compare, then parse."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{received.headers['webhook-id']}.{received.headers['webhook-timestamp']}.".encode() + received.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    signatures = [s.partition(",")[2] for s in received.headers["webhook-signature"].split(" ")]
    assert any(hmac.compare_digest(expected, s) for s in signatures), "bad signature"
    return dict(json.loads(received.body))


async def create(http: Client, auth: dict[str, str], url: str, events: list[str], **extra: Any) -> dict[str, Any]:
    response = await http.post(HOOKS, json={"url": url, "events": events, **extra}, headers=auth)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def deliveries(http: Client, auth: dict[str, str], hook_id: str) -> list[dict[str, Any]]:
    response = await http.get(f"{HOOKS}/{hook_id}/deliveries", headers=auth)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def settled(http: Client, auth: dict[str, str], hook_id: str, count: int = 1) -> list[dict[str, Any]]:
    """The delivery log once ``count`` deliveries have an outcome that is not pending or retrying."""
    for _ in range(300):
        log = await deliveries(http, auth, hook_id)
        if len(log) >= count and all(d["status"] not in {"pending", "retrying"} for d in log):
            return log
        await asyncio.sleep(0.05)
    raise AssertionError(log)


async def test_crud_and_validation(hooks: tuple[Litestar, Client], settings: Settings, client: Client) -> None:
    app, http = hooks
    _, auth = await quick_user(app, "crud@example.com")
    _, other = await quick_user(app, "other@example.com")
    made = await create(http, auth, "https://example.com/a", ["recipe.liked", "recipe.liked"])
    assert made["secret"].startswith("whsec_")
    assert 24 <= len(base64.b64decode(made["secret"].removeprefix("whsec_"))) <= 32
    assert made["events"] == ["recipe.liked"] and made["active"] is True
    hook = f"{HOOKS}/{made['id']}"
    read = (await http.get(hook, headers=auth)).json()
    assert "secret" not in read and read["url"] == "https://example.com/a"
    # Someone else's endpoint does not exist for them.
    assert (await http.get(hook, headers=other)).status_code == 404
    assert (await http.patch(hook, json={"active": False}, headers=other)).status_code == 404
    assert (await http.delete(hook, headers=other)).status_code == 404
    # PATCH changes only what it carries.
    patched = (await http.patch(hook, json={"events": ["recipe.deleted", "recipe.commented"]}, headers=auth)).json()
    assert patched["events"] == ["recipe.commented", "recipe.deleted"] and patched["url"] == "https://example.com/a"
    unchanged = (await http.patch(hook, json={}, headers=auth)).json()
    assert unchanged == patched  # an empty PATCH changes nothing, updated_at included
    hostile_patch = await http.patch(hook, json={"url": None, "active": "yes", "secret": "x"}, headers=auth)
    assert hostile_patch.status_code == 400
    listed = (await http.get(HOOKS, headers=auth)).json()
    assert [item["id"] for item in listed["items"]] == [made["id"]] and listed["total"] == 1
    assert (await http.get(HOOKS, headers=other)).json()["total"] == 0
    # Bounded per user: the 11th is a 409.
    for n in range(9):
        await create(http, auth, f"https://example.com/{n}", ["recipe.liked"])
    crowded = await http.post(HOOKS, json={"url": "https://example.com/x", "events": ["ping"]}, headers=auth)
    assert crowded.status_code == 400  # ping is not an event one subscribes to
    crowded = await http.post(HOOKS, json={"url": "https://example.com/x", "events": ["recipe.liked"]}, headers=auth)
    assert crowded.status_code == 409, crowded.text
    assert (await http.delete(hook, headers=auth)).status_code == 204
    assert (await http.get(hook, headers=auth)).status_code == 404

    # Hostile URLs, on the app with the SSRF rules on (the session's): each a 400 problem, nothing stored.
    _, strict = await quick_user(app, "strict@example.com")
    hostile = [
        "http://127.0.0.1/",
        "http://127.1/",
        "http://0x7f000001/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://localhost/",
        "http://LOCALHOST./",
        "http://api.localhost/",
        "https://user:pass@example.com/",
        "https://example.com@127.0.0.1/",
        "ftp://example.com/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "gopher://example.com/",
        "https://example.com/#frag",
        "https://ex ample.com/",
        "https://exämple.com/",
        "https://example.com/\u202e",
        "https://example.com:99999/",
        "https://example.com:0/",
        "http://[/",
        "https://",
        "https://example.com/" + "a" * 3000,
        "",
        # Public addresses by the C library's legacy reading, but spellings (leading zeros) that the HTTP client
        # refuses to parse: every delivery would fail, so they are refused when registered.
        "https://010.8.8.8/hook",
        "https://8.8.8.010/hook",
    ]
    for url in hostile:
        response = await client.post(HOOKS, json={"url": url, "events": ["recipe.liked"]}, headers=strict)
        assert response.status_code == 400, (url, response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), url
    for body in [{"url": "https://example.com/", "events": []}, {"url": "https://example.com/", "events": ["x"]}, {}]:
        assert (await client.post(HOOKS, json=body, headers=strict)).status_code == 400, body
    assert (await client.get(HOOKS, headers=strict)).json()["total"] == 0
    # The update path refuses the same URLs.
    ok = await create(client, strict, "https://example.com/ok", ["recipe.liked"])
    refused = await client.patch(f"{HOOKS}/{ok['id']}", json={"url": "http://127.1/"}, headers=strict)
    assert refused.status_code == 400
    assert refused.json()["type"].endswith("webhook-url-refused")


async def test_a_like_is_delivered_signed_only_to_the_authors_subscribed_active_endpoints(
    hooks: tuple[Litestar, Client], receiver: Receiver
) -> None:
    app, http = hooks
    author_id, author = await quick_user(app, "author@example.com")
    fan_id, fan = await quick_user(app, "fan@example.com")
    recipe = await insert_recipe(app, author_id)
    subscribed = await create(http, author, receiver.url("/liked"), ["recipe.liked"])
    await create(http, author, receiver.url("/comments-only"), ["recipe.commented"])
    await create(http, author, receiver.url("/inactive"), ["recipe.liked"], active=False)
    await create(http, fan, receiver.url("/fan"), ["recipe.liked"])  # the liker's own: not told of their like

    assert (await http.put(f"/api/v1/recipes/{recipe}/like", headers=fan)).status_code == 200
    assert (await http.put(f"/api/v1/recipes/{recipe}/like", headers=fan)).status_code == 200  # a repeat: no event
    assert (await http.put(f"/api/v1/recipes/{recipe}/like", headers=author)).status_code == 200  # one's own like

    [received] = await receiver.wait_for(1)
    await asyncio.sleep(1.0)  # nothing else comes
    assert len(receiver.requests) == 1
    assert received.path == "/liked"
    event = verify(subscribed["secret"], received)
    assert event["type"] == "recipe.liked"
    assert event["data"] == {"recipe_id": recipe, "user_id": fan_id}
    assert event["timestamp"].endswith("Z")
    assert received.headers["content-type"] == "application/json"
    [logged] = await settled(http, author, subscribed["id"])
    assert received.headers["webhook-id"] == f"msg_{logged['id']}"
    assert (logged["event"], logged["status"], logged["attempts"], logged["response_status"]) == (
        "recipe.liked",
        "delivered",
        1,
        200,
    )
    assert logged["delivered_at"] is not None and logged["error"] is None
    # The delivery log is the owner's alone.
    assert (await http.get(f"{HOOKS}/{subscribed['id']}/deliveries", headers=fan)).status_code == 404


async def test_comment_delete_and_password_events(hooks: tuple[Litestar, Client], receiver: Receiver) -> None:
    app, http = hooks
    author_id, author = await quick_user(app, "cook@example.com")
    _, guest = await quick_user(app, "guest@example.com")
    recipe = await insert_recipe(app, author_id, title="Stew")
    events = ["recipe.commented", "recipe.deleted", "account.password_changed"]
    hook = await create(http, author, receiver.url(), events)
    await http.post(f"/api/v1/recipes/{recipe}/comments", json={"body": "mine"}, headers=author)  # own: not sent
    commented = await http.post(f"/api/v1/recipes/{recipe}/comments", json={"body": "Yum"}, headers=guest)
    assert commented.status_code == 201
    await receiver.wait_for(1)
    assert (await http.delete(f"/api/v1/recipes/{recipe}", headers=author)).status_code == 204
    await receiver.wait_for(2)
    changed = await http.post(
        "/api/v1/me/password",
        json={"current_password": "correct horse battery", "new_password": "another horse battery staple"},
        headers=author,
    )
    assert changed.status_code == 200, changed.text
    received = await receiver.wait_for(3)
    bodies = [verify(hook["secret"], r) for r in received]
    assert [b["type"] for b in bodies] == ["recipe.commented", "recipe.deleted", "account.password_changed"]
    assert bodies[0]["data"]["comment_id"] == commented.json()["id"]
    assert bodies[1]["data"] == {"recipe_id": recipe, "title": "Stew"}
    assert bodies[2]["data"] == {"user_id": author_id}


async def test_a_failed_delivery_is_retried_with_the_same_id_and_logged(
    hooks: tuple[Litestar, Client], receiver: Receiver
) -> None:
    app, http = hooks
    _, user = await quick_user(app, "retry@example.com")
    hook = await create(http, user, receiver.url(), ["recipe.liked"])
    receiver.answers = [500]
    queued = await http.post(f"{HOOKS}/{hook['id']}/ping", headers=user)
    assert queued.status_code == 202
    first, second = await receiver.wait_for(2, timeout=20)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == f"msg_{queued.json()['delivery_id']}"
    assert first.body == second.body
    assert verify(hook["secret"], second)["type"] == "ping"
    [logged] = await settled(http, user, hook["id"])
    assert (logged["status"], logged["attempts"], logged["response_status"]) == ("delivered", 2, 200)


async def test_rotation_changes_the_signature(hooks: tuple[Litestar, Client], receiver: Receiver) -> None:
    app, http = hooks
    _, user = await quick_user(app, "rotate@example.com")
    hook = await create(http, user, receiver.url(), ["recipe.liked"])
    rotated = await http.post(f"{HOOKS}/{hook['id']}/rotate-secret", headers=user)
    assert rotated.status_code == 200
    secret = rotated.json()["secret"]
    assert secret != hook["secret"] and secret.startswith("whsec_")
    await http.post(f"{HOOKS}/{hook['id']}/ping", headers=user)
    [received] = await receiver.wait_for(1)
    verify(secret, received)
    with pytest.raises(AssertionError, match="bad signature"):
        verify(hook["secret"], received)
    # The secret is stored encrypted, not as it was shown.
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        stored = (await session.execute(select(WebhookEndpoint.secret_box))).scalar_one()
    assert secret.encode() not in stored and base64.b64decode(secret[6:]) not in stored


async def test_a_name_resolving_to_a_private_address_is_refused_at_delivery(
    hooks: tuple[Litestar, Client], settings: Settings, receiver: Receiver
) -> None:
    """Registered where private addresses are allowed, delivered by a worker where they are not: `localhost`
    resolves to loopback, the delivery is refused at once (not retried) and says why; nothing reaches the
    receiver."""
    app, http = hooks
    _, user = await quick_user(app, "ssrf@example.com")
    hook = await create(http, user, receiver.url(host="localhost"), ["recipe.liked"])
    strict = create_app(replace(settings, queue_name=f"{settings.queue_name}-strict"), hasher=FAST_HASHER)
    async with running(strict) as strict_http, saq_worker(strict):
        assert (await strict_http.post(f"{HOOKS}/{hook['id']}/ping", headers=user)).status_code == 202
        [logged] = await settled(strict_http, user, hook["id"])
    assert logged["status"] == "refused" and logged["attempts"] == 1
    assert "loopback" in logged["error"]
    # The kind of address, never the address: the log must not tell users what the server's resolver answers for
    # names (internal ones: `vault.corp` is 10.3.4.5).
    assert "127.0.0.1" not in logged["error"] and "::1" not in logged["error"], logged["error"]
    assert receiver.requests == []


async def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(
    hooks: tuple[Litestar, Client], receiver: Receiver
) -> None:
    """DNS pinning: the host is resolved once, checked, and the connection made to that address; the request
    still names the host (``Host``). ``localhost`` resolves to the receiver's 127.0.0.1."""
    from chopchop.lib.webhooks import post

    answer = await post(receiver.url(host="localhost"), b"{}", {}, timeout=5, allow_private=True)
    assert answer.status == 200 and answer.body == b"ok"
    assert receiver.requests[0].headers["host"] == f"localhost:{receiver.port}"

    # Of the checked addresses, the first that accepts: 127.0.0.2 refuses (the receiver is on 127.0.0.1 only).
    import ipaddress

    import httpcore

    from chopchop.lib.webhooks import _PinnedBackend

    refusing, listening = ipaddress.ip_address("127.0.0.2"), ipaddress.ip_address("127.0.0.1")
    stream = await _PinnedBackend([refusing, listening]).connect_tcp("never-resolved.invalid", receiver.port)
    assert stream.get_extra_info("server_addr")[0] == "127.0.0.1"
    await stream.aclose()
    with pytest.raises(httpcore.ConnectError):
        await _PinnedBackend([refusing]).connect_tcp("never-resolved.invalid", receiver.port)


async def test_account_deletion_removes_endpoints_and_drops_pending_deliveries(
    hooks: tuple[Litestar, Client], receiver: Receiver
) -> None:
    app, http = hooks
    author_id, author = await quick_user(app, "leaving@example.com")
    _, fan = await quick_user(app, "stays@example.com")
    recipe = await insert_recipe(app, author_id)
    await create(http, author, receiver.url(), ["recipe.liked"], active=True)
    receiver.answers = [503] * 10  # the receiver is down: the delivery waits for its retry
    await http.put(f"/api/v1/recipes/{recipe}/like", headers=fan)
    await receiver.wait_for(1)
    deleted = await http.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=author)
    assert deleted.status_code == 204, deleted.text
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        assert (await session.execute(select(func.count()).select_from(WebhookEndpoint))).scalar_one() == 0
    # The retry comes (after 2 s) and finds nothing to send: its outbox row ends, nothing reaches the receiver.
    for _ in range(200):
        async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
            rows = list((await session.execute(select(OutboxMessage.status))).scalars())
        if rows == ["sent"]:
            break
        await asyncio.sleep(0.05)
    assert rows == ["sent"]
    assert len(receiver.requests) == 1


async def test_a_410_disables_the_endpoint(hooks: tuple[Litestar, Client], receiver: Receiver) -> None:
    app, http = hooks
    _, user = await quick_user(app, "gone@example.com")
    hook = await create(http, user, receiver.url(), ["recipe.liked"])
    receiver.answers = [410]
    await http.post(f"{HOOKS}/{hook['id']}/ping", headers=user)
    [logged] = await settled(http, user, hook["id"])
    assert (logged["status"], logged["response_status"]) == ("refused", 410)
    assert (await http.get(f"{HOOKS}/{hook['id']}", headers=user)).json()["active"] is False


async def _serve(respond: Any) -> tuple[asyncio.Server, int]:
    """A one-off server on 127.0.0.1 whose connections ``respond(reader, writer)`` handles."""
    server = await asyncio.start_server(respond, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def test_an_attempt_is_bounded_in_time_size_and_never_follows_a_redirect(receiver: Receiver) -> None:
    from chopchop.lib.webhooks import MAX_RESPONSE_BYTES, post

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)  # accepts, never answers

    async def huge(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 10000000\r\n\r\n")
        for _ in range(1000):
            writer.write(b"x" * 10_000)
            await writer.drain()

    async def redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(f"HTTP/1.1 302 Found\r\nlocation: {receiver.url()}\r\ncontent-length: 0\r\n\r\n".encode())
        await writer.drain()

    loop = asyncio.get_running_loop()
    for respond in (hang, huge, redirect):
        server, port = await _serve(respond)
        started = loop.time()
        try:
            if respond is hang:
                with pytest.raises(TimeoutError):
                    await post(f"http://127.0.0.1:{port}/", b"{}", {}, timeout=1, allow_private=True)
                assert loop.time() - started < 2
            elif respond is huge:
                answer = await post(f"http://127.0.0.1:{port}/", b"{}", {}, timeout=5, allow_private=True)
                assert answer.status == 200 and len(answer.body) == MAX_RESPONSE_BYTES
            else:
                answer = await post(f"http://127.0.0.1:{port}/", b"{}", {}, timeout=5, allow_private=True)
                assert answer.status == 302 and not answer.delivered
                assert receiver.requests == []  # the redirect's target was never called
        finally:
            server.close()


async def test_concurrent_creations_never_pass_the_limit(hooks: tuple[Litestar, Client]) -> None:
    app, http = hooks
    _, user = await quick_user(app, "many@example.com")
    body = {"url": "https://example.com/hook", "events": ["recipe.liked"]}
    answers = await asyncio.gather(*(http.post(HOOKS, json=body, headers=user) for _ in range(16)))
    assert sorted(a.status_code for a in answers) == [201] * 10 + [409] * 6
    assert (await http.get(HOOKS, headers=user)).json()["total"] == 10


async def test_the_embedded_mode_delivers_too(tmp_path: Any, receiver: Receiver) -> None:
    """SQLite and the in-process queue: the same fan-out statement (ids made by SQLite) and the same task."""
    embedded = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hooks.sqlite3'}",
        data_dir=str(tmp_path / "var"),
        webhook_allow_private_addresses=True,
        log_level="WARNING",
    )
    app = create_app(embedded, hasher=FAST_HASHER)
    async with running(app) as http:
        author_id, author = await quick_user(app, "solo@example.com")
        fan_id, fan = await quick_user(app, "fan@example.com")
        recipe = await insert_recipe(app, author_id)
        hook = await create(http, author, receiver.url(), ["recipe.liked", "recipe.commented"])
        await create(http, author, receiver.url("/second"), ["recipe.liked"])
        assert (await http.put(f"/api/v1/recipes/{recipe}/like", headers=fan)).status_code == 200
        received = await receiver.wait_for(2)
        assert sorted(r.path for r in received) == ["/hook", "/second"]
        first = next(r for r in received if r.path == "/hook")
        assert verify(hook["secret"], first)["data"] == {"recipe_id": recipe, "user_id": fan_id}
        [logged] = await settled(http, author, hook["id"])
        assert logged["status"] == "delivered"


async def test_creations_and_pings_are_rate_limited(settings: Settings) -> None:
    limited = create_app(
        replace(settings, rate_webhooks="2/hour", queue_name=f"{settings.queue_name}-limited"), hasher=FAST_HASHER
    )
    async with running(limited) as http:
        _, user = await quick_user(limited, "limited@example.com")
        hook = await create(http, user, "https://example.com/hook", ["recipe.liked"])
        assert (await http.post(f"{HOOKS}/{hook['id']}/ping", headers=user)).status_code == 202
        refused = await http.post(f"{HOOKS}/{hook['id']}/ping", headers=user)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) > 0
        assert refused.headers["content-type"].startswith("application/problem+json")
        again = await http.post(HOOKS, json={"url": "https://example.com/2", "events": ["recipe.liked"]}, headers=user)
        assert again.status_code == 429


async def _age_delivery(app: Litestar, attempts: int) -> None:
    """Make the (only) delivery and its outbox row look as if they had failed ``attempts`` times already."""
    from sqlalchemy import update

    from chopchop.db import WebhookDelivery

    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        await session.execute(update(OutboxMessage).values(attempts=attempts))
        await session.execute(update(WebhookDelivery).values(attempts=attempts))
        await session.commit()


async def test_a_delivery_that_keeps_failing_ends_dead_and_one_for_a_disabled_endpoint_is_cancelled(
    hooks: tuple[Litestar, Client], receiver: Receiver
) -> None:
    app, http = hooks
    _, user = await quick_user(app, "failing@example.com")
    hook = await create(http, user, receiver.url(), ["recipe.liked"])
    receiver.answers = [500] * 20
    await http.post(f"{HOOKS}/{hook['id']}/ping", headers=user)
    await receiver.wait_for(1)
    for _ in range(200):  # the first attempt noted on both rows
        async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
            outbox_row = (await session.execute(select(OutboxMessage.status, OutboxMessage.last_error))).one()
        if outbox_row[0] == "pending" and outbox_row[1] is not None:
            break
        await asyncio.sleep(0.02)
    await _age_delivery(app, 7)  # the next attempt (in 2 s) is the outbox's 8th and last
    await receiver.wait_for(2, timeout=20)
    [logged] = await settled(http, user, hook["id"])
    assert (logged["status"], logged["attempts"], logged["response_status"]) == ("dead", 8, 500)
    assert logged["error"] == "the receiver answered HTTP 500"

    # An endpoint disabled while its delivery waits for a retry: the retry sends nothing.
    _, owner = await quick_user(app, "disabling@example.com")
    second = await create(http, owner, receiver.url("/second"), ["recipe.liked"])
    recipe = await insert_recipe(app, (await http.get("/api/v1/me", headers=owner)).json()["id"])
    await http.put(f"/api/v1/recipes/{recipe}/like", headers=user)
    await receiver.wait_for(3)
    assert (await http.patch(f"{HOOKS}/{second['id']}", json={"active": False}, headers=owner)).status_code == 200
    [cancelled] = await settled(http, owner, second["id"])
    assert cancelled["status"] == "cancelled"
    assert len(receiver.requests) == 3


async def test_a_secret_that_cannot_be_decrypted_is_refused_not_retried(
    hooks: tuple[Litestar, Client], settings: Settings, receiver: Receiver
) -> None:
    """The JWT secret changed (the secrets' key with it): the delivery says to rotate, and is not retried."""
    app, http = hooks
    user_id, user = await quick_user(app, "rekeyed@example.com")
    hook = await create(http, user, receiver.url(), ["recipe.liked"])
    rekeyed = create_app(
        replace(
            settings,
            jwt_secret="another-test-secret-long-enough-for-hs256-0123456789abcdefghijklmnopq",
            webhook_allow_private_addresses=True,
            queue_name=f"{settings.queue_name}-rekeyed",
        ),
        hasher=FAST_HASHER,
    )
    async with running(rekeyed) as rekeyed_http, saq_worker(rekeyed):
        plugin = rekeyed.plugins.get(ChopchopPlugin)
        token, _ = plugin.token_issuer.issue(UUID(user_id), 0)
        auth = {"Authorization": f"Bearer {token}"}
        assert (await rekeyed_http.post(f"{HOOKS}/{hook['id']}/ping", headers=auth)).status_code == 202
        [logged] = await settled(rekeyed_http, auth, hook["id"])
    assert logged["status"] == "refused" and "rotate" in logged["error"]
    assert receiver.requests == []


async def test_a_personal_access_token_cannot_manage_webhooks(hooks: tuple[Litestar, Client]) -> None:
    """An endpoint outlives the token that made it: a leaked script token must not register a URL that keeps
    receiving the account's events after the token is revoked, nor read or change the account's endpoints."""
    app, http = hooks
    _, login = await quick_user(app, "pat-hooks@example.com")
    made = await create(http, login, "https://example.com/mine", ["recipe.liked"])
    hook = f"{HOOKS}/{made['id']}"
    for scopes in (["read"], ["write"]):
        created = await http.post("/api/v1/me/tokens", json={"name": "script", "scopes": scopes}, headers=login)
        assert created.status_code == 201, created.text
        token = {"Authorization": f"Bearer {created.json()['token']}"}
        calls: list[tuple[str, str, dict[str, Any] | None]] = [
            ("POST", HOOKS, {"url": "https://attacker.example/steal", "events": ["recipe.liked"]}),
            ("GET", HOOKS, None),
            ("GET", hook, None),
            ("PATCH", hook, {"url": "https://attacker.example/steal"}),
            ("POST", f"{hook}/rotate-secret", None),
            ("POST", f"{hook}/ping", None),
            ("GET", f"{hook}/deliveries", None),
            ("DELETE", hook, None),
        ]
        for method, path, body in calls:
            response = await http.request(method, path, json=body, headers=token)
            assert response.status_code == 403, (scopes, method, path, response.status_code, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            assert 'scope="account"' in response.headers["WWW-Authenticate"]
    listed = (await http.get(HOOKS, headers=login)).json()
    assert [item["url"] for item in listed["items"]] == ["https://example.com/mine"]
    assert (await http.get(hook, headers=login)).json() == {k: v for k, v in made.items() if k != "secret"}


async def test_answers_that_carry_a_secret_are_never_stored(hooks: tuple[Litestar, Client]) -> None:
    """The signing secret is shown once, by the creation and the rotation: no cache (a browser's, a proxy's) may
    keep a copy. Every answer to a write says `no-store` unless its handler says otherwise."""
    app, http = hooks
    _, login = await quick_user(app, "no-store@example.com")
    created = await http.post(HOOKS, json={"url": "https://example.com/s", "events": ["recipe.liked"]}, headers=login)
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    rotated = await http.post(f"{HOOKS}/{created.json()['id']}/rotate-secret", headers=login)
    assert rotated.status_code == 200 and rotated.json()["secret"].startswith("whsec_")
    assert rotated.headers["cache-control"] == "no-store"
    pinged = await http.post(f"{HOOKS}/{created.json()['id']}/ping", headers=login)
    assert pinged.status_code == 202 and pinged.headers["cache-control"] == "no-store"


async def test_receivers_that_never_answer_do_not_stall_the_emails(settings: Settings, mailbox: Mailbox) -> None:
    """Webhook attempts share the worker's job slots with the emails: endpoints pointed at a receiver that accepts
    connections and never answers hold a slot for the whole attempt timeout each. They get at most half of the
    slots, so a password reset asked for meanwhile is sent at once, not after the hanging attempts."""
    connections: list[asyncio.StreamWriter] = []

    async def tarpit(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)  # read nothing, answer nothing

    server = await asyncio.start_server(tarpit, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    own = replace(
        settings,
        webhook_allow_private_addresses=True,
        webhook_timeout_seconds=3.0,
        worker_concurrency=2,
        queue_name=f"{settings.queue_name}-tarpit",
    )
    app = create_app(own, hasher=FAST_HASHER)
    try:
        async with running(app) as http, saq_worker(app):
            _, user = await quick_user(app, "tarpit@example.com")
            for n in range(6):
                hook = await create(http, user, f"http://127.0.0.1:{port}/t{n}", ["recipe.liked"])
                assert (await http.post(f"{HOOKS}/{hook['id']}/ping", headers=user)).status_code == 202
            for _ in range(100):  # the attempts have started and hang
                if connections:
                    break
                await asyncio.sleep(0.02)
            asked = asyncio.get_running_loop().time()
            forgot = await http.post("/api/v1/auth/forgot-password", json={"email": "tarpit@example.com"})
            assert forgot.status_code == 202
            await mailbox.wait_for("tarpit@example.com", "reset", timeout=2.5)
            assert asyncio.get_running_loop().time() - asked < 2.5
            # The hanging attempts are not lost: each ends as a failed attempt, in the log, to be retried.
            first = (await http.get(HOOKS, headers=user)).json()["items"][0]
            for _ in range(100):
                log = await deliveries(http, user, first["id"])
                if log and log[0]["attempts"] >= 1:
                    break
                await asyncio.sleep(0.1)
            assert log[0]["status"] == "retrying" and "Timeout" in (log[0]["error"] or ""), log
    finally:
        for writer in connections:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_rating_and_a_change_of_stars_are_told_to_the_author(
    hooks: tuple[Litestar, Client], receiver: Receiver
) -> None:
    app, http = hooks
    author_id, author = await quick_user(app, "author@example.com")
    fan_id, fan = await quick_user(app, "fan@example.com")
    recipe = await insert_recipe(app, author_id)
    hook = await create(http, author, receiver.url("/rated"), ["recipe.rated"])
    await create(http, fan, receiver.url("/fan"), ["recipe.rated"])  # the rater's own: not told of their rating
    url = f"/api/v1/recipes/{recipe}/rating"

    assert (await http.put(url, json={"stars": 4}, headers=fan)).status_code == 201
    assert (await http.put(url, json={"stars": 4}, headers=fan)).status_code == 200  # the same stars: no event
    assert (await http.put(url, json={"stars": 2}, headers=fan)).status_code == 200
    assert (await http.delete(url, headers=fan)).status_code == 204  # taking it back is not an event

    first, second = await receiver.wait_for(2)
    await asyncio.sleep(1.0)  # nothing else comes
    assert len(receiver.requests) == 2
    assert {first.path, second.path} == {"/rated"}
    stars = []
    for received in (first, second):
        event = verify(hook["secret"], received)
        assert event["type"] == "recipe.rated"
        assert {key: value for key, value in event["data"].items() if key != "stars"} == {
            "recipe_id": recipe,
            "user_id": fan_id,
        }
        stars.append(event["data"]["stars"])
    assert sorted(stars) == [2, 4]
