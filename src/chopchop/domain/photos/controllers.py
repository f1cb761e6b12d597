"""HTTP endpoints of recipe photos (upload, list, move or make cover, delete) and the media route that serves them.

The list is public and cached like the recipe (tag ``recipe:{id}``); every write invalidates it, the recipe and the
lists (their cover thumbnails), and so does the job when the variants are ready. Photo addresses in answers are
stable API URLs (``/media/photos/{id}/{variant}``): a cached answer never holds a signed URL that could expire
before it; the media route signs afresh on each request (S3) or serves the bytes (local store).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, Router, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.openapi import ResponseSpec
from litestar.params import Body, FromPath, JSONBody
from litestar.response import Redirect
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT, HTTP_302_FOUND

from chopchop.db import PhotoStatus, Role, User
from chopchop.domain import cache_tags
from chopchop.domain.accounts.auth import Grant, viewer
from chopchop.domain.photos.queries import MEDIA_PATH, key_of, to_read
from chopchop.domain.photos.schemas import PhotoList, PhotoRead, PhotoUpdate, PhotoVariant
from chopchop.domain.photos.services import PhotoService
from chopchop.lib.apidoc import LOCATION, ApiOperation
from chopchop.lib.cache import cached_public, invalidate
from chopchop.lib.conditional import PRIVATE_CACHE_CONTROL, mark_caller_dependent
from chopchop.lib.images import BrokenImage, ImageTooLarge, UnsupportedImage, clean, decode_slot
from chopchop.lib.problems import BadRequest, ProblemError, ServiceUnavailable, Unprocessable, problems
from chopchop.lib.storage import RETRY_AFTER_SECONDS, ObjectMissing, ObjectStorage, StorageUnavailable
from chopchop.settings import Settings

PHOTOS_PATH = "/api/v1/recipes/{recipe_id:uuid}/photos"
#: What the multipart framing may add to the photo itself (boundaries, part headers).
MULTIPART_OVERHEAD = 64 * 1024
IMMUTABLE = "public, max-age=31536000, immutable"

photo_dependencies = {"photos_service": Provide(create_service_provider(PhotoService))}

_PHOTO_ERRORS = {
    403: "Only the recipe's author may do this.",
    404: "The recipe does not exist, or has no photo with this id.",
}


class PayloadTooLarge(ProblemError):
    status_code = 413


class UnsupportedMediaType(ProblemError):
    status_code = 415


@dataclass
class PhotoForm:
    """The multipart form of an upload: one part named `file`, a JPEG, PNG or WebP image (its type is read from its
    bytes: the part's name and Content-Type are ignored)."""

    file: UploadFile


def _store_unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The service cannot reach its photo storage right now. Retry in a few seconds.",
        slug="storage-unavailable",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


async def _read_upload(form: Any, limit: int) -> bytes:
    upload = getattr(form, "file", None)
    if not isinstance(upload, UploadFile):
        msg = "Send the photo as a multipart/form-data part named `file`."
        raise BadRequest(msg, slug="photo-missing")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        msg = f"A photo may be at most {limit} bytes."
        raise PayloadTooLarge(msg, slug="photo-too-large")
    if not data:
        msg = "The `file` part is empty."
        raise BadRequest(msg, slug="photo-missing")
    return data


class PhotoController(Controller):
    """A recipe's photos: public reads, author-only writes."""

    path = PHOTOS_PATH
    tags = ["photos"]
    dependencies = photo_dependencies

    @post(
        "/",
        operation_id="uploadRecipePhoto",
        operation_class=ApiOperation,
        status_code=HTTP_201_CREATED,
        response_headers=[LOCATION],
        responses=problems(
            400,
            401,
            403,
            404,
            409,
            413,
            422,
            429,
            descriptions={
                **_PHOTO_ERRORS,
                400: "No `file` part, or an empty one (type `.../photo-missing`).",
                409: "The recipe has as many photos as allowed (`CHOPCHOP_PHOTO_MAX_PER_RECIPE`; type "
                "`.../too-many-photos`).",
                413: "The photo is larger than `CHOPCHOP_PHOTO_MAX_BYTES` (type `.../photo-too-large`, or a plain "
                "413 when the whole body is refused before it is read).",
                422: "A JPEG, PNG or WebP that cannot be decoded (`.../broken-image`), or more pixels than "
                "`CHOPCHOP_PHOTO_MAX_PIXELS` (`.../image-too-large`).",
            },
        ),
    )
    async def upload_photo(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        data: Annotated[PhotoForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        photos_service: NamedDependency[PhotoService],
        settings: NamedDependency[Settings],
        storage: NamedDependency[ObjectStorage],
    ) -> Response[PhotoRead]:
        """Add a photo to the recipe (author only): a JPEG, PNG or WebP, as the part `file` of a
        `multipart/form-data` body.

        Its type is read from its bytes; anything else is refused (415) whatever its name or declared type. It is
        stored re-encoded, turned upright, without any metadata (EXIF with its GPS position, XMP, comments). It
        goes last in the order; the first photo is the cover. Its `status` is `processing` until its variants
        (`thumbnail`, `large`) are made, then `ready`, and the recipe shows them.
        """
        upload = await _read_upload(data, settings.photo_max_bytes)
        await photos_service.require_author(recipe_id, request.user.id)
        try:
            async with decode_slot():
                image = await asyncio.to_thread(clean, upload, max_pixels=settings.photo_max_pixels)
        except UnsupportedImage:
            msg = "Photos are JPEG, PNG or WebP images; this is none of them."
            raise UnsupportedMediaType(msg, slug="unsupported-image") from None
        except ImageTooLarge:
            msg = f"A photo may have at most {settings.photo_max_pixels} pixels."
            raise Unprocessable(msg, slug="image-too-large") from None
        except BrokenImage:
            msg = "The image cannot be decoded (truncated or corrupt)."
            raise Unprocessable(msg, slug="broken-image") from None
        try:
            photo = await photos_service.add(
                recipe_id, request.user.id, image, storage=storage, limit=settings.photo_max_per_recipe
            )
        except StorageUnavailable:
            raise _store_unavailable() from None
        invalidate(request, cache_tags.RECIPES, cache_tags.recipe(recipe_id))
        location = f"{PHOTOS_PATH.replace('{recipe_id:uuid}', str(recipe_id))}/{photo.id}"
        return Response(
            to_read(photo, settings.public_base_url), status_code=HTTP_201_CREATED, headers={"Location": location}
        )

    @get(
        "/",
        operation_id="listRecipePhotos",
        operation_class=ApiOperation,
        responses=problems(304, 400, 404, descriptions={404: "The recipe does not exist."}),
        **cached_public(cache_tags.RECIPE_TEMPLATE),
    )
    async def list_photos(
        self,
        recipe_id: FromPath[UUID],
        photos_service: NamedDependency[PhotoService],
        settings: NamedDependency[Settings],
    ) -> PhotoList:
        """The recipe's photos in their order, each with its status and URLs (variants once `ready`)."""
        photos = await photos_service.list_photos(recipe_id)
        return PhotoList(items=[to_read(photo, settings.public_base_url) for photo in photos])

    @patch(
        "/{photo_id:uuid}",
        operation_id="updateRecipePhoto",
        operation_class=ApiOperation,
        responses=problems(
            400,
            401,
            403,
            404,
            429,
            descriptions={
                **_PHOTO_ERRORS,
                400: "Invalid body, or `cover: false` on the cover (type `.../cover-required`): make another "
                "photo the cover instead.",
            },
        ),
    )
    async def update_photo(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        photo_id: FromPath[UUID],
        data: JSONBody[PhotoUpdate],
        photos_service: NamedDependency[PhotoService],
        settings: NamedDependency[Settings],
    ) -> PhotoRead:
        """Move the photo (`position`; the others shift) and/or make it the cover (author only)."""
        photo = await photos_service.change(recipe_id, photo_id, request.user.id, data)
        invalidate(request, cache_tags.RECIPES, cache_tags.recipe(recipe_id))
        return to_read(photo, settings.public_base_url)

    @delete(
        "/{photo_id:uuid}",
        operation_id="deleteRecipePhoto",
        operation_class=ApiOperation,
        status_code=HTTP_204_NO_CONTENT,
        responses=problems(400, 401, 403, 404, 429, descriptions=_PHOTO_ERRORS),
    )
    async def delete_photo(
        self,
        request: Request[User, Grant, Any],
        recipe_id: FromPath[UUID],
        photo_id: FromPath[UUID],
        photos_service: NamedDependency[PhotoService],
    ) -> None:
        """Delete the photo (author only). Later photos move up; if it was the cover, the first one left is. Its
        images are deleted from the storage by a job, retried until done."""
        await photos_service.remove(recipe_id, photo_id, request.user.id)
        invalidate(request, cache_tags.RECIPES, cache_tags.recipe(recipe_id))


class MediaController(Controller):
    """The images of photos, at stable addresses."""

    path = MEDIA_PATH
    tags = ["photos"]
    dependencies = photo_dependencies

    @get(
        "/{photo_id:uuid}/{variant:str}",
        operation_id="getPhotoImage",
        operation_class=ApiOperation,
        exclude_from_auth=True,
        security=[{}],
        # The document says octet-stream (what client generators read as a file); each answer has its image type.
        media_type="application/octet-stream",
        responses={
            302: ResponseSpec(
                None,
                description="S3 storage: the image is at `Location` (the public base URL, or a signed URL valid "
                "`CHOPCHOP_STORAGE_SIGNED_URL_SECONDS`).",
                generate_examples=False,
            ),
            **problems(400, 404, descriptions={404: "No such photo, or that variant is not ready."}),
        },
    )
    async def get_image(
        self,
        request: Request[Any, Any, Any],
        photo_id: FromPath[UUID],
        variant: FromPath[PhotoVariant],
        photos_service: NamedDependency[PhotoService],
        storage: NamedDependency[ObjectStorage],
    ) -> Response[bytes]:
        """One image of a photo: `original`, `thumbnail` or `large` (these two once the photo is `ready`).

        With the local store (embedded mode) the bytes, with their type, `X-Content-Type-Options: nosniff` and
        a year's caching (an address always shows the same image). With S3, a 302 to the object: under the
        public base URL if one is configured, else a freshly signed URL valid `CHOPCHOP_STORAGE_SIGNED_URL_SECONDS`.

        The images of a `draft` or `private` recipe are a 404 for everyone but its author, and those of a hidden
        recipe for everyone but its author and moderators, who send their access token (that answer is
        `Cache-Control: private, no-store`).
        """
        photo = await photos_service.get_one_or_none(id=photo_id)
        if photo is None or (variant is not PhotoVariant.ORIGINAL and photo.status != PhotoStatus.READY.value):
            msg = "No such photo, or that image of it is not ready."
            raise _not_found(msg)
        audience = await photos_service.audience_of(photo.recipe_id)
        if audience is None:
            raise _not_found("No such photo, or that image of it is not ready.")
        author_id, shown, hidden = audience
        private = not shown
        if private:
            # A draft's, a private or a hidden recipe's images: its author's (and, hidden, moderators') only, like
            # the recipe itself. The answer depends on the caller: never stored for anyone else.
            mark_caller_dependent(request.scope)
            caller = await viewer(request)
            allowed = caller is not None and (caller.id == author_id or (hidden and caller.has_role(Role.MODERATOR)))
            if not allowed:
                raise _not_found("No such photo, or that image of it is not ready.")
        key = key_of(photo, variant)
        media_type = photo.media_type if variant is PhotoVariant.ORIGINAL else "image/webp"
        try:
            if not storage.is_local:
                url = await storage.url_for(key)
                # A signed URL: the browser may reuse the redirect for half its life, never past it.
                cache = (
                    PRIVATE_CACHE_CONTROL
                    if private
                    else IMMUTABLE
                    if storage.config.public_base_url
                    else (f"private, max-age={storage.config.signed_url_seconds // 2}")
                )
                return Redirect(
                    url, status_code=HTTP_302_FOUND, headers={"Cache-Control": cache}, media_type="text/plain"
                )
            body = await storage.get(key)
        except ObjectMissing:
            raise _not_found("That image is no longer stored.") from None
        except StorageUnavailable:
            raise _store_unavailable() from None
        return Response(
            body,
            media_type=media_type,
            headers={
                "Cache-Control": PRIVATE_CACHE_CONTROL if private else IMMUTABLE,
                "X-Content-Type-Options": "nosniff",
                "ETag": f'"{photo.id}-{variant.value}"',
                "Content-Security-Policy": "default-src 'none'; sandbox",
            },
        )


def _not_found(detail: str) -> ProblemError:
    return ProblemError(detail, status_code=404)


def photo_router(settings: Settings) -> Router:
    """The photo routes, with the body limit of an upload (the app's is much smaller)."""
    return Router(
        path="/",
        route_handlers=[PhotoController, MediaController],
        request_max_body_size=settings.photo_max_bytes + MULTIPART_OVERHEAD,
    )


__all__ = ["MediaController", "PhotoController", "photo_router"]
