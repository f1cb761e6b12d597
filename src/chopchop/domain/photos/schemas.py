"""What goes in and out of the photo endpoints."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from chopchop.lib.schemas import Input


class PhotoState(StrEnum):
    """`processing`: the photo is stored, its variants are being made; `ready`: every variant is there;
    `failed`: the variants could not be made (the original stays readable)."""

    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class PhotoVariant(StrEnum):
    """An image of a photo: the upload without its metadata (`original`, in its own format), or a WebP made from
    it (`thumbnail`: longest side 320 px; `large`: 1280 px; never enlarged)."""

    ORIGINAL = "original"
    THUMBNAIL = "thumbnail"
    LARGE = "large"


class PhotoUrls(msgspec.Struct, omit_defaults=True):
    """Where each image of the photo is read: stable addresses of this API (they redirect to the object store,
    or serve the bytes in the embedded mode). The variants appear once the photo is `ready`."""

    original: str
    thumbnail: str | None = None
    large: str | None = None


class PhotoRead(msgspec.Struct):
    """A photo of a recipe."""

    id: UUID
    recipe_id: UUID
    position: Annotated[int, Meta(ge=0, description="Its place in the recipe's order, from 0.")]
    cover: Annotated[bool, Meta(description="Whether it is the recipe's cover (exactly one photo is).")]
    status: PhotoState
    media_type: Annotated[str, Meta(description="Of the original: image/jpeg, image/png or image/webp.")]
    width: int
    height: int
    urls: PhotoUrls
    created_at: datetime


class PhotoList(msgspec.Struct):
    """A recipe's photos, in their order."""

    items: list[PhotoRead]


Position = Annotated[int, Meta(ge=0, le=1000, description="Its new place in the order, from 0 (past the end: last).")]
Cover = Annotated[
    bool,
    Meta(
        description="`true` makes it the cover (the old cover stops being it). `false` on the cover is refused: "
        "make another photo the cover instead."
    ),
]


class PhotoUpdate(Input, omit_defaults=True):
    """Move a photo, make it the cover, or both. Absent fields stay as they are."""

    position: Position | UnsetType = UNSET
    cover: Cover | UnsetType = UNSET
