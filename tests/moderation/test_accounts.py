"""Roles (granted from the command line and by admins, checked from the database on every request) and suspensions
(no login, every token dead at once)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import func, select, update

from chopchop.app import create_app
from chopchop.db import Role, User, not_suspended
from chopchop.lib.passwords import PasswordHasher
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings
from tests.helpers import quick_user, running
from tests.moderation.steps import (
    PASSWORD,
    audit,
    bearer,
    create_recipe,
    login,
    problem_type,
    user_with_role,
)

pytestmark = pytest.mark.integration

CHOPCHOP = str(Path(sys.executable).with_name("chopchop"))


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CHOPCHOP_", "LITESTAR_"))} | {
        "CHOPCHOP_DATABASE_URL": settings.database_url,
        "CHOPCHOP_REDIS_URL": settings.redis_url or "",
        "CHOPCHOP_JWT_SECRET": settings.jwt_secret or "",
        "CHOPCHOP_ALLOW_FILE_MAILER": "true",
        "CHOPCHOP_AUTO_MIGRATE": "false",
    }
    return subprocess.run(  # noqa: S603 - our own console script
        [CHOPCHOP, "users", *args], capture_output=True, text=True, timeout=60, env=environment, check=False
    )


async def test_roles_from_the_command_line_and_from_admins(
    app: Litestar, client: httpx.AsyncClient, settings: Settings
) -> None:
    first_id, first = await quick_user(app, "first@example.com", "First")
    second_id, _ = await quick_user(app, "second@example.com", "Second")
    assert (await client.get("/api/v1/me", headers=first)).json()["role"] == "user"
    assert (await client.get("/api/v1/admin/audit-log", headers=first)).status_code == 403

    made = await asyncio.to_thread(_cli, settings, "set-role", "first@example.com", "admin")
    assert made.returncode == 0, made.stderr
    assert "user -> admin" in made.stdout

    # The same token: the role is read from the database on every request.
    assert (await client.get("/api/v1/me", headers=first)).json()["role"] == "admin"
    granted = await client.put(f"/api/v1/admin/users/{second_id}/role", json={"role": "moderator"}, headers=first)
    assert granted.status_code == 200, granted.text
    assert granted.json()["role"] == "moderator"
    invalid = await client.put(f"/api/v1/admin/users/{second_id}/role", json={"role": "root"}, headers=first)
    assert invalid.status_code == 400
    missing = await client.put(
        "/api/v1/admin/users/00000000-0000-7000-8000-000000000000/role", json={"role": "admin"}, headers=first
    )
    assert missing.status_code == 404

    entries = await audit(client, first, action="role_changed")
    assert [(e["actor_label"], e["actor_id"], e["target_id"], e["before"], e["after"]) for e in entries] == [
        ("first@example.com", first_id, second_id, {"role": "user"}, {"role": "moderator"}),
        ("cli", None, first_id, {"role": "user"}, {"role": "admin"}),
    ]

    # The last admin cannot be demoted, not even by themselves.
    last = await client.put(f"/api/v1/admin/users/{first_id}/role", json={"role": "user"}, headers=first)
    assert last.status_code == 409
    assert problem_type(last) == "last-admin"
    demoted = await asyncio.to_thread(_cli, settings, "set-role", "first@example.com", "user")
    assert demoted.returncode != 0
    assert "last admin" in demoted.stderr
    assert "Traceback" not in demoted.stderr


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(app: Litestar, client: httpx.AsyncClient) -> None:
    a_id, a = await user_with_role(app, "a@example.com", Role.ADMIN, "A")
    b_id, b = await user_with_role(app, "b@example.com", Role.ADMIN, "B")
    answers = await asyncio.gather(
        client.put(f"/api/v1/admin/users/{b_id}/role", json={"role": "user"}, headers=a),
        client.put(f"/api/v1/admin/users/{a_id}/role", json={"role": "user"}, headers=b),
    )
    assert sorted(r.status_code for r in answers) in ([200, 403], [200, 409]), [r.text for r in answers]
    roles = [(await client.get("/api/v1/me", headers=auth)).json()["role"] for auth in (a, b)]
    assert sorted(roles) == ["admin", "user"]


async def test_the_last_admin_cannot_delete_their_account(app: Litestar, client: httpx.AsyncClient) -> None:
    """Two admins deleting their accounts at once: one goes, the other is told to make another admin first."""
    body = {"password": PASSWORD}
    _, a = await user_with_role(app, "a@example.com", Role.ADMIN, "A")
    _, b = await user_with_role(app, "b@example.com", Role.ADMIN, "B")
    answers = await asyncio.gather(*(client.request("DELETE", "/api/v1/me", json=body, headers=h) for h in (a, b)))
    assert sorted(r.status_code for r in answers) == [204, 409], [r.text for r in answers]
    refused = next(r for r in answers if r.status_code == 409)
    assert problem_type(refused) == "last-admin"
    assert refused.headers["content-type"] == "application/problem+json"
    stayed = a if answers[0].status_code == 409 else b
    assert (await client.get("/api/v1/me", headers=stayed)).json()["role"] == "admin"

    # Once another account is admin, the last one may go; a moderator or a user never needed to ask.
    other_id, _ = await quick_user(app, "c@example.com", "C")
    promoted = await client.put(f"/api/v1/admin/users/{other_id}/role", json={"role": "admin"}, headers=stayed)
    assert promoted.status_code == 200, promoted.text
    assert (await client.request("DELETE", "/api/v1/me", json=body, headers=stayed)).status_code == 204
    _, moderator = await user_with_role(app, "m@example.com", Role.MODERATOR)
    assert (await client.request("DELETE", "/api/v1/me", json=body, headers=moderator)).status_code == 204


async def _active_admins(app: Litestar) -> int:
    plugin = app.plugins.get(ChopchopPlugin)
    async with plugin.db_config.get_session() as session:
        count = await session.scalar(
            select(func.count()).where(User.role == Role.ADMIN.value, not_suspended(datetime.now(UTC)))
        )
    return int(count or 0)


async def test_an_account_promoted_while_it_is_being_deleted_does_not_take_the_last_admin_along(
    settings: Settings,
) -> None:
    """The deletion checks the password (a real argon2 hash: tens of milliseconds); meanwhile the only admin promotes
    the leaving account and demotes themselves. The account's role is read again under its lock: whichever order the
    server takes them in, one admin remains."""
    app = create_app(settings, hasher=PasswordHasher(time_cost=3, memory_kib=65536, parallelism=1))
    async with running(app) as client:
        for round_ in range(3):
            leaver_id, leaver = await quick_user(app, f"leaver{round_}@example.com", "Leaver")
            _, admin = await user_with_role(app, f"admin{round_}@example.com", Role.ADMIN, "Admin")
            body = {"password": PASSWORD}
            deleting = asyncio.create_task(client.request("DELETE", "/api/v1/me", json=body, headers=leaver))
            await asyncio.sleep(0.005)
            promoted = await client.put(f"/api/v1/admin/users/{leaver_id}/role", json={"role": "admin"}, headers=admin)
            me = (await client.get("/api/v1/me", headers=admin)).json()["id"]
            demoted = await client.put(f"/api/v1/admin/users/{me}/role", json={"role": "user"}, headers=admin)
            deleted = await deleting
            assert deleted.status_code in {204, 409}, deleted.text
            assert promoted.status_code in {200, 404}, promoted.text
            assert demoted.status_code in {200, 409}, demoted.text
            assert await _active_admins(app) == 1, (
                round_,
                deleted.status_code,
                promoted.status_code,
                demoted.status_code,
            )
            # The next round starts with no admin of its own.
            async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
                await session.execute(update(User).values(role=Role.USER.value))
                await session.commit()


async def test_two_admins_suspending_each_other_or_one_demoting_the_other_leave_an_admin_who_can_act(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    """The admins' lock comes first: the second of two crossing actions finds its actor suspended or demoted and is
    refused (403), never a deadlock (503) and never a state where the only admin is suspended."""
    for round_ in range(3):
        a_id, a = await user_with_role(app, f"a{round_}@example.com", Role.ADMIN, "A")
        b_id, b = await user_with_role(app, f"b{round_}@example.com", Role.ADMIN, "B")
        crossing = await asyncio.gather(
            client.put(f"/api/v1/moderation/users/{b_id}/suspension", json={"reason": "Rogue."}, headers=a),
            client.put(f"/api/v1/moderation/users/{a_id}/suspension", json={"reason": "Rogue."}, headers=b),
        )
        assert sorted(r.status_code for r in crossing) == [200, 403], [r.text for r in crossing]
        assert await _active_admins(app) == 1

        c_id, c = await user_with_role(app, f"c{round_}@example.com", Role.ADMIN, "C")
        survivor = a if crossing[0].status_code == 200 else b
        survivor_id = a_id if survivor is a else b_id
        mixed = await asyncio.gather(
            client.put(f"/api/v1/admin/users/{c_id}/role", json={"role": "user"}, headers=survivor),
            client.put(f"/api/v1/moderation/users/{survivor_id}/suspension", json={"reason": "Rogue."}, headers=c),
        )
        assert sorted(r.status_code for r in mixed) == [200, 403], [r.text for r in mixed]
        assert await _active_admins(app) == 1
        async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
            await session.execute(update(User).values(role=Role.USER.value))
            await session.commit()


async def test_a_demotion_takes_effect_on_the_next_request(app: Litestar, client: httpx.AsyncClient) -> None:
    _, author = await quick_user(app, "author@example.com", "Author")
    mod_id, moderator = await user_with_role(app, "mod@example.com", Role.MODERATOR)
    _, admin = await user_with_role(app, "admin@example.com", Role.ADMIN, "Admin")
    recipe_id = await create_recipe(client, author, "Zabaglione")
    path = f"/api/v1/moderation/recipes/{recipe_id}/hidden"
    assert (await client.put(path, json={"reason": "Spam"}, headers=moderator)).status_code == 200
    await client.put(f"/api/v1/admin/users/{mod_id}/role", json={"role": "user"}, headers=admin)
    refused = await client.delete(path, headers=moderator)
    assert refused.status_code == 403
    assert problem_type(refused) == "insufficient-role"


async def test_a_personal_access_token_cannot_moderate(app: Litestar, client: httpx.AsyncClient) -> None:
    _, author = await quick_user(app, "author@example.com", "Author")
    _, moderator = await user_with_role(app, "mod@example.com", Role.MODERATOR)
    recipe_id = await create_recipe(client, author, "Zabaglione")
    created = await client.post("/api/v1/me/tokens", json={"name": "script", "scopes": ["write"]}, headers=moderator)
    assert created.status_code == 201, created.text
    pat = bearer(created.json()["token"])
    refused = await client.put(f"/api/v1/moderation/recipes/{recipe_id}/hidden", json={"reason": "x"}, headers=pat)
    assert refused.status_code == 403
    assert problem_type(refused) == "insufficient-scope"
    # It can still report, as any user can.
    report = {"target_type": "recipe", "target_id": recipe_id, "reason": "spam"}
    assert (await client.post("/api/v1/reports", json=report, headers=pat)).status_code == 201


async def test_a_suspension_ends_the_login_and_every_token_at_once(app: Litestar, client: httpx.AsyncClient) -> None:
    target_id, _ = await quick_user(app, "target@example.com", "Target")
    _, moderator = await user_with_role(app, "mod@example.com", Role.MODERATOR)
    _, admin = await user_with_role(app, "admin@example.com", Role.ADMIN, "Admin")
    signed_in = await login(client, "target@example.com")
    access = bearer(signed_in["access_token"])
    created = await client.post("/api/v1/me/tokens", json={"name": "script", "scopes": ["write"]}, headers=access)
    pat = bearer(created.json()["token"])
    for auth in (access, pat):
        assert (await client.get("/api/v1/me", headers=auth)).status_code == 200

    suspended = await client.put(
        f"/api/v1/moderation/users/{target_id}/suspension", json={"reason": "Spamming comments."}, headers=moderator
    )
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["suspended"] is True
    assert suspended.json()["suspension_reason"] == "Spamming comments."

    for auth in (access, pat):
        assert (await client.get("/api/v1/me", headers=auth)).status_code == 401
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": signed_in["refresh_token"]})
    assert refreshed.status_code == 401
    # Only the right password learns of the suspension; a wrong one gets what an unknown address gets.
    right = await client.post(
        "/api/v1/auth/login", json={"email": "target@example.com", "password": "correct horse battery"}
    )
    assert right.status_code == 403
    assert problem_type(right) == "account-suspended"
    wrong = await client.post("/api/v1/auth/login", json={"email": "target@example.com", "password": "wrong pass 1"})
    unknown = await client.post("/api/v1/auth/login", json={"email": "nobody@example.com", "password": "wrong pass 1"})
    assert (
        (wrong.status_code, problem_type(wrong))
        == (unknown.status_code, problem_type(unknown))
        == (
            401,
            "invalid-credentials",
        )
    )

    lifted = await client.delete(f"/api/v1/moderation/users/{target_id}/suspension", headers=moderator)
    assert lifted.status_code == 200
    assert lifted.json()["suspended"] is False
    # What was revoked stays revoked; a new login works.
    for auth in (access, pat):
        assert (await client.get("/api/v1/me", headers=auth)).status_code == 401
    fresh = await login(client, "target@example.com")
    assert (await client.get("/api/v1/me", headers=bearer(fresh["access_token"]))).status_code == 200

    entries = await audit(client, admin, target=target_id)
    assert [(e["action"], e["reason"], e["after"]["suspended"]) for e in entries] == [
        ("user_unsuspended", None, False),
        ("user_suspended", "Spamming comments.", True),
    ]


async def test_who_may_suspend_whom(app: Litestar, client: httpx.AsyncClient) -> None:
    mod_id, moderator = await user_with_role(app, "mod@example.com", Role.MODERATOR)
    other_mod_id, _ = await user_with_role(app, "mod2@example.com", Role.MODERATOR, "Mod2")
    admin_id, admin = await user_with_role(app, "admin@example.com", Role.ADMIN, "Admin")
    user_id, _ = await quick_user(app, "user@example.com", "User")
    body = {"reason": "Because."}

    on_admin = await client.put(f"/api/v1/moderation/users/{admin_id}/suspension", json=body, headers=moderator)
    assert (on_admin.status_code, problem_type(on_admin)) == (403, "insufficient-role")
    on_self = await client.put(f"/api/v1/moderation/users/{mod_id}/suspension", json=body, headers=moderator)
    assert (on_self.status_code, problem_type(on_self)) == (403, "cannot-suspend-self")
    admin_self = await client.put(f"/api/v1/moderation/users/{admin_id}/suspension", json=body, headers=admin)
    assert (admin_self.status_code, problem_type(admin_self)) == (403, "cannot-suspend-self")
    past = await client.put(
        f"/api/v1/moderation/users/{user_id}/suspension",
        json={**body, "until": "2000-01-01T00:00:00Z"},
        headers=moderator,
    )
    assert (past.status_code, problem_type(past)) == (400, "invalid-suspension")
    naive = await client.put(
        f"/api/v1/moderation/users/{user_id}/suspension",
        json={**body, "until": "2999-01-01T00:00:00"},
        headers=moderator,
    )
    assert naive.status_code == 400
    hostile = await client.put(
        f"/api/v1/moderation/users/{user_id}/suspension", json={"reason": "a\x00b"}, headers=moderator
    )
    assert hostile.status_code == 400
    assert (
        await client.put(f"/api/v1/moderation/users/{other_mod_id}/suspension", json=body, headers=moderator)
    ).status_code == 200
    until = await client.put(
        f"/api/v1/moderation/users/{user_id}/suspension",
        json={**body, "until": "2999-01-01T00:00:00Z"},
        headers=admin,
    )
    assert until.status_code == 200
    assert until.json()["suspended_until"].startswith("2999-01-01")
    seen = await client.get(f"/api/v1/moderation/users/{user_id}", headers=moderator)
    assert seen.json()["suspended"] is True
