"""Following through HTTP: idempotent follow/unfollow, exact counters under concurrency, the lists, the feed's
cursor paging (no repeat, no skip while recipes are published), privacy and account deletion."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from litestar import Litestar

from tests.factories import recipe_payload
from tests.helpers import Client, quick_user

pytestmark = pytest.mark.integration

USERS = "/api/v1/users"
FEED = "/api/v1/me/feed"


async def profile(client: Client, user_id: str) -> dict[str, Any]:
    response = await client.get(f"{USERS}/{user_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def publish(client: Client, headers: dict[str, str], title: str) -> str:
    response = await client.post("/api/v1/recipes", json=recipe_payload(title=title), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_follow_and_unfollow_are_idempotent_and_counted(client: Client, app: Litestar) -> None:
    ada_id, ada = await quick_user(app, "ada@example.com", name="Ada")
    bob_id, bob = await quick_user(app, "bob@example.com", name="Bob")
    for _ in range(3):
        response = await client.put(f"{USERS}/{ada_id}/follow", headers=bob)
        assert response.status_code == 200, response.text
        assert response.json() == {"user_id": ada_id, "following": True, "follower_count": 1}
    assert (await profile(client, ada_id))["follower_count"] == 1
    assert (await profile(client, bob_id))["following_count"] == 1
    assert (await profile(client, bob_id))["follower_count"] == 0

    followers = (await client.get(f"{USERS}/{ada_id}/followers")).json()
    assert [(u["id"], u["display_name"]) for u in followers["items"]] == [(bob_id, "Bob")]
    assert followers["total"] == 1
    following = (await client.get(f"{USERS}/{bob_id}/following")).json()
    assert [u["id"] for u in following["items"]] == [ada_id]

    for _ in range(2):
        response = await client.delete(f"{USERS}/{ada_id}/follow", headers=bob)
        assert response.status_code == 200
        assert response.json() == {"user_id": ada_id, "following": False, "follower_count": 0}
    assert (await profile(client, ada_id))["follower_count"] == 0
    assert (await profile(client, bob_id))["following_count"] == 0
    assert (await client.get(f"{USERS}/{ada_id}/followers")).json()["items"] == []
    assert ada  # used below by other tests


async def test_following_yourself_or_nobody(client: Client, app: Litestar) -> None:
    ada_id, ada = await quick_user(app, "ada@example.com")
    refused = await client.put(f"{USERS}/{ada_id}/follow", headers=ada)
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("cannot-follow-yourself")
    assert (await profile(client, ada_id))["follower_count"] == 0
    missing = f"{USERS}/{uuid.uuid4()}/follow"
    assert (await client.put(missing, headers=ada)).status_code == 404
    assert (await client.delete(missing, headers=ada)).status_code == 404
    assert (await client.put(f"{USERS}/{ada_id}/follow")).status_code == 401
    assert (await client.get(f"{USERS}/{uuid.uuid4()}/followers")).status_code == 404


async def test_counters_stay_exact_under_concurrent_follows_and_unfollows(client: Client, app: Litestar) -> None:
    star_id, star = await quick_user(app, "star@example.com")
    fans = [await quick_user(app, f"fan{k}@example.com") for k in range(8)]
    # Everyone at once, each several times; and the star following them back meanwhile (the other lock order).
    calls = [client.put(f"{USERS}/{star_id}/follow", headers=h) for _, h in fans for _ in range(3)]
    calls += [client.put(f"{USERS}/{fan_id}/follow", headers=star) for fan_id, _ in fans]
    responses = await asyncio.gather(*calls)
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses if r.status_code != 200]
    star_profile = await profile(client, star_id)
    assert (star_profile["follower_count"], star_profile["following_count"]) == (8, 8)
    for fan_id, _ in fans:
        fan = await profile(client, fan_id)
        assert (fan["follower_count"], fan["following_count"]) == (1, 1)

    # Unfollows and follows interleaved: half the fans leave (twice each), the others follow again.
    calls = [client.delete(f"{USERS}/{star_id}/follow", headers=h) for _, h in fans[:4] for _ in range(2)]
    calls += [client.put(f"{USERS}/{star_id}/follow", headers=h) for _, h in fans[4:]]
    responses = await asyncio.gather(*calls)
    assert all(r.status_code == 200 for r in responses)
    assert (await profile(client, star_id))["follower_count"] == 4
    listed = (await client.get(f"{USERS}/{star_id}/followers", params={"limit": 100})).json()
    assert sorted(u["id"] for u in listed["items"]) == sorted(fan_id for fan_id, _ in fans[4:])


async def test_followers_page_by_cursor(client: Client, app: Litestar) -> None:
    star_id, _ = await quick_user(app, "star@example.com")
    fans = [await quick_user(app, f"fan{k}@example.com") for k in range(7)]
    for _, headers in fans:
        await client.put(f"{USERS}/{star_id}/follow", headers=headers)
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        page = (await client.get(f"{USERS}/{star_id}/followers", params=params)).json()
        assert page["total"] == 7
        seen += [u["id"] for u in page["items"]]
        if page["next_cursor"] is None:
            break
        params = {"limit": 3, "cursor": page["next_cursor"]}
    assert seen == [fan_id for fan_id, _ in reversed(fans)]  # most recent follow first
    other = await client.get(f"{USERS}/{fans[0][0]}/followers", params=params)
    assert other.status_code == 400  # a cursor of another user's list
    assert other.json()["type"].endswith("cursor-mismatch")


async def test_feed_pages_newest_first_without_repeats_or_skips(client: Client, app: Litestar) -> None:
    _, ada = await quick_user(app, "ada@example.com", name="Ada")
    _, bob = await quick_user(app, "bob@example.com", name="Bob")
    _, eve = await quick_user(app, "eve@example.com", name="Eve")
    reader_id, reader = await quick_user(app, "reader@example.com")
    ada_id = (await client.get("/api/v1/me", headers=ada)).json()["id"]
    bob_id = (await client.get("/api/v1/me", headers=bob)).json()["id"]
    expected: list[str] = []
    for k in range(6):
        expected.append(await publish(client, ada if k % 2 else bob, f"R{k}"))
        await publish(client, eve, f"not followed {k}")
    await client.put(f"{USERS}/{ada_id}/follow", headers=reader)
    await client.put(f"{USERS}/{bob_id}/follow", headers=reader)

    first = await client.get(FEED, params={"limit": 4}, headers=reader)
    assert first.status_code == 200, first.text
    assert first.headers["cache-control"] == "private, no-store"
    body = first.json()
    seen = [r["id"] for r in body["items"]]
    assert 'rel="next"' in first.headers["link"]
    # New recipes published while the reader pages: they do not shift the pages already read.
    newer = [await publish(client, ada, "new 1"), await publish(client, bob, "new 2")]
    assert body["prev_cursor"] is None
    cursor = body["next_cursor"]
    last: dict[str, Any] = body
    while cursor is not None:
        last = (await client.get(FEED, params={"limit": 4, "cursor": cursor}, headers=reader)).json()
        seen += [r["id"] for r in last["items"]]
        cursor = last["next_cursor"]
    assert seen == list(reversed(expected))
    # Back up by `prev_cursor` from the last page: the same recipes the other way, then the new ones.
    back: list[str] = []
    cursor = last["prev_cursor"]
    while cursor is not None:
        page = (await client.get(FEED, params={"limit": 4, "cursor": cursor}, headers=reader)).json()
        back = [r["id"] for r in page["items"]] + back
        cursor = page["prev_cursor"]
    assert back + [r["id"] for r in last["items"]] == list(reversed(newer)) + seen
    top = (await client.get(FEED, params={"limit": 2}, headers=reader)).json()
    assert [r["id"] for r in top["items"]] == list(reversed(newer))

    # The feed is the reader's own: another user's cursor is refused, nobody else's feed shows these.
    assert (await client.get(FEED, params={"cursor": body["next_cursor"]}, headers=ada)).status_code == 400
    assert (await client.get(FEED, headers=eve)).json()["items"] == []
    assert (await client.get(FEED)).status_code == 401
    assert reader_id


async def test_feed_is_one_statement(client: Client, app: Litestar) -> None:
    from tests.helpers import count_statements

    _, reader = await quick_user(app, "reader@example.com")
    authors = [await quick_user(app, f"a{k}@example.com") for k in range(5)]
    for author_id, headers in authors:
        await publish(client, headers, "Soup")
        await client.put(f"{USERS}/{author_id}/follow", headers=reader)
    with count_statements(app) as statements:
        response = await client.get(FEED, params={"limit": 10}, headers=reader)
    assert len(response.json()["items"]) == 5
    selects = [s for s in statements if "recipe" in s and s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, statements


async def test_account_deletion_takes_its_follows_back(client: Client, app: Litestar) -> None:
    ada_id, ada = await quick_user(app, "ada@example.com")
    bob_id, bob = await quick_user(app, "bob@example.com")
    eve_id, eve = await quick_user(app, "eve@example.com")
    await client.put(f"{USERS}/{ada_id}/follow", headers=bob)
    await client.put(f"{USERS}/{bob_id}/follow", headers=ada)
    await client.put(f"{USERS}/{eve_id}/follow", headers=ada)
    await client.put(f"{USERS}/{eve_id}/follow", headers=bob)
    assert (await profile(client, eve_id))["follower_count"] == 2
    deleted = await client.request("DELETE", "/api/v1/me", json={"password": "correct horse battery"}, headers=ada)
    assert deleted.status_code == 204, deleted.text
    bob_profile = await profile(client, bob_id)
    assert (bob_profile["follower_count"], bob_profile["following_count"]) == (0, 1)
    assert (await profile(client, eve_id))["follower_count"] == 1
    assert [u["id"] for u in (await client.get(f"{USERS}/{eve_id}/followers")).json()["items"]] == [bob_id]
    assert (await client.get(f"{USERS}/{bob_id}/following")).json()["total"] == 1
    assert eve
