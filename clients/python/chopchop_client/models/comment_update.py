from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CommentUpdate")


@_attrs_define
class CommentUpdate:
    """
    Attributes:
        body (str | Unset): 1 to 5000 characters; newlines and tabs allowed, other control characters not.
    """

    body: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        body: str | Unset
        if isinstance(self.body, Unset):
            body = UNSET
        else:
            body = self.body

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if body is not UNSET:
            field_dict["body"] = body

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_body(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        body = _parse_body(d.pop("body", UNSET))

        comment_update = cls(
            body=body,
        )

        return comment_update
