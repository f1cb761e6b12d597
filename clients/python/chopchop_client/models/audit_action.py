from enum import StrEnum


class AuditAction(StrEnum):
    COMMENT_HIDDEN = "comment_hidden"
    COMMENT_SHOWN = "comment_shown"
    RECIPE_HIDDEN = "recipe_hidden"
    RECIPE_SHOWN = "recipe_shown"
    REPORT_DISMISSED = "report_dismissed"
    REPORT_RESOLVED = "report_resolved"
    ROLE_CHANGED = "role_changed"
    USER_SUSPENDED = "user_suspended"
    USER_UNSUSPENDED = "user_unsuspended"

    def __str__(self) -> str:
        return str(self.value)
