"""What a user of the committed Python client (clients/python, `chopchop_client`) does, step by step.

Small typed helpers (sign up through the email, log in, publish, read every page of a list, expect an answer or a
problem) and the scenarios that tests/openapi/test_sdk.py runs with them against a live server. This module imports
the client at its top, so test_sdk.py imports it only once the client is importable (installed into a fresh venv);
mypy checks it against the committed package (`mypy_path`). A new feature's journey is one more scenario here made
of these steps (a personal access token: `AuthenticatedClient(token=...)`; cursor paging: a pager next to
`offset_pages`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar
from uuid import UUID

from chopchop_client import AuthenticatedClient, Client
from chopchop_client.api.auth import confirm_email, forgot_password, login, login_form, register, reset_password
from chopchop_client.api.comments import create_comment, list_recipe_comments
from chopchop_client.api.likes import like_recipe, unlike_recipe
from chopchop_client.api.me import get_me, logout
from chopchop_client.api.recipes import (
    create_recipe,
    delete_recipe,
    get_recipe,
    list_recipes,
    list_user_recipes,
    update_recipe,
)
from chopchop_client.models import (
    Accepted,
    AccessToken,
    Account,
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
    Problem,
    RecipeCreate,
    RecipeRead,
    RecipeSort,
    RecipeSummaryPage,
    RecipeUpdate,
    Registration,
    Unit,
)
from chopchop_client.types import Response

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
