"""Demo data: ``chopchop seed`` fills the database with realistic users, recipes, likes and comments, fast.

Same seed, same data. Users come from ``random.Random(seed)``; the recipes of batch ``b`` (with their ingredient
lines, tags, likes and comments) from their own ``random.Random(f"{seed}:{b}")``, so a batch's rows do not depend
on which connection writes it, or when. Timestamps count back from ``now``, by default the start of the current
UTC day: the same command run twice on one day writes identical rows. Recipes are spread evenly over the last
1000 days in creation order, and their ids are UUIDv7s of their creation time: the writes land near the right
edge of the B-tree indexes (random ids would touch pages all over ever larger indexes).

PostgreSQL: a thread generates the batches and encodes them straight into binary COPY payloads (no UUID,
datetime or Decimal object per row); two connections COPY them, one transaction per batch, so the server's
share (index maintenance, ``to_tsvector`` of the full-text index) runs on two backends while the next batches are
being generated. Other databases (SQLite in the embedded mode): the same batches as Python rows, written one after
the other with executemany. Counters (``like_count``, ``comment_count``) are written consistent with the rows, and
so are the recipe's filter arrays (``ingredient_ids``: the distinct catalogue ids of its lines, ``tags``: its tags,
both sorted; JSON lists on SQLite). On PostgreSQL ``ingredient.recipe_count`` is recounted once at the end.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import struct
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import combinations
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click
from sqlalchemy import Table, func, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chopchop.db import Recipe, User, metadata
from chopchop.domain.recipes import queries
from chopchop.domain.recipes.services import search_text

if TYPE_CHECKING:
    from litestar import Litestar

SEED_PASSWORD = "chopchop-seed-password"  # noqa: S105 - demo accounts, printed by the command
EMAIL_DOMAIN = "seed.chopchop.example"

# name: (unit, smallest, largest, step) - quantities in that unit; unit None: "to taste".
INGREDIENTS: dict[str, tuple[str | None, float, float, float]] = {
    "chicken breast": ("g", 200, 800, 50),
    "chicken thigh": ("g", 300, 1000, 50),
    "beef mince": ("g", 250, 750, 50),
    "beef brisket": ("kg", 1, 2.5, 0.25),
    "pork shoulder": ("kg", 1, 2, 0.25),
    "lamb shoulder": ("kg", 1, 2, 0.25),
    "salmon fillet": ("piece", 2, 4, 1),
    "cod fillet": ("piece", 2, 4, 1),
    "prawns": ("g", 150, 400, 50),
    "bacon": ("slice", 4, 8, 1),
    "chorizo": ("g", 100, 250, 25),
    "duck breast": ("piece", 2, 4, 1),
    "tofu": ("g", 200, 450, 50),
    "egg": ("piece", 1, 6, 1),
    "chickpeas": ("can", 1, 2, 1),
    "red lentils": ("g", 150, 300, 50),
    "black beans": ("can", 1, 2, 1),
    "halloumi": ("g", 200, 250, 25),
    "feta": ("g", 100, 200, 25),
    "mozzarella": ("g", 125, 250, 125),
    "parmesan": ("g", 30, 100, 10),
    "cheddar": ("g", 80, 200, 20),
    "ricotta": ("g", 125, 250, 125),
    "paneer": ("g", 200, 400, 50),
    "onion": ("piece", 1, 3, 1),
    "red onion": ("piece", 1, 2, 1),
    "garlic": ("clove", 1, 6, 1),
    "shallot": ("piece", 1, 4, 1),
    "leek": ("piece", 1, 2, 1),
    "carrot": ("piece", 1, 4, 1),
    "celery": ("piece", 1, 3, 1),
    "potato": ("g", 400, 1000, 100),
    "sweet potato": ("piece", 1, 3, 1),
    "tomato": ("piece", 2, 6, 1),
    "cherry tomatoes": ("g", 200, 400, 50),
    "tinned tomatoes": ("can", 1, 2, 1),
    "red pepper": ("piece", 1, 3, 1),
    "courgette": ("piece", 1, 3, 1),
    "aubergine": ("piece", 1, 2, 1),
    "mushrooms": ("g", 200, 500, 50),
    "spinach": ("g", 100, 300, 50),
    "kale": ("g", 100, 200, 50),
    "broccoli": ("g", 200, 400, 50),
    "cauliflower": ("piece", 1, 1, 1),
    "peas": ("g", 100, 300, 50),
    "sweetcorn": ("g", 150, 300, 50),
    "green beans": ("g", 150, 300, 50),
    "cabbage": ("piece", 1, 1, 1),
    "butternut squash": ("kg", 0.5, 1.5, 0.25),
    "beetroot": ("piece", 2, 4, 1),
    "asparagus": ("bunch", 1, 2, 1),
    "avocado": ("piece", 1, 3, 1),
    "cucumber": ("piece", 1, 1, 1),
    "spring onion": ("piece", 2, 6, 1),
    "fennel": ("piece", 1, 2, 1),
    "ginger": ("g", 10, 40, 5),
    "red chilli": ("piece", 1, 3, 1),
    "basil": ("bunch", 1, 1, 1),
    "parsley": ("bunch", 1, 1, 1),
    "coriander": ("bunch", 1, 1, 1),
    "mint": ("bunch", 1, 1, 1),
    "thyme": ("tsp", 1, 2, 1),
    "rosemary": ("tsp", 1, 2, 1),
    "oregano": ("tsp", 1, 2, 1),
    "dill": ("bunch", 1, 1, 1),
    "bay leaf": ("piece", 1, 3, 1),
    "ground cumin": ("tsp", 1, 2, 0.5),
    "paprika": ("tsp", 1, 2, 0.5),
    "smoked paprika": ("tsp", 1, 2, 0.5),
    "turmeric": ("tsp", 0.5, 1, 0.5),
    "garam masala": ("tsp", 1, 3, 1),
    "cinnamon": ("tsp", 0.5, 2, 0.5),
    "nutmeg": ("pinch", 1, 2, 1),
    "chilli flakes": ("tsp", 0.5, 1, 0.5),
    "black pepper": (None, 0, 0, 0),
    "salt": (None, 0, 0, 0),
    "curry powder": ("tbsp", 1, 2, 1),
    "cardamom": ("piece", 3, 6, 1),
    "olive oil": ("tbsp", 1, 4, 1),
    "vegetable oil": ("tbsp", 1, 3, 1),
    "butter": ("g", 25, 200, 25),
    "plain flour": ("g", 100, 400, 25),
    "self-raising flour": ("g", 150, 300, 25),
    "caster sugar": ("g", 50, 250, 25),
    "brown sugar": ("g", 50, 200, 25),
    "honey": ("tbsp", 1, 3, 1),
    "maple syrup": ("tbsp", 1, 4, 1),
    "soy sauce": ("tbsp", 1, 4, 1),
    "fish sauce": ("tbsp", 1, 2, 1),
    "rice vinegar": ("tbsp", 1, 2, 1),
    "balsamic vinegar": ("tbsp", 1, 2, 1),
    "dijon mustard": ("tsp", 1, 2, 1),
    "tomato puree": ("tbsp", 1, 2, 1),
    "coconut milk": ("can", 1, 1, 1),
    "vegetable stock": ("ml", 250, 1000, 250),
    "chicken stock": ("ml", 250, 1000, 250),
    "basmati rice": ("g", 200, 400, 50),
    "arborio rice": ("g", 250, 350, 50),
    "spaghetti": ("g", 200, 500, 50),
    "penne": ("g", 200, 500, 50),
    "egg noodles": ("g", 150, 300, 50),
    "rice noodles": ("g", 150, 300, 50),
    "couscous": ("g", 150, 300, 50),
    "quinoa": ("g", 150, 250, 50),
    "bread": ("slice", 2, 6, 1),
    "breadcrumbs": ("g", 50, 100, 25),
    "tortillas": ("piece", 4, 8, 2),
    "puff pastry": ("g", 320, 320, 1),
    "rolled oats": ("g", 80, 200, 20),
    "milk": ("ml", 100, 600, 50),
    "double cream": ("ml", 100, 300, 50),
    "greek yoghurt": ("g", 100, 300, 50),
    "creme fraiche": ("g", 100, 200, 50),
    "peanut butter": ("tbsp", 2, 4, 1),
    "tahini": ("tbsp", 1, 3, 1),
    "pine nuts": ("g", 20, 60, 10),
    "almonds": ("g", 30, 100, 10),
    "walnuts": ("g", 30, 100, 10),
    "cashews": ("g", 30, 100, 10),
    "sesame seeds": ("tbsp", 1, 2, 1),
    "dark chocolate": ("g", 100, 200, 25),
    "cocoa powder": ("tbsp", 2, 4, 1),
    "vanilla extract": ("tsp", 1, 2, 1),
    "baking powder": ("tsp", 1, 2, 0.5),
    "lemon": ("piece", 1, 2, 1),
    "lime": ("piece", 1, 2, 1),
    "orange": ("piece", 1, 2, 1),
    "apple": ("piece", 2, 5, 1),
    "banana": ("piece", 2, 4, 1),
    "mixed berries": ("g", 150, 400, 50),
    "raisins": ("g", 50, 100, 25),
    "white wine": ("ml", 100, 250, 50),
    "red wine": ("ml", 150, 500, 50),
    "miso paste": ("tbsp", 1, 2, 1),
    "harissa": ("tbsp", 1, 2, 1),
    "capers": ("tbsp", 1, 2, 1),
    "black olives": ("g", 50, 100, 25),
    "anchovies": ("piece", 4, 8, 2),
    "sriracha": ("tsp", 1, 3, 1),
}
MAINS = [
    "chicken breast",
    "chicken thigh",
    "beef mince",
    "beef brisket",
    "pork shoulder",
    "lamb shoulder",
    "salmon fillet",
    "cod fillet",
    "prawns",
    "chorizo",
    "duck breast",
    "tofu",
    "egg",
    "chickpeas",
    "red lentils",
    "black beans",
    "halloumi",
    "feta",
    "paneer",
    "mushrooms",
    "cauliflower",
    "butternut squash",
    "aubergine",
    "sweet potato",
    "spinach",
    "broccoli",
    "leek",
    "courgette",
]
SWEETS = ["banana", "apple", "mixed berries", "dark chocolate", "lemon", "orange", "rolled oats"]
AROMATICS = ["onion", "red onion", "garlic", "shallot", "ginger", "red chilli", "spring onion", "leek", "celery"]
SPICES = [
    "ground cumin",
    "paprika",
    "smoked paprika",
    "turmeric",
    "garam masala",
    "chilli flakes",
    "curry powder",
    "oregano",
    "thyme",
    "rosemary",
    "cinnamon",
    "bay leaf",
]
HERBS = ["basil", "parsley", "coriander", "mint", "dill"]
FATS = ["olive oil", "vegetable oil", "butter"]
LIQUIDS = {
    "tinned tomatoes",
    "coconut milk",
    "vegetable stock",
    "chicken stock",
    "white wine",
    "red wine",
    "milk",
    "double cream",
}
SIDES = [name for name in INGREDIENTS if name not in MAINS and name not in SWEETS]
SWEET_ADJECTIVES = ["Easy", "Classic", "Sticky", "Ultimate", "Rustic", "Summer", "Winter", "Gooey", "Simple"]
# The first five go into every bake (the sweet steps mention them).
BAKING = [
    "plain flour",
    "caster sugar",
    "butter",
    "egg",
    "baking powder",
    "self-raising flour",
    "brown sugar",
    "milk",
    "vanilla extract",
    "cocoa powder",
    "honey",
    "maple syrup",
    "double cream",
]

ADJECTIVES = [
    "Smoky",
    "Spicy",
    "Creamy",
    "Lemony",
    "Garlicky",
    "Herby",
    "Sticky",
    "Crispy",
    "Quick",
    "Slow-cooked",
    "One-pot",
    "Roasted",
    "Honey-glazed",
    "Zesty",
    "Rustic",
    "Weeknight",
    "Classic",
    "Fiery",
    "Golden",
    "Summer",
    "Winter",
    "Grandma's",
    "Easy",
    "Ultimate",
    "Speedy",
]
DISHES = [
    "stew",
    "curry",
    "traybake",
    "stir-fry",
    "salad",
    "soup",
    "pasta",
    "risotto",
    "tacos",
    "pie",
    "bake",
    "skewers",
    "burgers",
    "noodles",
    "fried rice",
    "gratin",
    "frittata",
    "tagine",
    "chilli",
    "shakshuka",
    "flatbreads",
    "wraps",
    "casserole",
    "buddha bowl",
]
DESSERTS = ["cake", "brownies", "crumble", "cookies", "pancakes", "muffins", "tart", "loaf", "bars", "pudding"]
TAGS = [
    "vegetarian",
    "vegan",
    "gluten-free",
    "dairy-free",
    "quick",
    "weeknight",
    "comfort food",
    "healthy",
    "spicy",
    "budget",
    "family",
    "batch cooking",
    "one-pot",
    "dessert",
    "baking",
    "breakfast",
    "brunch",
    "lunch",
    "dinner",
    "italian",
    "indian",
    "mexican",
    "thai",
    "chinese",
    "japanese",
    "middle eastern",
    "french",
    "british",
    "mediterranean",
    "summer",
    "winter",
    "party",
    "kids",
    "high protein",
    "low carb",
]
NOTES = [
    "finely chopped",
    "roughly chopped",
    "thinly sliced",
    "diced",
    "crushed",
    "grated",
    "at room temperature",
    "drained and rinsed",
    "zest and juice",
    "torn",
    "melted",
    "peeled",
    "halved",
    "to serve",
]
DESCRIPTIONS = [
    "A {adj} take on a {dish} that comes together with very little fuss.",
    "Our favourite {dish} for busy evenings: the {main} does most of the work.",
    "Big flavours from a handful of ingredients. Great with a crisp green salad.",
    "This {dish} freezes well, so make a double batch.",
    "A crowd-pleaser that the whole family will love.",
    "Bright, fresh and ready in no time.",
    "",
]
STEPS = [
    "Preheat the oven to {temp}°C.",
    "Finely chop the {a} and the {b}.",
    "Heat the {fat} in a large pan over a medium heat.",
    "Add the {a} and cook for {m} minutes until soft and golden.",
    "Stir in the {spice} and cook for a minute until fragrant.",
    "Add the {main} and cook for {m} minutes, turning halfway.",
    "Pour in the {side} and bring to a gentle simmer.",
    "Simmer for {m} minutes, stirring occasionally, until thickened.",
    "Season well with salt and black pepper.",
    "Transfer to a baking dish and bake for {m} minutes.",
    "Scatter over the {herb} and serve straight away.",
    "Leave to rest for {r} minutes before serving.",
]
SWEET_STEPS = [
    "Preheat the oven to {temp}°C and line a tin with baking paper.",
    "Beat the butter and sugar together until pale and fluffy.",
    "Whisk in the eggs one at a time, then the vanilla extract.",
    "Fold in the flour and baking powder until just combined.",
    "Stir through the {main}.",
    "Bake for {m} minutes until golden and a skewer comes out clean.",
    "Leave to cool for {r} minutes before slicing.",
]
COMMENTS = [
    "Made this tonight and it was a hit!",
    "Lovely recipe, I added extra {x}.",
    "Can I use {x} instead?",
    "Five stars, will make again.",
    "Took a bit longer than stated but worth it.",
    "My kids loved it.",
    "Perfect for a weeknight.",
    "I halved the recipe and it worked well.",
    "Great with some crusty bread.",
    "A bit too salty for me, I'd use less next time.",
    "This is now a regular in our house.",
    "Does this freeze well?",
    "Brilliant, thanks for sharing!",
    "Swapped the {x} for {y}, still delicious.",
]
FIRST_NAMES = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Isla",
    "Jon",
    "Kemi",
    "Luca",
    "Maya",
    "Nico",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Adams",
    "Baker",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Müller",
    "Nowak",
    "Okafor",
    "Patel",
    "Rossi",
    "Silva",
    "Tanaka",
    "Weber",
    "Young",
    "Zhang",
]


_T = TypeVar("_T")
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROS = timedelta(microseconds=1)
DAY_MICROS = 86_400_000_000
RECIPE_DAYS = 1000  # recipes are spread over the last 1000 days
USER_DAYS = (1100, 365)  # users joined 1100 to 1465 days ago, before any recipe
COMPLEXITY_WEIGHTED = ("easy",) * 5 + ("medium",) * 4 + ("hard",)
SERVINGS = (1, 2, 2, 4, 4, 4, 6, 8)
PREP_MINUTES = (5, 10, 10, 15, 15, 20, 30, 45)
COOK_MINUTES = (0, 10, 15, 20, 25, 30, 40, 45, 60, 90, 120, 180)
STEP_MINUTES = ("3", "5", "8", "10", "15", "20", "30")
OVEN_TEMPERATURES = ("160", "180", "190", "200", "220")
REST_MINUTES = ("5", "10", "15")
ALL_NAMES = list(INGREDIENTS)
# The words of the step templates that name the first fat, spice, liquid and herb of the recipe, if any.
ROLES = {
    name: role
    for role, names in (("fat", FATS), ("spice", SPICES), ("side", LIQUIDS), ("herb", HERBS))
    for name in names
}
ROLE_DEFAULTS = {"fat": "olive oil", "spice": "paprika", "side": "water", "herb": "parsley"}


def seeded_uuid7(rng: random.Random, moment: datetime) -> uuid.UUID:
    """A version 7 UUID for ``moment`` whose random bits come from ``rng`` (reproducible, time-ordered)."""
    return uuid.UUID(bytes=_uuid7_bytes(rng, (moment - UNIX_EPOCH) // MICROS))


def _uuid7_bytes(rng: random.Random, micros: int) -> bytes:
    """The 16 bytes of a version 7 UUID for ``micros`` (since the Unix epoch), random bits from ``rng``."""
    bits = rng.getrandbits(74)
    millis = (micros // 1000) & 0xFFFF_FFFF_FFFF
    value = (millis << 80) | (0x7 << 76) | ((bits >> 62) << 64) | (0b10 << 62) | (bits & 0x3FFF_FFFF_FFFF_FFFF)
    return value.to_bytes(16, "big")


def _quantities(low: float, high: float, step: float) -> tuple[Decimal, ...]:
    count = round((high - low) / step) if step else 0
    return tuple(Decimal(str(low + step * i)).quantize(Decimal("0.001")) for i in range(count + 1))


# Every quantity an ingredient may get, computed once: generation picks from these.
QUANTITIES = {name: _quantities(low, high, step) for name, (_, low, high, step) in INGREDIENTS.items()}


def _line_variants() -> tuple[list[tuple[str, Decimal | None, str | None]], dict[str, tuple[int, ...]]]:
    variants: list[tuple[str, Decimal | None, str | None]] = []
    of: dict[str, tuple[int, ...]] = {}
    for name, (unit, *_) in INGREDIENTS.items():
        quantities: Sequence[Decimal | None] = QUANTITIES[name] if unit is not None else (None,)
        of[name] = tuple(range(len(variants), len(variants) + len(quantities)))
        variants += [(name, quantity, unit) for quantity in quantities]
    return variants, of


# An ingredient line is generated as two numbers: its (ingredient, quantity, unit) in LINE_VARIANTS
# (VARIANTS_OF an ingredient: one per quantity it may get) and its note in LINE_NOTES.
LINE_VARIANTS, VARIANTS_OF = _line_variants()
LINE_NOTES: list[str | None] = [None, *NOTES]


def _step_subsets(templates: Sequence[str]) -> list[list[tuple[int, ...]]]:
    """The ordered subsets of 4 to 8 templates, by size: pick a size (all equally likely), then a subset."""
    return [list(combinations(range(len(templates)), size)) for size in range(4, min(8, len(templates)) + 1)]


STEP_SUBSETS, SWEET_STEP_SUBSETS = _step_subsets(STEPS), _step_subsets(SWEET_STEPS)


class RecipeContent(NamedTuple):
    """A generated recipe's own content; lines are (LINE_VARIANTS index, LINE_NOTES index) by position."""

    title: str
    description: str
    complexity: str
    servings: int
    prep_minutes: int
    cook_minutes: int
    steps: list[str]
    search_text: str
    lines: list[tuple[int, int]]
    tags: list[str]


