from enum import StrEnum


class WebhookEvent(StrEnum):
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed"
    RECIPE_COMMENTED = "recipe.commented"
    RECIPE_DELETED = "recipe.deleted"
    RECIPE_LIKED = "recipe.liked"
    RECIPE_RATED = "recipe.rated"

    def __str__(self) -> str:
        return str(self.value)
