"""HTTP endpoints of the accounts area: registration, confirmation, login, password and profile."""

from __future__ import annotations

from typing import Annotated, Any

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, QueryParameter, URLEncodedBody
from litestar.security.jwt import Token
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT
from msgspec import UNSET

from chopchop.db import TokenPurpose, User
from chopchop.domain import cache_tags
from chopchop.domain.accounts.auth import REVOKED_TOKENS_STORE, revoke
from chopchop.domain.accounts.schemas import (
    Accepted,
    AccessToken,
    Account,
    Credentials,
    EmailConfirmation,
    EmailOnly,
    OAuth2PasswordForm,
    PasswordChange,
    PasswordReset,
    ProfileUpdate,
    Registration,
    SecretToken,
)
from chopchop.domain.accounts.services import UserService, UserTokenService
from chopchop.domain.comments.services import CommentService
from chopchop.domain.recipes.services import forget_likes_of
from chopchop.lib.cache import invalidate
from chopchop.lib.jobs import JobQueue
from chopchop.lib.passwords import PasswordHasher
from chopchop.lib.ratelimit import RateLimits
from chopchop.lib.tokens import AccessTokenIssuer

REGISTERED = "Thanks! Check your inbox: we sent an email to that address with what to do next."
RESET_REQUESTED = "If that address has an account, an email with a password reset link is on its way."
RESENT = "If that address has an unconfirmed account, a new confirmation email is on its way."

account_dependencies = {
    "users_service": Provide(create_service_provider(UserService)),
    "tokens_service": Provide(create_service_provider(UserTokenService)),
}


def to_account(user: User) -> Account:
    return Account(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        is_active=user.is_active,
        confirmed_at=user.confirmed_at,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


def _access_token(issuer: AccessTokenIssuer, user: User) -> AccessToken:
    encoded, lifetime = issuer.issue(user.id, user.token_version)
    return AccessToken(access_token=encoded, expires_in=lifetime)


class AuthController(Controller):
    """Public endpoints: nobody is logged in yet."""

    path = "/api/v1/auth"
    tags = ["auth"]
    dependencies = account_dependencies
    opt = {"exclude_from_auth": True}
    security = [{}]

    @post("/register", status_code=HTTP_202_ACCEPTED, operation_id="register")
    async def register(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        data: JSONBody[Registration],
        users_service: NamedDependency[UserService],
        hasher: NamedDependency[PasswordHasher],
        job_queue: NamedDependency[JobQueue],
    ) -> Accepted:
        """Create an account; a confirmation email follows.

        The answer is the same whether or not the address already has an account: its owner gets an email
        saying so instead, so registration cannot be used to find out who has an account.
        """
        await rate_limits.check(request, "register")
        outcome = await users_service.register(
            email=data.email, display_name=data.display_name, password=data.password, hasher=hasher
        )
        # The account is committed by now: the job can never look for a user that is not there yet.
        task = "send_confirmation_email" if outcome.created else "send_registration_notice"
        await job_queue.enqueue(task, user_id=str(outcome.user_id))
        return Accepted(detail=REGISTERED)

    @post("/confirm", status_code=HTTP_200_OK, operation_id="confirmEmail")
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        data: JSONBody[EmailConfirmation],
        users_service: NamedDependency[UserService],
        tokens_service: NamedDependency[UserTokenService],
    ) -> Account:
        """Confirm an email address with the token from the confirmation email; the account becomes active."""
        await rate_limits.check(request, "token")
        return await self._confirm(request, data.token, users_service, tokens_service)

    @get("/confirm", operation_id="confirmEmailLink", cache=False)
    async def confirm_link(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        users_service: NamedDependency[UserService],
        tokens_service: NamedDependency[UserTokenService],
        token: Annotated[SecretToken, QueryParameter(description="Token from the email link.")],
    ) -> Account:
        """The link in the confirmation email: the same as ``POST /confirm`` for people who click it."""
        await rate_limits.check(request, "token")
        return await self._confirm(request, token, users_service, tokens_service)

    async def _confirm(
        self,
        request: Request[Any, Any, Any],
        token: str,
        users_service: NamedDependency[UserService],
        tokens_service: NamedDependency[UserTokenService],
    ) -> Account:
        user_id = await tokens_service.consume(token, TokenPurpose.CONFIRM_EMAIL)
        account = to_account(await users_service.confirm(user_id))
        invalidate(request, cache_tags.USERS)  # the user directory lists active accounts only
        return account

    @post("/resend-confirmation", status_code=HTTP_202_ACCEPTED, operation_id="resendConfirmation")
    async def resend_confirmation(
        self,
        data: JSONBody[EmailOnly],
        job_queue: NamedDependency[JobQueue],
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
    ) -> Accepted:
        """Send a new confirmation email. Same answer whether or not the address has an account."""
        await rate_limits.check(request, "email")
        await rate_limits.check(request, "email_account", key=data.email)
        await job_queue.enqueue("resend_confirmation", email=data.email)
        return Accepted(detail=RESENT)

    @post("/login", status_code=HTTP_200_OK, operation_id="login")
    async def login(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        data: JSONBody[Credentials],
        users_service: NamedDependency[UserService],
        hasher: NamedDependency[PasswordHasher],
        token_issuer: NamedDependency[AccessTokenIssuer],
    ) -> AccessToken:
        """Exchange email and password for a bearer access token."""
        await rate_limits.check(request, "login")
        await rate_limits.check(request, "login_account", key=data.email)
        user = await users_service.authenticate(email=data.email, password=data.password, hasher=hasher)
        return _access_token(token_issuer, user)

    @post("/token", status_code=HTTP_200_OK, operation_id="loginForm")
    async def token(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        data: URLEncodedBody[OAuth2PasswordForm],
        users_service: NamedDependency[UserService],
        hasher: NamedDependency[PasswordHasher],
        token_issuer: NamedDependency[AccessTokenIssuer],
    ) -> AccessToken:
        """OAuth2 password grant (form encoded; ``username`` is the email): what Swagger's Authorize uses."""
        await rate_limits.check(request, "login")
        await rate_limits.check(request, "login_account", key=data.username)
        user = await users_service.authenticate(email=data.username, password=data.password, hasher=hasher)
        return _access_token(token_issuer, user)

    @post("/forgot-password", status_code=HTTP_202_ACCEPTED, operation_id="forgotPassword")
    async def forgot_password(
        self,
        data: JSONBody[EmailOnly],
        job_queue: NamedDependency[JobQueue],
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
    ) -> Accepted:
        """Email a password reset link. Same answer, and the same work, whether or not the address exists."""
        await rate_limits.check(request, "email")
        await rate_limits.check(request, "email_account", key=data.email)
        await job_queue.enqueue("send_password_reset", email=data.email)
        return Accepted(detail=RESET_REQUESTED)

    @post("/reset-password", status_code=HTTP_200_OK, operation_id="resetPassword")
    async def reset_password(
        self,
        request: Request[Any, Any, Any],
        rate_limits: NamedDependency[RateLimits],
        data: JSONBody[PasswordReset],
        users_service: NamedDependency[UserService],
        tokens_service: NamedDependency[UserTokenService],
        hasher: NamedDependency[PasswordHasher],
        token_issuer: NamedDependency[AccessTokenIssuer],
    ) -> AccessToken:
        """Set a new password with the token from the reset email. Every earlier access token stops working."""
        await rate_limits.check(request, "token")
        user_id = await tokens_service.consume(data.token, TokenPurpose.RESET_PASSWORD)
        # Following a link sent to the address proves it is theirs, as a confirmation would.
        user = await users_service.confirm(user_id)
        user = await users_service.set_password(user, data.password, hasher=hasher)
        invalidate(request, cache_tags.USERS)
        return _access_token(token_issuer, user)