class GeneratedRecipe(NamedTuple):
    """A recipe with its likes and comments in plain values: ids are UUID bytes, times microseconds since the Unix
    epoch, users indexes into the seed's users. Likes are (user, time), comments (id, author, body, time)."""

    id: bytes
    author: int
    created: int
    content: RecipeContent
    likes: list[tuple[int, int]]
    comments: list[tuple[bytes, int, str, int]]


def _sample(uniform: Callable[[], float], pool: Sequence[_T], count: int) -> list[_T]:
    """``count`` distinct items of ``pool`` in random order, like ``random.sample`` but a few times cheaper for the
    small pools and counts here (draws until distinct; ``count`` is at most about half of the pool)."""
    size = len(pool)
    picked: list[_T] = []
    while len(picked) < count:
        item = pool[int(uniform() * size)]
        if item not in picked:
            picked.append(item)
    return picked


def _json_strings(values: list[str]) -> str:
    """``json.dumps(values)``, the same text, built directly when no value needs escaping but the degree sign."""
    text = '", "'.join(values)
    plain = text.count('"') == 2 * len(values) - 2 and "\\" not in text and text.isprintable()
    if not values or not plain or not text.replace("°", "").isascii():
        return json.dumps(values)
    return '["' + text.replace("°", "\\u00b0") + '"]'


