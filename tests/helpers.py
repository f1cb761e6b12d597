"""Test helpers: a mailbox behind a real SMTP server, and the account journey steps tests share."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast
from urllib.parse import unquote

import httpx
from aiosmtpd.controller import Controller
from litestar import Litestar
from sqlalchemy import event

from chopchop.lib.passwords import PasswordHasher

TOKEN_IN_LINK = re.compile(r"[?&]token=([A-Za-z0-9_%-]+)")


# argon2id at its cheapest, for the tests' apps: ~0.03 ms instead of ~40-90 ms a hash (the settings refuse this
# below OWASP's minimum; only code can pass it). The timing tests use the real cost (test_enumeration.py).
FAST_HASHER = PasswordHasher(time_cost=1, memory_kib=8, parallelism=1)


@dataclass
class Mailbox:
    """Every message the test SMTP server accepted, in arrival order."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd API
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        """Mailboxes named `nosuchuser...` do not exist (550, permanent); `busy...` ones are full for now (452)."""
        if address.startswith("nosuchuser"):
            return "550 5.1.1 No such user here"
        if address.startswith("busy"):
            return "452 4.2.2 Mailbox full, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    async def wait_for(self, address: str, subject: str, timeout: float = 15.0) -> EmailMessage:
        """The first message to ``address`` whose subject contains ``subject``, waiting for it to arrive."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for message in self.to(address):
                if subject.lower() in str(message["Subject"]).lower():
                    return message
            if asyncio.get_running_loop().time() > deadline:
                subjects = [str(m["Subject"]) for m in self.to(address)]
                msg = f"no email {subject!r} to {address} within {timeout}s (got {subjects})"
                raise AssertionError(msg)
            await asyncio.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_smtp_server(mailbox: Mailbox, port: int | None = None) -> Controller:
    controller = Controller(mailbox, hostname="127.0.0.1", port=port or _free_port())
    controller.start()
    return controller


def text_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def token_from(message: EmailMessage) -> str:
    """The token of the link in the email's plain-text part."""
    found = TOKEN_IN_LINK.search(text_part(message))
    assert found, f"no link with a token in: {text_part(message)}"
    return unquote(found.group(1))


Client = httpx.AsyncClient


def asgi_client(app: Litestar, base_url: str = "http://testserver.local") -> httpx.AsyncClient:
    """An HTTP client that calls the ASGI app directly, in the caller's event loop."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=cast("Any", app)), base_url=base_url)


async def register(client: Client, email: str, password: str = "correct horse battery", name: str = "Cook") -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": email, "password": password, "display_name": name}
    )
    assert response.status_code == 202, response.text


async def register_confirmed(
    client: Client, mailbox: Mailbox, email: str, password: str = "correct horse battery", name: str = "Cook"
) -> dict[str, str]:
    """Register, follow the confirmation email, log in: the Authorization header of the new user."""
    await register(client, email, password, name)
    message = await mailbox.wait_for(email, "confirm")
    await confirm(client, token_from(message), password)
    return await login(client, email, password)


async def confirm(client: Client, token: str, password: str = "correct horse battery") -> dict[str, Any]:
    """Confirm a registration with its link's token and the password it was made with: the account."""
    confirmed = await client.post("/api/v1/auth/confirm", json={"token": token, "password": password})
    assert confirmed.status_code == 200, confirmed.text
    return cast("dict[str, Any]", confirmed.json())


async def login(client: Client, email: str, password: str = "correct horse battery") -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def quick_user(app: Litestar, email: str, name: str = "Cook") -> tuple[str, dict[str, str]]:
    """A confirmed user made directly through the service (no email round trip) and its auth header."""
    from chopchop.domain.accounts.services import UserService
    from chopchop.server import ChopchopPlugin

    plugin = app.plugins.get(ChopchopPlugin)
    async with plugin.db_config.get_session() as session:
        user = await UserService(session=session).create_confirmed(
            email=email, display_name=name, password="correct horse battery", hasher=plugin.hasher
        )
        await session.commit()
    token, _ = plugin.token_issuer.issue(user.id, user.token_version)
    return str(user.id), {"Authorization": f"Bearer {token}"}


@contextmanager
def _on_statement(app: Litestar, record: Any) -> Iterator[None]:
    """Call ``record(statement, parameters)`` for every SQL statement the app sends while the block runs."""
    from chopchop.server import ChopchopPlugin

    engine = app.plugins.get(ChopchopPlugin).db_config.get_engine().sync_engine

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        record(statement, parameters)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", listener)


@contextmanager
def sent_statements(app: Litestar) -> Iterator[list[tuple[str, Any]]]:
    """(SQL, parameters) of every statement the app sends while the block runs."""
    sent: list[tuple[str, Any]] = []
    with _on_statement(app, lambda sql, parameters: sent.append((sql, tuple(parameters or ())))):
        yield sent


@contextmanager
def count_statements(app: Litestar) -> Iterator[list[str]]:
    """Every SQL statement the app sends while the block runs (a cache hit sends none)."""
    statements: list[str] = []
    with _on_statement(app, lambda sql, _parameters: statements.append(sql)):
        yield statements


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """The app started (lifespan) and an HTTP client for it; usable from pytest fixtures.

    The lifespan runs in a task of its own: anyio's cancel scopes inside it must be left by the task
    that entered them, and pytest-asyncio may tear a fixture down in another task than set it up.
    """
    started, stopping = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stopping.wait()

    lifespan = asyncio.create_task(run_lifespan())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait([lifespan, waiter], return_when=asyncio.FIRST_COMPLETED)
    if lifespan.done():
        waiter.cancel()
        lifespan.result()
    try:
        async with asgi_client(app) as http:
            yield http
    finally:
        stopping.set()
        await lifespan


async def insert_recipe(app: Litestar, author_id: str, *, title: str = "Soup", like_count: int = 0) -> str:
    """A recipe row straight in the database (for tests about what hangs off recipes, not about writing them)."""
    from uuid import UUID

    from chopchop.db import Recipe
    from chopchop.server import ChopchopPlugin

    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        recipe = Recipe(
            author_id=UUID(author_id),
            title=title,
            description="",
            complexity="easy",
            servings=2,
            prep_minutes=5,
            cook_minutes=10,
            total_minutes=15,
            steps=["Cook."],
            search_text=title,
            like_count=like_count,
        )
        session.add(recipe)
        await session.commit()
        return str(recipe.id)


@asynccontextmanager
async def saq_worker(app: Litestar) -> AsyncIterator[None]:
    """A real SAQ worker of this app's queue, as `chopchop worker` runs it (with the app's own Redis client)."""
    from chopchop.server import ChopchopPlugin

    plugin = app.plugins.get(ChopchopPlugin)
    assert plugin.saq is not None
    worker = plugin.saq.get_workers()[plugin.settings.queue_name]
    worker.SIGNALS = []
    task = asyncio.create_task(worker.start())
    try:
        yield
    finally:
        # Idle workers block in a dequeue until cancelled: the 20 s given to running jobs would all be waited.
        worker._shutdown_grace_period_s = 1
        await worker.stop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def delete_keys(*patterns: str) -> None:
    """Delete the test Redis's keys that match any of ``patterns`` (what a run or a test left behind)."""
    from redis.asyncio import Redis

    from tests.conftest import REDIS_URL

    redis = Redis.from_url(REDIS_URL)
    try:
        keys = [key for pattern in patterns async for key in redis.scan_iter(match=pattern)]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()
