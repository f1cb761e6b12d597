"""HTTP endpoints of recipes, the ingredient catalogue, likes, ratings, and a user's recipes and likes.

Public reads answer the same whatever the caller (they may be cached for everyone): nothing in them depends on
who asks, and they show public recipes only. The one exception, a recipe that is not public read by its author, is
marked caller-dependent: never stored in the shared cache, ``private, no-store``. Writes need an access token;
only a recipe's author may change or delete it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.serialization import encode_json
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from chopchop.db import User
from chopchop.domain import cache_tags
from chopchop.domain.accounts.auth import Grant, viewer
from chopchop.domain.recipes.jsonld import JSON_LD, RECIPE_MEDIA_TYPES, to_schema_org
from chopchop.domain.recipes.listing import Budget
from chopchop.domain.recipes.queries import SORT_KEY_TYPES
from chopchop.domain.recipes.schemas import (
    NAME_MAX_LENGTH,
    Complexity,
    IngredientPage,
    LikedRecipePage,
    LikeState,
    RatingInput,
    RatingState,
    RecipeChange,
    RecipeChangePage,
    RecipeCreate,
    RecipeFilters,
    RecipeRead,
    RecipeSort,
    RecipeStatus,
    RecipeSummaryPage,
    RecipeUpdate,
)
from chopchop.domain.recipes.services import (
    ChangeFeedExpired,
    IngredientService,
    Position,
    RecipeChangeService,
    RecipeLikeService,
    RecipeRatingService,
    RecipeService,
    normalise_name,
)
from chopchop.domain.visibility import is_public
from chopchop.lib.apidoc import LOCATION, ApiOperation, LinkedDataOperation
from chopchop.lib.cache import cached_public, invalidate
from chopchop.lib.conditional import PRIVATE_CACHE_CONTROL, etag_of_struct, mark_caller_dependent, require_match
from chopchop.lib.cursors import Cursor, CursorScope, keyset_page_response, read_cursor
from chopchop.lib.keys import derive_key
from chopchop.lib.negotiation import negotiated
from chopchop.lib.pagination import (
    DEFAULT_LIMIT,
    LIST_RESPONSE_HEADERS,
    Limit,
    Offset,
    SearchOffset,
    page_response,
)
from chopchop.lib.problems import BadRequest, Gone, problems
from chopchop.lib.signed_positions import CursorCodec, InvalidCursor
from chopchop.lib.text import QUERY_TEXT, folded_name_pattern, is_query_text
from chopchop.settings import Settings

RECIPES_PATH = "/api/v1/recipes"
MAX_FILTER_VALUES = 20

recipe_dependencies = {
    "recipes_service": Provide(create_service_provider(RecipeService)),
    "likes_service": Provide(create_service_provider(RecipeLikeService)),
    "ratings_service": Provide(create_service_provider(RecipeRatingService)),
    "ingredients_service": Provide(create_service_provider(IngredientService)),
    "changes_service": Provide(create_service_provider(RecipeChangeService)),
}

_RECIPE_ERRORS = {403: "Only the recipe's author may do this.", 404: "The recipe does not exist."}
_RATING_ERRORS = {
    400: 'The body is not `{"stars": n}` with a whole number n from 1 to 5 (see `errors`).',
    403: "Authors cannot rate their own recipes (`own-recipe`).",
    404: "The recipe does not exist.",
}
_USER_ERRORS = {404: "No active user has this id."}
_USER_LIST_ERRORS = {
    **_USER_ERRORS,
    400: "Invalid sort or page parameters, or a `cursor` that is not one this list issued for the same sort.",
}


# Free text in query parameters: bounded and without control characters (NUL included).
_TEXT_PATTERN = QUERY_TEXT
SearchQuery = Annotated[
    str | None,
    QueryParameter(
        max_length=200,
        pattern=_TEXT_PATTERN,
        description="Words to find in titles, descriptions, steps and ingredient names.",
    ),
]
# What `_names` accepts, for the document only: `schema_extra` is not validated by Litestar (its 400s would not be
# `_names`' `invalid-filter` problems). `constrain_parameters` puts it on the list, beside `oneOf` no generator reads.
FILTER_VALUES_SCHEMA: dict[str, object] = {
    "max_items": MAX_FILTER_VALUES,
    "items": Schema(type=OpenAPIType.STRING, min_length=1, pattern=folded_name_pattern(NAME_MAX_LENGTH)),
}
_FILTER_VALUES_TEXT = (
    f" At most {MAX_FILTER_VALUES} values, each 1 to {NAME_MAX_LENGTH} characters once normalised (trimmed, runs "
    "of white space as one space, NFC, lower-case), without control characters."
)


def _filter(description: str) -> QueryParameter:
    return QueryParameter(description=description + _FILTER_VALUES_TEXT, schema_extra=FILTER_VALUES_SCHEMA)


IngredientNames = list[str] | None


def _budget(settings: Settings) -> Budget:
    return Budget(exact_total_limit=settings.exact_total_limit, search_timeout_ms=settings.search_timeout_ms)


def _names(values: list[str] | None, parameter: str) -> tuple[str, ...]:
    """Normalised ingredient names or tags from a repeatable query parameter, bounded in number and size."""
    if not values:
        return ()
    if len(values) > MAX_FILTER_VALUES:
        msg = f"At most {MAX_FILTER_VALUES} values of `{parameter}`."
        raise BadRequest(msg, slug="invalid-filter")
    names = []
    for value in values:
        # Controls are checked as sent: folding treats some of them (U+0085) as white space and drops them.
        name = normalise_name(value)
        if not name or len(name) > NAME_MAX_LENGTH or not is_query_text(value):
            msg = f"Each `{parameter}` value must be 1 to 100 printable characters."
            raise BadRequest(msg, slug="invalid-filter")
        names.append(name)
    return tuple(dict.fromkeys(names))


CHANGES_PATH = f"{RECIPES_PATH}/changes"
CHANGES_DEFAULT_LIMIT = 100
CHANGES_MAX_LIMIT = 1000
_CHANGE_CURSOR_VERSION = 1
#: The shape of a change cursor (the document says it; the MAC it cannot: a well-shaped forgery is a 400 too).
CHANGE_CURSOR_PATTERN = CursorCodec(b"", version=_CHANGE_CURSOR_VERSION, fields=2).pattern


def change_cursors(settings: Settings) -> CursorCodec:
    """Cursors of the change feed: (transaction id, sequence number), MACed with a key of their own derived from
    the JWT secret."""
    key = derive_key(settings.jwt_secret, "recipe-changes")
    return CursorCodec(key, version=_CHANGE_CURSOR_VERSION, fields=2)


def _since(codec: CursorCodec, since: str | None) -> Position | None:
    if since is None:
        return None
    try:
        xid, seq = codec.decode(since)
    except InvalidCursor:
        msg = "`since` is not a cursor of this feed: pass a `next_cursor` or entry `cursor` exactly as received."
        raise BadRequest(msg, slug="invalid-cursor") from None
    return (xid, seq)


async def _read(service: RecipeService, recipe_id: UUID, settings: Settings) -> RecipeRead:
    """The whole recipe as its author's GET answers it (the same bytes, so the same ETag), whatever its status,
    photo URLs from the public base URL."""
    return await service.read_recipe(recipe_id, base_url=settings.public_base_url, shown_only=False)


_VARY_ACCEPT = {"Vary": "Accept"}


def _location(recipe_id: UUID) -> dict[str, str]:
    return {"Location": f"{RECIPES_PATH}/{recipe_id}"}


def _written_tags(recipe_id: UUID, status: RecipeStatus | Any) -> tuple[str, ...]:
    """What a PUT or PATCH changes: the recipe and the lists; with a status, also whether it is in the profiles'
    counts and whether its comments can be read (``status`` UNSET: not sent)."""
    tags = [cache_tags.RECIPES, cache_tags.recipe(recipe_id)]
    if isinstance(status, RecipeStatus):
        tags += [cache_tags.USERS, cache_tags.COMMENTS, cache_tags.recipe_comments(recipe_id)]
    return tuple(tags)


def _rating_path(recipe_id: UUID) -> dict[str, str]:
    return {"Location": f"{RECIPES_PATH}/{recipe_id}/rating"}


class RecipeController(Controller):
    """Recipes: public reads, author-only writes, likes and ratings."""

    path = RECIPES_PATH
    dependencies = recipe_dependencies

    @get(
        "/",
        operation_id="listRecipes",
        operation_class=ApiOperation,
        tags=["recipes"],
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(
            304,
            400,
            422,
            429,
            descriptions={
                400: "Invalid filter, sort or page parameters (see `errors`), or a `cursor` that is not one this list "
                "issued for the same filters and sort."
            },
        ),
        **cached_public(cache_tags.RECIPES, cache_tags.PROFILES),
    )
    async def list_recipes(
        self,
        request: Request[Any, Any, Any],
        *,
        recipes_service: NamedDependency[RecipeService],
        author: Annotated[UUID | None, QueryParameter(description="Only recipes by this user id.")] = None,
        complexity: Annotated[Complexity | None, QueryParameter(description="Only recipes of this complexity.")] = None,
        tag: Annotated[list[str] | None, _filter("Only recipes with this tag (repeat: with all of them).")] = None,
        max_total_minutes: Annotated[
            int | None, QueryParameter(ge=0, le=10080, description="Only recipes ready within this many minutes.")
        ] = None,
        ingredients_all: Annotated[
            IngredientNames, _filter("Ingredient names that must all be in the recipe (repeatable).")
        ] = None,
        ingredients_any: Annotated[
            IngredientNames, _filter("Ingredient names at least one of which is in it (repeatable).")
        ] = None,
        exclude_ingredients: Annotated[
            IngredientNames, _filter("Ingredient names that must not be in it, e.g. allergens.")
        ] = None,
        q: SearchQuery = None,
        sort: Annotated[
            RecipeSort,
            QueryParameter(
                description="newest, most_liked, most_commented, title, quickest or rating (best first: the "
                "Bayesian average of the stars, see the API guide); ties broken by id."
            ),
        ] = RecipeSort.NEWEST,
        limit: Limit = DEFAULT_LIMIT,
        offset: SearchOffset = 0,
        cursor: Cursor = None,
        settings: NamedDependency[Settings],
    ) -> Response[RecipeSummaryPage]:
        """Search and filter recipes; each item is a compact summary (no steps or ingredient lines).

        All filters combine (AND). `q` is full-text search over titles, descriptions, steps and ingredient
        names; the `ingredients_*` filters take catalogue names and may be repeated. Public and cached.

        Every sort pages by cursor: follow `next_cursor` (or the `next` link) with the same filters and sort, at
        any depth (`offset` stops at 1,000). A cursor page's `total` is the list's, as on the first page.
        """
        filters = RecipeFilters(
            author=author,
            complexity=complexity,
            tags=_names(tag, "tag"),
            max_total_minutes=max_total_minutes,
            ingredients_all=_names(ingredients_all, "ingredients_all"),
            ingredients_any=_names(ingredients_any, "ingredients_any"),
            exclude_ingredients=_names(exclude_ingredients, "exclude_ingredients"),
            q=q.strip() or None if q is not None else None,
        )
        scope = CursorScope.of("recipes", SORT_KEY_TYPES[sort], sort, filters)
        seek = read_cursor(request, scope, cursor, offset)
        found, total, exact = await recipes_service.list_recipes(
            filters,
            sort,
            limit=limit,
            offset=offset,
            budget=_budget(settings),
            seek=seek,
            base_url=settings.public_base_url,
        )
        return keyset_page_response(
            request,
            found,
            scope=scope,
            seek=seek,
            limit=limit,
            offset=offset,
            total=total,
            total_exact=exact,
            page_type=RecipeSummaryPage,
        )

    @get(
        "/changes",
        operation_id="listRecipeChanges",
        operation_class=ApiOperation,
        tags=["recipes"],
        exclude_from_auth=True,
        security=[{}],
        response_headers=[
            ResponseHeader(
                name="Link",
                description='RFC 8288 link to poll next: `<url>; rel="next"` (the same `since` as `next_cursor`).',
                documentation_only=True,
                required=True,
            )
        ],
        responses=problems(
            304,
            400,
            410,
            descriptions={
                400: "`since` is not a cursor this feed issued (type `.../invalid-cursor`), or `limit` is out of "
                "range.",
                410: "Deletions after `since` are no longer kept (`CHOPCHOP_CHANGE_RETENTION_DAYS`; type "
                "`.../cursor-expired`): drop your copy and resynchronise from the start (no `since`).",
            },
        ),
    )
    async def list_recipe_changes(
        self,
        changes_service: NamedDependency[RecipeChangeService],
        settings: NamedDependency[Settings],
        since: Annotated[
            str | None,
            QueryParameter(
                pattern=CHANGE_CURSOR_PATTERN,
                description="Where to resume: the `next_cursor` (or an entry's `cursor`) of your last poll, as "
                "received. Absent: from the start (every live recipe, then recent deletions).",
            ),
        ] = None,
        limit: Annotated[
            int,
            QueryParameter(
                ge=1,
                le=CHANGES_MAX_LIMIT,
                description=f"Entries per page: 1 to {CHANGES_MAX_LIMIT} (default {CHANGES_DEFAULT_LIMIT}).",
            ),
        ] = CHANGES_DEFAULT_LIMIT,
    ) -> Response[RecipeChangePage]:
        """The change feed of sync clients: created and updated recipes and tombstones of deleted ones, in commit
        order, from a cursor.

        Each recipe appears once, with its latest change: a recipe changed several times since your last poll comes
        once, as it is now; created and updated both mean "upsert this summary" (a recipe created and then edited
        before you polled comes as `updated`), deleted means "remove it". Like and comment counters moving are not
        changes. No change is ever skipped, even one whose transaction committed after a later one: poll with
        `next_cursor` until `has_more` is false, then again later. Public, never cached.
        """
        codec = change_cursors(settings)
        position = _since(codec, since)
        try:
            batch = await changes_service.changes_after(position, limit=limit)
        except ChangeFeedExpired:
            msg = (
                "Changes after this cursor are no longer kept: resynchronise from the start of the feed "
                "(no `since`) and replace your copy."
            )
            raise Gone(msg, slug="cursor-expired") from None
        items = [
            RecipeChange(
                kind=change.kind,
                recipe_id=change.recipe_id,
                changed_at=change.changed_at,
                cursor=codec.encode(*change.position),
                recipe=change.recipe,
            )
            for change in batch.changes
        ]
        # Nothing new: the cursor that was sent (or the start's), to poll again.
        next_cursor = codec.encode(*batch.last) if batch.last is not None else since or codec.encode(0, 0)
        link = f"{settings.public_base_url.rstrip('/')}{CHANGES_PATH}?" + urlencode(
            [("limit", str(limit)), ("since", next_cursor)]
        )
        return Response(
            RecipeChangePage(items=items, next_cursor=next_cursor, has_more=batch.has_more),
            headers={"Link": f'<{link}>; rel="next"'},
        )

    @post(
        "/",
        operation_id="createRecipe",
        operation_class=ApiOperation,
        tags=["recipes"],
        status_code=HTTP_201_CREATED,
        response_headers=[LOCATION],
        responses=problems(400, 401, 429),
    )
    async def create_recipe(
        self,
        request: Request[User, Grant, Any],
        data: JSONBody[RecipeCreate],
        recipes_service: NamedDependency[RecipeService],
        settings: NamedDependency[Settings],
    ) -> Response[RecipeRead]:
        """Publish a recipe, or keep it as a `draft` or `private` (`status`; default `public`): only public recipes
        are in lists, counts and the change feed. Its ingredients join the catalogue on first use. ``Location``
        points at it."""
        recipe_id = await recipes_service.create_recipe(request.user.id, data)
        invalidate(request, cache_tags.RECIPES, cache_tags.USERS)
        recipe = await _read(recipes_service, recipe_id, settings)
        return Response(recipe, status_code=HTTP_201_CREATED, headers=_location(recipe_id))

    @get(
        "/{recipe_id:uuid}",
        operation_id="getRecipe",
        operation_class=LinkedDataOperation,
        tags=["recipes"],
        responses=problems(304, 400, 404, 406, descriptions=_RECIPE_ERRORS),
        **cached_public(cache_tags.RECIPE_TEMPLATE, cache_tags.PROFILES, media_types=RECIPE_MEDIA_TYPES),
    )
    async def get_recipe(
        self,
        request: Request[Any, Any, Any],
        recipe_id: FromPath[UUID],
        recipes_service: NamedDependency[RecipeService],
        settings: NamedDependency[Settings],
        servings: Annotated[
            int | None,
            QueryParameter(ge=1, le=1000, description="Scale the quantities to this many servings (1-1000)."),
        ] = None,
    ) -> Response[RecipeRead]:
        """The whole recipe: steps in order, ingredient lines in order, tags, counters.

        Public and cached. A `draft` or `private` recipe is a 404 for everyone but its author, who reads it with
        their access token (that answer is `Cache-Control: private, no-store` and never shared).

        With `Accept: application/ld+json`, the same recipe as a schema.org `Recipe` in JSON-LD (what search
        engines and recipe apps read; `POST /recipes/imports` reads it back).
        """
        media = negotiated(request, RECIPE_MEDIA_TYPES)
        # A hidden recipe is a 404 here for everyone (its author and moderators read it at /moderation/recipes/{id}).
        recipe = await recipes_service.read_recipe(
            recipe_id, servings, base_url=settings.public_base_url, shown_only=False, unhidden_only=True
        )
        headers = dict(_VARY_ACCEPT)
        if not is_public(recipe.status):
            # The answer depends on the caller. Marked before anything is sent, so the shared cache never stores it
            # (nor hands it to requests waiting on this miss); a 404 is never stored either.
            mark_caller_dependent(request.scope)
            caller = await viewer(request)
            if caller is None or caller.id != recipe.author.id:
                msg = "No such recipe."
                raise NotFoundError(msg)
            headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        if media == JSON_LD:
            document = to_schema_org(recipe, base_url=settings.public_base_url)
            return Response(encode_json(document), media_type=JSON_LD, headers=headers)  # type: ignore[arg-type]
        return Response(recipe, headers=headers)

    @put(
        "/{recipe_id:uuid}",
        operation_id="replaceRecipe",
        operation_class=ApiOperation,
        tags=["recipes"],
        responses=problems(400, 401, 403, 404, 412, 429, descriptions=_RECIPE_ERRORS),
    )
    async def replace_recipe(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        data: JSONBody[RecipeCreate],
        recipes_service: NamedDependency[RecipeService],
        settings: NamedDependency[Settings],
    ) -> RecipeRead:
        """Replace the whole recipe (author only): fields left out take their defaults.

        Send `If-Match` with the ETag of your copy to be refused (412) if someone changed it meanwhile.
        """
        await recipes_service.lock_owned(recipe_id, request.user.id)
        require_match(request, etag_of_struct(await _read(recipes_service, recipe_id, settings)))
        await recipes_service.replace_recipe(recipe_id, request.user.id, data)
        invalidate(request, *_written_tags(recipe_id, data.status))
        return await _read(recipes_service, recipe_id, settings)

    @patch(
        "/{recipe_id:uuid}",
        operation_id="updateRecipe",
        operation_class=ApiOperation,
        tags=["recipes"],
        responses=problems(400, 401, 403, 404, 412, 429, descriptions=_RECIPE_ERRORS),
    )
    async def update_recipe(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        data: JSONBody[RecipeUpdate],
        recipes_service: NamedDependency[RecipeService],
        settings: NamedDependency[Settings],
    ) -> RecipeRead:
        """Change some fields (author only); fields that are absent stay as they are. `status` publishes a draft
        (`public`) or takes a recipe out of every list (`draft`, `private`).

        Send `If-Match` with the ETag of your copy to be refused (412) if someone changed it meanwhile.
        """
        await recipes_service.lock_owned(recipe_id, request.user.id)
        require_match(request, etag_of_struct(await _read(recipes_service, recipe_id, settings)))
        await recipes_service.update_recipe(recipe_id, request.user.id, data)
        invalidate(request, *_written_tags(recipe_id, data.status))
        return await _read(recipes_service, recipe_id, settings)

    @delete(
        "/{recipe_id:uuid}",
        operation_id="deleteRecipe",
        operation_class=ApiOperation,
        tags=["recipes"],
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(400, 401, 403, 404, 412, 429, descriptions=_RECIPE_ERRORS),
    )
    async def delete_recipe(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        recipes_service: NamedDependency[RecipeService],
        settings: NamedDependency[Settings],
    ) -> None:
        """Delete the recipe (author only), with its likes and comments. Honours `If-Match` (412)."""
        await recipes_service.lock_owned(recipe_id, request.user.id)
        require_match(request, etag_of_struct(await _read(recipes_service, recipe_id, settings)))
        await recipes_service.delete_recipe(recipe_id, request.user.id)
        invalidate(
            request,
            cache_tags.RECIPES,
            cache_tags.USERS,
            cache_tags.COMMENTS,
            cache_tags.recipe(recipe_id),
            cache_tags.recipe_comments(recipe_id),
        )

    @put(
        "/{recipe_id:uuid}/like",
        operation_id="likeRecipe",
        operation_class=ApiOperation,
        status_code=HTTP_200_OK,
        tags=["likes"],
        responses=problems(400, 401, 404, 429, descriptions=_RECIPE_ERRORS),
    )
    async def like_recipe(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        likes_service: NamedDependency[RecipeLikeService],
    ) -> LikeState:
        """Like the recipe. Idempotent: liking it again changes nothing."""
        state = await likes_service.like(recipe_id, request.user.id)
        invalidate(request, cache_tags.RECIPES, cache_tags.USERS, cache_tags.recipe(recipe_id))
        return state

    @delete(
        "/{recipe_id:uuid}/like",
        operation_id="unlikeRecipe",
        operation_class=ApiOperation,
        status_code=HTTP_200_OK,
        tags=["likes"],
        responses=problems(400, 401, 404, 429, descriptions=_RECIPE_ERRORS),
    )
    async def unlike_recipe(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        likes_service: NamedDependency[RecipeLikeService],
    ) -> LikeState:
        """Take the like back. Idempotent: unliking a recipe one does not like changes nothing."""
        state = await likes_service.unlike(recipe_id, request.user.id)
        invalidate(request, cache_tags.RECIPES, cache_tags.USERS, cache_tags.recipe(recipe_id))
        return state

    @get(
        "/{recipe_id:uuid}/rating",
        operation_id="getMyRating",
        operation_class=ApiOperation,
        tags=["ratings"],
        responses=problems(304, 400, 401, 404, descriptions=_RECIPE_ERRORS),
    )
    async def get_my_rating(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        ratings_service: NamedDependency[RecipeRatingService],
    ) -> RatingState:
        """Your rating of the recipe (`stars` null if you have not rated it) and what all ratings come to.

        The caller's own: never cached for anyone else (`private, no-store`)."""
        return await ratings_service.rating(recipe_id, request.user.id)

    @put(
        "/{recipe_id:uuid}/rating",
        operation_id="rateRecipe",
        operation_class=ApiOperation,
        status_code=HTTP_200_OK,
        tags=["ratings"],
        responses={
            201: ResponseSpec(RatingState, description="Your first rating of the recipe; `Location` points at it."),
            **problems(400, 401, 403, 404, 429, descriptions=_RATING_ERRORS),
        },
    )
    async def rate_recipe(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        data: JSONBody[RatingInput],
        ratings_service: NamedDependency[RecipeRatingService],
    ) -> Response[RatingState]:
        """Rate the recipe 1 to 5 stars, or change your stars: 201 the first time, 200 after.

        One rating per user and recipe; the recipe's `rating` (average and count) changes at once in every list and
        in its details. Authors cannot rate their own recipes (403)."""
        state, created = await ratings_service.rate(recipe_id, request.user.id, data.stars)
        invalidate(request, cache_tags.RECIPES, cache_tags.recipe(recipe_id))
        if created:
            return Response(state, status_code=HTTP_201_CREATED, headers=_rating_path(recipe_id))
        return Response(state)

    @delete(
        "/{recipe_id:uuid}/rating",
        operation_id="unrateRecipe",
        operation_class=ApiOperation,
        status_code=HTTP_204_NO_CONTENT,
        tags=["ratings"],
        responses=problems(400, 401, 404, 429, descriptions=_RECIPE_ERRORS),
    )
    async def unrate_recipe(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        ratings_service: NamedDependency[RecipeRatingService],
    ) -> None:
        """Take your rating back. Idempotent: without a rating nothing changes (still 204)."""
        await ratings_service.unrate(recipe_id, request.user.id)
        invalidate(request, cache_tags.RECIPES, cache_tags.recipe(recipe_id))


