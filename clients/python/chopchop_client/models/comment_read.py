from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.comment_author import CommentAuthor


T = TypeVar("T", bound="CommentRead")


@_attrs_define
class CommentRead:
    """
    Attributes:
        author (CommentAuthor):
        body (str):
        created_at (datetime.datetime):
        id (UUID):
        recipe_id (UUID): The recipe it is about.
        updated_at (datetime.datetime): When it was last edited (`created_at` if never).
    """

    author: CommentAuthor
    body: str
    created_at: datetime.datetime
    id: UUID
    recipe_id: UUID
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        author = self.author.to_dict()

        body = self.body

        created_at = self.created_at.isoformat()

        id = str(self.id)

        recipe_id = str(self.recipe_id)

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "author": author,
                "body": body,
                "created_at": created_at,
                "id": id,
                "recipe_id": recipe_id,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.comment_author import CommentAuthor  # noqa: PLC0415

        d = dict(src_dict)
        author = CommentAuthor.from_dict(d.pop("author"))

        body = d.pop("body")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        recipe_id = UUID(d.pop("recipe_id"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        comment_read = cls(
            author=author,
            body=body,
            created_at=created_at,
            id=id,
            recipe_id=recipe_id,
            updated_at=updated_at,
        )

        comment_read.additional_properties = d
        return comment_read

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
