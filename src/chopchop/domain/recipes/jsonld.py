"""A recipe as schema.org ``Recipe`` JSON-LD (``GET /api/v1/recipes/{id}`` with ``Accept: application/ld+json``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from chopchop.domain.recipes.schemas import IngredientLine, RecipeRead
from chopchop.lib.schema_org import SCHEMA_ORG, iso_duration

JSON_LD: Final = "application/ld+json"
#: What ``GET /recipes/{id}`` offers, its default first.
RECIPE_MEDIA_TYPES: Final = ("application/json", JSON_LD)


def _date(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _amount(quantity: float) -> str:
    return f"{quantity:.3f}".rstrip("0").rstrip(".")


def ingredient_text(line: IngredientLine) -> str:
    """An ingredient line as people write it ("2 cup flour, sifted"): what ``recipeIngredient`` holds, and what
    the import's line parser reads back."""
    parts = []
    if line.quantity is not None:
        parts.append(_amount(line.quantity))
        if line.unit is not None:
            parts.append(str(line.unit))  # the service hands the column's text, the schema says Unit: both print it
    parts.append(line.ingredient.name)
    text = " ".join(parts)
    return f"{text}, {line.note}" if line.note else text


def to_schema_org(recipe: RecipeRead, *, base_url: str) -> dict[str, Any]:
    """The recipe as a schema.org ``Recipe``; links from the public base URL. ``image``: its ready photos' large
    variants, cover first (absent without one); ``aggregateRating``: once someone rated it (schema.org's
    ``AggregateRating`` needs a count above zero)."""
    base = base_url.rstrip("/")
    url = f"{base}/api/v1/recipes/{recipe.id}"
    document: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "Recipe",
        "@id": url,
        "url": url,
        "name": recipe.title,
        "author": {
            "@type": "Person",
            "name": recipe.author.display_name,
            "url": f"{base}/api/v1/users/{recipe.author.id}",
        },
        "datePublished": _date(recipe.created_at),
        "dateModified": _date(recipe.updated_at),
        "prepTime": iso_duration(recipe.prep_minutes),
        "cookTime": iso_duration(recipe.cook_minutes),
        "totalTime": iso_duration(recipe.total_minutes),
        "recipeYield": f"{recipe.original_servings} servings",
        "recipeIngredient": [ingredient_text(line) for line in recipe.ingredients],
        "recipeInstructions": [
            {"@type": "HowToStep", "position": position, "text": step}
            for position, step in enumerate(recipe.steps, start=1)
        ],
    }
    images = [photo.urls.large for photo in sorted(recipe.photos, key=lambda p: (not p.cover, p.position))]
    if ready := [image for image in images if image]:
        document["image"] = ready
    if recipe.rating.count:
        document["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": recipe.rating.average,
            "ratingCount": recipe.rating.count,
            "bestRating": 5,
            "worstRating": 1,
        }
    if recipe.description:
        document["description"] = recipe.description
    if recipe.tags:
        document["keywords"] = ", ".join(recipe.tags)
    return document