class IngredientController(Controller):
    """The shared ingredient catalogue."""

    path = "/api/v1/ingredients"
    tags = ["ingredients"]
    dependencies = recipe_dependencies

    @get(
        "/",
        operation_id="listIngredients",
        operation_class=ApiOperation,
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400),
        **cached_public(cache_tags.RECIPES),
    )
    async def list_ingredients(
        self,
        request: Request[Any, Any, Any],
        ingredients_service: NamedDependency[IngredientService],
        prefix: Annotated[
            str, QueryParameter(max_length=100, pattern=_TEXT_PATTERN, description="Start of the name (autocomplete).")
        ] = "",
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response[IngredientPage]:
        """Catalogue entries whose name starts with ``prefix``, alphabetically, with how many recipes use each."""
        items, total = await ingredients_service.search(prefix, limit=limit, offset=offset)
        return page_response(request, items, total=total, limit=limit, offset=offset, page_type=IngredientPage)


class UserRecipesController(Controller):
    """What a user published and what they liked: public, like their profile."""

    path = "/api/v1/users/{user_id:uuid}"
    dependencies = recipe_dependencies

    @get(
        "/recipes",
        operation_id="listUserRecipes",
        operation_class=ApiOperation,
        tags=["recipes"],
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 404, 422, 429, descriptions=_USER_LIST_ERRORS),
        **cached_public(cache_tags.RECIPES, cache_tags.USERS, cache_tags.PROFILES),
    )
    async def list_user_recipes(
        self,
        request: Request[Any, Any, Any],
        *,
        user_id: FromPath[UUID],
        recipes_service: NamedDependency[RecipeService],
        sort: Annotated[RecipeSort, QueryParameter(description="As for GET /recipes.")] = RecipeSort.NEWEST,
        limit: Limit = DEFAULT_LIMIT,
        offset: SearchOffset = 0,
        cursor: Cursor = None,
        settings: NamedDependency[Settings],
    ) -> Response[RecipeSummaryPage]:
        """The user's recipes, newest first by default. Pages by cursor as `GET /recipes` does."""
        scope = CursorScope.of("user-recipes", SORT_KEY_TYPES[sort], user_id, sort)
        seek = read_cursor(request, scope, cursor, offset)
        await recipes_service.require_active_user(user_id)
        filters = RecipeFilters(author=user_id)
        found, total, exact = await recipes_service.list_recipes(
            filters,
            sort,
            limit=limit,
            offset=offset,
            budget=_budget(settings),
            seek=seek,
            base_url=settings.public_base_url,
        )
        return keyset_page_response(
            request,
            found,
            scope=scope,
            seek=seek,
            limit=limit,
            offset=offset,
            total=total,
            total_exact=exact,
            page_type=RecipeSummaryPage,
        )

    @get(
        "/likes",
        operation_id="listUserLikes",
        operation_class=ApiOperation,
        tags=["likes"],
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 404, descriptions=_USER_LIST_ERRORS),
        **cached_public(cache_tags.RECIPES, cache_tags.USERS, cache_tags.PROFILES),
    )
    async def list_user_likes(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        recipes_service: NamedDependency[RecipeService],
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
        cursor: Cursor = None,
    ) -> Response[LikedRecipePage]:
        """The recipes the user liked, most recently liked first. Pages by cursor too (`total` stays exact)."""
        scope = CursorScope.of("user-likes", tuple[datetime, UUID], user_id)
        seek = read_cursor(request, scope, cursor, offset)
        found, total = await recipes_service.list_liked(user_id, limit=limit, offset=offset, seek=seek)
        return keyset_page_response(
            request, found, scope=scope, seek=seek, limit=limit, offset=offset, total=total, page_type=LikedRecipePage
        )


