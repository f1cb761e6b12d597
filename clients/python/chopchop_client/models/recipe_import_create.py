from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RecipeImportCreate")


@_attrs_define
class RecipeImportCreate:
    """
    Attributes:
        url (str): The recipe page: an absolute `https://` (or `http://`) URL of at most 2048 characters, printable
            ASCII (international domain names as `xn--...`), without user name or password, on port 80, 443 or 1024 and
            above, on a public address (private, loopback, link-local, CGNAT, multicast and metadata addresses and
            `localhost` are refused, after every redirect too). A fragment is ignored.
    """

    url: str

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        recipe_import_create = cls(
            url=url,
        )

        return recipe_import_create
