"""A batch as PostgreSQL binary COPY payloads, encoded straight from the generated values (no UUID, datetime or
Decimal object per row): the byte strings of users, ingredient lines and tags are computed once per run.

PostgreSQL's binary COPY format: a header, then per row a 16-bit field count and per field a 32-bit length
(-1: NULL) and the value in the type's binary form; a -1 field count ends the data.
"""

from __future__ import annotations

import json
import struct
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from chopchop.cli.seed.generate import MICROS, UNIX_EPOCH, GeneratedRecipe
from chopchop.cli.seed.recipes import COMPLEXITY_WEIGHTED, INGREDIENTS, LINE_NOTES, LINE_VARIANTS, TAGS
from chopchop.cli.seed.rows import COMMENT_COLUMNS, LIKE_COLUMNS, LINE_COLUMNS, RECIPE_COLUMNS, TAG_COLUMNS, Rows

COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
COPY_TRAILER = b"\xff\xff"
PG_EPOCH_MICROS = (datetime(2000, 1, 1, tzinfo=UTC) - UNIX_EPOCH) // MICROS  # timestamptz counts from 2000
NULL = struct.pack(">i", -1)
UUID_LENGTH = struct.pack(">i", 16)
_INT4_FIELDS = [struct.pack(">ii", 4, n) for n in range(len(INGREDIENTS) + 2)]  # line positions
_FOUR_INT4 = struct.Struct(">iiiiiiii")
_TWO_INT4 = struct.Struct(">iiii")
_TWO_TIMESTAMPS = struct.Struct(">iqiq")
_LIKE_ROW = struct.Struct(">hi16si16siq")
# A one-dimensional array field: its length, then ndim 1, no NULLs, the element type, the dimension's length and
# lower bound 1, then the elements (each a length and its bytes). An empty array: ndim 0, nothing after the type.
_ARRAY_FIELD = struct.Struct(">iiiiii")
_EMPTY_ARRAY_FIELD = struct.Struct(">iiii")
UUID_OID = 2950
VARCHAR_OID = 1043


def pg_array(element_oid: int, elements: Sequence[bytes]) -> bytes:
    """A one-dimensional array field of already encoded elements (length and bytes each), in binary."""
    if not elements:
        return _EMPTY_ARRAY_FIELD.pack(12, 0, 0, element_oid)
    body = b"".join(elements)
    return _ARRAY_FIELD.pack(20 + len(body), 1, 0, element_oid, len(elements), 1) + body


def pg_text(value: str) -> bytes:
    data = value.encode()
    return struct.pack(">i", len(data)) + data


def pg_numeric(value: Decimal) -> bytes:
    """NUMERIC in binary: base-10000 digits with a weight (exponent of the first), here with 3 decimals."""
    if value.is_signed() or not value.is_finite():
        msg = f"unexpected quantity {value}"
        raise ValueError(msg)
    scaled = int(value.scaleb(4).to_integral_exact())  # one base-10000 digit after the point
    digits: list[int] = []
    while scaled:
        scaled, digit = divmod(scaled, 10000)
        digits.append(digit)
    digits.reverse()
    weight = len(digits) - 2 if digits else 0
    while digits and digits[-1] == 0:
        digits.pop()
    body = struct.pack(f">hhhh{len(digits)}h", len(digits), weight, 0, 3, *digits)
    return struct.pack(">i", len(body)) + body


def json_strings(values: list[str]) -> str:
    """``json.dumps(values)``, the same text, built directly when no value needs escaping but the degree sign."""
    text = '", "'.join(values)
    plain = text.count('"') == 2 * len(values) - 2 and "\\" not in text and text.isprintable()
    if not values or not plain or not text.replace("°", "").isascii():
        return json.dumps(values)
    return '["' + text.replace("°", "\\u00b0") + '"]'


