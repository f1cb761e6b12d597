from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.follow_user import FollowUser


T = TypeVar("T", bound="FollowPage")


@_attrs_define
class FollowPage:
    """
    Attributes:
        items (list[FollowUser]):
        limit (int): The page size that was asked for.
        offset (int): How many items were skipped; always 0 on cursor pages (`cursor` given).
        total (int): How many items match, on all pages: exact when `total_exact` is true, otherwise the database's
            estimate (at least the items seen so far). The same on cursor pages as on the first page.
        next_cursor (None | str | Unset): Pass as `cursor` for the page after this one (same filters and sort); null on
            the last page.
        prev_cursor (None | str | Unset): Pass as `cursor` for the page before this one; null on the first page.
        total_exact (bool | Unset): Whether `total` is an exact count. Recipe lists with many matches report an estimate
            (show it as "about 94,000"): follow the `next` link until a page comes back short. A short page's `total` is
            always exact. Default: True.
    """

    items: list[FollowUser]
    limit: int
    offset: int
    total: int
    next_cursor: None | str | Unset = UNSET
    prev_cursor: None | str | Unset = UNSET
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

        next_cursor: None | str | Unset
        if isinstance(self.next_cursor, Unset):
            next_cursor = UNSET
        else:
            next_cursor = self.next_cursor

        prev_cursor: None | str | Unset
        if isinstance(self.prev_cursor, Unset):
            prev_cursor = UNSET
        else:
            prev_cursor = self.prev_cursor

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
        if next_cursor is not UNSET:
            field_dict["next_cursor"] = next_cursor
        if prev_cursor is not UNSET:
            field_dict["prev_cursor"] = prev_cursor
        if total_exact is not UNSET:
            field_dict["total_exact"] = total_exact

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.follow_user import FollowUser  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = FollowUser.from_dict(items_item_data)

            items.append(items_item)

        limit = d.pop("limit")

        offset = d.pop("offset")

        total = d.pop("total")

        def _parse_next_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor", UNSET))

        def _parse_prev_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        prev_cursor = _parse_prev_cursor(d.pop("prev_cursor", UNSET))

        total_exact = d.pop("total_exact", UNSET)

        follow_page = cls(
            items=items,
            limit=limit,
            offset=offset,
            total=total,
            next_cursor=next_cursor,
            prev_cursor=prev_cursor,
            total_exact=total_exact,
        )

        follow_page.additional_properties = d
        return follow_page

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
