from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.comment_read import CommentRead
    from ..models.moderation_state import ModerationState


T = TypeVar("T", bound="CommentModeration")


@_attrs_define
class CommentModeration:
    """
    Attributes:
        comment (CommentRead):
        moderation (ModerationState):
    """

    comment: CommentRead
    moderation: ModerationState
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        comment = self.comment.to_dict()

        moderation = self.moderation.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "comment": comment,
                "moderation": moderation,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.comment_read import CommentRead  # noqa: PLC0415
        from ..models.moderation_state import ModerationState  # noqa: PLC0415

        d = dict(src_dict)
        comment = CommentRead.from_dict(d.pop("comment"))

        moderation = ModerationState.from_dict(d.pop("moderation"))

        comment_moderation = cls(
            comment=comment,
            moderation=moderation,
        )

        comment_moderation.additional_properties = d
        return comment_moderation

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
