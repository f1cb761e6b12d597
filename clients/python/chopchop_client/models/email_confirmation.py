from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="EmailConfirmation")


@_attrs_define
class EmailConfirmation:
    """
    Attributes:
        password (str): The password given when registering (the registration this link was sent for).
        token (str): The token from the link in the email (its `token` query parameter).
    """

    password: str
    token: str

    def to_dict(self) -> dict[str, Any]:
        password = self.password

        token = self.token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "password": password,
                "token": token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        password = d.pop("password")

        token = d.pop("token")

        email_confirmation = cls(
            password=password,
            token=token,
        )

        return email_confirmation
