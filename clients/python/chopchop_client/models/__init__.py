"""Contains all the data models used in inputs/outputs"""

from .accepted import Accepted
from .access_token import AccessToken
from .account import Account
from .account_deletion import AccountDeletion
from .author_ref import AuthorRef
from .change_kind import ChangeKind
from .comment_author import CommentAuthor
from .comment_create import CommentCreate
from .comment_page import CommentPage
from .comment_read import CommentRead
from .comment_update import CommentUpdate
from .complexity import Complexity
from .credentials import Credentials
from .email_confirmation import EmailConfirmation
from .email_only import EmailOnly
from .field_error import FieldError
from .grant_type import GrantType
from .health import Health
from .health_checks import HealthChecks
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
from .o_auth_2_password_form import OAuth2PasswordForm
from .password_change import PasswordChange
from .password_reset import PasswordReset
from .personal_access_token_create import PersonalAccessTokenCreate
from .personal_access_token_created import PersonalAccessTokenCreated
from .personal_access_token_read import PersonalAccessTokenRead
from .problem import Problem
from .profile_update import ProfileUpdate
from .recipe_change import RecipeChange
from .recipe_change_page import RecipeChangePage
from .recipe_create import RecipeCreate
from .recipe_import_create import RecipeImportCreate
from .recipe_import_read import RecipeImportRead
from .recipe_import_state import RecipeImportState
from .recipe_read import RecipeRead
from .recipe_sort import RecipeSort
from .recipe_summary import RecipeSummary
from .recipe_summary_page import RecipeSummaryPage
from .recipe_update import RecipeUpdate
from .registration import Registration
from .token_refresh import TokenRefresh
from .token_scope import TokenScope
from .unit import Unit
from .user_profile import UserProfile
from .user_summary import UserSummary
from .user_summary_page import UserSummaryPage
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
    "AuthorRef",
    "ChangeKind",
    "CommentAuthor",
    "CommentCreate",
    "CommentPage",
    "CommentRead",
    "CommentUpdate",
    "Complexity",
    "Credentials",
    "EmailConfirmation",
    "EmailOnly",
    "FieldError",
    "GrantType",
    "Health",
    "HealthChecks",
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
    "OAuth2PasswordForm",
    "PasswordChange",
    "PasswordReset",
    "PersonalAccessTokenCreate",
    "PersonalAccessTokenCreated",
    "PersonalAccessTokenRead",
    "Problem",
    "ProfileUpdate",
    "RecipeChange",
    "RecipeChangePage",
    "RecipeCreate",
    "RecipeImportCreate",
    "RecipeImportRead",
    "RecipeImportState",
    "RecipeRead",
    "RecipeSort",
    "RecipeSummary",
    "RecipeSummaryPage",
    "RecipeUpdate",
    "Registration",
    "TokenRefresh",
    "TokenScope",
    "Unit",
    "UserProfile",
    "UserSummary",
    "UserSummaryPage",
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
