from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UserProfile")


@_attrs_define
class UserProfile:
    """
    Attributes:
        comment_count (int): Comments this user wrote.
        created_at (datetime.datetime): When the account was created (member since).
        display_name (str): Public name.
        follower_count (int): How many users follow this user.
        following_count (int): How many users this user follows.
        id (UUID):
        likes_received (int): Likes on all of this user's recipes.
        recipe_count (int): Recipes this user published.
    """

    comment_count: int
    created_at: datetime.datetime
    display_name: str
    follower_count: int
    following_count: int
    id: UUID
    likes_received: int
    recipe_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        comment_count = self.comment_count

        created_at = self.created_at.isoformat()

        display_name = self.display_name

        follower_count = self.follower_count

        following_count = self.following_count

        id = str(self.id)

        likes_received = self.likes_received

        recipe_count = self.recipe_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "comment_count": comment_count,
                "created_at": created_at,
                "display_name": display_name,
                "follower_count": follower_count,
                "following_count": following_count,
                "id": id,
                "likes_received": likes_received,
                "recipe_count": recipe_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        comment_count = d.pop("comment_count")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        display_name = d.pop("display_name")

        follower_count = d.pop("follower_count")

        following_count = d.pop("following_count")

        id = UUID(d.pop("id"))

        likes_received = d.pop("likes_received")

        recipe_count = d.pop("recipe_count")

        user_profile = cls(
            comment_count=comment_count,
            created_at=created_at,
            display_name=display_name,
            follower_count=follower_count,
            following_count=following_count,
            id=id,
            likes_received=likes_received,
            recipe_count=recipe_count,
        )

        user_profile.additional_properties = d
        return user_profile

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
