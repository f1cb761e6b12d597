from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rating_summary import RatingSummary


T = TypeVar("T", bound="RatingState")


@_attrs_define
class RatingState:
    """
    Attributes:
        rating (RatingSummary):
        recipe_id (UUID):
        stars (int | None): Your stars, 1 to 5; null if you have not rated it.
    """

    rating: RatingSummary
    recipe_id: UUID
    stars: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rating = self.rating.to_dict()

        recipe_id = str(self.recipe_id)

        stars: int | None
        stars = self.stars

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rating": rating,
                "recipe_id": recipe_id,
                "stars": stars,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rating_summary import RatingSummary  # noqa: PLC0415

        d = dict(src_dict)
        rating = RatingSummary.from_dict(d.pop("rating"))

        recipe_id = UUID(d.pop("recipe_id"))

        def _parse_stars(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        stars = _parse_stars(d.pop("stars"))

        rating_state = cls(
            rating=rating,
            recipe_id=recipe_id,
            stars=stars,
        )

        rating_state.additional_properties = d
        return rating_state

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
