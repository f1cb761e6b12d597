from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.report_outcome import ReportOutcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReportResolution")


@_attrs_define
class ReportResolution:
    """
    Attributes:
        outcome (ReportOutcome): How a moderator closes a report: acted on (``resolved``) or nothing to do
            (``dismissed``).
        hide (bool | Unset): Hide the reported recipe or comment too (only with `resolved`; not for accounts). Default:
            False.
        note (None | str | Unset): What was decided and why.
    """

    outcome: ReportOutcome
    hide: bool | Unset = False
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome.value

        hide = self.hide

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "outcome": outcome,
            }
        )
        if hide is not UNSET:
            field_dict["hide"] = hide
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        outcome = ReportOutcome(d.pop("outcome"))

        hide = d.pop("hide", UNSET)

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        report_resolution = cls(
            outcome=outcome,
            hide=hide,
            note=note,
        )

        return report_resolution
