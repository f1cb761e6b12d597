from enum import StrEnum


class AuditTarget(StrEnum):
    COMMENT = "comment"
    RECIPE = "recipe"
    REPORT = "report"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
