from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.visibility import Visibility
from ..types import UNSET, Unset

T = TypeVar("T", bound="CollectionCreate")


@_attrs_define
class CollectionCreate:
    """
    Attributes:
        name (str): One line, 1 to 100 characters (trimmed), no control or bidirectional formatting characters.
        description (str | Unset): Free text, up to 2000 characters; newlines allowed. Default: ''.
        visibility (Visibility | Unset): `public`: anyone may read it (and it is listed on its owner's profile);
            `private`: only its owner.
    """

    name: str
    description: str | Unset = ""
    visibility: Visibility | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        visibility: str | Unset = UNSET
        if not isinstance(self.visibility, Unset):
            visibility = self.visibility.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if visibility is not UNSET:
            field_dict["visibility"] = visibility

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        description = d.pop("description", UNSET)

        _visibility = d.pop("visibility", UNSET)
        visibility: Visibility | Unset
        if isinstance(_visibility, Unset):
            visibility = UNSET
        else:
            visibility = Visibility(_visibility)

        collection_create = cls(
            name=name,
            description=description,
            visibility=visibility,
        )

        return collection_create
