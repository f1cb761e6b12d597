"""Recipe photos end to end, through HTTP: uploads checked from their bytes, metadata stripped, variants made by a real
SAQ worker, objects in a real S3-compatible server (moto's server mode) or in the embedded mode's folder, and their
deletion with the photo, the recipe or the account."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from PIL import Image

from chopchop.app import create_app
from chopchop.db import Role
from chopchop.settings import Settings
from tests.helpers import FAST_HASHER, Client, asgi_client, insert_recipe, quick_user, running, saq_worker
from tests.moderation.steps import user_with_role
from tests.photos.conftest import ACCESS_KEY, SECRET_KEY, S3Server, free_port
from tests.photos.samples import SECRET_COMMENT, jpeg, metadata_of, png, png_header_claiming, webp

pytestmark = pytest.mark.integration


async def upload(
    http: Client, auth: dict[str, str], recipe: str, data: bytes, name: str = "photo.jpg", kind: str = "image/jpeg"
) -> httpx.Response:
    return await http.post(f"/api/v1/recipes/{recipe}/photos", files={"file": (name, data, kind)}, headers=auth)


async def photos(http: Client, recipe: str) -> list[dict[str, Any]]:
    response = await http.get(f"/api/v1/recipes/{recipe}/photos")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def settled(http: Client, recipe: str, count: int = 1) -> list[dict[str, Any]]:
    """The recipe's photos once none is processing any more (the worker made the variants)."""
    for _ in range(400):
        items = await photos(http, recipe)
        if len(items) >= count and all(item["status"] != "processing" for item in items):
            return items
        await asyncio.sleep(0.05)
    raise AssertionError(items)


async def fetch(http: Client, url: str) -> httpx.Response:
    """What a browser gets at a photo URL: the API's answer, following its redirect to the object store."""
    path = url.removeprefix("http://testserver.local")
    response = await http.get(path)
    if response.status_code == 302:
        assert response.headers["cache-control"].startswith("private, max-age=")
        async with httpx.AsyncClient() as outside:
            return await outside.get(response.headers["location"])
    return response


@pytest.fixture(scope="module")
async def s3_app(settings: Settings, s3_server: S3Server) -> AsyncIterator[tuple[Litestar, Client, str]]:
    """The app with photos in a bucket of the moto server, its own queue and SAQ worker."""
    bucket = s3_server.new_bucket(f"photos-{os.urandom(4).hex()}")
    own = replace(
        settings,
        queue_name=f"{settings.queue_name}-photos",
        storage_s3_bucket=bucket,
        storage_s3_endpoint=s3_server.endpoint,
        storage_s3_access_key_id=ACCESS_KEY,
        storage_s3_secret_access_key=SECRET_KEY,
        photo_max_per_recipe=4,
        photo_max_bytes=300_000,
    )
    app = create_app(own, hasher=FAST_HASHER)
    async with running(app) as http, saq_worker(app):
        yield app, http, bucket


