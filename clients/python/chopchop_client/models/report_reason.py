from enum import StrEnum


class ReportReason(StrEnum):
    COPYRIGHT = "copyright"
    HARASSMENT = "harassment"
    HATE = "hate"
    INAPPROPRIATE = "inappropriate"
    OTHER = "other"
    SPAM = "spam"

    def __str__(self) -> str:
        return str(self.value)