class MeController(Controller):
    """The signed-in user's own account."""

    path = "/api/v1/me"
    tags = ["me"]
    dependencies = {**account_dependencies, "comments_service": Provide(create_service_provider(CommentService))}

    @get("/", operation_id="getMe", cache=False)
    async def get_me(self, request: Request[User, Token, Any]) -> Account:
        """The account of the access token's user, with its private fields."""
        return to_account(request.user)

    @patch("/", operation_id="updateMe")
    async def update_me(
        self,
        request: Request[User, Token, Any],
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

    @post("/password", status_code=HTTP_200_OK, operation_id="changePassword")
    async def change_password(
        self,
        request: Request[User, Token, Any],
        data: JSONBody[PasswordChange],
        users_service: NamedDependency[UserService],
        hasher: NamedDependency[PasswordHasher],
        token_issuer: NamedDependency[AccessTokenIssuer],
    ) -> AccessToken:
        """Change the password. Every earlier access token, this one included, stops working: use the new one."""
        user = await users_service.get(request.user.id)
        user = await users_service.change_password(
            user, current_password=data.current_password, new_password=data.new_password, hasher=hasher
        )
        return _access_token(token_issuer, user)

    @post("/logout", status_code=HTTP_204_NO_CONTENT, operation_id="logout")
    async def logout(self, request: Request[User, Token, Any]) -> None:
        """Revoke the access token of this request; other sessions (other tokens) stay signed in."""
        await revoke(request.app.stores.get(REVOKED_TOKENS_STORE), request.auth)

    @delete("/", status_code=HTTP_204_NO_CONTENT, operation_id="deleteMe")
    async def delete_me(
        self,
        request: Request[User, Token, Any],
        users_service: NamedDependency[UserService],
        comments_service: NamedDependency[CommentService],
    ) -> None:
        """Delete the account and everything it owns. Its access tokens stop working at once.

        Its recipes, comments and likes go with it, and the counters of other people's recipes follow.
        """
        user_id = request.user.id
        # ON DELETE CASCADE removes the rows but not what they counted on other people's recipes.
        await forget_likes_of(users_service.repository.session, user_id)
        await comments_service.remove_all_by_author(user_id)
        await users_service.delete(user_id)
        invalidate(request, cache_tags.RECIPES, cache_tags.USERS, cache_tags.PROFILES, cache_tags.COMMENTS)