class MyRecipesController(Controller):
    """The signed-in user's own recipes, whatever their status."""

    path = "/api/v1/me/recipes"
    dependencies = recipe_dependencies

    @get(
        "/",
        operation_id="listMyRecipes",
        operation_class=ApiOperation,
        tags=["recipes"],
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(
            304,
            400,
            401,
            descriptions={
                400: "Invalid `status` or page parameters, or a `cursor` that is not one this list issued for the "
                "same `status`."
            },
        ),
    )
    async def list_my_recipes(
        self,
        request: Request[User, Grant, Any],
        recipes_service: NamedDependency[RecipeService],
        settings: NamedDependency[Settings],
        status: Annotated[
            RecipeStatus | None, QueryParameter(description="Only recipes of this status (draft, private, public).")
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
        cursor: Cursor = None,
    ) -> Response[RecipeSummaryPage]:
        """Your recipes of every status (drafts and private ones included), newest first. Pages by cursor as the
        other lists do (`total` stays exact). Never cached: `Cache-Control: private, no-store`."""
        scope = CursorScope.of("my-recipes", tuple[datetime, UUID], request.user.id, status)
        seek = read_cursor(request, scope, cursor, offset)
        found, total = await recipes_service.list_own(
            request.user.id, status, limit=limit, offset=offset, seek=seek, base_url=settings.public_base_url
        )
        return keyset_page_response(
            request, found, scope=scope, seek=seek, limit=limit, offset=offset, total=total, page_type=RecipeSummaryPage
        )


__all__ = ["IngredientController", "MyRecipesController", "RecipeController", "UserRecipesController"]
