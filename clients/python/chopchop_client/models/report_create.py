from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.report_reason import ReportReason
from ..models.report_target import ReportTarget
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReportCreate")


@_attrs_define
class ReportCreate:
    """
    Attributes:
        reason (ReportReason): Why a user reports something.
        target_id (UUID):
        target_type (ReportTarget): What a report, a moderation action or an audit entry is about.
        details (str | Unset): What the moderators should know (up to 2000 characters). Default: ''.
    """

    reason: ReportReason
    target_id: UUID
    target_type: ReportTarget
    details: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason.value

        target_id = str(self.target_id)

        target_type = self.target_type.value

        details = self.details

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
                "target_id": target_id,
                "target_type": target_type,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = ReportReason(d.pop("reason"))

        target_id = UUID(d.pop("target_id"))

        target_type = ReportTarget(d.pop("target_type"))

        details = d.pop("details", UNSET)

        report_create = cls(
            reason=reason,
            target_id=target_id,
            target_type=target_type,
            details=details,
        )

        return report_create
