"""HTTP endpoints of collections (cookbooks).

Public collections are read at ``/collections/{id}`` (and ``/users/{id}/collections``), cached for everyone: those
answers never depend on who asks, and a private collection is a 404 there for every caller, its owner included. Its
owner reads it at ``/me/collections/{id}``, never cached (``private, no-store``): nothing caller-dependent is ever
stored in the shared cache. Writes need a login or a personal access token; another user's collection is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from msgspec import UnsetType

from chopchop.db import User
from chopchop.domain import cache_tags
from chopchop.domain.accounts.auth import Grant
from chopchop.domain.collections.schemas import (
    MAX_COLLECTIONS_PER_USER,
    MAX_RECIPES_PER_COLLECTION,
    CollectionCreate,
    CollectionEntryPage,
    CollectionEntryPut,
    CollectionEntryState,
    CollectionPage,
    CollectionRead,
    CollectionUpdate,
)
from chopchop.domain.collections.services import CollectionService
from chopchop.lib.apidoc import LOCATION, ApiOperation
from chopchop.lib.cache import cached_public, invalidate
from chopchop.lib.pagination import DEFAULT_LIMIT, LIST_RESPONSE_HEADERS, Limit, page_response
from chopchop.lib.problems import problems

COLLECTIONS_PATH = "/api/v1/collections"
MY_COLLECTIONS_PATH = "/api/v1/me/collections"

collection_dependencies = {"collections_service": Provide(create_service_provider(CollectionService))}

CollectionOffset = Annotated[
    int,
    QueryParameter(
        ge=0,
        le=MAX_COLLECTIONS_PER_USER,
        description=f"How many collections to skip (default 0), at most {MAX_COLLECTIONS_PER_USER}.",
    ),
]
EntryOffset = Annotated[
    int,
    QueryParameter(
        ge=0,
        le=MAX_RECIPES_PER_COLLECTION,
        description=f"How many recipes to skip (default 0), at most {MAX_RECIPES_PER_COLLECTION}.",
    ),
]

_PUBLIC_404 = {404: "No public collection has this id (a private one is a 404 here for everyone)."}
_MINE_404 = {404: "No collection of the signed-in user has this id."}
_PUBLIC_TAGS = (cache_tags.COLLECTION_TEMPLATE, cache_tags.RECIPES, cache_tags.PROFILES)


def _location(collection_id: UUID) -> dict[str, str]:
    return {"Location": f"{COLLECTIONS_PATH}/{collection_id}"}


def _written(request: Request[Any, Any, Any], collection_id: UUID, owner_id: UUID) -> None:
    invalidate(request, cache_tags.collection(collection_id), cache_tags.user_collections(owner_id))


class MyCollectionController(Controller):
    """The signed-in user's collections, private ones included: never cached."""

    path = MY_COLLECTIONS_PATH
    tags = ["collections"]
    dependencies = collection_dependencies

    @post(
        "/",
        operation_id="createCollection",
        operation_class=ApiOperation,
        summary="Create a collection",
        status_code=HTTP_201_CREATED,
        response_headers=[LOCATION],
        responses=problems(
            400, 401, 409, 429, descriptions={409: f"The user has {MAX_COLLECTIONS_PER_USER} collections already."}
        ),
    )
    async def create_collection(
        self,
        request: Request[User, Grant, Any],
        data: JSONBody[CollectionCreate],
        collections_service: NamedDependency[CollectionService],
    ) -> Response[CollectionRead]:
        """A new, empty collection (private unless `visibility` says `public`); at most 100 per user.
        `Location` points at its public address."""
        created = await collections_service.create_collection(request.user.id, data)
        _written(request, created.id, request.user.id)
        return Response(created, status_code=HTTP_201_CREATED, headers=_location(created.id))

    @get(
        "/",
        operation_id="listMyCollections",
        operation_class=ApiOperation,
        summary="List my collections",
        cache=False,
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 401),
    )
    async def list_my_collections(
        self,
        request: Request[User, Grant, Any],
        collections_service: NamedDependency[CollectionService],
        limit: Limit = DEFAULT_LIMIT,
        offset: CollectionOffset = 0,
    ) -> Response[CollectionPage]:
        """The signed-in user's collections, public and private, oldest first."""
        found, total = await collections_service.owned_page(
            request.user.id, public_only=False, limit=limit, offset=offset
        )
        return page_response(request, found, total=total, limit=limit, offset=offset, page_type=CollectionPage)

    @get(
        "/{collection_id:uuid}",
        operation_id="getMyCollection",
        operation_class=ApiOperation,
        summary="Get one of my collections",
        cache=False,
        responses=problems(304, 400, 401, 404, descriptions=_MINE_404),
    )
    async def get_my_collection(
        self,
        request: Request[User, Grant, Any],
        collection_id: FromPath[UUID],
        collections_service: NamedDependency[CollectionService],
    ) -> CollectionRead:
        """One of the signed-in user's collections, public or private."""
        return await collections_service.read(collection_id, owner_id=request.user.id)

    @get(
        "/{collection_id:uuid}/recipes",
        operation_id="listMyCollectionRecipes",
        operation_class=ApiOperation,
        summary="List the recipes of one of my collections",
        cache=False,
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 401, 404, descriptions=_MINE_404),
    )
    async def list_my_collection_recipes(
        self,
        request: Request[User, Grant, Any],
        collection_id: FromPath[UUID],
        collections_service: NamedDependency[CollectionService],
        limit: Limit = DEFAULT_LIMIT,
        offset: EntryOffset = 0,
    ) -> Response[CollectionEntryPage]:
        """The recipes of one of the signed-in user's collections (public or private), in the collection's order."""
        items, total = await collections_service.entries(
            collection_id, owner_id=request.user.id, limit=limit, offset=offset
        )
        return page_response(request, items, total=total, limit=limit, offset=offset, page_type=CollectionEntryPage)


