"""Accounts under attack: pre-hijacking an address, limiter bypasses by spelling, inbox floods, password guessing."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from litestar import Litestar
from sqlalchemy import func, select

from chopchop.app import create_app
from chopchop.db import Comment, PendingRegistration, Recipe, RecipeLike, User
from chopchop.server import ChopchopPlugin
from chopchop.settings import Settings
from tests.factories import comment_payload, registration_payload
from tests.helpers import (
    Client,
    Mailbox,
    asgi_client,
    confirm,
    insert_recipe,
    login,
    quick_user,
    register,
    token_from,
)

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
VICTIM = "victim@example.com"


async def _links(mailbox: Mailbox, address: str, count: int) -> list[str]:
    """The tokens of the first ``count`` confirmation emails to ``address``, in arrival order."""
    for _ in range(300):
        messages = [m for m in mailbox.to(address) if "confirm" in str(m["Subject"]).lower()]
        if len(messages) >= count:
            return [token_from(m) for m in messages[:count]]
        await asyncio.sleep(0.05)
    msg = f"fewer than {count} confirmation emails to {address}"
    raise AssertionError(msg)


async def _login_status(client: Client, email: str, password: str) -> int:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    return response.status_code


async def test_an_attacker_who_registers_an_address_first_never_gets_the_account(
    app: Litestar, client: Client, mailbox: Mailbox
) -> None:
    await register(client, VICTIM, "attacker password", "Attacker")
    # Each link before the next registration: two workers' emails may arrive in either order.
    (attackers_link,) = await _links(mailbox, VICTIM, 1)
    await register(client, VICTIM, "victim password!", "Victim")
    victims_link = (await _links(mailbox, VICTIM, 2))[1]

    # Nothing is an account yet; neither password logs in.
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        assert (await session.execute(select(func.count()).select_from(User))).scalar_one() == 0
    assert await _login_status(client, VICTIM, "attacker password") == 401
    assert await _login_status(client, VICTIM, "victim password!") == 401

    # The victim follows the attacker's link (it came to the victim's inbox) with the victim's password: refused.
    tricked = await client.post("/api/v1/auth/confirm", json={"token": attackers_link, "password": "victim password!"})
    assert tricked.status_code == 400
    assert tricked.headers["content-type"].startswith(PROBLEM)
    assert tricked.json()["type"].endswith("/invalid-registration-password")

    # The attacker registering again afterwards does not invalidate the victim's link.
    await register(client, VICTIM, "attacker again!", "Attacker")
    third = (await _links(mailbox, VICTIM, 3))[2]  # its link is out before the victim confirms
    account = await confirm(client, victims_link, "victim password!")
    assert account["display_name"] == "Victim"

    await login(client, VICTIM, "victim password!")
    for password in ("attacker password", "attacker again!"):
        assert await _login_status(client, VICTIM, password) == 401
    # Every other registration of the address went with the confirmation.
    late = await client.post("/api/v1/auth/confirm", json={"token": third, "password": "attacker again!"})
    assert late.status_code == 400
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        assert (await session.execute(select(func.count()).select_from(PendingRegistration))).scalar_one() == 0


async def test_fetching_the_link_as_a_mail_scanner_does_confirms_nothing(client: Client, mailbox: Mailbox) -> None:
    await register(client, VICTIM, "victim password!", "Victim")
    (link,) = await _links(mailbox, VICTIM, 1)
    for _ in range(3):
        scanned = await client.get("/api/v1/auth/confirm", params={"token": link})
        assert scanned.status_code == 200
        assert scanned.headers["cache-control"] == "no-store"
    assert await _login_status(client, VICTIM, "victim password!") == 401
    reset = await client.get("/api/v1/auth/reset-password", params={"token": "whatever"})
    assert reset.status_code == 200
    assert reset.json()["method"] == "POST"
    # Only what could be a token is echoed back.
    for hostile in ("a\x00b", "<script>", "a b", "x" * 257):
        refused = await client.get("/api/v1/auth/confirm", params={"token": hostile})
        assert refused.status_code == 400, hostile
    await confirm(client, link, "victim password!")


async def test_confirming_twice_at_once_makes_one_account(app: Litestar, client: Client, mailbox: Mailbox) -> None:
    for _ in range(4):
        await register(client, VICTIM, "victim password!", "Victim")
    links = await _links(mailbox, VICTIM, 4)
    # Each link of the address at once, twice: without one lock order two of them deadlock.
    answers = await asyncio.gather(
        *(client.post("/api/v1/auth/confirm", json={"token": t, "password": "victim password!"}) for t in links * 2)
    )
    assert sorted(a.status_code for a in answers)[0] == 200
    assert [a.status_code for a in answers].count(200) == 1
    assert all(a.status_code in {200, 400, 409} for a in answers)
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        assert (await session.execute(select(func.count()).select_from(User))).scalar_one() == 1


async def test_every_spelling_of_an_address_shares_one_login_budget(app: Litestar, settings: Settings) -> None:
    limited = create_app(replace(settings, rate_login_account="3/15minutes"))
    await quick_user(app, "padded@example.com")
    spellings = [" padded@example.com", "PADDED@example.com", "padded@example.com\t", "Padded@Example.COM "]
    async with limited.lifespan(), asgi_client(limited) as http:
        for _ in range(3):
            wrong = {"email": "padded@example.com", "password": "not the password"}
            assert (await http.post("/api/v1/auth/login", json=wrong)).status_code == 401
        for spelling in spellings:
            form = await http.post(
                "/api/v1/auth/token", data={"username": spelling, "password": "correct horse battery"}
            )
            assert form.status_code == 429, (spelling, form.text)
            body = await http.post("/api/v1/auth/login", json={"email": spelling, "password": "correct horse battery"})
            assert body.status_code == 429, (spelling, body.text)


async def test_a_padded_spelling_logs_in_as_the_one_account(app: Litestar, client: Client) -> None:
    await quick_user(app, "spaced@example.com")
    for spelling in ("  spaced@example.com", "SPACED@EXAMPLE.COM"):
        form = await client.post("/api/v1/auth/token", data={"username": spelling, "password": "correct horse battery"})
        assert form.status_code == 200, form.text
        assert (await _login_status(client, spelling, "correct horse battery")) == 200


async def test_a_nul_in_the_form_login_is_a_400(client: Client) -> None:
    for username in ("a\x00b@x.io", "a@x.io\x00", "a\x85b@x.io", "a\u202eb@x.io", "a\r\nRCPT TO:<b@x.io>@x.io"):
        response = await client.post("/api/v1/auth/token", data={"username": username, "password": "whatever"})
        assert response.status_code == 400, (username, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)


async def test_one_inbox_gets_a_bounded_number_of_emails_from_every_endpoint(
    settings: Settings, mailbox: Mailbox
) -> None:
    limited = create_app(replace(settings, rate_email_account="3/hour"))
    spellings = ["flood@example.com", "FLOOD@example.com", " flood@example.com", "Flood@Example.com"]
    async with limited.lifespan(), asgi_client(limited) as http:
        statuses = []
        for spelling in spellings:
            body = registration_payload(email=spelling)
            statuses.append((await http.post("/api/v1/auth/register", json=body)).status_code)
        for path in ("/api/v1/auth/forgot-password", "/api/v1/auth/resend-confirmation"):
            statuses.append((await http.post(path, json={"email": "flood@example.com"})).status_code)
        assert statuses == [202, 202, 202, 429, 429, 429]
        refused = await http.post("/api/v1/auth/forgot-password", json={"email": "flood@example.com"})
        assert refused.headers["content-type"].startswith(PROBLEM)
        assert "email_account" in refused.headers["ratelimit-policy"]
    await _links(mailbox, "flood@example.com", 3)
    await asyncio.sleep(0.5)
    assert len(mailbox.to("flood@example.com")) == 3


async def test_guessing_the_current_password_is_limited_per_account(app: Litestar, settings: Settings) -> None:
    limited = create_app(replace(settings, rate_login_account="3/15minutes"))
    _, headers = await quick_user(app, "guessed@example.com")
    async with limited.lifespan(), asgi_client(limited) as http:
        statuses = []
        for i in range(3):
            guess = {"current_password": f"guess number {i}", "new_password": "a new password"}
            statuses.append((await http.post("/api/v1/me/password", json=guess, headers=headers)).status_code)
        right = {"current_password": "correct horse battery", "new_password": "a new password"}
        statuses.append((await http.post("/api/v1/me/password", json=right, headers=headers)).status_code)
        deletion = await http.request(
            "DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=headers
        )
        statuses.append(deletion.status_code)
        # ...and the budget is the login's: the account cannot be logged into either for now.
        statuses.append(await _login_status(http, "guessed@example.com", "correct horse battery"))
        assert statuses == [400, 400, 400, 429, 429, 429]


async def test_case_folding_that_grows_an_address_is_a_400(client: Client) -> None:
    # 'İ'.lower() is two code points: 200 of them fit the limit as sent, not as stored.
    body = registration_payload(email="\u0130" * 200 + "@example.com")
    for path, payload in (
        ("/api/v1/auth/register", body),
        ("/api/v1/auth/login", {"email": body["email"], "password": "x"}),
        ("/api/v1/auth/forgot-password", {"email": body["email"]}),
    ):
        response = await client.post(path, json=payload)
        assert response.status_code == 400, (path, response.text)
        assert "normalised" in response.text


async def test_addresses_a_mail_header_would_misread_are_refused(client: Client) -> None:
    for email in ("a(comment)@x.io", '"quoted"@x.io', "a,b@x.io", "a<b@x.io", "a@x.io>", "a;b@x.io", "a\\b@x.io"):
        body = registration_payload(email=email)
        response = await client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 400, (email, response.text)
    fine = registration_payload(email="o'neil+tag@x-y.example")
    assert (await client.post("/api/v1/auth/register", json=fine)).status_code == 202


async def test_registering_then_logging_in_does_not_tell_who_has_an_account(
    app: Litestar, client: Client, mailbox: Mailbox
) -> None:
    # Found by the attack after the first fix: a pending registration answered 403 "confirm first", an account 401.
    await quick_user(app, "member@example.com")
    answers = []
    for email in ("member@example.com", "stranger@example.com"):
        await register(client, email, "probe password", "Probe")
        response = await client.post("/api/v1/auth/login", json={"email": email, "password": "probe password"})
        answers.append((response.status_code, response.json()["type"], response.json()["detail"]))
    assert answers[0] == answers[1]
    # ...and the confirmation email carries none of the registrant's words.
    (link,) = await _links(mailbox, "stranger@example.com", 1)
    message = next(m for m in mailbox.to("stranger@example.com") if "confirm" in str(m["Subject"]).lower())
    assert "Probe" not in message.as_string()
    assert link


async def test_invisible_characters_and_spellings_of_a_domain_are_one_address(
    app: Litestar, client: Client, settings: Settings
) -> None:
    for email in ("in\u200bvisible@x.io", "a@x\ufeff.io", "a@x\u180e.io", "a\u00ad@x.io", "a\u200e@x.io"):
        body = registration_payload(email=email)
        assert (await client.post("/api/v1/auth/register", json=body)).status_code == 400, email
    for name in ("Adm\u200bin", "Admin\ufeff", "Ad\u2060min"):
        body = registration_payload(email="new@x.io", display_name=name)
        assert (await client.post("/api/v1/auth/register", json=body)).status_code == 400, name
    await quick_user(app, "dotted@example.com")
    for spelling in ("dotted@example.com.", "\uff44otted@\uff45xample.com"):
        assert await _login_status(client, spelling, "correct horse battery") == 200, spelling


async def test_an_account_deleted_while_it_writes_answers_no_500_and_leaves_counters_exact(
    app: Litestar, client: Client
) -> None:
    """DELETE /me racing the same user's profile edits, likes, unlikes and comments: each answer is a success or a
    4xx (the account is gone: 401, 404 or 409; a PATCH whose row vanished under its flush was a 500), and every like
    and comment counter equals its rows afterwards (the deletion uncounted a like an unlike had just taken back, -1,
    or the cascade removed a like or comment added after the deletion read them, +1)."""
    author, _ = await quick_user(app, "author-of-liked@example.com")
    recipes = [await insert_recipe(app, author, title=f"Liked {i}") for i in range(3)]
    answers: list[int] = []
    for round_ in range(8):
        _, headers = await quick_user(app, f"leaver{round_}@example.com")
        for recipe_id in recipes[:2]:
            assert (await client.put(f"/api/v1/recipes/{recipe_id}/like", headers=headers)).status_code == 200
        writes = [
            client.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=headers),
            *(client.patch("/api/v1/me", json={"display_name": f"Left {i}"}, headers=headers) for i in range(4)),
            *(
                client.request(method, f"/api/v1/recipes/{recipe_id}/like", headers=headers)
                for recipe_id in recipes
                for method in ("PUT", "DELETE", "PUT")
            ),
            *(
                client.post(f"/api/v1/recipes/{recipe_id}/comments", json=comment_payload(), headers=headers)
                for recipe_id in recipes
            ),
        ]
        answers += [response.status_code for response in await asyncio.gather(*writes)]
    assert 500 not in answers
    assert set(answers) <= {200, 201, 204, 401, 404, 409, 503}, sorted(set(answers))
    async with app.plugins.get(ChopchopPlugin).db_config.get_session() as session:
        drift = await session.execute(
            select(Recipe.title, Recipe.like_count, func.count(RecipeLike.user_id))
            .outerjoin(RecipeLike, RecipeLike.recipe_id == Recipe.id)
            .where(Recipe.id.in_(recipes))
            .group_by(Recipe.id)
            .having(Recipe.like_count != func.count(RecipeLike.user_id))
        )
        assert drift.all() == []
        comments = await session.execute(
            select(Recipe.title, Recipe.comment_count, func.count(Comment.id))
            .outerjoin(Comment, Comment.recipe_id == Recipe.id)
            .where(Recipe.id.in_(recipes))
            .group_by(Recipe.id)
            .having(Recipe.comment_count != func.count(Comment.id))
        )
        assert comments.all() == []