def generate_recipe(rng: random.Random) -> RecipeContent:
    """A realistic recipe: a title built around its main ingredient, lines with units, ordered steps and tags."""
    uniform = rng.random

    def pick(values: Sequence[_T]) -> _T:
        # rng.choice costs several calls per pick; this is the hot loop of a 1,000,000-recipe seed.
        return values[int(uniform() * len(values))]

    words: dict[str, str]
    if uniform() < 0.15:
        main = pick(SWEETS)
        dish = pick(DESSERTS)
        adjective = pick(SWEET_ADJECTIVES)
        names = [main, *BAKING[:5], *_sample(uniform, BAKING[5:], int(uniform() * 5))]
        templates, subsets = SWEET_STEPS, SWEET_STEP_SUBSETS
        tags = ["dessert", "baking", *_sample(uniform, TAGS, int(uniform() * 4))]
        words = {"main": main}
    else:
        main = pick(MAINS)
        dish = pick(DISHES)
        adjective = pick(ADJECTIVES)
        aromatics = _sample(uniform, AROMATICS, 2 + int(uniform() * 2))
        names = [
            main,
            *aromatics,
            pick(FATS),
            *_sample(uniform, SPICES, int(uniform() * 4)),
            *_sample(uniform, SIDES, 1 + int(uniform() * 5)),
            pick(HERBS),
        ]
        if uniform() < 0.7:
            names += ["salt", "black pepper"]
        templates, subsets = STEPS, STEP_SUBSETS
        tags = _sample(uniform, TAGS, 1 + int(uniform() * 5))
        words = {"main": main, "a": aromatics[0], "b": aromatics[1]}
        for name in names:
            role = ROLES.get(name)
            if role is not None and role not in words:
                words[role] = name
        for role, default in ROLE_DEFAULTS.items():
            words.setdefault(role, default)
    names = list(dict.fromkeys(names))
    title = f"{adjective} {main} {dish}"
    title = title[0].upper() + title[1:]
    words["temp"] = pick(OVEN_TEMPERATURES)
    words["r"] = pick(REST_MINUTES)
    words["adj"] = adjective.lower()
    words["dish"] = dish
    steps = []
    for index in pick(pick(subsets)):
        words["m"] = STEP_MINUTES[int(uniform() * len(STEP_MINUTES))]
        steps.append(templates[index].format_map(words))
    lines = []
    notes = 4 * len(NOTES)  # a quarter of the lines have a note: one draw decides whether, and which
    for name in names:
        variants = VARIANTS_OF[name]
        draw = uniform()
        lines.append((variants[int(uniform() * len(variants))], 1 + int(draw * notes) if draw < 0.25 else 0))
    prep = pick(PREP_MINUTES)
    cook = pick(COOK_MINUTES)
    tags = list(dict.fromkeys(tags))
    description = pick(DESCRIPTIONS).format_map(words)
    return RecipeContent(  # positional: a little faster than keywords
        title,
        description,
        pick(COMPLEXITY_WEIGHTED),
        pick(SERVINGS),
        prep,
        cook,
        steps,
        search_text(title, description, steps, names, tags),
        lines,
        tags,
    )


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
class _Plan:
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
            recipe_id = _uuid7_bytes(rng, created)
            author = int(uniform() * users)
            content = generate_recipe(rng)
            since = now - created
            # Popularity has a long tail (Pareto, alpha 1.5): most recipes get a few likes, some get many.
            count = min(users, int(((1.0 - uniform()) ** (-1 / 1.5) - 1) * self.likes_per_recipe))
            likes = [(user, created + int(uniform() * since)) for user in _distinct(rng, users, count)]
            comments: list[tuple[bytes, int, str, int]] = []
            if comments_mean:
                for _ in range(int(-math.log(1.0 - uniform()) * comments_mean)):  # exponential, rounded down
                    said = created + int(uniform() * since)
                    template = COMMENTS[int(uniform() * len(COMMENTS))]
                    x, y = ALL_NAMES[int(uniform() * len(ALL_NAMES))], ALL_NAMES[int(uniform() * len(ALL_NAMES))]
                    comments.append((_uuid7_bytes(rng, said), int(uniform() * users), template.format(x=x, y=y), said))
            made.append(GeneratedRecipe(recipe_id, author, created, content, likes, comments))
        return made


