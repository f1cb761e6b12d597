"""What a user of the committed Python client (clients/python, `chopchop_client`) does, step by step.

Small typed helpers (sign up through the email, log in, publish, read every page of a list, expect an answer or a
problem) and the scenarios that tests/openapi/test_sdk.py runs with them against a live server. This module imports
the client at its top, so test_sdk.py imports it only once the client is importable (installed into a fresh venv);
mypy checks it against the committed package (`mypy_path`). A new feature's journey is one more scenario here made
of these steps (a personal access token is `AuthenticatedClient(token=...)`; `cursor_pages` walks a list by its
cursors; `changes_until` polls the change feed).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar
from uuid import UUID

from chopchop_client import AuthenticatedClient, Client
from chopchop_client.api.auth import (
    confirm_email,
    forgot_password,
    login,
    login_form,
    refresh_token,
    register,
    reset_password,
)
from chopchop_client.api.comments import create_comment, list_recipe_comments
from chopchop_client.api.likes import like_recipe, unlike_recipe
from chopchop_client.api.me import create_access_token, get_me, list_access_tokens, logout, revoke_access_token
from chopchop_client.api.recipes import (
    create_recipe,
    delete_recipe,
    get_recipe,
    list_recipe_changes,
    list_recipes,
    list_user_recipes,
    update_recipe,
)
from chopchop_client.models import (
    Accepted,
    AccessToken,
    Account,
    ChangeKind,
    CommentCreate,
    CommentPage,
    CommentRead,
    Complexity,
    Credentials,
    EmailConfirmation,
    EmailOnly,
    GrantType,
    IngredientLineInput,
    LikeState,
    OAuth2PasswordForm,
    PasswordReset,
    PersonalAccessTokenCreate,
    PersonalAccessTokenCreated,
    PersonalAccessTokenRead,
    Problem,
    RecipeChange,
    RecipeChangePage,
    RecipeCreate,
    RecipeRead,
    RecipeSort,
    RecipeSummary,
    RecipeSummaryPage,
    RecipeUpdate,
    Registration,
    TokenRefresh,
    TokenScope,
    Unit,
)
from chopchop_client.types import UNSET, Response, Unset

from tests.helpers import Mailbox, token_from

PASSWORD = "correct horse battery"
T = TypeVar("T")


class OffsetPage(Protocol):
    """What every limit/offset page of the API has (RecipeSummaryPage, CommentPage, UserSummaryPage, ...)."""

    @property
    def total(self) -> int: ...


P = TypeVar("P", bound=OffsetPage)


def expect(response: Response[Any], status: int, kind: type[T]) -> T:
    """The parsed body of an answer that must have `status` and be a `kind` (a problem's body says what went wrong)."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.content!r}"
    assert isinstance(response.parsed, kind), f"expected a {kind.__name__}, got {response.parsed!r}"
    return response.parsed


def expect_problem(response: Response[Any], status: int) -> Problem:
    """The RFC 9457 problem of a refused request, parsed by the client into its typed model."""
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    problem = expect(response, status, Problem)
    assert problem.status == status
    assert problem.type_, problem
    return problem


async def sign_up(public: Client, mailbox: Mailbox, email: str, password: str = PASSWORD) -> Account:
    """Register, read the confirmation email the worker sent, and confirm with its token: the active account."""
    registered = await register.asyncio_detailed(
        client=public, body=Registration(email=email, password=password, display_name=email.split("@", maxsplit=1)[0])
    )
    expect(registered, 202, Accepted)
    token = token_from(await mailbox.wait_for(email, "confirm"))
    account = expect(
        await confirm_email.asyncio_detailed(client=public, body=EmailConfirmation(token=token, password=password)),
        200,
        Account,
    )
    assert account.is_active
    return account


async def log_in(base_url: str, email: str, password: str = PASSWORD) -> AuthenticatedClient:
    """A client that sends the bearer token of a JSON login."""
    async with Client(base_url=base_url) as public:
        answer = await login.asyncio_detailed(client=public, body=Credentials(email=email, password=password))
    token = expect(answer, 200, AccessToken)
    return AuthenticatedClient(base_url=base_url, token=token.access_token, raise_on_unexpected_status=True)


def recipe(title: str, *ingredients: str, tags: Sequence[str] = ()) -> RecipeCreate:
    """A recipe body: 100 g of each ingredient, two steps."""
    return RecipeCreate(
        title=title,
        complexity=Complexity.EASY,
        servings=2,
        prep_minutes=5,
        cook_minutes=10,
        steps=["Prepare.", "Cook."],
        ingredients=[IngredientLineInput(ingredient=name, quantity=100, unit=Unit.G) for name in ingredients],
        tags=list(tags),
    )


async def publish(me: AuthenticatedClient, body: RecipeCreate) -> RecipeRead:
    created = await create_recipe.asyncio_detailed(client=me, body=body)
    read = expect(created, 201, RecipeRead)
    assert created.headers["location"] == f"/api/v1/recipes/{read.id}"
    return read


async def offset_pages(fetch: Callable[[int], Awaitable[Response[Any]]], kind: type[P], limit: int) -> list[P]:
    """Every page of a limit/offset list, `fetch(offset)` giving one, until `total` is reached."""
    pages: list[P] = []
    offset = 0
    while True:
        pages.append(expect(await fetch(offset), 200, kind))
        offset += limit
        if offset >= pages[-1].total:
            return pages
        assert len(pages) < 1000, "a list that never ends"


class CursorPage(Protocol):
    """What every cursor page of the API has (RecipeSummaryPage, CommentPage, ...)."""

    @property
    def next_cursor(self) -> str | Unset | None: ...

    @property
    def prev_cursor(self) -> str | Unset | None: ...


C = TypeVar("C", bound=CursorPage)


async def cursor_pages(fetch: Callable[[str | None], Awaitable[Response[Any]]], kind: type[C]) -> list[C]:
    """Every page of a list by its cursors: `fetch(None)` is the first page, `fetch(cursor)` the next one."""
    pages = [expect(await fetch(None), 200, kind)]
    while isinstance(cursor := pages[-1].next_cursor, str):
        pages.append(expect(await fetch(cursor), 200, kind))
        assert len(pages) < 1000, "a list that never ends"
    return pages


async def changes_until(
    public: Client, since: str | None, done: Callable[[list[RecipeChange]], bool], *, limit: int = 3
) -> tuple[list[RecipeChange], str]:
    """Poll the change feed from `since` until `done(changes read)` holds; the changes and the cursor to resume from.

    The feed shows a change once no older transaction of the server is still running (never out of order), so a
    change can appear a moment after its write: a sync client polls."""
    changes: list[RecipeChange] = []
    deadline = time.monotonic() + 30
    while True:
        page = expect(
            await list_recipe_changes.asyncio_detailed(client=public, since=since or UNSET, limit=limit),
            200,
            RecipeChangePage,
        )
        changes.extend(page.items)
        since = page.next_cursor
        if not page.has_more:
            if done(changes):
                return changes, since
            assert time.monotonic() < deadline, f"the feed never showed what was expected: {changes!r}"
            await asyncio.sleep(0.2)


LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?([a-z]+)"?')


def links(response: Response[Any]) -> dict[str, str]:
    """The `Link` header's targets by relation (`next`, `prev`, ...)."""
    return {rel: url for url, rel in LINK.findall(response.headers.get("link", ""))}


async def the_whole_journey(base_url: str, mailbox: Mailbox) -> None:
    """Register → confirm from the email → log in → publish → list → like → comment → read back → log out; then the
    conditional requests, delete, and a password reset that revokes the old token."""
    email = "sdk.cook@example.com"
    async with Client(base_url=base_url, raise_on_unexpected_status=True) as public:
        await sign_up(public, mailbox, email)
        me = await log_in(base_url, email)
        form = await login_form.asyncio(
            client=public, body=OAuth2PasswordForm(username=email, password=PASSWORD, grant_type=GrantType.PASSWORD)
        )
        assert isinstance(form, AccessToken), form
        mine = await get_me.asyncio(client=me)
        assert isinstance(mine, Account)
        assert mine.email == email

        # Publish a recipe with ingredients and steps, find it in the lists (public reads need no token).
        stew = await publish(me, recipe("Smoky chickpea stew", "chickpeas", "onion", "smoked paprika", tags=["vegan"]))
        assert [line.ingredient.name for line in stew.ingredients] == ["chickpeas", "onion", "smoked paprika"]
        listed = expect(await list_recipes.asyncio_detailed(client=public), 200, RecipeSummaryPage)
        assert [r.id for r in listed.items] == [stew.id]
        found = await list_recipes.asyncio(
            client=public,
            q="paprika",
            ingredients_all=["chickpeas"],
            complexity=Complexity.EASY,
            sort=RecipeSort.NEWEST,
        )
        assert isinstance(found, RecipeSummaryPage)
        assert [r.id for r in found.items] == [stew.id]
        none = await list_recipes.asyncio(client=public, exclude_ingredients=["chickpeas"])
        assert isinstance(none, RecipeSummaryPage)
        assert none.total == 0

        # Like it (twice is still one like), comment, and read both back.
        for _ in range(2):
            liked = expect(await like_recipe.asyncio_detailed(stew.id, client=me), 200, LikeState)
            assert (liked.liked, liked.like_count) == (True, 1)
        comment = expect(
            await create_comment.asyncio_detailed(stew.id, client=me, body=CommentCreate(body="Lovely with rice.")),
            201,
            CommentRead,
        )
        comments = expect(await list_recipe_comments.asyncio_detailed(stew.id, client=public), 200, CommentPage)
        assert [(c.id, c.body) for c in comments.items] == [(comment.id, "Lovely with rice.")]
        read = await get_recipe.asyncio_detailed(stew.id, client=public)
        back = expect(read, 200, RecipeRead)
        assert (back.title, back.like_count, back.comment_count) == ("Smoky chickpea stew", 1, 1)
        unliked = expect(await unlike_recipe.asyncio_detailed(stew.id, client=me), 200, LikeState)
        assert (unliked.liked, unliked.like_count) == (False, 0)

        # Conditional requests: 304 with the ETag, an update with If-Match, 412 (a problem) with a stale one.
        etag = (await get_recipe.asyncio_detailed(stew.id, client=public)).headers["etag"]
        not_modified = await get_recipe.asyncio_detailed(stew.id, client=public, if_none_match=etag)
        assert not_modified.status_code == 304
        renamed = await update_recipe.asyncio_detailed(
            stew.id, client=me, body=RecipeUpdate(title="Smoky chickpea and tomato stew"), if_match=etag
        )
        assert expect(renamed, 200, RecipeRead).title == "Smoky chickpea and tomato stew"
        stale = await update_recipe.asyncio_detailed(stew.id, client=me, body=RecipeUpdate(servings=3), if_match=etag)
        expect_problem(stale, 412)

        # Delete with the current ETag: then it is gone, a 404 problem.
        current = (await get_recipe.asyncio_detailed(stew.id, client=public)).headers["etag"]
        deleted = await delete_recipe.asyncio_detailed(stew.id, client=me, if_match=current)
        assert deleted.status_code == 204, deleted.content
        async with Client(base_url=base_url) as lenient:  # raise_on_unexpected_status does not apply to 404: declared
            expect_problem(await get_recipe.asyncio_detailed(stew.id, client=lenient), 404)

        # Log out: that token is refused from then on (401 problem with a Bearer challenge), a new login works.
        assert (await logout.asyncio_detailed(client=me)).status_code == 204
        refused = await get_me.asyncio_detailed(client=me)
        expect_problem(refused, 401)
        assert refused.headers["www-authenticate"].startswith("Bearer")
        again = await log_in(base_url, email)
        assert isinstance(await get_me.asyncio(client=again), Account)

        # Forgot and reset the password: the token issued before stops working, the new one works.
        expect(await forgot_password.asyncio_detailed(client=public, body=EmailOnly(email=email)), 202, Accepted)
        reset_token = token_from(await mailbox.wait_for(email, "reset"))
        new_password = "a brand new passphrase"
        reset = await reset_password.asyncio(
            client=public, body=PasswordReset(token=reset_token, password=new_password)
        )
        assert isinstance(reset, AccessToken), reset
        expect_problem(await get_me.asyncio_detailed(client=again), 401)
        renewed = AuthenticatedClient(base_url=base_url, token=reset.access_token)
        assert isinstance(await get_me.asyncio(client=renewed), Account)
        await log_in(base_url, email, new_password)


async def paging_through_every_page(base_url: str, mailbox: Mailbox) -> None:
    """A cook's seven recipes read two at a time: every recipe once, newest first, with `Link` to the next page."""
    async with Client(base_url=base_url, raise_on_unexpected_status=True) as public:
        account = await sign_up(public, mailbox, "pager@example.com")
        me = await log_in(base_url, "pager@example.com")
        published = [await publish(me, recipe(f"Soup number {n}", "water")) for n in range(7)]
        author: UUID = account.id

        async def by_author(offset: int) -> Response[Any]:
            return await list_user_recipes.asyncio_detailed(author, client=public, limit=2, offset=offset)

        pages = await offset_pages(by_author, RecipeSummaryPage, limit=2)
        assert [len(page.items) for page in pages] == [2, 2, 2, 1]
        assert {page.total for page in pages} == {7}
        seen = [item.id for page in pages for item in page.items]
        assert seen == [r.id for r in reversed(published)]  # newest first, none twice, none missing

        first = await by_author(0)
        assert "offset=2" in links(first)["next"]
        last = await by_author(6)
        assert "next" not in links(last)
        assert "offset=4" in links(last)["prev"]


async def errors_are_typed_problems(base_url: str) -> None:
    """A refused request is a typed `Problem` (type, status, per-field errors) even with `raise_on_unexpected_status`:
    every error status is declared in the document, so the client parses it instead of raising `UnexpectedStatus`."""
    async with Client(base_url=base_url, raise_on_unexpected_status=True) as public:
        invalid = await register.asyncio_detailed(
            client=public, body=Registration(email="cook@example.com", password=PASSWORD, display_name="")
        )
        problem = expect_problem(invalid, 400)
        assert isinstance(problem.errors, list)
        # The invalid field, and where it was (the body).
        assert [(e.field, e.source) for e in problem.errors] == [("display_name", "body")], problem.errors

        wrong = await login.asyncio_detailed(
            client=public, body=Credentials(email="nobody@example.com", password="wrong password")
        )
        assert expect_problem(wrong, 401).detail

        anonymous = AuthenticatedClient(base_url=base_url, token="not-a-token")
        expect_problem(await get_me.asyncio_detailed(client=anonymous), 401)

        missing = await get_recipe.asyncio_detailed(UUID(int=1), client=public)
        assert expect_problem(missing, 404).instance


async def a_script_syncs_with_a_personal_access_token(base_url: str, mailbox: Mailbox) -> None:
    """An app refreshes its login; a script publishes with a personal access token, reads a list by cursors and keeps
    a copy of the recipes in sync through the change feed (deletions included); a revoked token stops at once."""
    async with Client(base_url=base_url, raise_on_unexpected_status=True) as public:
        account = await sign_up(public, mailbox, "scripter@example.com")
        answer = await login.asyncio_detailed(
            client=public, body=Credentials(email="scripter@example.com", password=PASSWORD)
        )
        first = expect(answer, 200, AccessToken)
        refreshed = expect(
            await refresh_token.asyncio_detailed(client=public, body=TokenRefresh(first.refresh_token)),
            200,
            AccessToken,
        )
        assert refreshed.refresh_token != first.refresh_token  # rotated
        reused = await refresh_token.asyncio_detailed(client=public, body=TokenRefresh(first.refresh_token))
        expect_problem(reused, 401)  # a used refresh token ends the whole login...
        expect_problem(
            await refresh_token.asyncio_detailed(client=public, body=TokenRefresh(refreshed.refresh_token)), 401
        )
        app = await log_in(base_url, "scripter@example.com")  # ...so the app logs in again

        writer = expect(
            await create_access_token.asyncio_detailed(
                client=app, body=PersonalAccessTokenCreate(name="sync script", scopes=[TokenScope.WRITE])
            ),
            201,
            PersonalAccessTokenCreated,
        )
        reader = expect(
            await create_access_token.asyncio_detailed(
                client=app,
                body=PersonalAccessTokenCreate(name="dashboard", scopes=[TokenScope.READ], expires_in_days=7),
            ),
            201,
            PersonalAccessTokenCreated,
        )
        assert writer.token.startswith("chopchop_pat_")
        listed = expect(await list_access_tokens.asyncio_detailed(client=app), 200, list)
        assert {t.name for t in listed if isinstance(t, PersonalAccessTokenRead)} == {"sync script", "dashboard"}
        assert writer.token not in repr(listed)  # the secret is shown once, at creation

        script = AuthenticatedClient(base_url=base_url, token=writer.token)
        dashboard = AuthenticatedClient(base_url=base_url, token=reader.token)
        expect_problem(await create_recipe.asyncio_detailed(client=dashboard, body=recipe("Not mine to write")), 403)
        expect(await get_me.asyncio_detailed(client=dashboard), 200, Account)

        # A copy of the feed from the start, then the script's recipes.
        baseline, since = await changes_until(public, None, lambda _: True)
        published = [await publish(script, recipe(f"Stew number {n}", "beans")) for n in range(5)]
        created, since = await changes_until(public, since, lambda c: len(c) >= 5)
        assert [c.recipe_id for c in created] == [r.id for r in published]
        assert {c.kind for c in created} == {ChangeKind.CREATED}
        assert all(isinstance(c.recipe, RecipeSummary) and c.recipe.title.startswith("Stew") for c in created)

        # Cursor paging over the author's recipes, forwards then back.
        async def by_author(cursor: str | None) -> Response[Any]:
            return await list_user_recipes.asyncio_detailed(
                account.id, client=public, limit=2, cursor=cursor if cursor is not None else UNSET
            )

        pages = await cursor_pages(by_author, RecipeSummaryPage)
        assert [len(p.items) for p in pages] == [2, 2, 1]
        assert [i.id for p in pages for i in p.items] == [r.id for r in reversed(published)]
        back = pages[-1].prev_cursor
        assert isinstance(back, str)
        assert [i.id for i in expect(await by_author(back), 200, RecipeSummaryPage).items] == [
            i.id for i in pages[-2].items
        ]

        # An edit and a deletion reach the sync client as an update and a tombstone.
        edited, gone = published[0], published[1]
        expect(
            await update_recipe.asyncio_detailed(edited.id, client=script, body=RecipeUpdate(title="Stew, revised")),
            200,
            RecipeRead,
        )
        assert (await delete_recipe.asyncio_detailed(gone.id, client=script)).status_code == 204
        later, since = await changes_until(public, since, lambda c: len(c) >= 2)
        kinds = {c.recipe_id: c for c in later}
        assert kinds[edited.id].kind == ChangeKind.UPDATED
        summary = kinds[edited.id].recipe
        assert isinstance(summary, RecipeSummary)
        assert summary.title == "Stew, revised"
        assert kinds[gone.id].kind == ChangeKind.DELETED
        assert isinstance(kinds[gone.id].recipe, (Unset, type(None)))
        assert not [c for c in baseline if c.recipe_id in {r.id for r in published}]

        # Revoking the script's token stops it at once.
        revoked = await revoke_access_token.asyncio_detailed(writer.id, client=app)
        assert revoked.status_code == 204
        expect_problem(await create_recipe.asyncio_detailed(client=script, body=recipe("Too late")), 401)
        await script.get_async_httpx_client().aclose()
        await dashboard.get_async_httpx_client().aclose()
        await app.get_async_httpx_client().aclose()
