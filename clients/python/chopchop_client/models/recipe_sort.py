from enum import StrEnum


class RecipeSort(StrEnum):
    MOST_COMMENTED = "most_commented"
    MOST_LIKED = "most_liked"
    NEWEST = "newest"
    QUICKEST = "quickest"
    RATING = "rating"
    TITLE = "title"

    def __str__(self) -> str:
        return str(self.value)
