from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_delivery_state import WebhookDeliveryState
from ..models.webhook_delivery_type import WebhookDeliveryType

T = TypeVar("T", bound="WebhookDeliveryRead")


@_attrs_define
class WebhookDeliveryRead:
    """
    Attributes:
        attempts (int): Attempts made so far.
        created_at (datetime.datetime): When the event happened.
        delivered_at (datetime.datetime | None):
        error (None | str): Why the last attempt failed (null if it did not).
        event (WebhookDeliveryType): What a delivery carries (its body's `type`): one of the events, or `ping`, sent on
            demand
                (`POST .../ping`) to test a receiver.
        id (UUID): Also the delivery's `webhook-id` header (`msg_<id>`), the same on retries.
        last_attempt_at (datetime.datetime | None):
        response_status (int | None): The HTTP status of the last answer (null: none yet, or no answer).
        status (WebhookDeliveryState): Where a delivery stands: `pending` (first attempt to come), `retrying` (an
            attempt failed; another
                follows on the outbox's schedule), `delivered` (the receiver answered 2xx), `dead` (every attempt failed),
                `refused` (never sent: the address is not public, or the receiver answered 410 Gone), `cancelled` (the
                endpoint was disabled before the delivery's turn came).
    """

    attempts: int
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None
    error: None | str
    event: WebhookDeliveryType
    id: UUID
    last_attempt_at: datetime.datetime | None
    response_status: int | None
    status: WebhookDeliveryState
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        created_at = self.created_at.isoformat()

        delivered_at: None | str
        if isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        error: None | str
        error = self.error

        event = self.event.value

        id = str(self.id)

        last_attempt_at: None | str
        if isinstance(self.last_attempt_at, datetime.datetime):
            last_attempt_at = self.last_attempt_at.isoformat()
        else:
            last_attempt_at = self.last_attempt_at

        response_status: int | None
        response_status = self.response_status

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempts": attempts,
                "created_at": created_at,
                "delivered_at": delivered_at,
                "error": error,
                "event": event,
                "id": id,
                "last_attempt_at": last_attempt_at,
                "response_status": response_status,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_delivered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)

                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        event = WebhookDeliveryType(d.pop("event"))

        id = UUID(d.pop("id"))

        def _parse_last_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_attempt_at = _parse_last_attempt_at(d.pop("last_attempt_at"))

        def _parse_response_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        response_status = _parse_response_status(d.pop("response_status"))

        status = WebhookDeliveryState(d.pop("status"))

        webhook_delivery_read = cls(
            attempts=attempts,
            created_at=created_at,
            delivered_at=delivered_at,
            error=error,
            event=event,
            id=id,
            last_attempt_at=last_attempt_at,
            response_status=response_status,
            status=status,
        )

        webhook_delivery_read.additional_properties = d
        return webhook_delivery_read

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
