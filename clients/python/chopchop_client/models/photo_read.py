from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.photo_state import PhotoState

if TYPE_CHECKING:
    from ..models.photo_urls import PhotoUrls


T = TypeVar("T", bound="PhotoRead")


@_attrs_define
class PhotoRead:
    """
    Attributes:
        cover (bool): Whether it is the recipe's cover (exactly one photo is).
        created_at (datetime.datetime):
        height (int):
        id (UUID):
        media_type (str): Of the original: image/jpeg, image/png or image/webp.
        position (int): Its place in the recipe's order, from 0.
        recipe_id (UUID):
        status (PhotoState): `processing`: the photo is stored, its variants are being made; `ready`: every variant is
            there;
                `failed`: the variants could not be made (the original stays readable).
        urls (PhotoUrls):
        width (int):
    """

    cover: bool
    created_at: datetime.datetime
    height: int
    id: UUID
    media_type: str
    position: int
    recipe_id: UUID
    status: PhotoState
    urls: PhotoUrls
    width: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cover = self.cover

        created_at = self.created_at.isoformat()

        height = self.height

        id = str(self.id)

        media_type = self.media_type

        position = self.position

        recipe_id = str(self.recipe_id)

        status = self.status.value

        urls = self.urls.to_dict()

        width = self.width

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cover": cover,
                "created_at": created_at,
                "height": height,
                "id": id,
                "media_type": media_type,
                "position": position,
                "recipe_id": recipe_id,
                "status": status,
                "urls": urls,
                "width": width,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.photo_urls import PhotoUrls  # noqa: PLC0415

        d = dict(src_dict)
        cover = d.pop("cover")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        height = d.pop("height")

        id = UUID(d.pop("id"))

        media_type = d.pop("media_type")

        position = d.pop("position")

        recipe_id = UUID(d.pop("recipe_id"))

        status = PhotoState(d.pop("status"))

        urls = PhotoUrls.from_dict(d.pop("urls"))

        width = d.pop("width")

        photo_read = cls(
            cover=cover,
            created_at=created_at,
            height=height,
            id=id,
            media_type=media_type,
            position=position,
            recipe_id=recipe_id,
            status=status,
            urls=urls,
            width=width,
        )

        photo_read.additional_properties = d
        return photo_read

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
