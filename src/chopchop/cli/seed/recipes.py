"""One generated recipe's content: a title around its main ingredient, lines with units, ordered steps and tags.

This is the hot loop of a 1,000,000-recipe seed: picks index a sequence with one ``rng.random()`` call
(``rng.choice`` costs several), and what can be computed once (every quantity, every ordered subset of steps) is.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import combinations
from typing import NamedTuple, TypeVar

from chopchop.cli.seed.words import WORDS
from chopchop.domain.recipes.services import search_text

_T = TypeVar("_T")

# The vocabulary as module names: the hot loop reads them as globals.
INGREDIENTS = WORDS.ingredients
MAINS, SWEETS, BAKING = WORDS.mains, WORDS.sweets, WORDS.baking
AROMATICS, SPICES, HERBS, FATS = WORDS.aromatics, WORDS.spices, WORDS.herbs, WORDS.fats
ADJECTIVES, SWEET_ADJECTIVES, DISHES, DESSERTS = WORDS.adjectives, WORDS.sweet_adjectives, WORDS.dishes, WORDS.desserts
TAGS, NOTES, DESCRIPTIONS = WORDS.tags, WORDS.notes, WORDS.descriptions
STEPS, SWEET_STEPS = WORDS.steps, WORDS.sweet_steps
SIDES = [name for name in INGREDIENTS if name not in MAINS and name not in SWEETS]
COMPLEXITY_WEIGHTED = ("easy",) * 5 + ("medium",) * 4 + ("hard",)
SERVINGS = (1, 2, 2, 4, 4, 4, 6, 8)
PREP_MINUTES = (5, 10, 10, 15, 15, 20, 30, 45)
COOK_MINUTES = (0, 10, 15, 20, 25, 30, 40, 45, 60, 90, 120, 180)
STEP_MINUTES = ("3", "5", "8", "10", "15", "20", "30")
OVEN_TEMPERATURES = ("160", "180", "190", "200", "220")
REST_MINUTES = ("5", "10", "15")
# The words of the step templates that name the first fat, spice, liquid and herb of the recipe, if any.
ROLES = {
    name: role
    for role, names in (("fat", FATS), ("spice", SPICES), ("side", WORDS.liquids), ("herb", HERBS))
    for name in names
}
ROLE_DEFAULTS = {"fat": "olive oil", "spice": "paprika", "side": "water", "herb": "parsley"}


def _quantities(low: float, high: float, step: float) -> tuple[Decimal, ...]:
    count = round((high - low) / step) if step else 0
    return tuple(Decimal(str(low + step * i)).quantize(Decimal("0.001")) for i in range(count + 1))


# Every quantity an ingredient may get, computed once: generation picks from these.
QUANTITIES = {name: _quantities(spec.smallest, spec.largest, spec.step) for name, spec in INGREDIENTS.items()}


def _line_variants() -> tuple[list[tuple[str, Decimal | None, str | None]], dict[str, tuple[int, ...]]]:
    variants: list[tuple[str, Decimal | None, str | None]] = []
    of: dict[str, tuple[int, ...]] = {}
    for name, spec in INGREDIENTS.items():
        quantities: Sequence[Decimal | None] = QUANTITIES[name] if spec.unit is not None else (None,)
        of[name] = tuple(range(len(variants), len(variants) + len(quantities)))
        variants += [(name, quantity, spec.unit) for quantity in quantities]
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


class _Draft(NamedTuple):
    """What the kind of recipe (a bake or a savoury dish) decides; ``words`` fill the step templates."""

    main: str
    dish: str
    adjective: str
    names: list[str]
    templates: Sequence[str]
    subsets: list[list[tuple[int, ...]]]
    tags: list[str]
    words: dict[str, str]


def _pick(uniform: Callable[[], float], values: Sequence[_T]) -> _T:
    # rng.choice costs several calls per pick; this is the hot loop of a 1,000,000-recipe seed.
    return values[int(uniform() * len(values))]


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


def _bake(uniform: Callable[[], float]) -> _Draft:
    main = _pick(uniform, SWEETS)
    dish = _pick(uniform, DESSERTS)
    adjective = _pick(uniform, SWEET_ADJECTIVES)
    names = [main, *BAKING[:5], *_sample(uniform, BAKING[5:], int(uniform() * 5))]
    tags = ["dessert", "baking", *_sample(uniform, TAGS, int(uniform() * 4))]
    return _Draft(main, dish, adjective, names, SWEET_STEPS, SWEET_STEP_SUBSETS, tags, {"main": main})


def _savoury(uniform: Callable[[], float]) -> _Draft:
    main = _pick(uniform, MAINS)
    dish = _pick(uniform, DISHES)
    adjective = _pick(uniform, ADJECTIVES)
    aromatics = _sample(uniform, AROMATICS, 2 + int(uniform() * 2))
    names = [
        main,
        *aromatics,
        _pick(uniform, FATS),
        *_sample(uniform, SPICES, int(uniform() * 4)),
        *_sample(uniform, SIDES, 1 + int(uniform() * 5)),
        _pick(uniform, HERBS),
    ]
    if uniform() < 0.7:
        names += ["salt", "black pepper"]
    tags = _sample(uniform, TAGS, 1 + int(uniform() * 5))
    words = {"main": main, "a": aromatics[0], "b": aromatics[1]}
    for name in names:
        role = ROLES.get(name)
        if role is not None and role not in words:
            words[role] = name
    for role, default in ROLE_DEFAULTS.items():
        words.setdefault(role, default)
    return _Draft(main, dish, adjective, names, STEPS, STEP_SUBSETS, tags, words)


def _lines(uniform: Callable[[], float], names: Sequence[str]) -> list[tuple[int, int]]:
    lines = []
    notes = 4 * len(NOTES)  # a quarter of the lines have a note: one draw decides whether, and which
    for name in names:
        variants = VARIANTS_OF[name]
        draw = uniform()
        lines.append((variants[int(uniform() * len(variants))], 1 + int(draw * notes) if draw < 0.25 else 0))
    return lines


def generate_recipe(rng: random.Random) -> RecipeContent:
    """A realistic recipe: a title built around its main ingredient, lines with units, ordered steps and tags."""
    uniform = rng.random
    main, dish, adjective, names, templates, subsets, tags, words = (
        _bake(uniform) if uniform() < 0.15 else _savoury(uniform)
    )
    names = list(dict.fromkeys(names))
    title = f"{adjective} {main} {dish}"
    title = title[0].upper() + title[1:]
    words["temp"] = _pick(uniform, OVEN_TEMPERATURES)
    words["r"] = _pick(uniform, REST_MINUTES)
    words["adj"] = adjective.lower()
    words["dish"] = dish
    steps = []
    for index in _pick(uniform, _pick(uniform, subsets)):
        words["m"] = STEP_MINUTES[int(uniform() * len(STEP_MINUTES))]
        steps.append(templates[index].format_map(words))
    lines = _lines(uniform, names)
    prep = _pick(uniform, PREP_MINUTES)
    cook = _pick(uniform, COOK_MINUTES)
    tags = list(dict.fromkeys(tags))
    description = _pick(uniform, DESCRIPTIONS).format_map(words)
    return RecipeContent(  # positional: a little faster than keywords
        title,
        description,
        _pick(uniform, COMPLEXITY_WEIGHTED),
        _pick(uniform, SERVINGS),
        prep,
        cook,
        steps,
        search_text(title, description, steps, names, tags),
        lines,
        tags,
    )