async def test_jpeg_png_webp_are_stored_without_metadata_and_get_variants(
    s3_app: tuple[Litestar, Client, str], s3_server: S3Server
) -> None:
    app, http, bucket = s3_app
    author_id, author = await quick_user(app, "cook@example.com")
    recipe = await insert_recipe(app, author_id)
    # The upright image of a photo whose camera was turned: its EXIF orientation applied before it is stored.
    first = await upload(http, author, recipe, jpeg((64, 32), orientation=6), kind="application/octet-stream")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "processing"
    assert (body["width"], body["height"], body["media_type"]) == (32, 64, "image/jpeg")
    assert body["cover"] is True
    assert body["position"] == 0
    assert body["urls"] == {"original": f"http://testserver.local/media/photos/{body['id']}/original"}
    assert first.headers["location"] == f"/api/v1/recipes/{recipe}/photos/{body['id']}"
    assert (await upload(http, author, recipe, png(), name="x.png", kind="image/png")).status_code == 201
    assert (await upload(http, author, recipe, webp(), name="x.webp", kind="image/webp")).status_code == 201
    # Read (and cached) while processing: the variants' URLs are not there yet, nor the cover's thumbnail.
    early = (await http.get(f"/api/v1/recipes/{recipe}")).json()
    assert all(photo["urls"].get("large") is None for photo in early["photos"] if photo["status"] == "processing")
    await http.get("/api/v1/recipes")

    items = await settled(http, recipe, 3)
    assert [item["status"] for item in items] == ["ready"] * 3
    assert [item["media_type"] for item in items] == ["image/jpeg", "image/png", "image/webp"]
    assert [item["cover"] for item in items] == [True, False, False]
    for item in items:
        for name in ("original", "thumbnail", "large"):
            image = await fetch(http, item["urls"][name])
            assert image.status_code == 200
            gps, info = metadata_of(image.content)
            assert gps == {}
            assert "exif" not in info
            assert SECRET_COMMENT not in image.content
            assert "comment" not in info
            assert "Comment" not in info
    large = await fetch(http, items[2]["urls"]["large"])
    thumbnail = await fetch(http, items[2]["urls"]["thumbnail"])
    assert large.headers["content-type"] == "image/webp"
    with Image.open(io.BytesIO(large.content)) as shown:
        assert (shown.format, shown.size) == ("WEBP", (1280, 640))
    with Image.open(io.BytesIO(thumbnail.content)) as shown:
        assert shown.size == (320, 160)

    # What is in the bucket: three objects per photo, under keys nobody can guess from the photo's id alone.
    keys = s3_server.keys(bucket)
    assert len(keys) == 9
    for item in items:
        mine = [key for key in keys if key.startswith(f"photos/{item['id']}-")]
        assert len(mine) == 3
        assert len(mine[0].split("/")[1]) > len(item["id"]) + 16
    stored = [s3_server.read(bucket, key) for key in keys]
    assert not any(SECRET_COMMENT in data for data in stored)
    assert all(metadata_of(data)[0] == {} for data in stored)

    # The recipe shows them, and lists show the cover's thumbnail.
    recipe_body = (await http.get(f"/api/v1/recipes/{recipe}")).json()
    assert [photo["id"] for photo in recipe_body["photos"]] == [item["id"] for item in items]
    assert recipe_body["photos"][0]["urls"]["large"].endswith("/large")
    listed = (await http.get("/api/v1/recipes")).json()["items"]
    assert listed[0]["cover_thumbnail_url"] == items[0]["urls"]["thumbnail"]
    # The schema.org export names the large variants, the cover first.
    exported = await http.get(f"/api/v1/recipes/{recipe}", headers={"accept": "application/ld+json"})
    assert exported.json()["image"] == [item["urls"]["large"] for item in items]


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF", "menu.jpg", "image/jpeg"),
        (b"<!doctype html><script>alert(document.cookie)</script>", "cat.jpg", "image/jpeg"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>',
            "logo.png",
            "image/png",
        ),
        # A polyglot: HTML first, a real JPEG after it (browsers sniff the HTML; a JPEG decoder wants its magic first).
        (b"<html><script>alert(1)</script></html>" + jpeg(), "polyglot.jpg", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "anim.webp", "image/webp"),
    ],
    ids=["pdf", "html", "svg", "polyglot", "gif"],
)
async def test_anything_but_jpeg_png_webp_is_refused_whatever_its_name(
    s3_app: tuple[Litestar, Client, str], s3_server: S3Server, data: bytes, name: str, kind: str
) -> None:
    app, http, bucket = s3_app
    author_id, author = await quick_user(app, "types@example.com")
    recipe = await insert_recipe(app, author_id)
    before = s3_server.keys(bucket)
    response = await upload(http, author, recipe, data, name=name, kind=kind)
    assert response.status_code == 415, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/unsupported-image")
    assert await photos(http, recipe) == []
    assert s3_server.keys(bucket) == before


async def test_sizes_bombs_and_broken_images_are_refused_with_4xx(s3_app: tuple[Litestar, Client, str]) -> None:
    app, http, _ = s3_app
    author_id, author = await quick_user(app, "sizes@example.com")
    recipe = await insert_recipe(app, author_id)
    # Over the photo limit, within the body limit: the photo's own 413.
    over = await upload(http, author, recipe, b"\xff\xd8" + os.urandom(300_000))
    assert over.status_code == 413, over.text
    assert over.json()["type"].endswith("/photo-too-large")
    # Far over: refused from its Content-Length, before the body is read.
    huge = await upload(http, author, recipe, os.urandom(1_000_000))
    assert huge.status_code == 413
    assert huge.headers["content-type"].startswith("application/problem+json")
    # Decompression bombs: a few hundred bytes claiming 50 million (over the limit) or 900 million pixels.
    for width, height in [(10_000, 5_000), (30_000, 30_000)]:
        bomb = await upload(http, author, recipe, png_header_claiming(width, height), kind="image/png")
        assert bomb.status_code == 422, bomb.text
        assert bomb.json()["type"].endswith("/image-too-large")
    broken = await upload(http, author, recipe, jpeg()[:200])
    assert broken.status_code == 422, broken.text
    assert broken.json()["type"].endswith("/broken-image")
    missing = await http.post(f"/api/v1/recipes/{recipe}/photos", files={"other": ("a.jpg", jpeg())}, headers=author)
    assert missing.status_code == 400
    assert await photos(http, recipe) == []