@dataclass
class SeedReport:
    users: int = 0
    recipes: int = 0
    ingredient_lines: int = 0
    tags: int = 0
    likes: int = 0
    comments: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


RECIPE_COLUMNS = [
    "id",
    "author_id",
    "title",
    "description",
    "complexity",
    "servings",
    "prep_minutes",
    "cook_minutes",
    "total_minutes",
    "steps",
    "like_count",
    "comment_count",
    "search_text",
    "created_at",
    "updated_at",
    "ingredient_ids",
    "tags",
]
LINE_COLUMNS = ["recipe_id", "position", "ingredient_id", "quantity", "unit", "note"]
TAG_COLUMNS = ["recipe_id", "tag"]
LIKE_COLUMNS = ["user_id", "recipe_id", "created_at"]
USER_COLUMNS = [
    "id",
    "email",
    "display_name",
    "password_hash",
    "is_active",
    "confirmed_at",
    "token_version",
    "created_at",
    "updated_at",
]
COMMENT_COLUMNS = ["id", "recipe_id", "author_id", "body", "created_at", "updated_at"]
SEEDED_TABLES = ("user_account", "ingredient", "recipe", "recipe_ingredient", "recipe_tag", "recipe_like", "comment")


@dataclass
class _Rows:
    """One batch ready to write: per table, its name, columns and either Python rows or a binary COPY payload."""

    recipes: int
    lines: int
    tags: int
    likes: int
    comments: int
    tables: list[tuple[str, list[str], int, list[tuple[Any, ...]] | bytes]]  # name, columns, rows, data

    def add_to(self, report: SeedReport) -> None:
        report.recipes += self.recipes
        report.ingredient_lines += self.lines
        report.tags += self.tags
        report.likes += self.likes
        report.comments += self.comments


