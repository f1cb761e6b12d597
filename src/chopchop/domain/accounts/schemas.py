"""What goes in and out of the accounts endpoints."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from chopchop.lib.schemas import Input
from chopchop.lib.text import EMAIL_MAX_LENGTH, EMAIL_PATTERN, ONE_LINE, clean_email, clean_text

# No white space (but around it), control or layout characters; one @; a dot in the domain. Stored and compared
# trimmed, NFC and lower-case, and the length limit holds for that form. Deliverability is proven by confirmation.
EmailAddress = Annotated[
    str,
    Meta(
        min_length=3,
        max_length=EMAIL_MAX_LENGTH,
        pattern=EMAIL_PATTERN,
        description="Email address; compared and stored trimmed and lower-case.",
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
DISPLAY_NAME_MAX_LENGTH = 100
DisplayName = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=DISPLAY_NAME_MAX_LENGTH,
        pattern=ONE_LINE,
        description="Public name shown with recipes and comments: one line, no control or bidirectional "
        "formatting characters; stored trimmed.",
        examples=["Ada Lovelace"],
    ),
]
# What `secrets.token_urlsafe` makes: anything else cannot be a token, and is refused before any lookup.
TOKEN_PATTERN = r"^[A-Za-z0-9_-]+$"  # noqa: S105 - a pattern, not a secret
SecretToken = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=256,
        pattern=TOKEN_PATTERN,
        description="The token from the link in the email (its `token` query parameter).",
        examples=["m5Zr0Jq7n3bQe1Xw9aU2sVt6yK8pL4dC0fH1gJ2kM3o"],
    ),
]


class Registration(Input):
    """A new account: its address gets a confirmation email."""

    email: EmailAddress
    password: NewPassword
    display_name: DisplayName

    def __post_init__(self) -> None:
        self.email = clean_email(self.email)
        self.display_name = clean_text(self.display_name, field="display_name", max_length=DISPLAY_NAME_MAX_LENGTH)


class EmailConfirmation(Input):
    """The token of a confirmation email and the password chosen when registering.

    The password proves that whoever confirms is whoever registered: a link sent to the address after
    someone else registered it cannot activate an account with a password its owner does not know.
    """

    token: SecretToken
    password: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=128,
            description="The password given when registering (the registration this link was sent for).",
        ),
    ]


class EmailOnly(Input):
    """An email address to send a link to (new confirmation, password reset)."""

    email: EmailAddress

    def __post_init__(self) -> None:
        self.email = clean_email(self.email)


class Credentials(Input):
    """Email address and password, to log in."""

    email: EmailAddress
    password: AnyPassword

    def __post_init__(self) -> None:
        self.email = clean_email(self.email)


class PasswordReset(Input):
    """The token of a password reset email and the new password."""

    token: SecretToken
    password: NewPassword


class PasswordChange(Input):
    """The current password, to prove it is you, and the new one."""

    current_password: AnyPassword
    new_password: NewPassword


class AccountDeletion(Input):
    """The current password: deleting the account takes more than a stolen access token."""

    password: AnyPassword


class ProfileUpdate(Input):
    """PATCH body: only the fields present are changed."""

    display_name: DisplayName | UnsetType = UNSET

    def __post_init__(self) -> None:
        if self.display_name is not UNSET:
            self.display_name = clean_text(self.display_name, field="display_name", max_length=DISPLAY_NAME_MAX_LENGTH)


class GrantType(StrEnum):
    """OAuth2 grant type of the token endpoint: only the password grant (RFC 6749 §4.3)."""

    PASSWORD = "password"  # noqa: S105 - the grant's name


class OAuth2PasswordForm(msgspec.Struct):
    """OAuth2 password grant form (RFC 6749 §4.3): ``username`` is the email address."""

    username: Annotated[EmailAddress, Meta(description="The account's email address.")]
    password: AnyPassword
    grant_type: Annotated[GrantType | None, Meta(description="`password` (optional).")] = None
    scope: Annotated[str, Meta(max_length=1000, description="Ignored: tokens have no scopes.")] = ""

    def __post_init__(self) -> None:
        # The same identity as the JSON login: one spelling for the per-account limit and the lookup.
        self.username = clean_email(self.username, field="username")


class LinkInstructions(msgspec.Struct):
    """What to do with the token of an emailed link: fetching the link changes nothing."""

    detail: Annotated[str, Meta(description="What to do next, for people.")]
    method: Annotated[Literal["POST"], Meta(description="The method of the request that acts on the token.")]
    href: Annotated[
        str, Meta(description="Where to send it.", examples=["https://chopchop.example/api/v1/auth/confirm"])
    ]
    fields: Annotated[
        list[str],
        Meta(description="The JSON fields of its body: `token` (given here) and what else it needs."),
    ]
    token: Annotated[str, Meta(description="The token of the link.")]


class AccessToken(msgspec.Struct):
    """A bearer access token: send it as `Authorization: Bearer <access_token>`."""

    access_token: Annotated[str, Meta(description="The token (a JWT; treat it as opaque).")]
    expires_in: Annotated[int, Meta(description="Lifetime in seconds.", examples=[3600])]
    token_type: Annotated[Literal["bearer"], Meta(description="Always `bearer`.")] = "bearer"  # noqa: S105


class Accepted(msgspec.Struct):
    """The request was accepted; an email may follow. The same answer whatever the address."""

    detail: Annotated[str, Meta(description="What happens next, for people.")]


class Account(msgspec.Struct):
    """The signed-in user's own account, private fields included."""

    id: UUID
    email: Annotated[str, Meta(description="Email address (lower-case).", examples=["ada@example.com"])]
    display_name: Annotated[str, Meta(description="Public name.", examples=["Ada Lovelace"])]
    is_active: Annotated[bool, Meta(description="False until the email address is confirmed.")]
    confirmed_at: Annotated[datetime | None, Meta(description="When the email address was confirmed.")]
    created_at: datetime
    updated_at: datetime