async def test_only_the_author_uploads_and_changes_photos(s3_app: tuple[Litestar, Client, str]) -> None:
    app, http, _ = s3_app
    author_id, author = await quick_user(app, "owner@example.com")
    _, other = await quick_user(app, "other@example.com")
    recipe = await insert_recipe(app, author_id)
    assert (await upload(http, other, recipe, jpeg())).status_code == 403
    assert (await http.post(f"/api/v1/recipes/{recipe}/photos", files={"file": ("a.jpg", jpeg())})).status_code == 401
    missing = "0192f0a0-0000-7000-8000-000000000000"
    assert (await upload(http, author, missing, jpeg())).status_code == 404
    photo = (await upload(http, author, recipe, jpeg())).json()
    path = f"/api/v1/recipes/{recipe}/photos/{photo['id']}"
    assert (await http.patch(path, json={"position": 0}, headers=other)).status_code == 403
    assert (await http.delete(path, headers=other)).status_code == 403
    assert (await http.delete(f"/api/v1/recipes/{recipe}/photos/{missing}", headers=author)).status_code == 404
    assert (await http.patch(path, json={"cover": False}, headers=author)).status_code == 400
    assert (await http.patch(path, json={"colour": "red"}, headers=author)).status_code == 400


async def test_images_of_drafts_and_hidden_recipes_are_not_public(s3_app: tuple[Litestar, Client, str]) -> None:
    """The images of a recipe nobody else may see (a draft, a private recipe, one a moderator hid) are a 404 at their
    stable addresses for everyone but its author (and, for a hidden one, moderators), never stored for anyone else;
    the address someone kept from when the recipe was public stops working once it is hidden."""
    app, http, _ = s3_app
    author_id, author = await quick_user(app, "media-owner@example.com")
    _, other = await quick_user(app, "media-other@example.com")
    _, moderator = await user_with_role(app, "media-mod@example.com", Role.MODERATOR)
    recipe = await insert_recipe(app, author_id)
    photo = (await upload(http, author, recipe, jpeg())).json()
    await settled(http, recipe)
    addresses = [f"/media/photos/{photo['id']}/{variant}" for variant in ("original", "thumbnail", "large")]
    for address in addresses:  # shown: anyone
        assert (await http.get(address)).status_code == 302, address

    async def seen(address: str, auth: dict[str, str] | None = None) -> int:
        response = await http.get(address, headers=auth or {})
        if response.status_code == 302:
            assert "no-store" in response.headers["cache-control"], response.headers
        return response.status_code

    for status in ("draft", "private"):
        changed = await http.patch(f"/api/v1/recipes/{recipe}", json={"status": status}, headers=author)
        assert changed.status_code == 200, changed.text
        for address in addresses:
            assert await seen(address) == 404, (status, address)
            assert await seen(address, other) == 404, (status, address)
            assert await seen(address, author) == 302, (status, address)
    assert (await http.patch(f"/api/v1/recipes/{recipe}", json={"status": "public"}, headers=author)).status_code == 200
    hidden = await http.put(f"/api/v1/moderation/recipes/{recipe}/hidden", json={"reason": "x"}, headers=moderator)
    assert hidden.status_code == 200, hidden.text
    for address in addresses:
        assert await seen(address) == 404, address
        assert await seen(address, other) == 404, address
        assert await seen(address, moderator) == 302, address
        assert await seen(address, author) == 302, address
    assert (await http.delete(f"/api/v1/moderation/recipes/{recipe}/hidden", headers=moderator)).status_code == 200
    for address in addresses:
        assert (await http.get(address)).status_code == 302, address


