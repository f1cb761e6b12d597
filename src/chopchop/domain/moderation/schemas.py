"""What goes in and out of the moderation, report and admin endpoints."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import Meta

from chopchop.db.users import Role
from chopchop.domain.comments.schemas import CommentRead
from chopchop.domain.recipes.schemas import RecipeRead
from chopchop.lib.pagination import CursorPage
from chopchop.lib.schemas import Input
from chopchop.lib.text import MULTI_LINE, MULTI_LINE_OR_EMPTY, clean_text

REASON_MAX_LENGTH = 1000
DETAILS_MAX_LENGTH = 2000

__all__ = ["Role"]

# Why a moderator acted: free text, at least one visible character, no control characters but newlines and tabs.
Reason = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=REASON_MAX_LENGTH,
        pattern=MULTI_LINE,
        description=f"Why (1 to {REASON_MAX_LENGTH} characters): kept in the audit log, shown to the author.",
        examples=["Spam: links to a shop."],
    ),
]


class ReportTarget(enum.StrEnum):
    """What a report, a moderation action or an audit entry is about."""

    RECIPE = "recipe"
    COMMENT = "comment"
    USER = "user"


class ReportReason(enum.StrEnum):
    """Why a user reports something."""

    SPAM = "spam"
    HARASSMENT = "harassment"
    HATE = "hate"
    INAPPROPRIATE = "inappropriate"
    COPYRIGHT = "copyright"
    OTHER = "other"


class ReportOutcome(enum.StrEnum):
    """How a moderator closes a report: acted on (``resolved``) or nothing to do (``dismissed``)."""

    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class ReportState(enum.StrEnum):
    """Where a report stands."""

    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class AuditTarget(enum.StrEnum):
    """What an audit entry is about."""

    RECIPE = "recipe"
    COMMENT = "comment"
    USER = "user"
    REPORT = "report"


class AuditAction(enum.StrEnum):
    """The moderation actions the audit log records."""

    ROLE_CHANGED = "role_changed"
    RECIPE_HIDDEN = "recipe_hidden"
    RECIPE_SHOWN = "recipe_shown"
    COMMENT_HIDDEN = "comment_hidden"
    COMMENT_SHOWN = "comment_shown"
    USER_SUSPENDED = "user_suspended"
    USER_UNSUSPENDED = "user_unsuspended"
    REPORT_RESOLVED = "report_resolved"
    REPORT_DISMISSED = "report_dismissed"


class RoleUpdate(Input):
    """The role to give an account."""

    role: Role


class Hiding(Input):
    """Hide a recipe or a comment."""

    reason: Reason

    def __post_init__(self) -> None:
        self.reason = clean_text(self.reason, field="reason", max_length=REASON_MAX_LENGTH)


class Suspension(Input):
    """Suspend an account: it cannot log in and none of its tokens work, until ``until`` if given."""

    reason: Reason
    until: Annotated[
        datetime | None,
        Meta(description="When the suspension ends by itself (with a time zone, in the future); null: until lifted."),
    ] = None

    def __post_init__(self) -> None:
        self.reason = clean_text(self.reason, field="reason", max_length=REASON_MAX_LENGTH)
        if self.until is not None and self.until.tzinfo is None:
            msg = "`until` needs a time zone (e.g. 2030-01-01T00:00:00Z)"
            raise ValueError(msg)


class ModerationState(msgspec.Struct):
    """Whether a recipe or a comment is hidden by a moderator, and why."""

    hidden: bool
    hidden_at: datetime | None = None
    reason: str | None = None


class RecipeModeration(msgspec.Struct):
    """A recipe as its author and moderators see it, hidden or not, with its moderation state."""

    recipe: RecipeRead
    moderation: ModerationState


class CommentModeration(msgspec.Struct):
    """A comment as its author and moderators see it, hidden or not, with its moderation state."""

    comment: CommentRead
    moderation: ModerationState


class AccountModeration(msgspec.Struct):
    """An account as moderators see it: its role and suspension."""

    id: UUID
    display_name: str
    role: Role
    suspended: Annotated[bool, Meta(description="Suspended now (a suspension whose `until` has passed is not).")]
    suspended_at: datetime | None = None
    suspended_until: datetime | None = None
    suspension_reason: str | None = None


class ReportCreate(Input):
    """Report a recipe, a comment or an account to the moderators."""

    target_type: ReportTarget
    target_id: UUID
    reason: ReportReason
    details: Annotated[
        str,
        Meta(
            max_length=DETAILS_MAX_LENGTH,
            pattern=MULTI_LINE_OR_EMPTY,
            description=f"What the moderators should know (up to {DETAILS_MAX_LENGTH} characters).",
        ),
    ] = ""

    def __post_init__(self) -> None:
        self.details = clean_text(self.details, field="details", max_length=DETAILS_MAX_LENGTH, min_length=0)


class ReportRead(msgspec.Struct):
    """A report and where it stands."""

    id: UUID
    target_type: ReportTarget
    target_id: UUID
    reason: ReportReason
    details: str
    status: ReportState
    reporter_id: Annotated[UUID, Meta(description="Who reported it.")]
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: UUID | None = None
    resolution_note: str | None = None


class ReportResolution(Input):
    """Close an open report; ``hide`` also hides the reported recipe or comment (in the same transaction)."""

    outcome: ReportOutcome
    note: (
        Annotated[str, Meta(max_length=REASON_MAX_LENGTH, pattern=MULTI_LINE, description="What was decided and why.")]
        | None
    ) = None
    hide: Annotated[
        bool, Meta(description="Hide the reported recipe or comment too (only with `resolved`; not for accounts).")
    ] = False

    def __post_init__(self) -> None:
        if self.note is not None:
            self.note = clean_text(self.note, field="note", max_length=REASON_MAX_LENGTH)
        if self.hide and self.outcome is not ReportOutcome.RESOLVED:
            msg = "`hide` needs the outcome `resolved`"
            raise ValueError(msg)


class ReportPage(CursorPage[ReportRead]):
    """A page of open reports, oldest first."""

    items: list[ReportRead]


class AuditEntryRead(msgspec.Struct):
    """One moderation action."""

    id: UUID
    created_at: datetime
    actor_id: Annotated[UUID | None, Meta(description="Who acted; null for the command line or a deleted account.")]
    actor_label: Annotated[str, Meta(description="Who acted, as recorded then (an email, or `cli`).")]
    action: AuditAction
    target_type: AuditTarget
    target_id: UUID
    reason: str | None = None
    before: Annotated[dict[str, Any], Meta(description="What the action changed, as it was (may be empty).")] = {}
    after: Annotated[dict[str, Any], Meta(description="What the action changed, as it became (may be empty).")] = {}


class AuditPage(CursorPage[AuditEntryRead]):
    """A page of the audit log, newest first."""

    items: list[AuditEntryRead]
