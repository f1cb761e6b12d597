"""Durable email: nothing the service decided to send is lost when Redis, SMTP or a worker fails."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import select, update

from chopchop.app import create_app
from chopchop.db import OutboxMessage, OutboxStatus
from chopchop.lib import outbox
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings
from tests.cache.test_cache import _free_port, _start_redis, _stop
from tests.factories import registration_payload
from tests.helpers import (
    Client,
    Mailbox,
    asgi_client,
    quick_user,
    register,
    saq_worker,
    start_smtp_server,
    token_from,
)

pytestmark = pytest.mark.integration


async def _rows(app: Litestar) -> list[OutboxMessage]:
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.created_at))).scalars())


async def _wait_all_sent(app: Litestar, timeout: float = 10.0) -> list[OutboxMessage]:
    """The mail server has the email a moment before the worker marks its row sent."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        rows = await _rows(app)
        if all(r.status == OutboxStatus.SENT.value for r in rows) or asyncio.get_running_loop().time() > deadline:
            return rows
        await asyncio.sleep(0.05)


async def test_emails_wait_in_the_outbox_while_redis_is_down(
    settings: Settings, mailbox: Mailbox, tmp_path: Path
) -> None:
    port = _free_port()
    own = replace(settings, redis_url=f"redis://127.0.0.1:{port}/0", queue_name=f"{settings.queue_name}-outage")
    app = create_app(own)
    async with app.lifespan(), asgi_client(app) as http:
        # No Redis at all: the registration still succeeds and its email is kept.
        body = registration_payload(email="patient@example.com")
        assert (await http.post("/api/v1/auth/register", json=body)).status_code == 202
        assert (await http.post("/api/v1/auth/forgot-password", json={"email": "x@example.com"})).status_code == 202
        rows = await _rows(app)
        assert [(r.task, r.status) for r in rows] == [
            ("send_confirmation_email", "pending"),
            ("send_password_reset", "pending"),
        ]

        server = _start_redis(port, tmp_path)
        try:
            await asyncio.sleep(1.1)  # the back-off after the failures
            async with saq_worker(app):
                # The periodic sweep (every minute in production) finds the waiting rows.
                await app.plugins.get(ChopchopPlugin).job_queue.enqueue("sweep_outbox", older_than_seconds=0)
                message = await mailbox.wait_for("patient@example.com", "confirm")
                assert {r.status for r in await _wait_all_sent(app)} == {"sent"}
            confirmed = await http.post(
                "/api/v1/auth/confirm", json={"token": token_from(message), "password": body["password"]}
            )
            assert confirmed.status_code == 200
            # One message per outbox row, with the row's stable Message-ID.
            assert message["Message-ID"] == outbox.message_id_for(rows[0].id)
        finally:
            _stop(server)


async def test_smtp_down_then_up_the_email_arrives(settings: Settings, app: Litestar) -> None:
    late_box = Mailbox()
    port = _free_port()
    own = replace(settings, smtp_port=port, queue_name=f"{settings.queue_name}-smtp")
    smtp_app = create_app(own)
    async with smtp_app.lifespan(), asgi_client(smtp_app) as http, saq_worker(smtp_app):
        body = registration_payload(email="late@example.com")
        assert (await http.post("/api/v1/auth/register", json=body)).status_code == 202
        # The first tries fail: nothing listens on the SMTP port. The row keeps the error and waits.
        for _ in range(100):
            failed = await _rows(smtp_app)
            if failed[0].last_error:
                break
            await asyncio.sleep(0.05)
        assert failed[0].status in {"pending", "sending"}
        assert failed[0].attempts >= 1
        assert "SMTP" in (failed[0].last_error or "")

        late_box.port = port
        controller = start_smtp_server(late_box, port=port)
        try:
            message = await late_box.wait_for("late@example.com", "confirm", timeout=20)
        finally:
            controller.stop()
    assert token_from(message)
    assert [r.status for r in await _wait_all_sent(app)] == ["sent"]


async def test_a_message_that_keeps_failing_ends_dead_and_visible(settings: Settings, app: Litestar) -> None:
    own = replace(settings, smtp_port=_free_port(), queue_name=f"{settings.queue_name}-dead")
    dead_app = create_app(own)
    plugin = dead_app.plugins.get(ChopchopPlugin)
    async with dead_app.lifespan(), asgi_client(dead_app) as http:
        body = registration_payload(email="bounce@example.com")
        assert (await http.post("/api/v1/auth/register", json=body)).status_code == 202
        async with plugin.db_config.get_session() as session:
            await session.execute(update(OutboxMessage).values(attempts=outbox.MAX_ATTEMPTS - 1))
            await session.commit()
        row = (await _rows(dead_app))[0]
        deliver = outbox.make_deliver(lambda: {"send_confirmation_email": _failing})
        assert await deliver(plugin.job_context, outbox_id=str(row.id)) == "dead"
        dead = (await _rows(dead_app))[0]
        assert (dead.status, dead.attempts) == (OutboxStatus.DEAD.value, outbox.MAX_ATTEMPTS)
        assert "SMTP refused" in (dead.last_error or "")
        async with plugin.db_config.get_session() as session:
            assert await outbox.backlog(session) == {"dead": 1}
        # Dead messages are not swept back onto the queue.
        assert await outbox.sweep_outbox(plugin.job_context, older_than_seconds=0) == 0


