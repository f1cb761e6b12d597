from enum import StrEnum


class PhotoVariant(StrEnum):
    LARGE = "large"
    ORIGINAL = "original"
    THUMBNAIL = "thumbnail"

    def __str__(self) -> str:
        return str(self.value)
