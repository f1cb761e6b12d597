from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.visibility import Visibility

if TYPE_CHECKING:
    from ..models.author_ref import AuthorRef


T = TypeVar("T", bound="CollectionRead")


@_attrs_define
class CollectionRead:
    """
    Attributes:
        created_at (datetime.datetime):
        description (str):
        id (UUID):
        name (str):
        owner (AuthorRef):
        recipe_count (int): How many recipes it holds.
        updated_at (datetime.datetime):
        visibility (Visibility): `public`: anyone may read it (and it is listed on its owner's profile); `private`: only
            its owner.
    """

    created_at: datetime.datetime
    description: str
    id: UUID
    name: str
    owner: AuthorRef
    recipe_count: int
    updated_at: datetime.datetime
    visibility: Visibility
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        description = self.description

        id = str(self.id)

        name = self.name

        owner = self.owner.to_dict()

        recipe_count = self.recipe_count

        updated_at = self.updated_at.isoformat()

        visibility = self.visibility.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "description": description,
                "id": id,
                "name": name,
                "owner": owner,
                "recipe_count": recipe_count,
                "updated_at": updated_at,
                "visibility": visibility,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.author_ref import AuthorRef  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        id = UUID(d.pop("id"))

        name = d.pop("name")

        owner = AuthorRef.from_dict(d.pop("owner"))

        recipe_count = d.pop("recipe_count")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        visibility = Visibility(d.pop("visibility"))

        collection_read = cls(
            created_at=created_at,
            description=description,
            id=id,
            name=name,
            owner=owner,
            recipe_count=recipe_count,
            updated_at=updated_at,
            visibility=visibility,
        )

        collection_read.additional_properties = d
        return collection_read

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
