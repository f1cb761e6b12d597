from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.webhook_event import WebhookEvent
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookCreate")


@_attrs_define
class WebhookCreate:
    """
    Attributes:
        events (list[WebhookEvent]): The events to deliver (a repeated one counts once).
        url (str): Where deliveries are POSTed: an absolute `https://` (or `http://`) URL of at most 2048 characters,
            printable ASCII (international domain names as `xn--...`), without user name, password or fragment, on a public
            address (private, loopback, link-local, CGNAT, multicast and metadata addresses and `localhost` are refused;
            names are checked again at each delivery).
        active (bool | Unset): Deliver events to it (default true). Default: True.
    """

    events: list[WebhookEvent]
    url: str
    active: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        events = []
        for events_item_data in self.events:
            events_item = events_item_data.value
            events.append(events_item)

        url = self.url

        active = self.active

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "events": events,
                "url": url,
            }
        )
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = WebhookEvent(events_item_data)

            events.append(events_item)

        url = d.pop("url")

        active = d.pop("active", UNSET)

        webhook_create = cls(
            events=events,
            url=url,
            active=active,
        )

        return webhook_create