async def _failing(ctx: object, **kwargs: object) -> None:
    raise ConnectionRefusedError("SMTP refused")


async def test_a_worker_killed_mid_job_does_not_lose_the_email(app: Litestar, mailbox: Mailbox, client: object) -> None:
    plugin = app.plugins.get(ChopchopPlugin)
    async with plugin.db_config.get_session() as session:
        message = outbox.record(session, "send_password_reset", email="nobody@example.com")
        await session.commit()
    await quick_user(app, "nobody@example.com")
    # A worker claimed it, then died: the row is 'sending' with a lease that has run out.
    async with plugin.db_config.get_session() as session:
        stale = datetime.now(UTC) - outbox.LEASE - timedelta(seconds=1)
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message.id).values(status="sending", claimed_at=stale)
        )
        await session.commit()
    assert await outbox.sweep_outbox(plugin.job_context, older_than_seconds=0) == 1
    arrived = await mailbox.wait_for("nobody@example.com", "reset")
    assert arrived["Message-ID"] == outbox.message_id_for(message.id)
    assert [r.status for r in await _wait_all_sent(app)] == ["sent"]


class SlowMailbox(Mailbox):
    """An SMTP server that takes its time over DATA (while `slow` is set): a worker can be killed mid-send."""

    slow: bool = True

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        if self.slow:
            await asyncio.sleep(30)
        return await super().handle_DATA(server, session, envelope)


