from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.moderation_state import ModerationState
    from ..models.recipe_read import RecipeRead


T = TypeVar("T", bound="RecipeModeration")


@_attrs_define
class RecipeModeration:
    """
    Attributes:
        moderation (ModerationState):
        recipe (RecipeRead):
    """

    moderation: ModerationState
    recipe: RecipeRead
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        moderation = self.moderation.to_dict()

        recipe = self.recipe.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "moderation": moderation,
                "recipe": recipe,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.moderation_state import ModerationState  # noqa: PLC0415
        from ..models.recipe_read import RecipeRead  # noqa: PLC0415

        d = dict(src_dict)
        moderation = ModerationState.from_dict(d.pop("moderation"))

        recipe = RecipeRead.from_dict(d.pop("recipe"))

        recipe_moderation = cls(
            moderation=moderation,
            recipe=recipe,
        )

        recipe_moderation.additional_properties = d
        return recipe_moderation

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
