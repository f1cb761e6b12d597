from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.complexity import Complexity
from ..models.recipe_status import RecipeStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.author_ref import AuthorRef
    from ..models.ingredient_line import IngredientLine
    from ..models.photo_read import PhotoRead
    from ..models.rating_summary import RatingSummary


T = TypeVar("T", bound="RecipeRead")


@_attrs_define
class RecipeRead:
    """
    Attributes:
        author (AuthorRef):
        comment_count (int): How many comments it has.
        complexity (Complexity): How hard a recipe is to make.
        cook_minutes (int):
        created_at (datetime.datetime):
        description (str):
        id (UUID):
        ingredients (list[IngredientLine]): Ingredient lines, by `position`.
        like_count (int): How many users like it.
        original_servings (int): Servings the author wrote the recipe for.
        prep_minutes (int):
        rating (RatingSummary):
        servings (int): Servings the quantities are for (the `?servings=` asked, if any).
        steps (list[str]): The method, in order.
        tags (list[str]): Tags, lower-case.
        title (str):
        total_minutes (int): `prep_minutes` + `cook_minutes`.
        updated_at (datetime.datetime):
        photos (list[PhotoRead] | Unset): Its photos in their order, with their URLs (the variants' once `ready`).
        status (RecipeStatus | Unset): Who sees a recipe: only its author (``draft``: work in progress, ``private``:
            kept for oneself), or everyone
                (``public``).
    """

    author: AuthorRef
    comment_count: int
    complexity: Complexity
    cook_minutes: int
    created_at: datetime.datetime
    description: str
    id: UUID
    ingredients: list[IngredientLine]
    like_count: int
    original_servings: int
    prep_minutes: int
    rating: RatingSummary
    servings: int
    steps: list[str]
    tags: list[str]
    title: str
    total_minutes: int
    updated_at: datetime.datetime
    photos: list[PhotoRead] | Unset = UNSET
    status: RecipeStatus | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        author = self.author.to_dict()

        comment_count = self.comment_count

        complexity = self.complexity.value

        cook_minutes = self.cook_minutes

        created_at = self.created_at.isoformat()

        description = self.description

        id = str(self.id)

        ingredients = []
        for ingredients_item_data in self.ingredients:
            ingredients_item = ingredients_item_data.to_dict()
            ingredients.append(ingredients_item)

        like_count = self.like_count

        original_servings = self.original_servings

        prep_minutes = self.prep_minutes

        rating = self.rating.to_dict()

        servings = self.servings

        steps = self.steps

        tags = self.tags

        title = self.title

        total_minutes = self.total_minutes

        updated_at = self.updated_at.isoformat()

        photos: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.photos, Unset):
            photos = []
            for photos_item_data in self.photos:
                photos_item = photos_item_data.to_dict()
                photos.append(photos_item)

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "author": author,
                "comment_count": comment_count,
                "complexity": complexity,
                "cook_minutes": cook_minutes,
                "created_at": created_at,
                "description": description,
                "id": id,
                "ingredients": ingredients,
                "like_count": like_count,
                "original_servings": original_servings,
                "prep_minutes": prep_minutes,
                "rating": rating,
                "servings": servings,
                "steps": steps,
                "tags": tags,
                "title": title,
                "total_minutes": total_minutes,
                "updated_at": updated_at,
            }
        )
        if photos is not UNSET:
            field_dict["photos"] = photos
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.author_ref import AuthorRef  # noqa: PLC0415
        from ..models.ingredient_line import IngredientLine  # noqa: PLC0415
        from ..models.photo_read import PhotoRead  # noqa: PLC0415
        from ..models.rating_summary import RatingSummary  # noqa: PLC0415

        d = dict(src_dict)
        author = AuthorRef.from_dict(d.pop("author"))

        comment_count = d.pop("comment_count")

        complexity = Complexity(d.pop("complexity"))

        cook_minutes = d.pop("cook_minutes")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        id = UUID(d.pop("id"))

        ingredients = []
        _ingredients = d.pop("ingredients")
        for ingredients_item_data in _ingredients:
            ingredients_item = IngredientLine.from_dict(ingredients_item_data)

            ingredients.append(ingredients_item)

        like_count = d.pop("like_count")

        original_servings = d.pop("original_servings")

        prep_minutes = d.pop("prep_minutes")

        rating = RatingSummary.from_dict(d.pop("rating"))

        servings = d.pop("servings")

        steps = cast(list[str], d.pop("steps"))

        tags = cast(list[str], d.pop("tags"))

        title = d.pop("title")

        total_minutes = d.pop("total_minutes")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        _photos = d.pop("photos", UNSET)
        photos: list[PhotoRead] | Unset = UNSET
        if _photos is not UNSET:
            photos = []
            for photos_item_data in _photos:
                photos_item = PhotoRead.from_dict(photos_item_data)

                photos.append(photos_item)

        _status = d.pop("status", UNSET)
        status: RecipeStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = RecipeStatus(_status)

        recipe_read = cls(
            author=author,
            comment_count=comment_count,
            complexity=complexity,
            cook_minutes=cook_minutes,
            created_at=created_at,
            description=description,
            id=id,
            ingredients=ingredients,
            like_count=like_count,
            original_servings=original_servings,
            prep_minutes=prep_minutes,
            rating=rating,
            servings=servings,
            steps=steps,
            tags=tags,
            title=title,
            total_minutes=total_minutes,
            updated_at=updated_at,
            photos=photos,
            status=status,
        )

        recipe_read.additional_properties = d
        return recipe_read

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
