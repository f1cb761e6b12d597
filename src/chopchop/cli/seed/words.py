"""The seed's vocabulary: ingredients, dishes, step and comment templates, names, read from ``words.json``."""

from __future__ import annotations

from importlib import resources

import msgspec


class IngredientSpec(msgspec.Struct, array_like=True, frozen=True):
    """In ``words.json`` ``[unit, smallest, largest, step]``: the quantities (in ``unit``) an ingredient line may get.
    Unit ``null``: "to taste", no quantity."""

    unit: str | None
    smallest: float
    largest: float
    step: float


class Words(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The lists of ``words.json``. Their order matters: same seed, same data holds for the same lists only."""

    ingredients: dict[str, IngredientSpec]
    mains: tuple[str, ...]  # what a savoury recipe is built around
    sweets: tuple[str, ...]  # what a bake is built around
    aromatics: tuple[str, ...]
    spices: tuple[str, ...]
    herbs: tuple[str, ...]
    fats: tuple[str, ...]
    liquids: tuple[str, ...]
    baking: tuple[str, ...]  # the first five go into every bake (the sweet steps mention them)
    adjectives: tuple[str, ...]
    sweet_adjectives: tuple[str, ...]
    dishes: tuple[str, ...]
    desserts: tuple[str, ...]
    tags: tuple[str, ...]
    notes: tuple[str, ...]
    descriptions: tuple[str, ...]  # placeholders: {adj}, {dish}, {main}
    steps: tuple[str, ...]  # in cooking order; placeholders: {a}, {b}, {main}, {fat}, {spice}, {side}, {herb}, ...
    sweet_steps: tuple[str, ...]
    comments: tuple[str, ...]  # placeholders: {x}, {y} (any two ingredients)
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


def load_words(data: bytes | None = None) -> Words:
    """The vocabulary (``data``, by default the packaged ``words.json``); refuses lists naming unknown ingredients."""
    if data is None:
        data = resources.files(__name__.rpartition(".")[0]).joinpath("words.json").read_bytes()
    words = msgspec.json.decode(data, type=Words)
    named = (words.mains, words.sweets, words.aromatics, words.spices, words.herbs, words.fats, words.liquids)
    unknown = sorted({name for names in (*named, words.baking) for name in names} - words.ingredients.keys())
    if unknown:
        msg = f"words.json: not in its ingredients: {', '.join(unknown)}"
        raise ValueError(msg)
    if len(words.baking) < 5:
        msg = "words.json: baking needs at least the five staples of every bake"
        raise ValueError(msg)
    return words


WORDS = load_words()
