from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Registration")


@_attrs_define
class Registration:
    """
    Attributes:
        display_name (str): Public name shown with recipes and comments: one line, no control or bidirectional
            formatting characters; stored trimmed.
        email (str): Email address; compared and stored trimmed and lower-case.
        password (str): 8 to 128 characters.
    """

    display_name: str
    email: str
    password: str

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        email = self.email

        password = self.password

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "display_name": display_name,
                "email": email,
                "password": password,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("display_name")

        email = d.pop("email")

        password = d.pop("password")

        registration = cls(
            display_name=display_name,
            email=email,
            password=password,
        )

        return registration
