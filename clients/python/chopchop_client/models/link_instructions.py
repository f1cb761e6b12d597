from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LinkInstructions")


@_attrs_define
class LinkInstructions:
    """
    Attributes:
        detail (str): What to do next, for people.
        fields (list[str]): The JSON fields of its body: `token` (given here) and what else it needs.
        href (str): Where to send it.
        method (Literal['POST']): The method of the request that acts on the token.
        token (str): The token of the link.
    """

    detail: str
    fields: list[str]
    href: str
    method: Literal["POST"]
    token: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        detail = self.detail

        fields = self.fields

        href = self.href

        method = self.method

        token = self.token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "detail": detail,
                "fields": fields,
                "href": href,
                "method": method,
                "token": token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        detail = d.pop("detail")

        fields = cast(list[str], d.pop("fields"))

        href = d.pop("href")

        method = cast(Literal["POST"], d.pop("method"))
        if method != "POST":
            raise ValueError(f"method must match const 'POST', got '{method}'")

        token = d.pop("token")

        link_instructions = cls(
            detail=detail,
            fields=fields,
            href=href,
            method=method,
            token=token,
        )

        link_instructions.additional_properties = d
        return link_instructions

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
