from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CollectionEntryPut")


@_attrs_define
class CollectionEntryPut:
    """
    Attributes:
        position (int | Unset): Where the recipe goes: 0 is first; a position at or past the end puts it last.
    """

    position: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        position: int | Unset
        if isinstance(self.position, Unset):
            position = UNSET
        else:
            position = self.position

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if position is not UNSET:
            field_dict["position"] = position

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_position(data: object) -> int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | Unset, data)

        position = _parse_position(d.pop("position", UNSET))

        collection_entry_put = cls(
            position=position,
        )

        return collection_entry_put
