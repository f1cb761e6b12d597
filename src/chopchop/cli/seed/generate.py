"""The records of a seed run: its users, and its recipes in batches with their likes and comments, reproducibly.

Same seed, same data. Users come from ``random.Random(seed)``; the recipes of batch ``b`` (with their ingredient
lines, tags, likes and comments) from their own ``random.Random(f"{seed}:{b}")``, so a batch's records do not
depend on which connection writes it, or when. Recipes are spread evenly over the last 1000 days in creation order,
and their ids are UUIDv7s of their creation time: the writes land near the right edge of the B-tree indexes (random
ids would touch pages all over ever larger indexes). The records are plain values (ids as bytes, times as
microseconds, users as indexes): the PostgreSQL path encodes them without a UUID or datetime object per row.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from chopchop.cli.seed.recipes import INGREDIENTS, RecipeContent, generate_recipe
from chopchop.cli.seed.words import WORDS

EMAIL_DOMAIN = "seed.chopchop.example"
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROS = timedelta(microseconds=1)
DAY_MICROS = 86_400_000_000
RECIPE_DAYS = 1000  # recipes are spread over the last 1000 days
USER_DAYS = (1100, 365)  # users joined 1100 to 1465 days ago, before any recipe
ALL_NAMES = list(INGREDIENTS)
COMMENTS = WORDS.comments


def seeded_uuid7(rng: random.Random, moment: datetime) -> uuid.UUID:
    """A version 7 UUID for ``moment`` whose random bits come from ``rng`` (reproducible, time-ordered)."""
    return uuid.UUID(bytes=uuid7_bytes(rng, (moment - UNIX_EPOCH) // MICROS))


def uuid7_bytes(rng: random.Random, micros: int) -> bytes:
    """The 16 bytes of a version 7 UUID for ``micros`` (since the Unix epoch), random bits from ``rng``."""
    bits = rng.getrandbits(74)
    millis = (micros // 1000) & 0xFFFF_FFFF_FFFF
    value = (millis << 80) | (0x7 << 76) | ((bits >> 62) << 64) | (0b10 << 62) | (bits & 0x3FFF_FFFF_FFFF_FFFF)
    return value.to_bytes(16, "big")


def first_email(seed: int) -> str:
    """The email of the seed's first user: whether a database already holds the users of ``seed``."""
    return f"cook0.s{seed}@{EMAIL_DOMAIN}"


def generate_users(
    rng: random.Random, *, seed: int, count: int, password_hash: str, now: datetime
) -> tuple[list[uuid.UUID], list[tuple[Any, ...]]]:
    """``count`` active users who joined before the first recipe (``cook<n>.s<seed>@...``): ids and rows (in
    ``rows.USER_COLUMNS`` order), all with the one ``password_hash``."""
    ids: list[uuid.UUID] = []
    rows: list[tuple[Any, ...]] = []
    for n in range(count):
        joined = now - timedelta(days=USER_DAYS[0] + rng.random() * USER_DAYS[1])
        user_id = seeded_uuid7(rng, joined)
        name = f"{rng.choice(WORDS.first_names)} {rng.choice(WORDS.last_names)}"
        ids.append(user_id)
        email = f"cook{n}.s{seed}@{EMAIL_DOMAIN}"
        rows.append((user_id, email, name, password_hash, True, joined, 0, joined, joined))
    return ids, rows


class GeneratedRecipe(NamedTuple):
    """A recipe with its likes and comments in plain values: ids are UUID bytes, times microseconds since the Unix
    epoch, users indexes into the seed's users. Likes are (user, time), comments (id, author, body, time)."""

    id: bytes
    author: int
    created: int
    content: RecipeContent
    likes: list[tuple[int, int]]
    comments: list[tuple[bytes, int, str, int]]


def _distinct(rng: random.Random, size: int, count: int) -> list[int]:
    """``count`` distinct numbers below ``size`` in random order (``random.sample`` when many are wanted)."""
    if count * 4 > size:
        return rng.sample(range(size), count)
    uniform = rng.random
    seen: set[int] = set()
    picked: list[int] = []
    while len(picked) < count:
        number = int(uniform() * size)
        if number not in seen:
            seen.add(number)
            picked.append(number)
    return picked


@dataclass(frozen=True)
class Plan:
    """A seed run's recipes: everything a batch depends on, and nothing else (so batches are reproducible)."""

    seed: int
    recipes: int
    batch_size: int
    users: int
    likes_per_recipe: float
    comments_per_recipe: float
    with_comments: bool
    now: int  # microseconds since the Unix epoch

    @property
    def batches(self) -> int:
        return -(-self.recipes // self.batch_size)

    def size(self, index: int) -> int:
        return min(self.batch_size, self.recipes - index * self.batch_size)

    def batch(self, index: int) -> list[GeneratedRecipe]:
        """Batch ``index``: recipe ``n`` is created in the ``n``-th of ``recipes`` equal slots of the last 1000 days."""
        rng = random.Random(f"{self.seed}:{index}")  # noqa: S311 - demo data, not secrets
        uniform = rng.random
        users, now = self.users, self.now
        slot = RECIPE_DAYS * DAY_MICROS / self.recipes
        start = now - RECIPE_DAYS * DAY_MICROS
        comments_mean = self.comments_per_recipe if self.with_comments else 0.0
        first = index * self.batch_size
        made: list[GeneratedRecipe] = []
        for number in range(first, first + self.size(index)):
            created = start + int((number + uniform()) * slot)
            recipe_id = uuid7_bytes(rng, created)
            author = int(uniform() * users)
            content = generate_recipe(rng)
            since = now - created
            # Popularity has a long tail (Pareto, alpha 1.5): most recipes get a few likes, some get many.
            count = min(users, int(((1.0 - uniform()) ** (-1 / 1.5) - 1) * self.likes_per_recipe))
            likes = [(user, created + int(uniform() * since)) for user in _distinct(rng, users, count)]
            # The comments inline: as a function of their own they cost 2-5 % of a batch (measured).
            comments: list[tuple[bytes, int, str, int]] = []
            if comments_mean:
                for _ in range(int(-math.log(1.0 - uniform()) * comments_mean)):  # exponential, rounded down
                    said = created + int(uniform() * since)
                    template = COMMENTS[int(uniform() * len(COMMENTS))]
                    x, y = ALL_NAMES[int(uniform() * len(ALL_NAMES))], ALL_NAMES[int(uniform() * len(ALL_NAMES))]
                    comments.append((uuid7_bytes(rng, said), int(uniform() * users), template.format(x=x, y=y), said))
            made.append(GeneratedRecipe(recipe_id, author, created, content, likes, comments))
        return made
