"""HTTP endpoints of the accounts area: registration, confirmation, login, password and profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

import msgspec
from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter, URLEncodedBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT
from msgspec import UNSET

from chopchop.db import PersonalAccessToken, Role, TokenPurpose, User
from chopchop.domain import cache_tags
from chopchop.domain.accounts.auth import ACCOUNT, REQUIRED_SCOPE_OPT, REVOKED_TOKENS_STORE, Grant, revoke
from chopchop.domain.accounts.schemas import (
    TOKEN_PATTERN,
    Accepted,
    AccessToken,
    Account,
    AccountDeletion,
    Credentials,
    EmailConfirmation,
    EmailOnly,
    GrantType,
    LinkInstructions,
    OAuth2PasswordForm,
    PasswordChange,
    PasswordReset,
    PersonalAccessTokenCreate,
    PersonalAccessTokenCreated,
    PersonalAccessTokenRead,
    ProfileUpdate,
    Registration,
    SecretToken,
    TokenRefresh,
    TokenScope,
)
from chopchop.domain.accounts.services import (
    INVALID_LINK,
    INVALID_REFRESH_TOKEN,
    AccessTokenService,
    RefreshTokenService,
    RegistrationService,
    UserService,
    UserTokenService,
)
from chopchop.lib.apidoc import LOCATION, ApiOperation
from chopchop.lib.cache import invalidate
from chopchop.lib.passwords import PasswordHasher
from chopchop.lib.problems import BadRequest, Unauthorized, problems
from chopchop.lib.ratelimit import RateLimits
from chopchop.lib.tokens import AccessTokenIssuer
from chopchop.settings import Settings

REGISTERED = "Thanks! Check your inbox: we sent an email to that address with what to do next."
RESET_REQUESTED = "If that address has an account, an email with a password reset link is on its way."
RESENT = "If that address has an unconfirmed account, a new confirmation email is on its way."

account_dependencies = {
    "users_service": Provide(create_service_provider(UserService)),
    "tokens_service": Provide(create_service_provider(UserTokenService)),
    "registrations_service": Provide(create_service_provider(RegistrationService)),
    "refresh_tokens_service": Provide(create_service_provider(RefreshTokenService)),
    "access_tokens_service": Provide(create_service_provider(AccessTokenService)),
}
#: Operations that need a login's access token (scope `account`), never a personal access token.
ACCOUNT_ONLY = {REQUIRED_SCOPE_OPT: ACCOUNT}


_INVALID_TOKEN = {
    400: "Invalid body, or the token is unknown, used, expired or for another purpose "
    "(type `.../invalid-token`): ask for a new email."
}
_INVALID_CONFIRMATION = {
    400: "Invalid body; the token is unknown, used or expired (type `.../invalid-token`: ask for a new email); "
    "or the password is not the one the registration was made with (type `.../invalid-registration-password`).",
    409: "The address already has an account (type `.../already-registered`): log in or reset the password.",
    429: "Too many attempts from this address or for this email address: wait `Retry-After` seconds.",
}
_WRONG_PASSWORD = {400: "Invalid body, or the current password is wrong (type `.../invalid-current-password`)."}
_LAST_ADMIN = {409: "The account is the last admin (type `.../last-admin`): make another account admin first."}
_LOGIN_ONLY = {
    403: "A personal access token cannot do this: it needs a login's access token (type `.../insufficient-scope`, "
    '`WWW-Authenticate: Bearer error="insufficient_scope", scope="account"`).'
}
# The `token` query parameter of an emailed link, with the constraints of the body's `token` in the document too.
LinkToken = Annotated[
    SecretToken,
    QueryParameter(min_length=1, max_length=256, pattern=TOKEN_PATTERN, description="Token from the email link."),
]
_NOT_MODIFIED_LINK = (
    "Fetching an emailed link changes nothing (mail scanners fetch links): it says what to POST to act on it."
)
_LOGIN_ERRORS = {
    401: "Wrong email address or password, or an address not confirmed yet: one answer for all three "
    "(type `.../invalid-credentials`).",
    403: "The account is not active (type `.../email-not-confirmed`), or suspended by a moderator (type "
    "`.../account-suspended`; told only to whoever gave the right password).",
    429: "Too many login attempts from this address or for this account: wait `Retry-After` seconds.",
}
_TOKEN_ERRORS = {
    **_LOGIN_ERRORS,
    400: "Invalid form, or a grant without what it needs (`username` and `password`, or `refresh_token`).",
    401: f"{_LOGIN_ERRORS[401]} Or, refreshing: the refresh token is unknown, expired, revoked or used already "
    "(type `.../invalid-refresh-token`; a used one also ends its login).",
}


def to_account(user: User) -> Account:
    return Account(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        is_active=user.is_active,
        role=Role(user.role),
        confirmed_at=user.confirmed_at,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


async def _email_request(
    request: Request[Any, Any, Any],
    rate_limits: RateLimits,
    users_service: UserService,
    task: str,
    email: str,
) -> None:
    """Resend and forgot: limited per address and per recipient; the worker decides whether to send anything."""
    await rate_limits.check(request, "email")
    await rate_limits.check(request, "email_account", key=email)
    users_service.send_email(task, email=email)


def _no_store(instructions: LinkInstructions) -> Response[LinkInstructions]:
    # The body repeats the link's token: no cache, shared or private, may keep it.
    return Response(instructions, headers={"Cache-Control": "no-store"})


def _instructions(settings: Settings, path: str, token: str, detail: str, fields: list[str]) -> LinkInstructions:
    return LinkInstructions(
        detail=detail,
        method="POST",
        href=f"{settings.public_base_url.rstrip('/')}{path}",
        fields=fields,
        token=token,
    )


async def _login(
    request: Request[Any, Any, Any],
    rate_limits: RateLimits,
    email: str,
    password: str,
    users_service: UserService,
    hasher: PasswordHasher,
    sign_in: SignIn,
) -> Response[AccessToken]:
    """Both login endpoints: limited per address and per account, then the same argon2 work for anyone.

    ``email`` arrives normalised (the request schemas do it), so every spelling of one address shares one
    budget and finds one account.
    """
    await rate_limits.check(request, "login")
    await rate_limits.check(request, "login_account", key=email)
    user = await users_service.authenticate(email=email, password=password, hasher=hasher)
    return await sign_in.start(user)


class SignIn:
    """What a login hands out: a new family of refresh tokens, its first refresh token and an access token bound to
    it (``fam``). Answers carrying tokens are never stored by any cache (``no-store``, RFC 6749 §5.1)."""

    def __init__(self, issuer: AccessTokenIssuer, refresh_tokens: RefreshTokenService, settings: Settings) -> None:
        self.issuer, self.refresh_tokens = issuer, refresh_tokens
        self.lifetime = timedelta(days=settings.refresh_token_days)

    async def start(self, user: User) -> Response[AccessToken]:
        family_id, refresh_token = await self.refresh_tokens.start(user.id, self.lifetime)
        return self.answer(user, family_id, refresh_token)

    async def refresh(self, token: str, users_service: UserService) -> Response[AccessToken]:
        family_id, user_id, refresh_token = await self.refresh_tokens.rotate(token, self.lifetime)
        user = await users_service.get_one_or_none(User.id == user_id)
        if user is None or not user.is_active or user.is_suspended(datetime.now(UTC)):
            raise Unauthorized(INVALID_REFRESH_TOKEN, slug="invalid-refresh-token")
        return self.answer(user, family_id, refresh_token)

    def answer(self, user: User, family_id: UUID, refresh_token: str) -> Response[AccessToken]:
        encoded, lifetime = self.issuer.issue(user.id, user.token_version, family_id)
        body = AccessToken(access_token=encoded, expires_in=lifetime, refresh_token=refresh_token)
        return Response(body, headers=NO_STORE)


NO_STORE = {"Cache-Control": "no-store"}


def provide_sign_in(
    token_issuer: NamedDependency[AccessTokenIssuer],
    refresh_tokens_service: NamedDependency[RefreshTokenService],
    settings: NamedDependency[Settings],
) -> SignIn:
    return SignIn(token_issuer, refresh_tokens_service, settings)


account_dependencies["sign_in"] = Provide(provide_sign_in, sync_to_thread=False)
_REFRESH_ERRORS = {
    400: "Invalid body.",
    401: "The refresh token is unknown, expired, revoked or was used already (type `.../invalid-refresh-token`): "
    "log in again. Using a refresh token a second time ends its login: every refresh token of it, and the access "
    "tokens minted from them, stop working.",
    429: "Too many logins and refreshes from this address: wait `Retry-After` seconds.",
}


class AuthController(Controller):
    """Public endpoints: nobody is logged in yet."""

    path = "/api/v1/auth"
    tags = ["auth"]
    dependencies = account_dependencies
    opt = {"exclude_from_auth": True}
    security = [{}]

    @post(
        "/register",
        status_code=HTTP_202_ACCEPTED,
        operation_id="register",
        operation_class=ApiOperation,
        summary="Register",
        responses=problems(400, 429),
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        settings: NamedDependency[Settings],
        data: JSONBody[Registration],
        users_service: NamedDependency[UserService],
        registrations_service: NamedDependency[RegistrationService],
        hasher: NamedDependency[PasswordHasher],
    ) -> Accepted:
        """Register; a confirmation email follows. No account exists until the address's owner confirms.

        The answer is the same whether or not the address already has an account: its owner gets an email
        saying so instead, so registration cannot be used to find out who has an account. Each registration
        waits on its own: a later one never changes or invalidates an earlier one, and only the one that is
        confirmed (with its link and its password) becomes the account.
        """
        await rate_limits.check(request, "register")
        await rate_limits.check(request, "email_account", key=data.email)
        await registrations_service.register(
            email=data.email,
            display_name=data.display_name,
            password=data.password,
            hasher=hasher,
            lifetime=timedelta(hours=settings.confirm_token_hours),
        )
        return Accepted(detail=REGISTERED)

    @post(
        "/confirm",
        status_code=HTTP_200_OK,
        operation_id="confirmEmail",
        operation_class=ApiOperation,
        responses=problems(400, 409, 429, descriptions=_INVALID_CONFIRMATION),
    )
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        data: JSONBody[EmailConfirmation],
        registrations_service: NamedDependency[RegistrationService],
        hasher: NamedDependency[PasswordHasher],
    ) -> Account:
        """Confirm an email address: the token of the confirmation email and the password chosen when registering.

        The account is created, active, from that registration (its name and password); every other
        registration of the address is discarded.
        """
        await rate_limits.check(request, "token")
        registration = await registrations_service.find_by_token(data.token)
        if registration is None:
            raise BadRequest(INVALID_LINK, slug="invalid-token")
        # Guessing the password of a registration is guessing a password: the per-account login budget.
        await rate_limits.check(request, "login_account", key=registration.email)
        account = to_account(await registrations_service.confirm(registration, data.password, hasher=hasher))
        invalidate(request, cache_tags.USERS)  # the user directory lists accounts
        return account

    @get(
        "/confirm",
        operation_id="confirmEmailLink",
        operation_class=ApiOperation,
        summary="Confirm email (the link of the email)",
        cache=False,
        responses=problems(400),
    )
    async def confirm_link(
        self,
        settings: NamedDependency[Settings],
        token: LinkToken,
    ) -> Response[LinkInstructions]:
        """The link in the confirmation email: says how to confirm, changes nothing.

        Confirming is ``POST /api/v1/auth/confirm`` with this token and the password chosen when registering.
        """
        detail = f"{_NOT_MODIFIED_LINK} To confirm, POST this token and the password you registered with to `href`."
        return _no_store(_instructions(settings, "/api/v1/auth/confirm", token, detail, ["token", "password"]))

    @post(
        "/resend-confirmation",
        status_code=HTTP_202_ACCEPTED,
        operation_id="resendConfirmation",
        operation_class=ApiOperation,
        responses=problems(400, 429),
    )
    async def resend_confirmation(
        self,
        data: JSONBody[EmailOnly],
        users_service: NamedDependency[UserService],
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
    ) -> Accepted:
        """Send a new confirmation email. Same answer whether or not the address has an account."""
        await _email_request(request, rate_limits, users_service, "resend_confirmation", data.email)
        return Accepted(detail=RESENT)

    @post(
        "/login",
        status_code=HTTP_200_OK,
        operation_id="login",
        operation_class=ApiOperation,
        summary="Log in",
        responses=problems(400, 401, 403, 429, descriptions=_LOGIN_ERRORS),
    )
    async def login(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        data: JSONBody[Credentials],
        users_service: NamedDependency[UserService],
        hasher: NamedDependency[PasswordHasher],
        sign_in: NamedDependency[SignIn],
    ) -> Response[AccessToken]:
        """Exchange email and password for a bearer access token and a refresh token (a new login)."""
        return await _login(request, rate_limits, data.email, data.password, users_service, hasher, sign_in)

    @post(
        "/refresh",
        status_code=HTTP_200_OK,
        operation_id="refreshToken",
        operation_class=ApiOperation,
        summary="Refresh the access token",
        responses=problems(400, 401, 429, descriptions=_REFRESH_ERRORS),
    )
    async def refresh(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        data: JSONBody[TokenRefresh],
        users_service: NamedDependency[UserService],
        sign_in: NamedDependency[SignIn],
    ) -> Response[AccessToken]:
        """Exchange a refresh token for a new access token and a new refresh token (RFC 6749 §6, rotated).

        The refresh token sent is used up: keep the new one. Sending a used one again is taken for a stolen token:
        the whole login ends (its refresh tokens, and the access tokens minted from them) and the answer is 401.
        """
        await rate_limits.check(request, "login")
        return await sign_in.refresh(data.refresh_token, users_service)

    @post(
        "/token",
        status_code=HTTP_200_OK,
        operation_id="loginForm",
        operation_class=ApiOperation,
        summary="Log in or refresh (OAuth2 token endpoint, form)",
        responses=problems(400, 401, 403, 429, descriptions=_TOKEN_ERRORS),
    )
    async def token(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        data: URLEncodedBody[OAuth2PasswordForm],
        users_service: NamedDependency[UserService],
        hasher: NamedDependency[PasswordHasher],
        sign_in: NamedDependency[SignIn],
    ) -> Response[AccessToken]:
        """OAuth2 token endpoint (form encoded): the password grant (``username`` is the email; what Swagger's
        Authorize uses) or ``grant_type=refresh_token`` with ``refresh_token`` (as ``POST /api/v1/auth/refresh``)."""
        if data.grant_type is GrantType.REFRESH_TOKEN:
            if data.refresh_token is UNSET:
                raise BadRequest("`grant_type=refresh_token` needs `refresh_token`.", slug="validation-error")
            await rate_limits.check(request, "login")
            return await sign_in.refresh(data.refresh_token, users_service)
        if data.username is UNSET or data.password is UNSET:
            raise BadRequest("The password grant needs `username` and `password`.", slug="validation-error")
        return await _login(request, rate_limits, data.username, data.password, users_service, hasher, sign_in)

    @post(
        "/forgot-password",
        status_code=HTTP_202_ACCEPTED,
        operation_id="forgotPassword",
        operation_class=ApiOperation,
        responses=problems(400, 429),
    )
    async def forgot_password(
        self,
        data: JSONBody[EmailOnly],
        users_service: NamedDependency[UserService],
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
    ) -> Accepted:
        """Email a password reset link. Same answer, and the same work, whether or not the address exists."""
        await _email_request(request, rate_limits, users_service, "send_password_reset", data.email)
        return Accepted(detail=RESET_REQUESTED)

    @post(
        "/reset-password",
        status_code=HTTP_200_OK,
        operation_id="resetPassword",
        operation_class=ApiOperation,
        responses=problems(400, 429, descriptions=_INVALID_TOKEN),
    )
    async def reset_password(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        data: JSONBody[PasswordReset],
        users_service: NamedDependency[UserService],
        tokens_service: NamedDependency[UserTokenService],
        hasher: NamedDependency[PasswordHasher],
        sign_in: NamedDependency[SignIn],
    ) -> Response[AccessToken]:
        """Set a new password with the token from the reset email, and log in. Every earlier access token, refresh
        token and personal access token stops working."""
        await rate_limits.check(request, "token")
        user_id = await tokens_service.consume(data.token, TokenPurpose.RESET_PASSWORD)
        user = await users_service.set_password(await users_service.get(user_id), data.password, hasher=hasher)
        return await sign_in.start(user)

    @get(
        "/reset-password",
        operation_id="resetPasswordLink",
        operation_class=ApiOperation,
        summary="Reset password (the link of the email)",
        cache=False,
        responses=problems(400),
    )
    async def reset_password_link(
        self,
        settings: NamedDependency[Settings],
        token: LinkToken,
    ) -> Response[LinkInstructions]:
        """The link in the password reset email: says how to reset, changes nothing.

        Resetting is ``POST /api/v1/auth/reset-password`` with this token and the new password.
        """
        detail = f"{_NOT_MODIFIED_LINK} To choose a new password, POST this token and `password` to `href`."
        return _no_store(_instructions(settings, "/api/v1/auth/reset-password", token, detail, ["token", "password"]))


class MeController(Controller):
    """The signed-in user's own account."""

    path = "/api/v1/me"
    tags = ["me"]
    dependencies = account_dependencies

    @get(
        "/",
        operation_id="getMe",
        operation_class=ApiOperation,
        summary="Get my account",
        cache=False,
        responses=problems(304, 401),
    )
    async def get_me(self, request: Request[User, Grant, Any]) -> Account:
        """The account of the access token's user, with its private fields."""
        return to_account(request.user)

    @patch(
        "/",
        operation_id="updateMe",
        operation_class=ApiOperation,
        summary="Update my profile",
        responses=problems(400, 401, 429),
    )
    async def update_me(
        self,
        request: Request[User, Grant, Any],
        data: JSONBody[ProfileUpdate],
        users_service: NamedDependency[UserService],
    ) -> Account:
        """Change profile fields; fields that are absent stay as they are."""
        changes: dict[str, Any] = {}
        if data.display_name is not UNSET:
            changes["display_name"] = data.display_name.strip()
        if not changes:
            return to_account(request.user)
        account = to_account(await users_service.update(changes, item_id=request.user.id))
        invalidate(request, cache_tags.USERS, cache_tags.PROFILES)
        return account

    @post(
        "/password",
        status_code=HTTP_200_OK,
        operation_id="changePassword",
        operation_class=ApiOperation,
        responses=problems(400, 401, 403, 429, descriptions={**_WRONG_PASSWORD, **_LOGIN_ONLY}),
        opt=ACCOUNT_ONLY,
    )
    async def change_password(
        self,
        request: Request[User, Grant, Any],
        rate_limits: NamedDependency[RateLimits],
        data: JSONBody[PasswordChange],
        users_service: NamedDependency[UserService],
        hasher: NamedDependency[PasswordHasher],
        sign_in: NamedDependency[SignIn],
    ) -> Response[AccessToken]:
        """Change the password. Every earlier access token, this one included, every login's refresh tokens and
        every personal access token stop working: use the new access token and refresh token of the answer.

        Tries of the current password count against the account's login budget: a stolen access token is
        no way to guess the password.
        """
        await rate_limits.check(request, "login_account", key=request.user.email)
        user = await users_service.get(request.user.id)
        user = await users_service.change_password(
            user, current_password=data.current_password, new_password=data.new_password, hasher=hasher
        )
        return await sign_in.start(user)

    @post(
        "/logout",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="logout",
        operation_class=ApiOperation,
        summary="Log out",
        responses=problems(401, 403, 429, descriptions=_LOGIN_ONLY),
        opt=ACCOUNT_ONLY,
    )
    async def logout(
        self, request: Request[User, Grant, Any], refresh_tokens_service: NamedDependency[RefreshTokenService]
    ) -> None:
        """End the login of this request's access token: its refresh tokens and every access token minted from
        them stop working. Other logins (other devices) and personal access tokens stay."""
        grant = request.auth
        if grant.family_id is not None:
            # In the database: every request's user lookup checks the family, so this holds without Redis.
            await refresh_tokens_service.end(grant.family_id)
        elif grant.token is not None:
            # A token of no login (issued before logins had refresh tokens): denied by id until it expires.
            await revoke(request.app.stores.get(REVOKED_TOKENS_STORE), grant.token)

    @delete(
        "/",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="deleteMe",
        operation_class=ApiOperation,
        summary="Delete my account",
        responses=problems(400, 401, 403, 409, 429, descriptions={**_WRONG_PASSWORD, **_LOGIN_ONLY, **_LAST_ADMIN}),
        opt=ACCOUNT_ONLY,
    )
    async def delete_me(
        self,
        request: Request[User, Grant, Any],
        rate_limits: NamedDependency[RateLimits],
        data: JSONBody[AccountDeletion],
        users_service: NamedDependency[UserService],
        hasher: NamedDependency[PasswordHasher],
    ) -> None:
        """Delete the account and everything it owns; the body carries the current password.

        Its recipes, comments and likes go with it, and the counters of other people's recipes follow.
        Its access tokens stop working at once. Tries of the password count against the account's login budget.
        The last admin cannot leave: another account must be made admin first.
        """
        await rate_limits.check(request, "login_account", key=request.user.email)
        await users_service.delete_account(request.user, data.password, hasher=hasher)
        invalidate(request, cache_tags.RECIPES, cache_tags.USERS, cache_tags.PROFILES, cache_tags.COMMENTS)