def _python_rows(
    batch: list[GeneratedRecipe], user_ids: Sequence[uuid.UUID], ingredient_ids: Mapping[str, uuid.UUID]
) -> _Rows:
    """The batch as rows of Python values, for executemany (SQLite)."""

    def moment(micros: int) -> datetime:
        return UNIX_EPOCH + timedelta(microseconds=micros)

    # recipe.ingredient_ids on SQLite: a JSON list of the ids as strings (lower case, dashed: sorting the strings
    # sorts the ids), by LINE_VARIANTS index.
    variant_ids = [str(ingredient_ids[name]) for name, _, _ in LINE_VARIANTS]
    recipes: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    likes: list[tuple[Any, ...]] = []
    comments: list[tuple[Any, ...]] = []
    for made in batch:
        recipe_id, created, content = uuid.UUID(bytes=made.id), moment(made.created), made.content
        recipes.append(
            (
                recipe_id,
                user_ids[made.author],
                content.title,
                content.description,
                content.complexity,
                content.servings,
                content.prep_minutes,
                content.cook_minutes,
                content.prep_minutes + content.cook_minutes,
                content.steps,
                len(made.likes),
                len(made.comments),
                content.search_text,
                created,
                created,
                sorted({variant_ids[variant] for variant, _ in content.lines}),
                sorted(set(content.tags)),
            )
        )
        for position, (variant, note) in enumerate(content.lines, start=1):
            name, quantity, unit = LINE_VARIANTS[variant]
            lines.append((recipe_id, position, ingredient_ids[name], quantity, unit, LINE_NOTES[note]))
        tags += [(recipe_id, tag) for tag in content.tags]
        likes += [(user_ids[user], recipe_id, moment(micros)) for user, micros in made.likes]
        for comment_id, author, body, micros in made.comments:
            said = moment(micros)
            comments.append((uuid.UUID(bytes=comment_id), recipe_id, user_ids[author], body, said, said))
    return _Rows(
        len(recipes),
        len(lines),
        len(tags),
        len(likes),
        len(comments),
        [
            ("recipe", RECIPE_COLUMNS, len(recipes), recipes),
            ("recipe_ingredient", LINE_COLUMNS, len(lines), lines),
            ("recipe_tag", TAG_COLUMNS, len(tags), tags),
            ("recipe_like", LIKE_COLUMNS, len(likes), likes),
            ("comment", COMMENT_COLUMNS, len(comments), comments),
        ],
    )


