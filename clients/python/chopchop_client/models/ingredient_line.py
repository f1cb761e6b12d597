from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.unit import Unit

if TYPE_CHECKING:
    from ..models.ingredient_ref import IngredientRef


T = TypeVar("T", bound="IngredientLine")


@_attrs_define
class IngredientLine:
    """
    Attributes:
        ingredient (IngredientRef):
        note (None | str): How to prepare it.
        position (int): Order of the line in the recipe, from 1.
        quantity (float | None): Amount, scaled when `?servings=` is given.
        unit (None | Unit): Unit of `quantity`.
    """

    ingredient: IngredientRef
    note: None | str
    position: int
    quantity: float | None
    unit: None | Unit
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ingredient = self.ingredient.to_dict()

        note: None | str
        note = self.note

        position = self.position

        quantity: float | None
        quantity = self.quantity

        unit: None | str
        if isinstance(self.unit, Unit):
            unit = self.unit.value
        else:
            unit = self.unit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ingredient": ingredient,
                "note": note,
                "position": position,
                "quantity": quantity,
                "unit": unit,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ingredient_ref import IngredientRef  # noqa: PLC0415

        d = dict(src_dict)
        ingredient = IngredientRef.from_dict(d.pop("ingredient"))

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

        position = d.pop("position")

        def _parse_quantity(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        quantity = _parse_quantity(d.pop("quantity"))

        def _parse_unit(data: object) -> None | Unit:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                unit_type_0 = Unit(data)

                return unit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unit, data)

        unit = _parse_unit(d.pop("unit"))

        ingredient_line = cls(
            ingredient=ingredient,
            note=note,
            position=position,
            quantity=quantity,
            unit=unit,
        )

        ingredient_line.additional_properties = d
        return ingredient_line

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