async def test_order_cover_limit_and_deletion(s3_app: tuple[Litestar, Client, str], s3_server: S3Server) -> None:
    app, http, bucket = s3_app
    author_id, author = await quick_user(app, "order@example.com")
    recipe = await insert_recipe(app, author_id)
    # Concurrent uploads never pass the limit (4 in this app).
    answers = await asyncio.gather(*(upload(http, author, recipe, jpeg()) for _ in range(7)))
    assert sorted(a.status_code for a in answers) == [201] * 4 + [409] * 3
    assert next(a for a in answers if a.status_code == 409).json()["type"].endswith("/too-many-photos")
    items = await settled(http, recipe, 4)
    ids = [item["id"] for item in items]
    assert [item["position"] for item in items] == [0, 1, 2, 3]
    base = f"/api/v1/recipes/{recipe}/photos"
    # Move the last one first; make the third the cover.
    moved = await http.patch(f"{base}/{ids[3]}", json={"position": 0}, headers=author)
    assert moved.status_code == 200, moved.text
    assert moved.json()["position"] == 0
    assert (await http.patch(f"{base}/{ids[1]}", json={"cover": True}, headers=author)).status_code == 200
    items = await photos(http, recipe)
    assert [item["id"] for item in items] == [ids[3], ids[0], ids[1], ids[2]]
    assert [item["cover"] for item in items] == [False, False, True, False]
    # Past the end: last.
    assert (await http.patch(f"{base}/{ids[3]}", json={"position": 99}, headers=author)).json()["position"] == 3
    listed = (await http.get("/api/v1/recipes")).json()["items"]
    assert listed[0]["cover_thumbnail_url"].endswith(f"/{ids[1]}/thumbnail")

    # Deleting the cover: the others move up, the first becomes the cover, its objects leave the bucket.
    assert (await http.delete(f"{base}/{ids[1]}", headers=author)).status_code == 204
    items = await photos(http, recipe)
    assert [item["id"] for item in items] == [ids[0], ids[2], ids[3]]
    assert [item["position"] for item in items] == [0, 1, 2]
    assert [item["cover"] for item in items] == [True, False, False]
    assert (await http.get(f"/media/photos/{ids[1]}/original")).status_code == 404
    await gone_from(s3_server, bucket, ids[1])
    assert len([key for key in s3_server.keys(bucket) if key.startswith(f"photos/{ids[0]}-")]) == 3


async def gone_from(s3_server: S3Server, bucket: str, *photo_ids: str) -> None:
    for _ in range(300):
        keys = s3_server.keys(bucket)
        if not any(key.startswith(f"photos/{photo_id}-") for key in keys for photo_id in photo_ids):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(keys)


async def test_deleting_the_recipe_or_the_account_deletes_the_objects(
    s3_app: tuple[Litestar, Client, str], s3_server: S3Server
) -> None:
    app, http, bucket = s3_app
    author_id, author = await quick_user(app, "leaving@example.com")
    first = await insert_recipe(app, author_id, title="First")
    second = await insert_recipe(app, author_id, title="Second")
    one = (await upload(http, author, first, jpeg())).json()["id"]
    two = (await upload(http, author, second, png(), kind="image/png")).json()["id"]
    await settled(http, first)
    await settled(http, second)
    assert (await http.delete(f"/api/v1/recipes/{first}", headers=author)).status_code == 204
    await gone_from(s3_server, bucket, one)
    assert any(key.startswith(f"photos/{two}-") for key in s3_server.keys(bucket))
    deleted = await http.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=author)
    assert deleted.status_code == 204, deleted.text
    await gone_from(s3_server, bucket, two)


async def test_a_store_that_is_down_is_a_503_and_leaves_nothing(settings: Settings) -> None:
    down = replace(
        settings,
        queue_name=f"{settings.queue_name}-s3down",
        storage_s3_bucket="nowhere",
        storage_s3_endpoint=f"http://127.0.0.1:{free_port()}",
        storage_s3_access_key_id=ACCESS_KEY,
        storage_s3_secret_access_key=SECRET_KEY,
        storage_timeout_seconds=2,
    )
    app = create_app(down, hasher=FAST_HASHER)
    async with running(app) as http:
        author_id, author = await quick_user(app, "down@example.com")
        recipe = await insert_recipe(app, author_id)
        response = await upload(http, author, recipe, jpeg())
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"]
        assert response.json()["type"].endswith("/storage-unavailable")
        assert await photos(http, recipe) == []


