from enum import StrEnum


class ReportTarget(StrEnum):
    COMMENT = "comment"
    RECIPE = "recipe"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
