from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RatingInput")


@_attrs_define
class RatingInput:
    """
    Attributes:
        stars (int): Whole stars, 1 (poor) to 5 (excellent).
    """

    stars: int

    def to_dict(self) -> dict[str, Any]:
        stars = self.stars

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "stars": stars,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        stars = d.pop("stars")

        rating_input = cls(
            stars=stars,
        )

        return rating_input
