from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.change_kind import ChangeKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.recipe_summary import RecipeSummary


T = TypeVar("T", bound="RecipeChange")


@_attrs_define
class RecipeChange:
    """
    Attributes:
        changed_at (datetime.datetime): When the change was made (created, updated: the recipe's `updated_at`).
        cursor (str): The feed's position just after this entry: pass it as `since` to resume from here.
        kind (ChangeKind): What happened to a recipe, as the change feed reports it.
        recipe_id (UUID):
        recipe (None | RecipeSummary | Unset): created, updated: the recipe as it is now (its counters are live values,
            not changes). deleted: absent (a tombstone: remove your copy).
    """

    changed_at: datetime.datetime
    cursor: str
    kind: ChangeKind
    recipe_id: UUID
    recipe: None | RecipeSummary | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.recipe_summary import RecipeSummary  # noqa: PLC0415

        changed_at = self.changed_at.isoformat()

        cursor = self.cursor

        kind = self.kind.value

        recipe_id = str(self.recipe_id)

        recipe: dict[str, Any] | None | Unset
        if isinstance(self.recipe, Unset):
            recipe = UNSET
        elif isinstance(self.recipe, RecipeSummary):
            recipe = self.recipe.to_dict()
        else:
            recipe = self.recipe

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "changed_at": changed_at,
                "cursor": cursor,
                "kind": kind,
                "recipe_id": recipe_id,
            }
        )
        if recipe is not UNSET:
            field_dict["recipe"] = recipe

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recipe_summary import RecipeSummary  # noqa: PLC0415

        d = dict(src_dict)
        changed_at = datetime.datetime.fromisoformat(d.pop("changed_at"))

        cursor = d.pop("cursor")

        kind = ChangeKind(d.pop("kind"))

        recipe_id = UUID(d.pop("recipe_id"))

        def _parse_recipe(data: object) -> None | RecipeSummary | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recipe_type_0 = RecipeSummary.from_dict(data)

                return recipe_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RecipeSummary | Unset, data)

        recipe = _parse_recipe(d.pop("recipe", UNSET))

        recipe_change = cls(
            changed_at=changed_at,
            cursor=cursor,
            kind=kind,
            recipe_id=recipe_id,
            recipe=recipe,
        )

        recipe_change.additional_properties = d
        return recipe_change

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
