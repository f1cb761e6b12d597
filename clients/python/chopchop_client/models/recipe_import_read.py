from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.recipe_import_state import RecipeImportState

if TYPE_CHECKING:
    from ..models.import_reason import ImportReason


T = TypeVar("T", bound="RecipeImportRead")


@_attrs_define
class RecipeImportRead:
    """
    Attributes:
        attempts (int): Attempts made so far (transient failures are retried).
        created_at (datetime.datetime):
        finished_at (datetime.datetime | None):
        id (UUID):
        reason (ImportReason | None): Why it failed (`failed` only).
        recipe_id (None | UUID): The recipe made (`done` only; null if deleted since).
        recipe_url (None | str): The recipe's absolute URL (`done` only).
        status (RecipeImportState): Where an import stands: `queued` (waiting for a worker, or for a retry after a
            transient failure such as a
                timeout or a 5xx), `running`, `done` (the draft recipe exists: `recipe_id`), `failed` (for good: `reason`).
        updated_at (datetime.datetime):
        url (str): The page asked for (without its fragment).
    """

    attempts: int
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    id: UUID
    reason: ImportReason | None
    recipe_id: None | UUID
    recipe_url: None | str
    status: RecipeImportState
    updated_at: datetime.datetime
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.import_reason import ImportReason  # noqa: PLC0415

        attempts = self.attempts

        created_at = self.created_at.isoformat()

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        id = str(self.id)

        reason: dict[str, Any] | None
        if isinstance(self.reason, ImportReason):
            reason = self.reason.to_dict()
        else:
            reason = self.reason

        recipe_id: None | str
        if isinstance(self.recipe_id, UUID):
            recipe_id = str(self.recipe_id)
        else:
            recipe_id = self.recipe_id

        recipe_url: None | str
        recipe_url = self.recipe_url

        status = self.status.value

        updated_at = self.updated_at.isoformat()

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempts": attempts,
                "created_at": created_at,
                "finished_at": finished_at,
                "id": id,
                "reason": reason,
                "recipe_id": recipe_id,
                "recipe_url": recipe_url,
                "status": status,
                "updated_at": updated_at,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_reason import ImportReason  # noqa: PLC0415

        d = dict(src_dict)
        attempts = d.pop("attempts")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        id = UUID(d.pop("id"))

        def _parse_reason(data: object) -> ImportReason | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reason_type_0 = ImportReason.from_dict(data)

                return reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImportReason | None, data)

        reason = _parse_reason(d.pop("reason"))

        def _parse_recipe_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                recipe_id_type_0 = UUID(data)

                return recipe_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        recipe_id = _parse_recipe_id(d.pop("recipe_id"))

        def _parse_recipe_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        recipe_url = _parse_recipe_url(d.pop("recipe_url"))

        status = RecipeImportState(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        url = d.pop("url")

        recipe_import_read = cls(
            attempts=attempts,
            created_at=created_at,
            finished_at=finished_at,
            id=id,
            reason=reason,
            recipe_id=recipe_id,
            recipe_url=recipe_url,
            status=status,
            updated_at=updated_at,
            url=url,
        )

        recipe_import_read.additional_properties = d
        return recipe_import_read

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