# PostgreSQL's binary COPY format: a header, then per row a 16-bit field count and per field a 32-bit length
# (-1: NULL) and the value in the type's binary form; a -1 field count ends the data.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
COPY_TRAILER = b"\xff\xff"
PG_EPOCH_MICROS = (datetime(2000, 1, 1, tzinfo=UTC) - UNIX_EPOCH) // MICROS  # timestamptz counts from 2000
_NULL = struct.pack(">i", -1)
_UUID_LENGTH = struct.pack(">i", 16)
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


def _pg_array(element_oid: int, elements: Sequence[bytes]) -> bytes:
    """A one-dimensional array field of already encoded elements (length and bytes each), in binary."""
    if not elements:
        return _EMPTY_ARRAY_FIELD.pack(12, 0, 0, element_oid)
    body = b"".join(elements)
    return _ARRAY_FIELD.pack(20 + len(body), 1, 0, element_oid, len(elements), 1) + body


def _pg_text(value: str) -> bytes:
    data = value.encode()
    return struct.pack(">i", len(data)) + data


def _pg_numeric(value: Decimal) -> bytes:
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


class _PgEncoder:
    """Batches as binary COPY payloads; the byte strings of users, ingredient lines and tags computed once."""

    def __init__(self, user_ids: Sequence[uuid.UUID], ingredient_ids: Mapping[str, uuid.UUID]) -> None:
        self.user_bytes = [user_id.bytes for user_id in user_ids]
        self.user_fields = [_UUID_LENGTH + user_id.bytes for user_id in user_ids]
        notes = [_NULL if note is None else _pg_text(note) for note in LINE_NOTES]
        # ingredient_id, quantity, unit and note fields of a line, by (variant, note).
        self.line_tails = [
            [
                _UUID_LENGTH
                + ingredient_ids[name].bytes
                + (_NULL if quantity is None else _pg_numeric(quantity))
                + (_NULL if unit is None else _pg_text(unit))
                + note
                for note in notes
            ]
            for name, quantity, unit in LINE_VARIANTS
        ]
        self.tags = {tag: _pg_text(tag) for tag in TAGS}
        self.complexities = {complexity: _pg_text(complexity) for complexity in set(COMPLEXITY_WEIGHTED)}
        # recipe.ingredient_ids: its elements (length and UUID bytes) by LINE_VARIANTS index. All elements have the
        # same length prefix, so sorting them sorts the UUIDs (bytewise, PostgreSQL's uuid order); the array's
        # header (field length included) by element count.
        self.variant_elements = [_UUID_LENGTH + ingredient_ids[name].bytes for name, _, _ in LINE_VARIANTS]
        self.id_array_heads = [
            _pg_array(UUID_OID, []) if count == 0 else _ARRAY_FIELD.pack(20 + 20 * count, 1, 0, UUID_OID, count, 1)
            for count in range(len(INGREDIENTS) + 1)
        ]
        # recipe.tags: its elements are those of self.tags, ordered by the tags themselves (not by their encodings).
        self.empty_tags = _pg_array(VARCHAR_OID, [])

    def encode(self, batch: list[GeneratedRecipe]) -> _Rows:
        user_bytes, user_fields, line_tails, tag_fields = self.user_bytes, self.user_fields, self.line_tails, self.tags
        variant_elements, id_array_heads, empty_tags = self.variant_elements, self.id_array_heads, self.empty_tags
        pack_like, pack_array, text = _LIKE_ROW.pack, _ARRAY_FIELD.pack, _pg_text
        recipes, lines, tags, likes, comments = (
            [COPY_HEADER],
            [COPY_HEADER],
            [COPY_HEADER],
            [COPY_HEADER],
            [COPY_HEADER],
        )
        for made in batch:
            recipe_id, content = made.id, made.content
            id_field = _UUID_LENGTH + recipe_id
            created = made.created - PG_EPOCH_MICROS
            prep, cook = content.prep_minutes, content.cook_minutes
            # Distinct and sorted: a set of the elements, sorted (see __init__). The tags are distinct already (the
            # primary key of their rows says so).
            id_elements = sorted({variant_elements[variant] for variant, _ in content.lines})
            if content.tags:
                ordered = sorted(content.tags)
                tag_body = b"".join([tag_fields[tag] for tag in ordered])
                tags_field = pack_array(20 + len(tag_body), 1, 0, VARCHAR_OID, len(ordered), 1) + tag_body
            else:
                tags_field = empty_tags
            recipes += (
                b"\x00\x11",
                id_field,
                user_fields[made.author],
                text(content.title),
                text(content.description),
                self.complexities[content.complexity],
                _FOUR_INT4.pack(4, content.servings, 4, prep, 4, cook, 4, prep + cook),
                text(_json_strings(content.steps)),
                _TWO_INT4.pack(4, len(made.likes), 4, len(made.comments)),
                text(content.search_text),
                _TWO_TIMESTAMPS.pack(8, created, 8, created),
                id_array_heads[len(id_elements)] + b"".join(id_elements),
                tags_field,
            )
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
                    b"\x00\x06" + _UUID_LENGTH + comment_id + id_field + user_fields[author],
                    text(body),
                    _TWO_TIMESTAMPS.pack(8, said, 8, said),
                )
        recipes.append(COPY_TRAILER)
        lines.append(COPY_TRAILER)
        tags.append(COPY_TRAILER)
        likes.append(COPY_TRAILER)
        comments.append(COPY_TRAILER)
        counts = (len(batch), len(lines) - 2, len(tags) - 2, len(likes) - 2, sum(len(made.comments) for made in batch))
        return _Rows(
            *counts,
            [
                ("recipe", RECIPE_COLUMNS, counts[0], b"".join(recipes)),
                ("recipe_ingredient", LINE_COLUMNS, counts[1], b"".join(lines)),
                ("recipe_tag", TAG_COLUMNS, counts[2], b"".join(tags)),
                ("recipe_like", LIKE_COLUMNS, counts[3], b"".join(likes)),
                ("comment", COMMENT_COLUMNS, counts[4], b"".join(comments)),
            ],
        )


