from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CollectionEntryState")


@_attrs_define
class CollectionEntryState:
    """
    Attributes:
        collection_id (UUID):
        position (int): Its place in the collection, 0 first.
        recipe_count (int): How many recipes the collection holds.
        recipe_id (UUID):
    """

    collection_id: UUID
    position: int
    recipe_count: int
    recipe_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        collection_id = str(self.collection_id)

        position = self.position

        recipe_count = self.recipe_count

        recipe_id = str(self.recipe_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "collection_id": collection_id,
                "position": position,
                "recipe_count": recipe_count,
                "recipe_id": recipe_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        collection_id = UUID(d.pop("collection_id"))

        position = d.pop("position")

        recipe_count = d.pop("recipe_count")

        recipe_id = UUID(d.pop("recipe_id"))

        collection_entry_state = cls(
            collection_id=collection_id,
            position=position,
            recipe_count=recipe_count,
            recipe_id=recipe_id,
        )

        collection_entry_state.additional_properties = d
        return collection_entry_state

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
