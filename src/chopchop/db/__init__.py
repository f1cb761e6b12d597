"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from advanced_alchemy.base import orm_registry

from chopchop.db import recipes as _recipes
from chopchop.db import social as _social
from chopchop.db.collections import Collection, CollectionRecipe
from chopchop.db.follows import Follow
from chopchop.db.imports import RecipeImport, RecipeImportStatus
from chopchop.db.moderation import AuditEntry, Report, ReportStatus
from chopchop.db.outbox import OutboxMessage, OutboxStatus
from chopchop.db.photos import PhotoStatus, RecipePhoto
from chopchop.db.recipes import (
    Ingredient,
    IngredientUsage,
    Recipe,
    RecipeChange,
    RecipeChangeHorizon,
    RecipeIngredient,
    RecipeLike,
    RecipeRating,
    RecipeTag,
)
from chopchop.db.social import Comment
from chopchop.db.tokens import PersonalAccessToken, RefreshToken, RefreshTokenFamily
from chopchop.db.users import PendingRegistration, Role, TokenPurpose, User, UserToken, not_suspended
from chopchop.db.webhooks import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint

metadata = orm_registry.metadata

# Indexes every migration creates on PostgreSQL only: a models-versus-migrations comparison ignores them.
POSTGRES_ONLY_INDEXES: set[str] = _recipes.POSTGRES_ONLY_INDEXES | _social.POSTGRES_ONLY_INDEXES

__all__ = [
    "POSTGRES_ONLY_INDEXES",
    "AuditEntry",
    "Collection",
    "CollectionRecipe",
    "Comment",
    "Follow",
    "Ingredient",
    "IngredientUsage",
    "OutboxMessage",
    "OutboxStatus",
    "PendingRegistration",
    "PersonalAccessToken",
    "PhotoStatus",
    "Recipe",
    "RecipeChange",
    "RecipeChangeHorizon",
    "RecipeImport",
    "RecipeImportStatus",
    "RecipeIngredient",
    "RecipeLike",
    "RecipePhoto",
    "RecipeRating",
    "RecipeTag",
    "RefreshToken",
    "RefreshTokenFamily",
    "Report",
    "ReportStatus",
    "Role",
    "TokenPurpose",
    "User",
    "UserToken",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "WebhookEndpoint",
    "metadata",
    "not_suspended",
]
