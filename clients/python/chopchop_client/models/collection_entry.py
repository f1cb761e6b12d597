from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.recipe_summary import RecipeSummary


T = TypeVar("T", bound="CollectionEntry")


@_attrs_define
class CollectionEntry:
    """
    Attributes:
        added_at (datetime.datetime): When it was added to the collection.
        position (int): Its place in the collection, 0 first.
        recipe (RecipeSummary):
    """

    added_at: datetime.datetime
    position: int
    recipe: RecipeSummary
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        added_at = self.added_at.isoformat()

        position = self.position

        recipe = self.recipe.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "added_at": added_at,
                "position": position,
                "recipe": recipe,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recipe_summary import RecipeSummary  # noqa: PLC0415

        d = dict(src_dict)
        added_at = datetime.datetime.fromisoformat(d.pop("added_at"))

        position = d.pop("position")

        recipe = RecipeSummary.from_dict(d.pop("recipe"))

        collection_entry = cls(
            added_at=added_at,
            position=position,
            recipe=recipe,
        )

        collection_entry.additional_properties = d
        return collection_entry

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
