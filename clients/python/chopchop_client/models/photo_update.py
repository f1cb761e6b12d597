from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PhotoUpdate")


@_attrs_define
class PhotoUpdate:
    """
    Attributes:
        cover (bool | Unset): `true` makes it the cover (the old cover stops being it). `false` on the cover is refused:
            make another photo the cover instead.
        position (int | Unset): Its new place in the order, from 0 (past the end: last).
    """

    cover: bool | Unset = UNSET
    position: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        cover: bool | Unset
        if isinstance(self.cover, Unset):
            cover = UNSET
        else:
            cover = self.cover

        position: int | Unset
        if isinstance(self.position, Unset):
            position = UNSET
        else:
            position = self.position

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if cover is not UNSET:
            field_dict["cover"] = cover
        if position is not UNSET:
            field_dict["position"] = position

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_cover(data: object) -> bool | Unset:
            if isinstance(data, Unset):
                return data
            return cast(bool | Unset, data)

        cover = _parse_cover(d.pop("cover", UNSET))

        def _parse_position(data: object) -> int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | Unset, data)

        position = _parse_position(d.pop("position", UNSET))

        photo_update = cls(
            cover=cover,
            position=position,
        )

        return photo_update
