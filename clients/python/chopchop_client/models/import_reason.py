from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ImportReason")


@_attrs_define
class ImportReason:
    """
    Attributes:
        detail (str):
        title (str):
        type_ (str): A problem type URI: `.../import-url-refused`, `.../import-address-refused`, `.../import-page-
            unavailable`, `.../import-unsupported-page`, `.../import-unreadable-page`, `.../import-too-many-redirects`,
            `.../import-timeout`, `.../import-unreachable`, `.../import-no-recipe`.
    """

    detail: str
    title: str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        detail = self.detail

        title = self.title

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "detail": detail,
                "title": title,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        detail = d.pop("detail")

        title = d.pop("title")

        type_ = d.pop("type")

        import_reason = cls(
            detail=detail,
            title=title,
            type_=type_,
        )

        import_reason.additional_properties = d
        return import_reason

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