class PgEncoder:
    """Batches as binary COPY payloads; the byte strings of users, ingredient lines and tags computed once."""

    def __init__(self, user_ids: Sequence[uuid.UUID], ingredient_ids: Mapping[str, uuid.UUID]) -> None:
        self.user_bytes = [user_id.bytes for user_id in user_ids]
        self.user_fields = [UUID_LENGTH + user_id.bytes for user_id in user_ids]
        notes = [NULL if note is None else pg_text(note) for note in LINE_NOTES]
        # ingredient_id, quantity, unit and note fields of a line, by (variant, note).
        self.line_tails = [
            [
                UUID_LENGTH
                + ingredient_ids[name].bytes
                + (NULL if quantity is None else pg_numeric(quantity))
                + (NULL if unit is None else pg_text(unit))
                + note
                for note in notes
            ]
            for name, quantity, unit in LINE_VARIANTS
        ]
        self.tags = {tag: pg_text(tag) for tag in TAGS}
        self.complexities = {complexity: pg_text(complexity) for complexity in set(COMPLEXITY_WEIGHTED)}
        # recipe.ingredient_ids: its elements (length and UUID bytes) by LINE_VARIANTS index. All elements have the
        # same length prefix, so sorting them sorts the UUIDs (bytewise, PostgreSQL's uuid order); the array's
        # header (field length included) by element count.
        self.variant_elements = [UUID_LENGTH + ingredient_ids[name].bytes for name, _, _ in LINE_VARIANTS]
        self.id_array_heads = [
            pg_array(UUID_OID, []) if count == 0 else _ARRAY_FIELD.pack(20 + 20 * count, 1, 0, UUID_OID, count, 1)
            for count in range(len(INGREDIENTS) + 1)
        ]
        # recipe.tags: its elements are those of self.tags, ordered by the tags themselves (not by their encodings).
        self.empty_tags = pg_array(VARCHAR_OID, [])

    def _recipe_fields(self, made: GeneratedRecipe, id_field: bytes) -> tuple[bytes, ...]:
        """The fields of the recipe row (RECIPE_COLUMNS), its field count first."""
        content, text = made.content, pg_text
        created = made.created - PG_EPOCH_MICROS
        prep, cook = content.prep_minutes, content.cook_minutes
        # Distinct and sorted: a set of the elements, sorted (see __init__). The tags are distinct already (the
        # primary key of their rows says so).
        id_elements = sorted({self.variant_elements[variant] for variant, _ in content.lines})
        if content.tags:
            ordered = sorted(content.tags)
            tag_body = b"".join([self.tags[tag] for tag in ordered])
            tags_field = _ARRAY_FIELD.pack(20 + len(tag_body), 1, 0, VARCHAR_OID, len(ordered), 1) + tag_body
        else:
            tags_field = self.empty_tags
        return (
            b"\x00\x11",
            id_field,
            self.user_fields[made.author],
            text(content.title),
            text(content.description),
            self.complexities[content.complexity],
            _FOUR_INT4.pack(4, content.servings, 4, prep, 4, cook, 4, prep + cook),
            text(json_strings(content.steps)),
            _TWO_INT4.pack(4, len(made.likes), 4, len(made.comments)),
            text(content.search_text),
            _TWO_TIMESTAMPS.pack(8, created, 8, created),
            self.id_array_heads[len(id_elements)] + b"".join(id_elements),
            tags_field,
        )

    def encode(self, batch: list[GeneratedRecipe]) -> Rows:
        user_bytes, user_fields, line_tails, tag_fields = self.user_bytes, self.user_fields, self.line_tails, self.tags
        pack_like, text = _LIKE_ROW.pack, pg_text
        recipes, lines, tags, likes, comments = (
            [COPY_HEADER],
            [COPY_HEADER],
            [COPY_HEADER],
            [COPY_HEADER],
            [COPY_HEADER],
        )
        for made in batch:
            recipe_id, content = made.id, made.content
            id_field = UUID_LENGTH + recipe_id
            recipes += self._recipe_fields(made, id_field)
            line_prefix = b"\x00\x06" + id_field
            lines += [
                line_prefix + _INT4_FIELDS[position] + line_tails[variant][note]
                for position, (variant, note) in enumerate(content.lines, start=1)
            ]
            tag_prefix = b"\x00\x02" + id_field
            tags += [tag_prefix + tag_fields[tag] for tag in content.tags]
            likes += [
                pack_like(3, 16, user_bytes[user], 16, recipe_id, 8, micros - PG_EPOCH_MICROS)
                for user, micros in made.likes
            ]
            for comment_id, author, body, micros in made.comments:
                said = micros - PG_EPOCH_MICROS
                comments += (
                    b"\x00\x06" + UUID_LENGTH + comment_id + id_field + user_fields[author],
                    text(body),
                    _TWO_TIMESTAMPS.pack(8, said, 8, said),
                )
        for payload in (recipes, lines, tags, likes, comments):
            payload.append(COPY_TRAILER)
        counts = (len(batch), len(lines) - 2, len(tags) - 2, len(likes) - 2, sum(len(made.comments) for made in batch))
        return Rows(
            *counts,
            [
                ("recipe", RECIPE_COLUMNS, counts[0], b"".join(recipes)),
                ("recipe_ingredient", LINE_COLUMNS, counts[1], b"".join(lines)),
                ("recipe_tag", TAG_COLUMNS, counts[2], b"".join(tags)),
                ("recipe_like", LIKE_COLUMNS, counts[3], b"".join(likes)),
                ("comment", COMMENT_COLUMNS, counts[4], b"".join(comments)),
            ],
        )
