from enum import StrEnum


class RecipeStatus(StrEnum):
    DRAFT = "draft"
    PRIVATE = "private"
    PUBLIC = "public"

    def __str__(self) -> str:
        return str(self.value)
