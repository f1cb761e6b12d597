"""What goes in and out of the accounts endpoints."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from chopchop.db.users import Role
from chopchop.lib.schemas import Input
from chopchop.lib.text import EMAIL_MAX_LENGTH, EMAIL_PATTERN, END, ONE_LINE, clean_email, clean_text

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
        pattern=rf"^[^\x00]*{END}",
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
TOKEN_PATTERN = rf"^[A-Za-z0-9_-]+{END}"
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
    """OAuth2 grant type of the token endpoint: the password grant (RFC 6749 §4.3) or a refresh (§6)."""

    PASSWORD = "password"  # noqa: S105 - the grant's name
    REFRESH_TOKEN = "refresh_token"  # noqa: S105 - the grant's name


# A refresh token as it arrives: any string. Whatever is not a live refresh token (garbage, huge, non-ASCII, used,
# expired) is the same 401, decided by the service; the body size limit bounds it.
RefreshTokenText = Annotated[
    str, Meta(description="The refresh token of the last login or refresh.", examples=["chopchop_rt_..."])
]


class OAuth2PasswordForm(msgspec.Struct):
    """OAuth2 token request (form encoded): the password grant (RFC 6749 §4.3, ``username`` is the email address;
    ``grant_type`` `password` or absent) or a refresh (§6, ``grant_type=refresh_token`` and ``refresh_token``)."""

    username: Annotated[EmailAddress, Meta(description="The account's email address (password grant).")] | UnsetType = (
        UNSET
    )
    password: Annotated[AnyPassword, Meta(description="The account's password (password grant).")] | UnsetType = UNSET
    grant_type: Annotated[GrantType | None, Meta(description="`password` (the default) or `refresh_token`.")] = None
    refresh_token: (
        Annotated[RefreshTokenText, Meta(description="The refresh token (`grant_type=refresh_token`).")] | UnsetType
    ) = UNSET
    scope: Annotated[str, Meta(max_length=1000, description="Ignored: a login's access token has every scope.")] = ""

    def __post_init__(self) -> None:
        # The same identity as the JSON login: one spelling for the per-account limit and the lookup.
        if self.username is not UNSET:
            self.username = clean_email(self.username, field="username")


class TokenRefresh(Input):
    """A refresh token, to exchange for a new access token and a new refresh token (it can be used once)."""

    refresh_token: RefreshTokenText


class TokenScope(StrEnum):
    """What a personal access token may do: `read` (safe methods: GET) or `write` (every other operation as well;
    it includes `read`). Managing tokens, changing the password, logging out and deleting the account need a
    login's access token whatever the scopes."""

    READ = "read"
    WRITE = "write"


ACCESS_TOKEN_NAME_MAX_LENGTH = 100


class PersonalAccessTokenCreate(Input):
    """A new personal access token: its name, what it may do, and how long it lives."""

    name: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=ACCESS_TOKEN_NAME_MAX_LENGTH,
            pattern=ONE_LINE,
            description="What the token is for, to recognise it in the list: one line; stored trimmed.",
            examples=["nightly backup script"],
        ),
    ]
    scopes: Annotated[
        list[TokenScope],
        Meta(
            min_length=1,
            max_length=2,
            description="At least one scope, each at most once.",
            examples=[["read"]],
            extra_json_schema={"uniqueItems": True},
        ),
    ]
    expires_in_days: (
        Annotated[
            int,
            Meta(
                ge=1,
                le=3650,
                description="Days until the token stops working (at most `CHOPCHOP_PERSONAL_ACCESS_TOKEN_MAX_DAYS`, "
                "365 by default); absent or null: it never expires.",
                examples=[90],
            ),
        ]
        | None
    ) = None

    def __post_init__(self) -> None:
        self.name = clean_text(self.name, field="name", max_length=ACCESS_TOKEN_NAME_MAX_LENGTH)
        if len(set(self.scopes)) != len(self.scopes):
            msg = "`scopes` names a scope more than once"
            raise ValueError(msg)


class PersonalAccessTokenRead(msgspec.Struct):
    """A personal access token as listed: never its secret."""

    id: UUID
    name: Annotated[str, Meta(description="What the token is for.")]
    scopes: Annotated[list[TokenScope], Meta(description="What it may do.")]
    display_prefix: Annotated[
        str,
        Meta(
            description="The first characters of the token, to recognise it (not enough to use it).",
            examples=["chopchop_pat_Ab3x"],
        ),
    ]
    created_at: datetime
    last_used_at: Annotated[
        datetime | None, Meta(description="Last use, to the minute (recorded at most once a minute); null: never.")
    ]
    expires_at: Annotated[datetime | None, Meta(description="When it stops working; null: never.")]


class PersonalAccessTokenCreated(PersonalAccessTokenRead):
    """A token just created, with its secret: shown this once, never again."""

    token: Annotated[
        str,
        Meta(
            description="The secret: send it as `Authorization: Bearer <token>`. Store it now: it cannot be shown "
            "again (only its hash is kept).",
            examples=["chopchop_pat_Ab3xQ9vL2mN8pR4tW6yZ1cE5gJ7kM0sU2i4Kq"],
        ),
    ]


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
    """A login: a bearer access token (send it as `Authorization: Bearer <access_token>`) and the refresh token
    that gets the next one (`POST /api/v1/auth/refresh`)."""

    access_token: Annotated[str, Meta(description="The token (a JWT; treat it as opaque).")]
    expires_in: Annotated[int, Meta(description="Lifetime of the access token in seconds.", examples=[3600])]
    refresh_token: Annotated[
        str,
        Meta(
            description="Opaque, single use: exchange it for a new access token and a new refresh token before it "
            "expires (`CHOPCHOP_REFRESH_TOKEN_DAYS`, 30 days by default). Using one twice ends the login.",
            examples=["chopchop_rt_Zx81bQ9vL2mN8pR4tW6yZ1cE5gJ7kM0sT3f9a"],
        ),
    ]
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
    role: Annotated[Role, Meta(description="What the account may do: `user`, `moderator` or `admin`.")]
    confirmed_at: Annotated[datetime | None, Meta(description="When the email address was confirmed.")]
    created_at: datetime
    updated_at: datetime
