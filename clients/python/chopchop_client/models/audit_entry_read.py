from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.audit_action import AuditAction
from ..models.audit_target import AuditTarget
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_entry_read_after import AuditEntryReadAfter
    from ..models.audit_entry_read_before import AuditEntryReadBefore


T = TypeVar("T", bound="AuditEntryRead")


@_attrs_define
class AuditEntryRead:
    """
    Attributes:
        action (AuditAction): The moderation actions the audit log records.
        actor_id (None | UUID): Who acted; null for the command line or a deleted account.
        actor_label (str): Who acted, as recorded then (an email, or `cli`).
        created_at (datetime.datetime):
        id (UUID):
        target_id (UUID):
        target_type (AuditTarget): What an audit entry is about.
        after (AuditEntryReadAfter | Unset): What the action changed, as it became (may be empty).
        before (AuditEntryReadBefore | Unset): What the action changed, as it was (may be empty).
        reason (None | str | Unset):
    """

    action: AuditAction
    actor_id: None | UUID
    actor_label: str
    created_at: datetime.datetime
    id: UUID
    target_id: UUID
    target_type: AuditTarget
    after: AuditEntryReadAfter | Unset = UNSET
    before: AuditEntryReadBefore | Unset = UNSET
    reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        actor_id: None | str
        if isinstance(self.actor_id, UUID):
            actor_id = str(self.actor_id)
        else:
            actor_id = self.actor_id

        actor_label = self.actor_label

        created_at = self.created_at.isoformat()

        id = str(self.id)

        target_id = str(self.target_id)

        target_type = self.target_type.value

        after: dict[str, Any] | Unset = UNSET
        if not isinstance(self.after, Unset):
            after = self.after.to_dict()

        before: dict[str, Any] | Unset = UNSET
        if not isinstance(self.before, Unset):
            before = self.before.to_dict()

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "actor_id": actor_id,
                "actor_label": actor_label,
                "created_at": created_at,
                "id": id,
                "target_id": target_id,
                "target_type": target_type,
            }
        )
        if after is not UNSET:
            field_dict["after"] = after
        if before is not UNSET:
            field_dict["before"] = before
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_entry_read_after import AuditEntryReadAfter  # noqa: PLC0415
        from ..models.audit_entry_read_before import AuditEntryReadBefore  # noqa: PLC0415

        d = dict(src_dict)
        action = AuditAction(d.pop("action"))

        def _parse_actor_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                actor_id_type_0 = UUID(data)

                return actor_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        actor_id = _parse_actor_id(d.pop("actor_id"))

        actor_label = d.pop("actor_label")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = UUID(d.pop("id"))

        target_id = UUID(d.pop("target_id"))

        target_type = AuditTarget(d.pop("target_type"))

        _after = d.pop("after", UNSET)
        after: AuditEntryReadAfter | Unset
        if isinstance(_after, Unset):
            after = UNSET
        else:
            after = AuditEntryReadAfter.from_dict(_after)

        _before = d.pop("before", UNSET)
        before: AuditEntryReadBefore | Unset
        if isinstance(_before, Unset):
            before = UNSET
        else:
            before = AuditEntryReadBefore.from_dict(_before)

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        audit_entry_read = cls(
            action=action,
            actor_id=actor_id,
            actor_label=actor_label,
            created_at=created_at,
            id=id,
            target_id=target_id,
            target_type=target_type,
            after=after,
            before=before,
            reason=reason,
        )

        audit_entry_read.additional_properties = d
        return audit_entry_read

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
