from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LikeState")


@_attrs_define
class LikeState:
    """
    Attributes:
        like_count (int): How many users like the recipe now.
        liked (bool): True after a like, false after an unlike.
        recipe_id (UUID):
    """

    like_count: int
    liked: bool
    recipe_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        like_count = self.like_count

        liked = self.liked

        recipe_id = str(self.recipe_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "like_count": like_count,
                "liked": liked,
                "recipe_id": recipe_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        like_count = d.pop("like_count")

        liked = d.pop("liked")

        recipe_id = UUID(d.pop("recipe_id"))

        like_state = cls(
            like_count=like_count,
            liked=liked,
            recipe_id=recipe_id,
        )

        like_state.additional_properties = d
        return like_state

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
