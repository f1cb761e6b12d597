"""Change-feed cursors (lib/cursors.py): what one issued decodes to its position; nothing else decodes."""

from __future__ import annotations

import base64

import pytest

from chopchop.domain.recipes.controllers import CHANGE_CURSOR_PATTERN
from chopchop.lib.keys import derive_key
from chopchop.lib.signed_positions import CursorCodec, InvalidCursor

KEY = derive_key("a secret of the service, long enough", "recipe-changes")
CODEC = CursorCodec(KEY, version=1, fields=2)


def test_a_cursor_round_trips_and_has_the_documented_shape() -> None:
    import re

    for position in ((0, 0), (1, 2), (2**64 - 1, 2**64 - 1), (123_456_789, 42)):
        cursor = CODEC.encode(*position)
        assert re.fullmatch(CHANGE_CURSOR_PATTERN, cursor)
        assert CODEC.decode(cursor) == position


def test_only_unsigned_64_bit_positions_are_encoded() -> None:
    for position in ((-1, 0), (0, 2**64)):
        with pytest.raises(ValueError, match="unsigned"):
            CODEC.encode(*position)


def test_a_changed_byte_another_key_purpose_or_version_is_refused() -> None:
    cursor = CODEC.encode(7, 9)
    raw = bytearray(base64.urlsafe_b64decode(cursor))
    for index in range(len(raw)):
        for bit in (1, 128):
            tampered = bytearray(raw)
            tampered[index] ^= bit
            with pytest.raises(InvalidCursor):
                CODEC.decode(base64.urlsafe_b64encode(bytes(tampered)).decode())
    others = [
        CursorCodec(derive_key("a secret of the service, long enough", "other"), version=1, fields=2),
        CursorCodec(derive_key("another secret of the service, as long", "recipe-changes"), version=1, fields=2),
        CursorCodec(KEY, version=2, fields=2),
    ]
    for other in others:
        with pytest.raises(InvalidCursor):
            CODEC.decode(other.encode(7, 9))


@pytest.mark.parametrize(
    "text",
    ["", "A", "A" * 43, "A" * 45, "A" * 44, "+" * 44, "/" * 44, "=" * 44, "é" * 44, "\x00" * 44, " " * 44],
)
def test_garbage_is_refused(text: str) -> None:
    with pytest.raises(InvalidCursor):
        CODEC.decode(text)


def test_a_cursor_with_padding_or_spaces_is_refused() -> None:
    cursor = CODEC.encode(1, 1)
    for text in (
        cursor + "=",
        " " + cursor,
        cursor + "\n",
        cursor.upper() if cursor != cursor.upper() else cursor[::-1],
    ):
        with pytest.raises(InvalidCursor):
            CODEC.decode(text)
