from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.report_reason import ReportReason
from ..models.report_state import ReportState
from ..models.report_target import ReportTarget
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReportRead")


@_attrs_define
class ReportRead:
    """
    Attributes:
        created_at (datetime.datetime):
        details (str):
        id (UUID):
        reason (ReportReason): Why a user reports something.
        reporter_id (UUID): Who reported it.
        status (ReportState): Where a report stands.
        target_id (UUID):
        target_type (ReportTarget): What a report, a moderation action or an audit entry is about.
        resolution_note (None | str | Unset):
        resolved_at (datetime.datetime | None | Unset):
        resolved_by (None | Unset | UUID):
    """

    created_at: datetime.datetime
    details: str
    id: UUID
    reason: ReportReason
    reporter_id: UUID
    status: ReportState
    target_id: UUID
    target_type: ReportTarget
    resolution_note: None | str | Unset = UNSET
    resolved_at: datetime.datetime | None | Unset = UNSET
    resolved_by: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        details = self.details

        id = str(self.id)

        reason = self.reason.value

        reporter_id = str(self.reporter_id)

        status = self.status.value

        target_id = str(self.target_id)

        target_type = self.target_type.value

        resolution_note: None | str | Unset
        if isinstance(self.resolution_note, Unset):
            resolution_note = UNSET
        else:
            resolution_note = self.resolution_note

        resolved_at: None | str | Unset
        if isinstance(self.resolved_at, Unset):
            resolved_at = UNSET
        elif isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        resolved_by: None | str | Unset
        if isinstance(self.resolved_by, Unset):
            resolved_by = UNSET
        elif isinstance(self.resolved_by, UUID):
            resolved_by = str(self.resolved_by)
        else:
            resolved_by = self.resolved_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "details": details,
                "id": id,
                "reason": reason,
                "reporter_id": reporter_id,
                "status": status,
                "target_id": target_id,
                "target_type": target_type,
            }
        )
        if resolution_note is not UNSET:
            field_dict["resolution_note"] = resolution_note
        if resolved_at is not UNSET:
            field_dict["resolved_at"] = resolved_at
        if resolved_by is not UNSET:
            field_dict["resolved_by"] = resolved_by

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        details = d.pop("details")

        id = UUID(d.pop("id"))

        reason = ReportReason(d.pop("reason"))

        reporter_id = UUID(d.pop("reporter_id"))

        status = ReportState(d.pop("status"))

        target_id = UUID(d.pop("target_id"))

        target_type = ReportTarget(d.pop("target_type"))

        def _parse_resolution_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        resolution_note = _parse_resolution_note(d.pop("resolution_note", UNSET))

        def _parse_resolved_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at", UNSET))

        def _parse_resolved_by(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_by_type_0 = UUID(data)

                return resolved_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        resolved_by = _parse_resolved_by(d.pop("resolved_by", UNSET))

        report_read = cls(
            created_at=created_at,
            details=details,
            id=id,
            reason=reason,
            reporter_id=reporter_id,
            status=status,
            target_id=target_id,
            target_type=target_type,
            resolution_note=resolution_note,
            resolved_at=resolved_at,
            resolved_by=resolved_by,
        )

        report_read.additional_properties = d
        return report_read

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
