from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role
from ..types import UNSET, Unset

T = TypeVar("T", bound="AccountModeration")


@_attrs_define
class AccountModeration:
    """
    Attributes:
        display_name (str):
        id (UUID):
        role (Role): What an account may do beyond its own content: moderators hide content and suspend accounts, admins
            also
                grant roles and read the audit log. Ordered: each role can do what the ones before it can.
        suspended (bool): Suspended now (a suspension whose `until` has passed is not).
        suspended_at (datetime.datetime | None | Unset):
        suspended_until (datetime.datetime | None | Unset):
        suspension_reason (None | str | Unset):
    """

    display_name: str
    id: UUID
    role: Role
    suspended: bool
    suspended_at: datetime.datetime | None | Unset = UNSET
    suspended_until: datetime.datetime | None | Unset = UNSET
    suspension_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        id = str(self.id)

        role = self.role.value

        suspended = self.suspended

        suspended_at: None | str | Unset
        if isinstance(self.suspended_at, Unset):
            suspended_at = UNSET
        elif isinstance(self.suspended_at, datetime.datetime):
            suspended_at = self.suspended_at.isoformat()
        else:
            suspended_at = self.suspended_at

        suspended_until: None | str | Unset
        if isinstance(self.suspended_until, Unset):
            suspended_until = UNSET
        elif isinstance(self.suspended_until, datetime.datetime):
            suspended_until = self.suspended_until.isoformat()
        else:
            suspended_until = self.suspended_until

        suspension_reason: None | str | Unset
        if isinstance(self.suspension_reason, Unset):
            suspension_reason = UNSET
        else:
            suspension_reason = self.suspension_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "display_name": display_name,
                "id": id,
                "role": role,
                "suspended": suspended,
            }
        )
        if suspended_at is not UNSET:
            field_dict["suspended_at"] = suspended_at
        if suspended_until is not UNSET:
            field_dict["suspended_until"] = suspended_until
        if suspension_reason is not UNSET:
            field_dict["suspension_reason"] = suspension_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("display_name")

        id = UUID(d.pop("id"))

        role = Role(d.pop("role"))

        suspended = d.pop("suspended")

        def _parse_suspended_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                suspended_at_type_0 = datetime.datetime.fromisoformat(data)

                return suspended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        suspended_at = _parse_suspended_at(d.pop("suspended_at", UNSET))

        def _parse_suspended_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                suspended_until_type_0 = datetime.datetime.fromisoformat(data)

                return suspended_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        suspended_until = _parse_suspended_until(d.pop("suspended_until", UNSET))

        def _parse_suspension_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        suspension_reason = _parse_suspension_reason(d.pop("suspension_reason", UNSET))

        account_moderation = cls(
            display_name=display_name,
            id=id,
            role=role,
            suspended=suspended,
            suspended_at=suspended_at,
            suspended_until=suspended_until,
            suspension_reason=suspension_reason,
        )

        account_moderation.additional_properties = d
        return account_moderation

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
