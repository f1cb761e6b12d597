from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.complexity import Complexity
from ..models.recipe_status import RecipeStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.ingredient_line_input import IngredientLineInput


T = TypeVar("T", bound="RecipeCreate")


@_attrs_define
class RecipeCreate:
    """
    Attributes:
        complexity (Complexity): How hard a recipe is to make.
        cook_minutes (int): Cooking time, in minutes (0-10080).
        ingredients (list[IngredientLineInput]): Ingredient lines, in order: up to 100.
        prep_minutes (int): Preparation time, in minutes (0-10080).
        servings (int): How many people it feeds (1-1000).
        steps (list[str]): The method, in order: 1 to 100 steps.
        title (str): One line, 1 to 200 characters, no control or bidirectional formatting characters.
        description (str | Unset): Free text, up to 5000 characters; newlines allowed. Default: ''.
        status (RecipeStatus | Unset): Who sees a recipe: only its author (``draft``: work in progress, ``private``:
            kept for oneself), or everyone
                (``public``).
        tags (list[str] | Unset): Up to 20 tags.
    """

    complexity: Complexity
    cook_minutes: int
    ingredients: list[IngredientLineInput]
    prep_minutes: int
    servings: int
    steps: list[str]
    title: str
    description: str | Unset = ""
    status: RecipeStatus | Unset = UNSET
    tags: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        complexity = self.complexity.value

        cook_minutes = self.cook_minutes

        ingredients = []
        for ingredients_item_data in self.ingredients:
            ingredients_item = ingredients_item_data.to_dict()
            ingredients.append(ingredients_item)

        prep_minutes = self.prep_minutes

        servings = self.servings

        steps = self.steps

        title = self.title

        description = self.description

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "complexity": complexity,
                "cook_minutes": cook_minutes,
                "ingredients": ingredients,
                "prep_minutes": prep_minutes,
                "servings": servings,
                "steps": steps,
                "title": title,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if status is not UNSET:
            field_dict["status"] = status
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ingredient_line_input import IngredientLineInput  # noqa: PLC0415

        d = dict(src_dict)
        complexity = Complexity(d.pop("complexity"))

        cook_minutes = d.pop("cook_minutes")

        ingredients = []
        _ingredients = d.pop("ingredients")
        for ingredients_item_data in _ingredients:
            ingredients_item = IngredientLineInput.from_dict(ingredients_item_data)

            ingredients.append(ingredients_item)

        prep_minutes = d.pop("prep_minutes")

        servings = d.pop("servings")

        steps = cast(list[str], d.pop("steps"))

        title = d.pop("title")

        description = d.pop("description", UNSET)

        _status = d.pop("status", UNSET)
        status: RecipeStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = RecipeStatus(_status)

        tags = cast(list[str], d.pop("tags", UNSET))

        recipe_create = cls(
            complexity=complexity,
            cook_minutes=cook_minutes,
            ingredients=ingredients,
            prep_minutes=prep_minutes,
            servings=servings,
            steps=steps,
            title=title,
            description=description,
            status=status,
            tags=tags,
        )

        return recipe_create
