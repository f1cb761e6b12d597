"""HTTP endpoints of recipe imports: ask for a page's recipe to be imported, and follow how it goes.

Nothing here is cached: every answer is the caller's own (``private, no-store``)."""

from __future__ import annotations

from typing import Any, Final
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED

from chopchop.db import RecipeImport, User
from chopchop.domain.accounts.auth import Grant
from chopchop.domain.imports.schemas import ImportReason, RecipeImportCreate, RecipeImportRead, RecipeImportState
from chopchop.domain.imports.services import RecipeImportService
from chopchop.lib.apidoc import ApiOperation
from chopchop.lib.problems import PROBLEM_TYPE_BASE, problems
from chopchop.lib.ratelimit import RateLimits
from chopchop.settings import Settings

IMPORTS_PATH = "/api/v1/recipes/imports"
RECIPES_PATH = "/api/v1/recipes"

import_dependencies = {"imports_service": Provide(create_service_provider(RecipeImportService))}

#: The title of each reason an import can fail for (its problem type's slug).
REASON_TITLES: Final = {
    "import-url-refused": "URL refused",
    "import-address-refused": "Address refused",
    "import-page-unavailable": "Page unavailable",
    "import-unsupported-page": "Not a web page",
    "import-unreadable-page": "Unreadable page",
    "import-too-many-redirects": "Too many redirects",
    "import-timeout": "Page too slow",
    "import-unreachable": "Page unreachable",
    "import-no-recipe": "No recipe found",
    "import-failed": "Import failed",
}
_STATUS_LOCATION = ResponseHeader(
    name="Location", description="Path of the import's status resource.", documentation_only=True
)


def to_import_read(found: RecipeImport, settings: Settings) -> RecipeImportRead:
    reason = None
    if found.status == RecipeImportState.FAILED.value and found.reason_type:
        reason = ImportReason(
            type=PROBLEM_TYPE_BASE + found.reason_type,
            title=REASON_TITLES.get(found.reason_type, "Import failed"),
            detail=found.reason_detail or "",
        )
    recipe_url = None
    if found.recipe_id is not None:
        recipe_url = f"{settings.public_base_url.rstrip('/')}{RECIPES_PATH}/{found.recipe_id}"
    return RecipeImportRead(
        id=found.id,
        url=found.url,
        status=RecipeImportState(found.status),
        reason=reason,
        recipe_id=found.recipe_id,
        recipe_url=recipe_url,
        attempts=found.attempts,
        created_at=found.created_at,
        updated_at=found.updated_at,
        finished_at=found.finished_at,
    )


class RecipeImportController(Controller):
    """The signed-in user's recipe imports."""

    path = IMPORTS_PATH
    tags = ["recipes"]
    dependencies = import_dependencies

    @post(
        "/",
        operation_id="importRecipe",
        operation_class=ApiOperation,
        summary="Import a recipe from a web page",
        status_code=HTTP_202_ACCEPTED,
        response_headers=[_STATUS_LOCATION],
        responses=problems(
            400,
            401,
            429,
            descriptions={
                400: "The body is invalid, or the URL can never be fetched (not http(s), user info, a port below 1024 "
                "other than 80 and 443, a private or loopback IP address, localhost): `type` ends in "
                "`import-url-refused` for the latter.",
            },
        ),
    )
    async def import_recipe(
        self,
        request: Request[User, Grant, Any],
        data: JSONBody[RecipeImportCreate],
        imports_service: NamedDependency[RecipeImportService],
        rate_limits: NamedDependency[RateLimits],
        settings: NamedDependency[Settings],
    ) -> Response[RecipeImportRead]:
        """Import the schema.org `Recipe` of a web page (JSON-LD, as most recipe sites publish, or microdata) as a
        draft recipe of the signed-in user.

        The answer is `202 Accepted` with the import's status resource (also its `Location`): a worker fetches
        the page (public addresses only, at most 5 redirects, 2 MiB and the configured time) and creates the
        recipe; poll the status until it is `done` (`recipe_id`, `recipe_url`) or `failed` (`reason`, a problem
        type and detail). Timeouts and 5xx answers are retried for a few minutes; a 404, a refused address, a page
        that is not HTML and a page without a recipe fail at once. Ingredient lines are read into quantity, unit
        and name where that is certain; otherwise the line as written is kept in the note.
        """
        await rate_limits.check(request, "imports", key=str(request.user.id))
        found = await imports_service.request_import(
            request.user.id, data.url, allowed=settings.import_allowed_networks
        )
        return Response(
            to_import_read(found, settings),
            status_code=HTTP_202_ACCEPTED,
            headers={"Location": f"{IMPORTS_PATH}/{found.id}"},
        )

    @get(
        "/{import_id:uuid}",
        operation_id="getRecipeImport",
        operation_class=ApiOperation,
        summary="Get a recipe import",
        cache=False,
        responses=problems(304, 400, 401, 404, descriptions={404: "No import of the signed-in user has this id."}),
    )
    async def get_recipe_import(
        self,
        request: Request[User, Grant, Any],
        import_id: FromPath[UUID],
        imports_service: NamedDependency[RecipeImportService],
        settings: NamedDependency[Settings],
    ) -> RecipeImportRead:
        """One of the signed-in user's imports: its status, and the recipe it made or why it failed."""
        return to_import_read(await imports_service.get_owned(import_id, request.user.id), settings)


__all__ = ["RecipeImportController"]
