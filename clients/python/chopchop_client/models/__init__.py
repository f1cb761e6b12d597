"""Contains all the data models used in inputs/outputs"""

from .accepted import Accepted
from .access_token import AccessToken
from .account import Account
from .account_deletion import AccountDeletion
from .account_moderation import AccountModeration
from .audit_action import AuditAction
from .audit_entry_read import AuditEntryRead
from .audit_entry_read_after import AuditEntryReadAfter
from .audit_entry_read_before import AuditEntryReadBefore
from .audit_page import AuditPage
from .audit_target import AuditTarget
from .author_ref import AuthorRef
from .change_kind import ChangeKind
from .collection_create import CollectionCreate
from .collection_entry import CollectionEntry
from .collection_entry_page import CollectionEntryPage
from .collection_entry_put import CollectionEntryPut
from .collection_entry_state import CollectionEntryState
from .collection_page import CollectionPage
from .collection_read import CollectionRead
from .collection_update import CollectionUpdate
from .comment_author import CommentAuthor
from .comment_create import CommentCreate
from .comment_moderation import CommentModeration
from .comment_page import CommentPage
from .comment_read import CommentRead
from .comment_update import CommentUpdate
from .complexity import Complexity
from .credentials import Credentials
from .email_confirmation import EmailConfirmation
from .email_only import EmailOnly
from .feed_page import FeedPage
from .field_error import FieldError
from .follow_page import FollowPage
from .follow_state import FollowState
from .follow_user import FollowUser
from .grant_type import GrantType
from .health import Health
from .health_checks import HealthChecks
from .hiding import Hiding
from .import_reason import ImportReason
from .ingredient_line import IngredientLine
from .ingredient_line_input import IngredientLineInput
from .ingredient_page import IngredientPage
from .ingredient_read import IngredientRead
from .ingredient_ref import IngredientRef
from .like_state import LikeState
from .liked_recipe import LikedRecipe
from .liked_recipe_page import LikedRecipePage
from .link_instructions import LinkInstructions
from .moderation_state import ModerationState
from .o_auth_2_password_form import OAuth2PasswordForm
from .password_change import PasswordChange
from .password_reset import PasswordReset
from .personal_access_token_create import PersonalAccessTokenCreate
from .personal_access_token_created import PersonalAccessTokenCreated
from .personal_access_token_read import PersonalAccessTokenRead
from .photo_form import PhotoForm
from .photo_list import PhotoList
from .photo_read import PhotoRead
from .photo_state import PhotoState
from .photo_update import PhotoUpdate
from .photo_urls import PhotoUrls
from .photo_variant import PhotoVariant
from .problem import Problem
from .profile_update import ProfileUpdate
from .rating_input import RatingInput
from .rating_state import RatingState
from .rating_summary import RatingSummary
from .recipe_change import RecipeChange
from .recipe_change_page import RecipeChangePage
from .recipe_create import RecipeCreate
from .recipe_import_create import RecipeImportCreate
from .recipe_import_read import RecipeImportRead
from .recipe_import_state import RecipeImportState
from .recipe_moderation import RecipeModeration
from .recipe_read import RecipeRead
from .recipe_sort import RecipeSort
from .recipe_status import RecipeStatus
from .recipe_summary import RecipeSummary
from .recipe_summary_page import RecipeSummaryPage
from .recipe_update import RecipeUpdate
from .registration import Registration
from .report_create import ReportCreate
from .report_outcome import ReportOutcome
from .report_page import ReportPage
from .report_read import ReportRead
from .report_reason import ReportReason
from .report_resolution import ReportResolution
from .report_state import ReportState
from .report_target import ReportTarget
from .role import Role
from .role_update import RoleUpdate
from .suspension import Suspension
from .token_refresh import TokenRefresh
from .token_scope import TokenScope
from .unit import Unit
from .user_profile import UserProfile
from .user_summary import UserSummary
from .user_summary_page import UserSummaryPage
from .visibility import Visibility
from .webhook_create import WebhookCreate
from .webhook_created import WebhookCreated
from .webhook_delivery_page import WebhookDeliveryPage
from .webhook_delivery_read import WebhookDeliveryRead
from .webhook_delivery_state import WebhookDeliveryState
from .webhook_delivery_type import WebhookDeliveryType
from .webhook_event import WebhookEvent
from .webhook_page import WebhookPage
from .webhook_ping_queued import WebhookPingQueued
from .webhook_read import WebhookRead
from .webhook_secret import WebhookSecret
from .webhook_update import WebhookUpdate

__all__ = (
    "Accepted",
    "AccessToken",
    "Account",
    "AccountDeletion",
    "AccountModeration",
    "AuditAction",
    "AuditEntryRead",
    "AuditEntryReadAfter",
    "AuditEntryReadBefore",
    "AuditPage",
    "AuditTarget",
    "AuthorRef",
    "ChangeKind",
    "CollectionCreate",
    "CollectionEntry",
    "CollectionEntryPage",
    "CollectionEntryPut",
    "CollectionEntryState",
    "CollectionPage",
    "CollectionRead",
    "CollectionUpdate",
    "CommentAuthor",
    "CommentCreate",
    "CommentModeration",
    "CommentPage",
    "CommentRead",
    "CommentUpdate",
    "Complexity",
    "Credentials",
    "EmailConfirmation",
    "EmailOnly",
    "FeedPage",
    "FieldError",
    "FollowPage",
    "FollowState",
    "FollowUser",
    "GrantType",
    "Health",
    "HealthChecks",
    "Hiding",
    "ImportReason",
    "IngredientLine",
    "IngredientLineInput",
    "IngredientPage",
    "IngredientRead",
    "IngredientRef",
    "LikedRecipe",
    "LikedRecipePage",
    "LikeState",
    "LinkInstructions",
    "ModerationState",
    "OAuth2PasswordForm",
    "PasswordChange",
    "PasswordReset",
    "PersonalAccessTokenCreate",
    "PersonalAccessTokenCreated",
    "PersonalAccessTokenRead",
    "PhotoForm",
    "PhotoList",
    "PhotoRead",
    "PhotoState",
    "PhotoUpdate",
    "PhotoUrls",
    "PhotoVariant",
    "Problem",
    "ProfileUpdate",
    "RatingInput",
    "RatingState",
    "RatingSummary",
    "RecipeChange",
    "RecipeChangePage",
    "RecipeCreate",
    "RecipeImportCreate",
    "RecipeImportRead",
    "RecipeImportState",
    "RecipeModeration",
    "RecipeRead",
    "RecipeSort",
    "RecipeStatus",
    "RecipeSummary",
    "RecipeSummaryPage",
    "RecipeUpdate",
    "Registration",
    "ReportCreate",
    "ReportOutcome",
    "ReportPage",
    "ReportRead",
    "ReportReason",
    "ReportResolution",
    "ReportState",
    "ReportTarget",
    "Role",
    "RoleUpdate",
    "Suspension",
    "TokenRefresh",
    "TokenScope",
    "Unit",
    "UserProfile",
    "UserSummary",
    "UserSummaryPage",
    "Visibility",
    "WebhookCreate",
    "WebhookCreated",
    "WebhookDeliveryPage",
    "WebhookDeliveryRead",
    "WebhookDeliveryState",
    "WebhookDeliveryType",
    "WebhookEvent",
    "WebhookPage",
    "WebhookPingQueued",
    "WebhookRead",
    "WebhookSecret",
    "WebhookUpdate",
)