class CollectionController(Controller):
    """Collections by id: public reads (cached, the same for everyone), owner-only writes."""

    path = COLLECTIONS_PATH
    tags = ["collections"]
    dependencies = collection_dependencies

    @get(
        "/{collection_id:uuid}",
        operation_id="getCollection",
        operation_class=ApiOperation,
        summary="Get a public collection",
        responses=problems(304, 400, 404, descriptions=_PUBLIC_404),
        **cached_public(*_PUBLIC_TAGS),
    )
    async def get_collection(
        self, collection_id: FromPath[UUID], collections_service: NamedDependency[CollectionService]
    ) -> CollectionRead:
        """A public collection: its name, description, owner and how many recipes it holds. A private collection
        is a 404 here for everyone (its owner reads it at `GET /me/collections/{id}`)."""
        return await collections_service.read(collection_id, owner_id=None)

    @get(
        "/{collection_id:uuid}/recipes",
        operation_id="listCollectionRecipes",
        operation_class=ApiOperation,
        summary="List the recipes of a public collection",
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 404, descriptions=_PUBLIC_404),
        **cached_public(*_PUBLIC_TAGS),
    )
    async def list_collection_recipes(
        self,
        request: Request[Any, Any, Any],
        collection_id: FromPath[UUID],
        collections_service: NamedDependency[CollectionService],
        limit: Limit = DEFAULT_LIMIT,
        offset: EntryOffset = 0,
    ) -> Response[CollectionEntryPage]:
        """A public collection's recipes in the collection's order, each with its place and when it was added."""
        items, total = await collections_service.entries(collection_id, owner_id=None, limit=limit, offset=offset)
        return page_response(request, items, total=total, limit=limit, offset=offset, page_type=CollectionEntryPage)

    @patch(
        "/{collection_id:uuid}",
        operation_id="updateCollection",
        operation_class=ApiOperation,
        summary="Change a collection",
        responses=problems(400, 401, 404, 429, descriptions=_MINE_404),
    )
    async def update_collection(
        self,
        request: Request[User, Grant, Any],
        collection_id: FromPath[UUID],
        data: JSONBody[CollectionUpdate],
        collections_service: NamedDependency[CollectionService],
    ) -> CollectionRead:
        """Change the name, the description or the visibility (owner only); absent fields stay as they are. Made
        private, it is a 404 to everyone else at once."""
        updated = await collections_service.update_collection(collection_id, request.user.id, data)
        _written(request, collection_id, request.user.id)
        return updated

    @delete(
        "/{collection_id:uuid}",
        operation_id="deleteCollection",
        operation_class=ApiOperation,
        summary="Delete a collection",
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(400, 401, 404, 429, descriptions=_MINE_404),
    )
    async def delete_collection(
        self,
        request: Request[User, Grant, Any],
        collection_id: FromPath[UUID],
        collections_service: NamedDependency[CollectionService],
    ) -> None:
        """Delete the collection (owner only); its recipes stay where they are."""
        await collections_service.delete_collection(collection_id, request.user.id)
        _written(request, collection_id, request.user.id)

    @put(
        "/{collection_id:uuid}/recipes/{recipe_id:uuid}",
        operation_id="putCollectionRecipe",
        operation_class=ApiOperation,
        summary="Add a recipe to a collection, or move it",
        status_code=HTTP_200_OK,
        responses=problems(
            400,
            401,
            404,
            409,
            429,
            descriptions={
                404: "No collection of the signed-in user has this id, or no recipe has that one.",
                409: f"The collection holds {MAX_RECIPES_PER_COLLECTION} recipes already.",
            },
        ),
    )
    async def put_collection_recipe(
        self,
        request: Request[User, Grant, Any],
        collection_id: FromPath[UUID],
        recipe_id: FromPath[UUID],
        collections_service: NamedDependency[CollectionService],
        data: JSONBody[CollectionEntryPut],
    ) -> Response[CollectionEntryState]:
        """Put the recipe in the collection (owner only): 201 if it was added, 200 if it was there already.

        The body is `{}` or `{"position": n}`. Without a `position` a new recipe goes last and one already there
        stays where it is (idempotent); with one, the recipe goes to that place (moving it if it was there), the
        others keep their order. A recipe is in a collection once; at most 500 recipes per collection."""
        state, added = await collections_service.put_recipe(
            collection_id, request.user.id, recipe_id, None if isinstance(data.position, UnsetType) else data.position
        )
        _written(request, collection_id, request.user.id)
        return Response(state, status_code=HTTP_201_CREATED if added else HTTP_200_OK)

    @delete(
        "/{collection_id:uuid}/recipes/{recipe_id:uuid}",
        operation_id="removeCollectionRecipe",
        operation_class=ApiOperation,
        summary="Take a recipe out of a collection",
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(400, 401, 404, 429, descriptions=_MINE_404),
    )
    async def remove_collection_recipe(
        self,
        request: Request[User, Grant, Any],
        collection_id: FromPath[UUID],
        recipe_id: FromPath[UUID],
        collections_service: NamedDependency[CollectionService],
    ) -> None:
        """Take the recipe out of the collection (owner only). Idempotent: a recipe that is not in it is a 204
        too. The others keep their order."""
        if await collections_service.remove_recipe(collection_id, request.user.id, recipe_id):
            _written(request, collection_id, request.user.id)


class UserCollectionController(Controller):
    """A user's public collections: public, like their profile."""

    path = "/api/v1/users/{user_id:uuid}/collections"
    tags = ["collections"]
    dependencies = collection_dependencies

    @get(
        "/",
        operation_id="listUserCollections",
        operation_class=ApiOperation,
        summary="List a user's public collections",
        response_headers=LIST_RESPONSE_HEADERS,
        responses=problems(304, 400, 404, descriptions={404: "No active user has this id."}),
        **cached_public(cache_tags.USER_COLLECTIONS_TEMPLATE, cache_tags.RECIPES, cache_tags.PROFILES),
    )
    async def list_user_collections(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        collections_service: NamedDependency[CollectionService],
        limit: Limit = DEFAULT_LIMIT,
        offset: CollectionOffset = 0,
    ) -> Response[CollectionPage]:
        """The user's public collections, oldest first (private ones are never listed)."""
        found, total = await collections_service.owned_page(user_id, public_only=True, limit=limit, offset=offset)
        return page_response(request, found, total=total, limit=limit, offset=offset, page_type=CollectionPage)


__all__ = ["CollectionController", "MyCollectionController", "UserCollectionController"]
