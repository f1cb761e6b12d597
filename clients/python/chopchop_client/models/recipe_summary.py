from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.complexity import Complexity
from ..models.recipe_status import RecipeStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.author_ref import AuthorRef
    from ..models.rating_summary import RatingSummary


T = TypeVar("T", bound="RecipeSummary")


@_attrs_define
class RecipeSummary:
    """
    Attributes:
        author (AuthorRef):
        comment_count (int): How many comments it has.
        complexity (Complexity): How hard a recipe is to make.
        created_at (datetime.datetime):
        id (UUID):
        like_count (int): How many users like it.
        rating (RatingSummary):
        servings (int):
        tags (list[str]):
        title (str):
        total_minutes (int): Preparation and cooking time, in minutes.
        cover_thumbnail_url (None | str | Unset): The thumbnail of its cover photo, once ready; null without one.
        status (RecipeStatus | Unset): Who sees a recipe: only its author (``draft``: work in progress, ``private``:
            kept for oneself), or everyone
                (``public``).
    """

    author: AuthorRef
    comment_count: int
    complexity: Complexity
    created_at: datetime.datetime
    id: UUID
    like_count: int
    rating: RatingSummary
    servings: int
    tags: list[str]
    title: str
    total_minutes: int
    cover_thumbnail_url: None | str | Unset = UNSET
    status: RecipeStatus | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        author = self.author.to_dict()

        comment_count = self.comment_count

        complexity = self.complexity.value

        created_at = self.created_at.isoformat()

        id = str(self.id)

        like_count = self.like_count

        rating = self.rating.to_dict()

        servings = self.servings

        tags = self.tags

        title = self.title

        total_minutes = self.total_minutes

        cover_thumbnail_url: None | str | Unset
        if isinstance(self.cover_thumbnail_url, Unset):
            cover_thumbnail_url = UNSET
        else:
            cover_thumbnail_url = self.cover_thumbnail_url

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "author": author,
                "comment_count": comment_count,
                "complexity": complexity,
                "created_at": created_at,
                "id": id,
                "like_count": like_count,
                "rating": rating,
                "servings": servings,
                "tags": tags,
                "title": title,
                "total_minutes": total_minutes,
            }
        )
        if cover_thumbnail_url is not UNSET:
            field_dict["cover_thumbnail_url"] = cover_thumbnail_url
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.author_ref import AuthorRef  # noqa: PLC0415
        from ..models.rating_summary import RatingSummary  # noqa: PLC0415

        d = dict(src_dict)
        author = AuthorRef.from_dict(d.pop("author"))

        comment_count = d.pop("comment_count")

        complexity = Complexity(d.pop("complexity"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        like_count = d.pop("like_count")

        rating = RatingSummary.from_dict(d.pop("rating"))

        servings = d.pop("servings")

        tags = cast(list[str], d.pop("tags"))

        title = d.pop("title")

        total_minutes = d.pop("total_minutes")

        def _parse_cover_thumbnail_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cover_thumbnail_url = _parse_cover_thumbnail_url(d.pop("cover_thumbnail_url", UNSET))

        _status = d.pop("status", UNSET)
        status: RecipeStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = RecipeStatus(_status)

        recipe_summary = cls(
            author=author,
            comment_count=comment_count,
            complexity=complexity,
            created_at=created_at,
            id=id,
            like_count=like_count,
            rating=rating,
            servings=servings,
            tags=tags,
            title=title,
            total_minutes=total_minutes,
            cover_thumbnail_url=cover_thumbnail_url,
            status=status,
        )

        recipe_summary.additional_properties = d
        return recipe_summary

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