class _Writer:
    """Bulk writes: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.superuser: bool | None = None

    async def bulk_mode(self) -> None:
        """For the current transaction only: commit without waiting for the WAL flush (a crash loses at most the
        last batches of a seed, not the database's consistency) and, when allowed (superuser), skip the per-row
        foreign-key triggers: the generated rows are consistent by construction, so the checks would find nothing;
        they would make COPY several times slower. ``SET LOCAL`` ends with the transaction: nothing leaks into the
        pool.
        """
        if not self.postgres:
            return
        if self.superuser is None:
            self.superuser = (await self.connection.exec_driver_sql("SHOW is_superuser")).scalar_one() == "on"
        # set_config(..., true) is SET LOCAL; one statement, one round trip.
        settings = "set_config('synchronous_commit', 'off', true)"
        if self.superuser:
            settings += ", set_config('session_replication_role', 'replica', true)"
        await self.connection.exec_driver_sql(f"SELECT {settings}")

    async def _driver(self) -> Any:
        raw = await self.connection.get_raw_connection()
        return raw.driver_connection

    async def write(self, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.postgres:
            name = table.name
            if name == "recipe":
                steps = columns.index("steps")
                rows = [(*row[:steps], _json_strings(row[steps]), *row[steps + 1 :]) for row in rows]
            driver = await self._driver()
            await driver.copy_records_to_table(name, records=rows, columns=list(columns))
            return
        await self.connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])

    async def write_batch(self, batch: _Rows) -> None:
        """One batch (in the caller's transaction): COPY of its binary payloads, or its Python rows."""
        for name, columns, count, data in batch.tables:
            if not count:
                continue
            if isinstance(data, bytes):
                driver = await self._driver()
                # A memoryview: asyncpg would take bytes for a file name.
                await driver.copy_to_table(name, source=memoryview(data), columns=columns, format="binary")
            else:
                await self.write(metadata.tables[name], columns, data)


async def _has_table(connection: AsyncConnection, name: str) -> bool:
    return bool(await connection.run_sync(lambda sync: inspect(sync).has_table(name)))


def _users(
    rng: random.Random, *, seed: int, count: int, password_hash: str, now: datetime
) -> tuple[list[uuid.UUID], list[tuple[Any, ...]]]:
    """``count`` active users who joined before the first recipe (``cook<n>.s<seed>@...``): ids and rows."""
    ids: list[uuid.UUID] = []
    rows: list[tuple[Any, ...]] = []
    for n in range(count):
        joined = now - timedelta(days=USER_DAYS[0] + rng.random() * USER_DAYS[1])
        user_id = seeded_uuid7(rng, joined)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        ids.append(user_id)
        email = f"cook{n}.s{seed}@{EMAIL_DOMAIN}"
        rows.append((user_id, email, name, password_hash, True, joined, 0, joined, joined))
    return ids, rows


async def _catalogue(connection: AsyncConnection, rng: random.Random, now: datetime) -> dict[str, uuid.UUID]:
    """The seed's ingredients in the catalogue (names already there keep their ids), by name."""
    entries = [(seeded_uuid7(rng, now), name) for name in sorted(INGREDIENTS)]
    await connection.execute(queries.add_ingredients_statement(connection.dialect.name, entries, now))
    found = await connection.execute(queries.ingredient_ids_statement(INGREDIENTS))
    return dict(found.tuples().all())


async def _recount_ingredient_usage(connection: AsyncConnection) -> None:
    """PostgreSQL, in the caller's transaction: every entry's count afresh, the pending deltas dropped (see
    ``queries.RECOUNT_USAGE_STATEMENT``: nothing is counted twice or missed)."""
    await connection.execute(queries.LOCK_USAGE)
    await connection.execute(queries.DROP_PENDING_USAGE_STATEMENT)
    await connection.execute(queries.RECOUNT_USAGE_STATEMENT)


async def _copy_batches(
    engine: AsyncEngine,
    plan: _Plan,
    encoder: _PgEncoder,
    *,
    connections: int,
    report: SeedReport,
    progress: Callable[[int], None] | None,
) -> None:
    """PostgreSQL: a thread generates and encodes the batches in order, ``connections`` connections COPY them
    (one transaction per batch, whichever connection is free). A batch's rows depend only on its number."""
    ready: asyncio.Queue[_Rows | None] = asyncio.Queue(maxsize=connections)

    def make(index: int) -> _Rows:
        return encoder.encode(plan.batch(index))

    async def generate() -> None:
        for index in range(plan.batches):
            await ready.put(await asyncio.to_thread(make, index))
        for _ in range(connections):
            await ready.put(None)

    async def copy() -> None:
        async with engine.connect() as connection:
            writer = _Writer(connection)
            while (batch := await ready.get()) is not None:
                await writer.bulk_mode()
                await writer.write_batch(batch)
                await connection.commit()
                batch.add_to(report)
                if progress is not None:
                    progress(batch.recipes)

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(generate())
            for _ in range(connections):
                group.create_task(copy())
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None


async def _write_batches(
    connection: AsyncConnection,
    plan: _Plan,
    user_ids: Sequence[uuid.UUID],
    ingredient_ids: Mapping[str, uuid.UUID],
    *,
    report: SeedReport,
    progress: Callable[[int], None] | None,
) -> None:
    """Other databases: batch after batch on one connection, the next one generated in a thread meanwhile."""
    writer = _Writer(connection)

    def make(index: int) -> _Rows:
        return _python_rows(plan.batch(index), user_ids, ingredient_ids)

    upcoming = asyncio.create_task(asyncio.to_thread(make, 0)) if plan.batches else None
    for index in range(plan.batches):
        assert upcoming is not None  # noqa: S101 - one task per batch
        batch = await upcoming
        if index + 1 < plan.batches:
            upcoming = asyncio.create_task(asyncio.to_thread(make, index + 1))
        await writer.write_batch(batch)
        await connection.commit()
        batch.add_to(report)
        if progress is not None:
            progress(batch.recipes)


def start_of_day(moment: datetime | None = None) -> datetime:
    """The default ``now`` of a seed: midnight (UTC) of today, so that a seed is reproducible for a whole day."""
    return (moment or datetime.now(UTC)).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


async def seed_database(
    engine: AsyncEngine,
    *,
    users: int,
    recipes: int,
    seed: int,
    password_hash: str,
    likes_per_recipe: float = 3.0,
    comments_per_recipe: float = 1.5,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
    connections: int = 2,
) -> SeedReport:
    """Insert ``users`` active users and ``recipes`` recipes (with lines, tags, likes, comments); deterministic.

    Timestamps count back from ``now`` (default: :func:`start_of_day`): the same arguments and ``now`` give the
    same rows. ``connections``: PostgreSQL connections writing batches at the same time.
    """
    started = time.perf_counter()
    now = start_of_day() if now is None else now.astimezone(UTC)
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    report = SeedReport()
    tables = metadata.tables
    async with engine.connect() as connection:
        writer = _Writer(connection)
        first_email = f"cook0.s{seed}@{EMAIL_DOMAIN}"
        if (await connection.execute(select(User.id).where(User.email == first_email))).first() is not None:
            msg = f"This database already holds the users of --seed {seed}: choose another seed."
            raise ValueError(msg)
        with_comments = "comment" in tables and await _has_table(connection, "comment")
        if not with_comments:
            report.notes.append("no comment table: comments skipped")

        # One argon2 hash for every user: hashing per user would take minutes.
        user_ids, user_rows = _users(rng, seed=seed, count=users, password_hash=password_hash, now=now)
        await writer.bulk_mode()
        for start in range(0, len(user_rows), batch_size):
            await writer.write(tables["user_account"], USER_COLUMNS, user_rows[start : start + batch_size])
        report.users = users
        ingredient_ids = await _catalogue(connection, rng, now)
        await connection.commit()

        plan = _Plan(
            seed=seed,
            recipes=recipes,
            batch_size=batch_size,
            users=users,
            likes_per_recipe=likes_per_recipe,
            comments_per_recipe=comments_per_recipe,
            with_comments=with_comments,
            now=(now - UNIX_EPOCH) // MICROS,
        )
        if writer.postgres:
            encoder = _PgEncoder(user_ids, ingredient_ids)
            await _copy_batches(
                engine, plan, encoder, connections=max(1, connections), report=report, progress=progress
            )
            # The COPY may have skipped the usage trigger (replica mode): count every entry's recipes afresh.
            await _recount_ingredient_usage(connection)
            await connection.commit()
            seeded = ", ".join(name for name in SEEDED_TABLES if name != "comment" or with_comments)
            await connection.exec_driver_sql(f"ANALYZE {seeded}")
            await connection.commit()
        else:
            await _write_batches(connection, plan, user_ids, ingredient_ids, report=report, progress=progress)
        total = (await connection.execute(select(func.count()).select_from(Recipe))).scalar_one()
        report.notes.append(f"{total} recipes in the database now")
    report.seconds = time.perf_counter() - started
    return report


@click.command(name="seed")
@click.option("--users", default=100, show_default=True, type=click.IntRange(min=1, max=1_000_000), help="Users.")
@click.option("--recipes", default=1000, show_default=True, type=click.IntRange(min=0, max=10_000_000), help="Recipes.")
@click.option("--seed", "seed_value", default=1, show_default=True, type=int, help="Random seed: same seed, same data.")
@click.option("--likes-per-recipe", default=3.0, show_default=True, type=click.FloatRange(min=0), help="Mean.")
@click.option("--comments-per-recipe", default=1.5, show_default=True, type=click.FloatRange(min=0), help="Mean.")
def seed_command(
    app: Litestar, *, users: int, recipes: int, seed_value: int, likes_per_recipe: float, comments_per_recipe: float
) -> None:
    """Fill the database with realistic demo data: users, recipes with ingredients and steps, likes, comments."""
    from chopchop.server import ChopchopPlugin

    plugin = app.plugins.get(ChopchopPlugin)

    async def _run() -> SeedReport:
        password_hash = await plugin.hasher.hash(SEED_PASSWORD)
        with click.progressbar(length=recipes, label=f"Seeding {users} users and {recipes} recipes") as bar:
            try:
                return await seed_database(
                    plugin.db_config.get_engine(),
                    users=users,
                    recipes=recipes,
                    seed=seed_value,
                    password_hash=password_hash,
                    likes_per_recipe=likes_per_recipe,
                    comments_per_recipe=comments_per_recipe,
                    progress=bar.update,
                )
            except ValueError as exc:
                raise click.ClickException(str(exc)) from exc
            finally:
                await plugin.db_config.get_engine().dispose()

    report = asyncio.run(_run())
    click.echo(
        f"Seeded {report.users} users, {report.recipes} recipes, {report.ingredient_lines} ingredient lines, "
        f"{report.tags} tags, {report.likes} likes and {report.comments} comments in {report.seconds:.1f}s."
    )
    for note in report.notes:
        click.echo(f"Note: {note}")
    click.echo(f"Seeded users log in as cook<N>.s{seed_value}@{EMAIL_DOMAIN} with the password {SEED_PASSWORD!r}.")
