from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.collection_read import CollectionRead


T = TypeVar("T", bound="CollectionPage")


@_attrs_define
class CollectionPage:
    """
    Attributes:
        items (list[CollectionRead]):
        limit (int): The page size that was asked for.
        offset (int): How many items were skipped; always 0 on cursor pages (`cursor` given).
        total (int): How many items match, on all pages: exact when `total_exact` is true, otherwise the database's
            estimate (at least the items seen so far). The same on cursor pages as on the first page.
        total_exact (bool | Unset): Whether `total` is an exact count. Recipe lists with many matches report an estimate
            (show it as "about 94,000"): follow the `next` link until a page comes back short. A short page's `total` is
            always exact. Default: True.
    """

    items: list[CollectionRead]
    limit: int
    offset: int
    total: int
    total_exact: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        limit = self.limit

        offset = self.offset

        total = self.total

        total_exact = self.total_exact

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
                "limit": limit,
                "offset": offset,
                "total": total,
            }
        )
        if total_exact is not UNSET:
            field_dict["total_exact"] = total_exact

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.collection_read import CollectionRead  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = CollectionRead.from_dict(items_item_data)

            items.append(items_item)

        limit = d.pop("limit")

        offset = d.pop("offset")

        total = d.pop("total")

        total_exact = d.pop("total_exact", UNSET)

        collection_page = cls(
            items=items,
            limit=limit,
            offset=offset,
            total=total,
            total_exact=total_exact,
        )

        collection_page.additional_properties = d
        return collection_page

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
