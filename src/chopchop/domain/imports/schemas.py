"""What goes in and out of the recipe import endpoints."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from chopchop.lib.egress import MAX_URL_LENGTH
from chopchop.lib.schemas import Input
from chopchop.lib.text import END

ImportUrl = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        # The syntax (scheme, printable ASCII); user info, the port and the address are checked by the service (a
        # 400 `import-url-refused`), and again by the job at every redirect once the host is resolved.
        pattern=rf"^https?://[!-~]+{END}",
        description=f"The recipe page: an absolute `https://` (or `http://`) URL of at most {MAX_URL_LENGTH} "
        "characters, printable ASCII (international domain names as `xn--...`), without user name or password, on "
        "port 80, 443 or 1024 and above, on a public address (private, loopback, link-local, CGNAT, multicast and "
        "metadata addresses and `localhost` are refused, after every redirect too). A fragment is ignored.",
        examples=["https://example.com/recipes/tomato-soup"],
    ),
]


class RecipeImportCreate(Input):
    """A page to import the recipe of."""

    url: ImportUrl


class RecipeImportState(StrEnum):
    """Where an import stands: `queued` (waiting for a worker, or for a retry after a transient failure such as a
    timeout or a 5xx), `running`, `done` (the draft recipe exists: `recipe_id`), `failed` (for good: `reason`)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportReason(msgspec.Struct):
    """Why an import failed, as a problem (RFC 9457) would say it."""

    type: Annotated[
        str,
        Meta(
            description="A problem type URI: `.../import-url-refused`, `.../import-address-refused`, "
            "`.../import-page-unavailable`, `.../import-unsupported-page`, `.../import-unreadable-page`, "
            "`.../import-too-many-redirects`, `.../import-timeout`, `.../import-unreachable`, "
            "`.../import-no-recipe`.",
            examples=["https://chopchop.dev/problems/import-no-recipe"],
        ),
    ]
    title: str
    detail: str


class RecipeImportRead(msgspec.Struct):
    """A recipe import and how it went. Poll it (its `Location`) until `status` is `done` or `failed`."""

    id: UUID
    url: Annotated[str, Meta(description="The page asked for (without its fragment).")]
    status: RecipeImportState
    reason: Annotated[ImportReason | None, Meta(description="Why it failed (`failed` only).")]
    recipe_id: Annotated[UUID | None, Meta(description="The recipe made (`done` only; null if deleted since).")]
    recipe_url: Annotated[str | None, Meta(description="The recipe's absolute URL (`done` only).")]
    attempts: Annotated[int, Meta(ge=0, description="Attempts made so far (transient failures are retried).")]
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
