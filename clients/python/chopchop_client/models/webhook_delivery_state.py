from enum import StrEnum


class WebhookDeliveryState(StrEnum):
    CANCELLED = "cancelled"
    DEAD = "dead"
    DELIVERED = "delivered"
    PENDING = "pending"
    REFUSED = "refused"
    RETRYING = "retrying"

    def __str__(self) -> str:
        return str(self.value)