def to_access_token(token: PersonalAccessToken) -> PersonalAccessTokenRead:
    return PersonalAccessTokenRead(
        id=token.id,
        name=token.name,
        scopes=[TokenScope(scope) for scope in token.scopes.split()],
        display_prefix=token.display_prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
    )


class AccessTokenController(Controller):
    """The signed-in user's personal access tokens: with a login's access token only (scope `account`)."""

    path = "/api/v1/me/tokens"
    tags = ["me"]
    dependencies = account_dependencies
    opt = ACCOUNT_ONLY

    @post(
        "/",
        operation_id="createAccessToken",
        operation_class=ApiOperation,
        summary="Create a personal access token",
        responses=problems(
            400,
            401,
            403,
            409,
            429,
            descriptions={
                **_LOGIN_ONLY,
                400: "Invalid body (a scope named twice, an expiry beyond the longest allowed, ...).",
                409: "The account has as many tokens as it may have (type `.../too-many-access-tokens`): revoke one.",
            },
        ),
        response_headers=[LOCATION],
    )
    async def create_access_token(
        self,
        request: Request[User, Grant, Any],
        data: JSONBody[PersonalAccessTokenCreate],
        settings: NamedDependency[Settings],
        access_tokens_service: NamedDependency[AccessTokenService],
    ) -> Response[PersonalAccessTokenCreated]:
        """Create a token for a script: send it as `Authorization: Bearer <token>`. Its secret is in this answer
        only; the listing shows its `display_prefix` instead.

        `read` tokens can use the safe methods (GET), `write` tokens every other operation too, except those that
        need a login (tokens, password, logout, account deletion).
        """
        expires_at = None
        if data.expires_in_days is not None:
            if data.expires_in_days > settings.personal_access_token_max_days:
                raise BadRequest(
                    f"`expires_in_days` is at most {settings.personal_access_token_max_days}.",
                    slug="validation-error",
                )
            expires_at = datetime.now(UTC) + timedelta(days=data.expires_in_days)
        token, secret = await access_tokens_service.issue(
            request.user.id, name=data.name, scopes=[scope.value for scope in data.scopes], expires_at=expires_at
        )
        shown = to_access_token(token)
        created = PersonalAccessTokenCreated(**msgspec.structs.asdict(shown), token=secret)
        location = f"{AccessTokenController.path}/{token.id}"
        return Response(created, status_code=HTTP_201_CREATED, headers={**NO_STORE, "Location": location})

    @get(
        "/{token_id:uuid}",
        operation_id="getAccessToken",
        operation_class=ApiOperation,
        summary="Get one of my personal access tokens",
        cache=False,
        responses=problems(
            304, 400, 401, 403, 404, descriptions={**_LOGIN_ONLY, 404: "You have no token with this id."}
        ),
    )
    async def get_access_token(
        self,
        request: Request[User, Grant, Any],
        token_id: FromPath[UUID],
        access_tokens_service: NamedDependency[AccessTokenService],
    ) -> PersonalAccessTokenRead:
        """One token as listed (never its secret)."""
        return to_access_token(await access_tokens_service.get_of(request.user.id, token_id))

    @get(
        "/",
        operation_id="listAccessTokens",
        operation_class=ApiOperation,
        summary="List my personal access tokens",
        cache=False,
        responses=problems(304, 401, 403, descriptions=_LOGIN_ONLY),
    )
    async def list_access_tokens(
        self, request: Request[User, Grant, Any], access_tokens_service: NamedDependency[AccessTokenService]
    ) -> list[PersonalAccessTokenRead]:
        """The account's personal access tokens, newest first (expired ones included, until revoked); never their
        secrets."""
        return [to_access_token(token) for token in await access_tokens_service.list_of(request.user.id)]

    @delete(
        "/{token_id:uuid}",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="revokeAccessToken",
        operation_class=ApiOperation,
        summary="Revoke a personal access token",
        responses=problems(
            400, 401, 403, 404, 429, descriptions={**_LOGIN_ONLY, 404: "You have no token with this id."}
        ),
    )
    async def revoke_access_token(
        self,
        request: Request[User, Grant, Any],
        token_id: FromPath[UUID],
        access_tokens_service: NamedDependency[AccessTokenService],
    ) -> None:
        """Revoke one token: it stops working at once."""
        await access_tokens_service.revoke(request.user.id, token_id)

    @delete(
        "/",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="revokeAllAccessTokens",
        operation_class=ApiOperation,
        summary="Revoke all my personal access tokens",
        responses=problems(401, 403, 429, descriptions=_LOGIN_ONLY),
    )
    async def revoke_all_access_tokens(
        self, request: Request[User, Grant, Any], access_tokens_service: NamedDependency[AccessTokenService]
    ) -> None:
        """Revoke every personal access token of the account (logins are not affected)."""
        await access_tokens_service.revoke_all(request.user.id)
