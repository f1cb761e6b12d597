from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.complexity import Complexity
from ..models.recipe_status import RecipeStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.ingredient_line_input import IngredientLineInput


T = TypeVar("T", bound="RecipeUpdate")


@_attrs_define
class RecipeUpdate:
    """
    Attributes:
        complexity (Complexity | Unset): How hard a recipe is to make.
        cook_minutes (int | Unset): 0 to 10080 (one week).
        description (str | Unset): Free text, up to 5000 characters; newlines allowed.
        ingredients (list[IngredientLineInput] | Unset):
        prep_minutes (int | Unset): 0 to 10080 (one week).
        servings (int | Unset): How many people it feeds (1-1000).
        status (RecipeStatus | Unset): Who sees a recipe: only its author (``draft``: work in progress, ``private``:
            kept for oneself), or everyone
                (``public``).
        steps (list[str] | Unset):
        tags (list[str] | Unset):
        title (str | Unset): One line, 1 to 200 characters, no control or bidirectional formatting characters.
    """

    complexity: Complexity | Unset = UNSET
    cook_minutes: int | Unset = UNSET
    description: str | Unset = UNSET
    ingredients: list[IngredientLineInput] | Unset = UNSET
    prep_minutes: int | Unset = UNSET
    servings: int | Unset = UNSET
    status: RecipeStatus | Unset = UNSET
    steps: list[str] | Unset = UNSET
    tags: list[str] | Unset = UNSET
    title: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        complexity: str | Unset = UNSET
        if not isinstance(self.complexity, Unset):
            complexity = self.complexity.value

        cook_minutes: int | Unset
        if isinstance(self.cook_minutes, Unset):
            cook_minutes = UNSET
        else:
            cook_minutes = self.cook_minutes

        description: str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        ingredients: list[dict[str, Any]] | Unset
        if isinstance(self.ingredients, Unset):
            ingredients = UNSET
        else:
            ingredients = []
            for ingredients_type_0_item_data in self.ingredients:
                ingredients_type_0_item = ingredients_type_0_item_data.to_dict()
                ingredients.append(ingredients_type_0_item)

        prep_minutes: int | Unset
        if isinstance(self.prep_minutes, Unset):
            prep_minutes = UNSET
        else:
            prep_minutes = self.prep_minutes

        servings: int | Unset
        if isinstance(self.servings, Unset):
            servings = UNSET
        else:
            servings = self.servings

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        steps: list[str] | Unset
        if isinstance(self.steps, Unset):
            steps = UNSET
        else:
            steps = self.steps

        tags: list[str] | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        else:
            tags = self.tags

        title: str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if complexity is not UNSET:
            field_dict["complexity"] = complexity
        if cook_minutes is not UNSET:
            field_dict["cook_minutes"] = cook_minutes
        if description is not UNSET:
            field_dict["description"] = description
        if ingredients is not UNSET:
            field_dict["ingredients"] = ingredients
        if prep_minutes is not UNSET:
            field_dict["prep_minutes"] = prep_minutes
        if servings is not UNSET:
            field_dict["servings"] = servings
        if status is not UNSET:
            field_dict["status"] = status
        if steps is not UNSET:
            field_dict["steps"] = steps
        if tags is not UNSET:
            field_dict["tags"] = tags
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ingredient_line_input import IngredientLineInput  # noqa: PLC0415

        d = dict(src_dict)
        _complexity = d.pop("complexity", UNSET)
        complexity: Complexity | Unset
        if isinstance(_complexity, Unset):
            complexity = UNSET
        else:
            complexity = Complexity(_complexity)

        def _parse_cook_minutes(data: object) -> int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | Unset, data)

        cook_minutes = _parse_cook_minutes(d.pop("cook_minutes", UNSET))

        def _parse_description(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_ingredients(data: object) -> list[IngredientLineInput] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            ingredients_type_0 = []
            _ingredients_type_0 = data
            for ingredients_type_0_item_data in _ingredients_type_0:
                ingredients_type_0_item = IngredientLineInput.from_dict(ingredients_type_0_item_data)

                ingredients_type_0.append(ingredients_type_0_item)

            return ingredients_type_0

        ingredients = _parse_ingredients(d.pop("ingredients", UNSET))

        def _parse_prep_minutes(data: object) -> int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | Unset, data)

        prep_minutes = _parse_prep_minutes(d.pop("prep_minutes", UNSET))

        def _parse_servings(data: object) -> int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | Unset, data)

        servings = _parse_servings(d.pop("servings", UNSET))

        _status = d.pop("status", UNSET)
        status: RecipeStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = RecipeStatus(_status)

        def _parse_steps(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            steps_type_0 = cast(list[str], data)

            return steps_type_0

        steps = _parse_steps(d.pop("steps", UNSET))

        def _parse_tags(data: object) -> list[str] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            tags_type_0 = cast(list[str], data)

            return tags_type_0

        tags = _parse_tags(d.pop("tags", UNSET))

        def _parse_title(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        recipe_update = cls(
            complexity=complexity,
            cook_minutes=cook_minutes,
            description=description,
            ingredients=ingredients,
            prep_minutes=prep_minutes,
            servings=servings,
            status=status,
            steps=steps,
            tags=tags,
            title=title,
        )

        return recipe_update
