"""What goes in and out of the accounts endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

# No whitespace, control characters or NUL; one @; a dot in the domain. Deliverability is proven by confirmation.
EmailAddress = Annotated[
    str,
    Meta(
        min_length=3,
        max_length=320,
        pattern=r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$",
        description="Email address.",
        examples=["ada@example.com"],
    ),
]
NewPassword = Annotated[
    str,
    Meta(
        min_length=8,
        max_length=128,
        pattern=r"^[^\x00]*$",
        description="8 to 128 characters.",
        examples=["correct horse battery staple"],
    ),
]
AnyPassword = Annotated[str, Meta(min_length=1, max_length=128, description="The account's password.")]
DisplayName = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=100,
        pattern=r"^(?=.*\S)[^\x00-\x1f\x7f]+$",
        description="Public name shown with recipes and comments.",
        examples=["Ada Lovelace"],
    ),
]
SecretToken = Annotated[str, Meta(min_length=1, max_length=256, description="The token from the link in the email.")]


class Input(msgspec.Struct, forbid_unknown_fields=True):
    """Base of request bodies: unknown fields are an error, not silently dropped."""


class Registration(Input):
    email: EmailAddress
    password: NewPassword
    display_name: DisplayName


class EmailConfirmation(Input):
    token: SecretToken


class EmailOnly(Input):
    email: EmailAddress


class Credentials(Input):
    email: EmailAddress
    password: AnyPassword


class PasswordReset(Input):
    token: SecretToken
    password: NewPassword


class PasswordChange(Input):
    current_password: AnyPassword
    new_password: NewPassword


class ProfileUpdate(Input):
    """PATCH body: only the fields present are changed."""

    display_name: DisplayName | UnsetType = UNSET


class OAuth2PasswordForm(msgspec.Struct):
    """OAuth2 password grant form (RFC 6749 §4.3): ``username`` is the email address."""

    username: Annotated[str, Meta(min_length=1, max_length=320)]
    password: AnyPassword
    grant_type: Literal["password"] | None = None
    scope: Annotated[str, Meta(max_length=1000)] = ""


class AccessToken(msgspec.Struct):
    access_token: str
    expires_in: Annotated[int, Meta(description="Lifetime in seconds.")]
    token_type: Literal["bearer"] = "bearer"  # noqa: S105


class Accepted(msgspec.Struct):
    detail: str


class Account(msgspec.Struct):
    """The signed-in user's own account, private fields included."""

    id: UUID
    email: str
    display_name: str
    is_active: bool
    confirmed_at: datetime | None
    created_at: datetime
    updated_at: datetime
