"""Demo data: ``chopchop seed`` fills the database with realistic users, recipes, likes and comments, fast.

Rows are generated in Python from a seeded ``random.Random`` (same ``--seed``, same content) and written in
batches: PostgreSQL gets them through COPY (asyncpg's binary ``copy_records_to_table``), other databases through
executemany. Counters (``like_count``, ``comment_count``) are written consistent with the rows.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy import Table, func, insert, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chopchop.db import Ingredient, Recipe, User, metadata
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


def seeded_uuid7(rng: random.Random, moment: datetime) -> uuid.UUID:
    """A version 7 UUID for ``moment`` whose random bits come from ``rng`` (reproducible, time-ordered)."""
    millis = int(moment.timestamp() * 1000) & ((1 << 48) - 1)
    value = (millis << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    return uuid.UUID(int=value)


def _quantities(low: float, high: float, step: float) -> tuple[Decimal, ...]:
    count = round((high - low) / step) if step else 0
    return tuple(Decimal(str(low + step * i)).quantize(Decimal("0.001")) for i in range(count + 1))


# Every quantity an ingredient may get, computed once: generation picks from these.
QUANTITIES = {name: _quantities(low, high, step) for name, (_, low, high, step) in INGREDIENTS.items()}
COMPLEXITY_WEIGHTED = ("easy",) * 5 + ("medium",) * 4 + ("hard",)


@dataclass
class GeneratedRecipe:
    recipe: dict[str, Any]
    lines: list[tuple[Any, ...]]
    tags: list[str]


def generate_recipe(
    rng: random.Random,
    *,
    recipe_id: uuid.UUID,
    author_id: uuid.UUID,
    created_at: datetime,
    ingredient_ids: dict[str, uuid.UUID],
) -> GeneratedRecipe:
    """A realistic recipe: a title built around its main ingredient, lines with units, ordered steps and tags."""
    uniform = rng.random

    def pick(values: Sequence[Any]) -> Any:
        # rng.choice costs several calls per pick; this is the hot loop of a 100,000-recipe seed.
        return values[int(uniform() * len(values))]

    if uniform() < 0.15:
        main = pick(SWEETS)
        dish = pick(DESSERTS)
        title = f"{pick(SWEET_ADJECTIVES)} {main} {dish}"
        aromatics = [main, main]
        names = [main, *BAKING[:5], *rng.sample(BAKING[5:], int(uniform() * 5))]
        templates = SWEET_STEPS
        tags = ["dessert", "baking", *rng.sample(TAGS, int(uniform() * 4))]
    else:
        main = pick(MAINS)
        dish = pick(DISHES)
        title = f"{pick(ADJECTIVES)} {main} {dish}"
        aromatics = rng.sample(AROMATICS, 2 + int(uniform() * 2))
        names = [
            main,
            *aromatics,
            pick(FATS),
            *rng.sample(SPICES, int(uniform() * 4)),
            *rng.sample(SIDES, 1 + int(uniform() * 5)),
            pick(HERBS),
        ]
        if uniform() < 0.7:
            names += ["salt", "black pepper"]
        templates = STEPS
        tags = rng.sample(TAGS, 1 + int(uniform() * 5))
    names = list(dict.fromkeys(names))
    title = title[0].upper() + title[1:]
    words = {
        "main": main,
        "a": aromatics[0],
        "b": aromatics[1],
        "fat": next((n for n in names if n in FATS), "olive oil"),
        "spice": next((n for n in names if n in SPICES), "paprika"),
        "side": next((n for n in names if n in LIQUIDS), "water"),
        "herb": next((n for n in names if n in HERBS), "parsley"),
        "temp": pick((160, 180, 190, 200, 220)),
        "r": pick((5, 10, 15)),
        "adj": title.split(" ", 1)[0].lower(),
        "dish": dish,
    }
    chosen = sorted(rng.sample(range(len(templates)), 4 + int(uniform() * (min(8, len(templates)) - 3))))
    steps = [templates[i].format(m=pick((3, 5, 8, 10, 15, 20, 30)), **words) for i in chosen]
    lines: list[tuple[Any, ...]] = []
    for position, name in enumerate(names, start=1):
        unit = INGREDIENTS[name][0]
        quantity = pick(QUANTITIES[name]) if unit is not None else None
        note = pick(NOTES) if uniform() < 0.25 else None
        lines.append((recipe_id, position, ingredient_ids[name], quantity, unit, note))
    prep = pick((5, 10, 10, 15, 15, 20, 30, 45))
    cook = pick((0, 10, 15, 20, 25, 30, 40, 45, 60, 90, 120, 180))
    tags = list(dict.fromkeys(tags))
    description = pick(DESCRIPTIONS).format(adj=words["adj"], dish=dish, main=main)
    recipe = {
        "id": recipe_id,
        "author_id": author_id,
        "title": title,
        "description": description,
        "complexity": pick(COMPLEXITY_WEIGHTED),
        "servings": pick((1, 2, 2, 4, 4, 4, 6, 8)),
        "prep_minutes": prep,
        "cook_minutes": cook,
        "total_minutes": prep + cook,
        "steps": steps,
        "like_count": 0,
        "comment_count": 0,
        "search_text": search_text(title, description, steps, names, tags),
        "created_at": created_at,
        "updated_at": created_at,
    }
    return GeneratedRecipe(recipe=recipe, lines=lines, tags=tags)


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
]
LINE_COLUMNS = ["recipe_id", "position", "ingredient_id", "quantity", "unit", "note"]
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


class _Writer:
    """Bulk writes: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.superuser: bool | None = None

    async def bulk_mode(self) -> None:
        """For the current transaction only, skip the per-row foreign-key triggers when allowed (superuser).

        The generated rows are consistent by construction, so the checks would find nothing; they would make
        COPY several times slower. ``SET LOCAL`` ends with the transaction: nothing leaks into the pool.
        """
        if not self.postgres:
            return
        if self.superuser is None:
            self.superuser = (await self.connection.exec_driver_sql("SHOW is_superuser")).scalar_one() == "on"
        if self.superuser:
            await self.connection.exec_driver_sql("SET LOCAL session_replication_role = replica")

    async def write(self, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        name = table.name
        if self.postgres:
            raw = await self.connection.get_raw_connection()
            driver: Any = raw.driver_connection
            json_columns = {i for i, c in enumerate(columns) if name == "recipe" and c == "steps"}
            if json_columns:
                rows = [tuple(json.dumps(v) if i in json_columns else v for i, v in enumerate(row)) for row in rows]
            await driver.copy_records_to_table(name, records=rows, columns=list(columns))
            return
        await self.connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


async def _has_table(connection: AsyncConnection, name: str) -> bool:
    return bool(await connection.run_sync(lambda sync: inspect(sync).has_table(name)))


@dataclass
class _Batch:
    recipes: list[tuple[Any, ...]] = field(default_factory=list)
    lines: list[tuple[Any, ...]] = field(default_factory=list)
    tags: list[tuple[Any, ...]] = field(default_factory=list)
    likes: list[tuple[Any, ...]] = field(default_factory=list)
    comments: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class _Seeder:
    """One run of the seed: a seeded generator and the ids it has handed out so far."""

    seed: int
    likes_per_recipe: float
    comments_per_recipe: float
    rng: random.Random
    now: datetime
    user_ids: list[uuid.UUID] = field(default_factory=list)
    ingredient_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    with_comments: bool = True

    def users(self, count: int, password_hash: str) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for n in range(count):
            joined = self.now - timedelta(days=1100 + self.rng.random() * 365)
            user_id = seeded_uuid7(self.rng, joined)
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            self.user_ids.append(user_id)
            email = f"cook{n}.s{self.seed}@{EMAIL_DOMAIN}"
            rows.append((user_id, email, name, password_hash, True, joined, 0, joined, joined))
        return rows

    def _later(self, moment: datetime) -> datetime:
        return moment + timedelta(seconds=self.rng.random() * (self.now - moment).total_seconds())

    def batch(self, size: int) -> _Batch:
        rng, batch = self.rng, _Batch()
        span = timedelta(days=1000).total_seconds()
        names = list(INGREDIENTS)
        for _ in range(size):
            created = self.now - timedelta(seconds=rng.random() * span)
            recipe_id = seeded_uuid7(rng, created)
            made = generate_recipe(
                rng,
                recipe_id=recipe_id,
                author_id=rng.choice(self.user_ids),
                created_at=created,
                ingredient_ids=self.ingredient_ids,
            )
            # Popularity has a long tail: most recipes get a few likes, some get many.
            likes = min(len(self.user_ids), int((rng.paretovariate(1.5) - 1) * self.likes_per_recipe))
            batch.likes += [
                (self.user_ids[i], recipe_id, self._later(created))
                for i in rng.sample(range(len(self.user_ids)), likes)
            ]
            made.recipe["like_count"] = likes
            if self.with_comments and self.comments_per_recipe:
                comments = int(rng.expovariate(1 / self.comments_per_recipe))
                for _ in range(comments):
                    said = self._later(created)
                    body = rng.choice(COMMENTS).format(x=rng.choice(names), y=rng.choice(names))
                    author = rng.choice(self.user_ids)
                    batch.comments.append((seeded_uuid7(rng, said), recipe_id, author, body, said, said))
                made.recipe["comment_count"] = comments
            batch.recipes.append(tuple(made.recipe[c] for c in RECIPE_COLUMNS))
            batch.lines += made.lines
            batch.tags += [(recipe_id, tag) for tag in made.tags]
        return batch


async def _catalogue(connection: AsyncConnection, seeder: _Seeder) -> dict[str, uuid.UUID]:
    """The seed's ingredients in the catalogue (names already there keep their ids), by name."""
    upsert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    now = seeder.now
    await connection.execute(
        upsert(Ingredient)
        .values(
            [
                {"id": seeded_uuid7(seeder.rng, now), "name": name, "created_at": now, "updated_at": now}
                for name in sorted(INGREDIENTS)
            ]
        )
        .on_conflict_do_nothing(index_elements=[Ingredient.name])
    )
    found = await connection.execute(select(Ingredient.name, Ingredient.id).where(Ingredient.name.in_(INGREDIENTS)))
    return dict(found.tuples().all())


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
) -> SeedReport:
    """Insert ``users`` active users and ``recipes`` recipes (with lines, tags, likes, comments); deterministic."""
    started = time.perf_counter()
    seeder = _Seeder(
        seed=seed,
        likes_per_recipe=likes_per_recipe,
        comments_per_recipe=comments_per_recipe,
        rng=random.Random(seed),  # noqa: S311 - demo data, not secrets
        now=datetime.now(UTC).replace(microsecond=0),
    )
    report = SeedReport()
    tables = metadata.tables
    async with engine.connect() as connection:
        writer = _Writer(connection)
        first_email = f"cook0.s{seed}@{EMAIL_DOMAIN}"
        if (await connection.execute(select(User.id).where(User.email == first_email))).first() is not None:
            msg = f"This database already holds the users of --seed {seed}: choose another seed."
            raise ValueError(msg)
        seeder.with_comments = "comment" in tables and await _has_table(connection, "comment")
        if not seeder.with_comments:
            report.notes.append("no comment table: comments skipped")

        # One argon2 hash for every user: hashing per user would take minutes.
        user_rows = seeder.users(users, password_hash)
        await writer.bulk_mode()
        for start in range(0, len(user_rows), batch_size):
            await writer.write(tables["user_account"], USER_COLUMNS, user_rows[start : start + batch_size])
        report.users = users
        seeder.ingredient_ids = await _catalogue(connection, seeder)
        await connection.commit()

        # Generate the next batch in a thread while the database takes the current one.
        sizes = [min(batch_size, recipes - start) for start in range(0, recipes, batch_size)]
        upcoming = asyncio.create_task(asyncio.to_thread(seeder.batch, sizes[0])) if sizes else None
        for index, size in enumerate(sizes):
            assert upcoming is not None  # noqa: S101 - one task per size
            batch = await upcoming
            await writer.bulk_mode()
            if index + 1 < len(sizes):
                upcoming = asyncio.create_task(asyncio.to_thread(seeder.batch, sizes[index + 1]))
            await writer.write(tables["recipe"], RECIPE_COLUMNS, batch.recipes)
            await writer.write(tables["recipe_ingredient"], LINE_COLUMNS, batch.lines)
            await writer.write(tables["recipe_tag"], ["recipe_id", "tag"], batch.tags)
            await writer.write(tables["recipe_like"], ["user_id", "recipe_id", "created_at"], batch.likes)
            if seeder.with_comments:
                await writer.write(tables["comment"], COMMENT_COLUMNS, batch.comments)
            await connection.commit()
            report.recipes += size
            report.ingredient_lines += len(batch.lines)
            report.tags += len(batch.tags)
            report.likes += len(batch.likes)
            report.comments += len(batch.comments)
            if progress is not None:
                progress(size)
        if writer.postgres:
            await connection.exec_driver_sql("ANALYZE")
            await connection.commit()
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
    from chopchop.app import ChopchopPlugin

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