def _worker_process(settings: Settings) -> subprocess.Popen[bytes]:
    """`chopchop worker` as its own OS process, configured like a deployment would configure it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHOPCHOP_")} | {
        "CHOPCHOP_DATABASE_URL": settings.database_url,
        "CHOPCHOP_REDIS_URL": settings.redis_url or "",
        "CHOPCHOP_REDIS_KEY_PREFIX": settings.redis_key_prefix,
        "CHOPCHOP_QUEUE_NAME": settings.queue_name,
        "CHOPCHOP_JWT_SECRET": settings.jwt_secret,
        "CHOPCHOP_SMTP_HOST": settings.smtp_host or "",
        "CHOPCHOP_SMTP_PORT": str(settings.smtp_port),
        "CHOPCHOP_OUTBOX_LEASE_SECONDS": str(settings.outbox_lease_seconds),
        "CHOPCHOP_LOG_LEVEL": "WARNING",
    }
    chopchop = str(Path(sys.executable).with_name("chopchop"))
    return subprocess.Popen(  # noqa: S603 - our own console script
        [chopchop, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


async def test_a_worker_process_killed_mid_send_loses_nothing(settings: Settings, app: Litestar) -> None:
    box = SlowMailbox()
    box.port = _free_port()
    controller = start_smtp_server(box, port=box.port)
    own = replace(settings, smtp_port=box.port, queue_name=f"{settings.queue_name}-kill", outbox_lease_seconds=2)
    killed_app = create_app(own)
    first = _worker_process(own)
    try:
        async with killed_app.lifespan(), asgi_client(killed_app) as http:
            body = registration_payload(email="survivor@example.com")
            assert (await http.post("/api/v1/auth/register", json=body)).status_code == 202
            # Wait until the worker process has claimed the email and sits in the SMTP conversation ...
            for _ in range(1800):  # the worker process needs a few seconds to start, more on a busy machine
                rows = await _rows(killed_app)
                if rows and rows[0].status == OutboxStatus.SENDING.value:
                    break
                await asyncio.sleep(0.05)
            assert rows[0].status == OutboxStatus.SENDING.value, "the worker never picked the email up"
            await asyncio.sleep(0.3)
            first.kill()  # ... and kill it there, as the OOM killer or a node failure would.
            first.wait(timeout=10)
            box.slow = False

            # Another worker takes over once the lease ran out; the sweep (every minute) finds the row.
            await asyncio.sleep(2.1)
            async with saq_worker(killed_app):
                await killed_app.plugins.get(ChopchopPlugin).job_queue.enqueue("sweep_outbox", older_than_seconds=0)
                message = await box.wait_for("survivor@example.com", "confirm", timeout=20)
                rows = await _wait_all_sent(killed_app)
        assert [r.status for r in rows] == ["sent"]
        assert rows[0].attempts == 2
        assert message["Message-ID"] == outbox.message_id_for(rows[0].id)
    finally:
        if first.poll() is None:
            first.kill()
        controller.stop()


async def test_cron_purges_old_sent_messages_and_spent_tokens(app: Litestar, client: Client, mailbox: Mailbox) -> None:
    from chopchop.db import PendingRegistration, UserToken
    from chopchop.domain.accounts.jobs import purge_expired_tokens
    from chopchop.server.jobs import CRON_JOBS

    plugin = app.plugins.get(ChopchopPlugin)
    scheduled = {job.function.__name__ for job in CRON_JOBS}  # type: ignore[union-attr]
    assert {"sweep_outbox", "purge_outbox", "purge_expired_tokens"} <= scheduled

    await quick_user(app, "reset@example.com")
    await client.post("/api/v1/auth/forgot-password", json={"email": "reset@example.com"})
    await register(client, "purge@example.com")
    await mailbox.wait_for("purge@example.com", "confirm")
    await mailbox.wait_for("reset@example.com", "reset")
    await _wait_all_sent(app)
    long_ago = datetime.now(UTC) - timedelta(days=8)
    async with plugin.db_config.get_session() as session:
        await session.execute(update(OutboxMessage).values(sent_at=long_ago))
        await session.execute(update(UserToken).values(expires_at=long_ago))
        await session.execute(update(PendingRegistration).values(expires_at=long_ago))
        fresh = outbox.record(session, "send_password_reset", email="nobody@example.com")
        await session.commit()

    assert await outbox.purge_outbox(plugin.job_context) == 2
    # The expired reset link and the registration whose link expired.
    assert await purge_expired_tokens(plugin.job_context) == 2
    remaining = await _rows(app)
    assert [r.id for r in remaining] == [fresh.id]  # only the unsent message is kept
    async with plugin.db_config.get_session() as session:
        assert (await session.execute(select(UserToken))).scalars().all() == []
        assert (await session.execute(select(PendingRegistration))).scalars().all() == []


async def test_a_recipient_refused_for_good_is_dead_at_once_and_a_full_mailbox_is_retried(
    app: Litestar, client: Client
) -> None:
    for email in ("nosuchuser@example.com", "busy@example.com"):
        body = registration_payload(email=email)
        assert (await client.post("/api/v1/auth/register", json=body)).status_code == 202
    deadline = asyncio.get_running_loop().time() + 20
    while True:
        rows = {row.payload.get("registration_id"): row for row in await _rows(app)}
        states = sorted((row.status, row.attempts) for row in rows.values())
        if states and states[0] == ("dead", 1) and any(row.attempts >= 2 for row in rows.values()):
            break
        assert asyncio.get_running_loop().time() < deadline, states
        await asyncio.sleep(0.2)
    dead = [row for row in rows.values() if row.status == "dead"]
    assert len(dead) == 1
    assert (dead[0].last_error or "").startswith("undeliverable")


async def test_a_failed_email_is_retried_on_the_outbox_schedule_only(settings: Settings) -> None:
    """One retry policy: each failed attempt is counted on the row and the next one comes after
    ``outbox.retry_delay`` (2 s, then 4 s, ...), queued by the outbox; the queue never retries a job by itself."""
    own = replace(settings, smtp_port=_free_port(), queue_name=f"{settings.queue_name}-policy")
    policy_app = create_app(own)
    loop = asyncio.get_running_loop()
    async with policy_app.lifespan(), asgi_client(policy_app) as http, saq_worker(policy_app):
        body = registration_payload(email="retried@example.com")
        assert (await http.post("/api/v1/auth/register", json=body)).status_code == 202

        async def attempts_reach(count: int, within: float) -> float:
            """When the row is back to pending after its ``count``-th failed attempt."""
            deadline = loop.time() + within
            while True:
                row = (await _rows(policy_app))[0]
                if row.attempts >= count and row.status == OutboxStatus.PENDING.value and row.last_error:
                    return loop.time()
                assert loop.time() < deadline, (row.status, row.attempts)
                await asyncio.sleep(0.05)

        first = await attempts_reach(1, 10)
        second = await attempts_reach(2, 10)
        assert second - first >= outbox.retry_delay(1).total_seconds() - 0.3  # less the polling of this test
        row = (await _rows(policy_app))[0]
        assert (row.status, row.attempts) == (OutboxStatus.PENDING.value, 2)
        assert "SMTP" in (row.last_error or "")
        # The next attempt waits 4 s: nothing retries in between.
        await asyncio.sleep(outbox.retry_delay(2).total_seconds() - 1.5)
        assert (await _rows(policy_app))[0].attempts == 2
        # A failed attempt ends its job normally (the queue has nothing to retry) and queues the next one itself.
        plugin = policy_app.plugins.get(ChopchopPlugin)
        deliver = outbox.make_deliver(lambda: {"send_confirmation_email": _failing})
        assert await deliver(plugin.job_context, outbox_id=str(row.id)) == "retry"
        assert (await _rows(policy_app))[0].attempts == 3
    assert [outbox.retry_delay(n).total_seconds() for n in range(9)] == [0, 2, 4, 8, 16, 32, 64, 128, 256]
    assert outbox.retry_delay(20) == outbox.RETRY_LONGEST
