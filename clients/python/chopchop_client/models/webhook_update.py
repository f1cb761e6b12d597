from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.webhook_event import WebhookEvent
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookUpdate")


@_attrs_define
class WebhookUpdate:
    """
    Attributes:
        active (bool | Unset): Deliver events to it.
        events (list[WebhookEvent] | Unset): The events to deliver (a repeated one counts once).
        url (str | Unset): Where deliveries are POSTed: an absolute `https://` (or `http://`) URL of at most 2048
            characters, printable ASCII (international domain names as `xn--...`), without user name, password or fragment,
            on a public address (private, loopback, link-local, CGNAT, multicast and metadata addresses and `localhost` are
            refused; names are checked again at each delivery).
    """

    active: bool | Unset = UNSET
    events: list[WebhookEvent] | Unset = UNSET
    url: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        active: bool | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        events: list[str] | Unset
        if isinstance(self.events, Unset):
            events = UNSET
        else:
            events = []
            for events_type_0_item_data in self.events:
                events_type_0_item = events_type_0_item_data.value
                events.append(events_type_0_item)

        url: str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if events is not UNSET:
            field_dict["events"] = events
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_active(data: object) -> bool | Unset:
            if isinstance(data, Unset):
                return data
            return cast(bool | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

        def _parse_events(data: object) -> list[WebhookEvent] | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, list):
                raise TypeError()
            events_type_0 = []
            _events_type_0 = data
            for events_type_0_item_data in _events_type_0:
                events_type_0_item = WebhookEvent(events_type_0_item_data)

                events_type_0.append(events_type_0_item)

            return events_type_0

        events = _parse_events(d.pop("events", UNSET))

        def _parse_url(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        webhook_update = cls(
            active=active,
            events=events,
            url=url,
        )

        return webhook_update
