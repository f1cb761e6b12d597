from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.grant_type import GrantType
from ..types import UNSET, Unset

T = TypeVar("T", bound="OAuth2PasswordForm")


@_attrs_define
class OAuth2PasswordForm:
    """
    Attributes:
        password (str): The account's password.
        username (str): The account's email address.
        grant_type (GrantType | None | Unset): `password` (optional).
        scope (str | Unset): Ignored: tokens have no scopes. Default: ''.
    """

    password: str
    username: str
    grant_type: GrantType | None | Unset = UNSET
    scope: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        password = self.password

        username = self.username

        grant_type: None | str | Unset
        if isinstance(self.grant_type, Unset):
            grant_type = UNSET
        elif isinstance(self.grant_type, GrantType):
            grant_type = self.grant_type.value
        else:
            grant_type = self.grant_type

        scope = self.scope

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "password": password,
                "username": username,
            }
        )
        if grant_type is not UNSET:
            field_dict["grant_type"] = grant_type
        if scope is not UNSET:
            field_dict["scope"] = scope

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        password = d.pop("password")

        username = d.pop("username")

        def _parse_grant_type(data: object) -> GrantType | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                grant_type_type_0 = GrantType(data)

                return grant_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GrantType | None | Unset, data)

        grant_type = _parse_grant_type(d.pop("grant_type", UNSET))

        scope = d.pop("scope", UNSET)

        o_auth_2_password_form = cls(
            password=password,
            username=username,
            grant_type=grant_type,
            scope=scope,
        )

        o_auth_2_password_form.additional_properties = d
        return o_auth_2_password_form

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