async def test_public_base_url_redirects_to_it(settings: Settings, s3_server: S3Server) -> None:
    bucket = s3_server.new_bucket(f"public-{os.urandom(4).hex()}")
    public = replace(
        settings,
        queue_name=f"{settings.queue_name}-public",
        storage_s3_bucket=bucket,
        storage_s3_endpoint=s3_server.endpoint,
        storage_s3_access_key_id=ACCESS_KEY,
        storage_s3_secret_access_key=SECRET_KEY,
        storage_public_base_url="https://media.example.com/",
    )
    app = create_app(public, hasher=FAST_HASHER)
    async with running(app) as http:
        author_id, author = await quick_user(app, "public@example.com")
        recipe = await insert_recipe(app, author_id)
        photo = (await upload(http, author, recipe, jpeg())).json()
        response = await http.get(f"/media/photos/{photo['id']}/original")
        assert response.status_code == 302
        [key] = s3_server.keys(bucket)
        assert response.headers["location"] == f"https://media.example.com/{key}"
        assert "immutable" in response.headers["cache-control"]


async def test_the_embedded_mode_keeps_photos_in_its_folder_and_serves_them(tmp_path: Path) -> None:
    embedded = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'photos.sqlite3'}",
        data_dir=str(tmp_path / "var"),
        log_level="WARNING",
    )
    app = create_app(embedded, hasher=FAST_HASHER)
    async with running(app) as http:
        author_id, author = await quick_user(app, "solo@example.com")
        recipe = await insert_recipe(app, author_id)
        created = await upload(http, author, recipe, jpeg((40, 20), orientation=6))
        assert created.status_code == 201, created.text
        photo = created.json()
        [item] = await settled(http, recipe)
        assert item["status"] == "ready"
        for name, kind in [("original", "image/jpeg"), ("thumbnail", "image/webp"), ("large", "image/webp")]:
            image = await http.get(f"/media/photos/{photo['id']}/{name}")
            assert image.status_code == 200
            assert image.headers["content-type"] == kind
            assert image.headers["x-content-type-options"] == "nosniff"
            assert "immutable" in image.headers["cache-control"]
            assert metadata_of(image.content)[0] == {}
            assert SECRET_COMMENT not in image.content
        original = (await http.get(f"/media/photos/{photo['id']}/original")).content
        with Image.open(io.BytesIO(original)) as shown:
            assert shown.size == (20, 40)
        files = sorted(path for path in (tmp_path / "var" / "media").rglob("*") if path.is_file())
        assert [path.name for path in files] == ["large.webp", "original.jpg", "thumbnail.webp"]
        # Addresses name a photo and a variant, never a path: nothing else in the folder is reachable.
        for path in [
            f"/media/photos/{photo['id']}/..%2F..%2Fjwt-secret",
            f"/media/photos/{photo['id']}/%2e%2e",
            "/media/photos/../jwt-secret",
            "/media/photos/..%2F..%2Fjwt-secret/original",
        ]:
            assert (await http.get(path)).status_code in {400, 404}, path
        assert (await http.delete(f"/api/v1/recipes/{recipe}", headers=author)).status_code == 204
        for _ in range(200):
            if not any(path.is_file() for path in (tmp_path / "var" / "media").rglob("*")):
                break
            await asyncio.sleep(0.05)
        assert not any(path.is_file() for path in (tmp_path / "var" / "media").rglob("*"))


async def test_an_upload_that_cannot_commit_leaves_no_object(settings: Settings, s3_server: S3Server) -> None:
    """Redis away: the write's cache invalidation cannot be recorded, so it is refused (503) after the original was
    stored; the object is deleted again."""
    bucket = s3_server.new_bucket(f"nocommit-{os.urandom(4).hex()}")
    own = replace(
        settings,
        redis_url=f"redis://127.0.0.1:{free_port()}/0",
        queue_name=f"{settings.queue_name}-nocommit",
        storage_s3_bucket=bucket,
        storage_s3_endpoint=s3_server.endpoint,
        storage_s3_access_key_id=ACCESS_KEY,
        storage_s3_secret_access_key=SECRET_KEY,
    )
    app = create_app(own, hasher=FAST_HASHER)
    async with app.lifespan(), asgi_client(app) as http:
        author_id, author = await quick_user(app, "nocommit@example.com")
        recipe = await insert_recipe(app, author_id)
        response = await upload(http, author, recipe, jpeg())
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"]
        assert s3_server.keys(bucket) == []
        assert await photos(http, recipe) == []
