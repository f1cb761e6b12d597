from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.unit import Unit
from ..types import UNSET, Unset

T = TypeVar("T", bound="IngredientLineInput")


@_attrs_define
class IngredientLineInput:
    """
    Attributes:
        ingredient (str): Catalogue name; created on first use; stored trimmed, single-spaced and lower-case.
        note (None | str | Unset): How to prepare the ingredient, one line.
        quantity (float | None | Unset): Positive, up to 3 decimals.
        unit (None | Unit | Unset): Unit of `quantity`; null for a count or no quantity.
    """

    ingredient: str
    note: None | str | Unset = UNSET
    quantity: float | None | Unset = UNSET
    unit: None | Unit | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        ingredient = self.ingredient

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        quantity: float | None | Unset
        if isinstance(self.quantity, Unset):
            quantity = UNSET
        else:
            quantity = self.quantity

        unit: None | str | Unset
        if isinstance(self.unit, Unset):
            unit = UNSET
        elif isinstance(self.unit, Unit):
            unit = self.unit.value
        else:
            unit = self.unit

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "ingredient": ingredient,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if unit is not UNSET:
            field_dict["unit"] = unit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ingredient = d.pop("ingredient")

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_quantity(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        quantity = _parse_quantity(d.pop("quantity", UNSET))

        def _parse_unit(data: object) -> None | Unit | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                unit_type_0 = Unit(data)

                return unit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unit | Unset, data)

        unit = _parse_unit(d.pop("unit", UNSET))

        ingredient_line_input = cls(
            ingredient=ingredient,
            note=note,
            quantity=quantity,
            unit=unit,
        )

        return ingredient_line_input
