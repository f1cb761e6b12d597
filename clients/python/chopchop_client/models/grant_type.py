from enum import StrEnum


class GrantType(StrEnum):
    PASSWORD = "password"

    def __str__(self) -> str:
        return str(self.value)
