"""The list cursor codec: round trips, and every malformed or foreign cursor is a 400 problem (unit lane)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from chopchop.lib import cursors
from chopchop.lib.cursors import (
    MAX_CURSOR_CHARS,
    CursorScope,
    Seek,
    cursor_key,
    decode_cursor,
    encode_cursor,
    take,
)
from chopchop.lib.problems import BadRequest
from chopchop.lib.replicas import token_key
from chopchop.lib.signed_positions import seal

KEY = cursor_key("a test secret that is long enough to be a secret")
WHEN = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=UTC)
ID = uuid.UUID("01a22de2-d25f-742c-8f76-6d899e87cdc4")
NEWEST = CursorScope.of("recipes", tuple[datetime, uuid.UUID], "newest", {"q": "soup"})
TITLE = CursorScope.of("recipes", tuple[str, uuid.UUID], "title", {"q": "soup"})


def refused(scope: CursorScope, token: str) -> str:
    with pytest.raises(BadRequest) as caught:
        decode_cursor(KEY, scope, token)
    assert caught.value.status_code == 400
    return str(caught.value.problem_slug)


@pytest.mark.parametrize("backward", [False, True])
def test_round_trip_keeps_keys_exactly(backward: bool) -> None:
    token = encode_cursor(KEY, NEWEST, (WHEN, ID), backward=backward)
    assert token.isascii() and "=" not in token and len(token) <= MAX_CURSOR_CHARS
    assert decode_cursor(KEY, NEWEST, token) == Seek((WHEN, ID), backward)


def test_a_long_unicode_title_fits() -> None:
    title = "é🍲" * 100  # 200 characters, 600 bytes of UTF-8
    token = encode_cursor(KEY, TITLE, (title, ID), backward=False)
    assert len(token) <= MAX_CURSOR_CHARS
    assert decode_cursor(KEY, TITLE, token).keys == (title, ID)


def test_every_changed_character_is_refused() -> None:
    token = encode_cursor(KEY, NEWEST, (WHEN, ID), backward=False)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i, char in enumerate(token):
        other = alphabet[(alphabet.index(char) + 1) % len(alphabet)]
        assert refused(NEWEST, token[:i] + other + token[i + 1 :]) == "invalid-cursor", i


@pytest.mark.parametrize(
    "token",
    ["", "=", "a", "ab=", "!!!!", "é" * 8, "A" * (MAX_CURSOR_CHARS + 1), "AAAA\x00", "AA AA", "AA+/AA", "A" * 22],
)
def test_garbage_is_refused(token: str) -> None:
    assert refused(NEWEST, token) == "invalid-cursor"


def test_truncated_and_extended_cursors_are_refused() -> None:
    token = encode_cursor(KEY, NEWEST, (WHEN, ID), backward=False)
    for bad in (token[:-1], token[:-2], token[: len(token) // 2], token + "A", token + "AA", token + "=="):
        assert refused(NEWEST, bad) == "invalid-cursor", bad


def test_another_key_or_version_is_refused() -> None:
    assert refused(NEWEST, encode_cursor(cursor_key("another secret"), NEWEST, (WHEN, ID), backward=False)) == (
        "invalid-cursor"
    )
    original = cursors.CURSOR_VERSION
    cursors.CURSOR_VERSION = original + 1
    try:
        future = encode_cursor(KEY, NEWEST, (WHEN, ID), backward=False)
    finally:
        cursors.CURSOR_VERSION = original
    assert refused(NEWEST, future) == "invalid-cursor"


def test_the_key_is_a_labelled_derivation() -> None:
    secret = "a test secret that is long enough to be a secret"
    # Its own key: neither the secret itself nor the consistency tokens' key (another label of the same secret).
    assert secret.encode() != KEY
    assert token_key(secret) != KEY
    assert len(KEY) == 32
    with pytest.raises(RuntimeError):
        cursor_key("")


def test_a_cursor_of_another_list_sort_or_filters_is_a_mismatch() -> None:
    token = encode_cursor(KEY, NEWEST, (WHEN, ID), backward=False)
    others = [
        CursorScope.of("recipes", tuple[datetime, uuid.UUID], "newest", {"q": "soups"}),
        CursorScope.of("recipes", tuple[datetime, uuid.UUID], "most_liked", {"q": "soup"}),
        CursorScope.of("user-recipes", tuple[datetime, uuid.UUID], "newest", {"q": "soup"}),
    ]
    for scope in others:
        assert refused(scope, token) == "cursor-mismatch"


def test_signed_keys_of_the_wrong_types_are_refused() -> None:
    odd = CursorScope(NEWEST.list, NEWEST.binding, Any)
    for keys in [("soup", ID), (WHEN,), (WHEN, ID, 3), (WHEN, "not a uuid")]:
        assert refused(NEWEST, encode_cursor(KEY, odd, keys, backward=False)) == "invalid-cursor", keys


def test_a_signed_payload_that_is_not_an_envelope_is_refused() -> None:
    payload = msgspec.msgpack.encode(["not", "an", "envelope"])
    assert refused(NEWEST, seal(KEY, payload)) == "invalid-cursor"


def test_take_flips_a_backward_page_and_says_whether_more_follow() -> None:
    assert take([1, 2, 3], limit=2, seek=None) == ([1, 2], True)
    assert take([3, 2, 1], limit=2, seek=Seek((0,), backward=True)) == ([2, 3], True)
    assert take([3, 2], limit=2, seek=Seek((0,), backward=True)) == ([2, 3], False)
