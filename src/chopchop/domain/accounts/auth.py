"""Bearer-token authentication: the middleware that accepts a login's JWT or a personal access token, the scopes
each operation needs (checked here, for every endpoint at once), and the logout denylist."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Final, cast
from uuid import UUID

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.authentication import AuthenticationResult
from litestar.security.jwt import OAuth2PasswordBearerAuth, Token
from litestar.security.jwt.middleware import JWTCookieAuthenticationMiddleware
from litestar.stores.base import Store
from sqlalchemy.exc import SQLAlchemyError

from chopchop.db import User
from chopchop.domain.accounts import queries
from chopchop.domain.accounts.schemas import TokenScope
from chopchop.domain.accounts.services import ACCESS_TOKEN_PREFIX, AccessTokenService
from chopchop.lib.outages import REDIS_UNAVAILABLE
from chopchop.lib.problems import Forbidden
from chopchop.settings import Settings

logger = logging.getLogger("chopchop.auth")

TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 - a path, not a secret
JWT_ALGORITHM = "HS256"

REVOKED_TOKENS_STORE = "revoked_tokens"

# Scopes. Every authenticated operation needs one: `read` (safe methods), `write` (the others) or `account`
# (managing tokens, the password, logging out, deleting the account: only a login's access token has it).
READ: Final = TokenScope.READ.value
WRITE: Final = TokenScope.WRITE.value
ACCOUNT: Final = "account"
SCOPES: Final = {
    READ: "Read: every GET (recipes, likes, comments, the account).",
    WRITE: "Write: every other operation (it includes read), but those that need `account`.",
    ACCOUNT: "The account itself (tokens, password, logout, deletion): only a login's access token has it, never a "
    "personal access token.",
}
#: Handler ``opt`` key naming the scope an operation needs when it is not its method's (``{REQUIRED_SCOPE: ACCOUNT}``).
REQUIRED_SCOPE_OPT: Final = "required_scope"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: A personal access token's ``last_used_at`` is written at most this often: a write per request would turn every
#: read of a script into a write (WAL, a row lock every request of that token queues on, a replica to keep up).
LAST_USED_EVERY: Final = timedelta(minutes=1)


def required_scope(opt: dict[str, Any], method: str) -> str:
    """The scope an operation needs: its own (``opt``), else ``read`` for safe methods and ``write`` for the rest."""
    declared = opt.get(REQUIRED_SCOPE_OPT)
    if isinstance(declared, str):
        return declared
    return READ if method.upper() in _SAFE_METHODS else WRITE


@dataclass(frozen=True, slots=True)
class Grant:
    """What the request's credentials allow (``request.auth``): its scopes, and what it was authenticated with."""

    scopes: frozenset[str]
    #: The login's access token (a JWT): None for a personal access token.
    token: Token | None = None
    #: The login (refresh token family) the access token was minted for; None for older tokens and PATs.
    family_id: UUID | None = None
    #: The personal access token, if that is what authenticated the request.
    access_token_id: UUID | None = None

    @property
    def interactive(self) -> bool:
        """Authenticated by a login (a person typed a password), not by a token made for a script."""
        return self.token is not None


LOGIN_SCOPES: Final = frozenset({READ, WRITE, ACCOUNT})


def _jti(token: Token) -> str:
    return token.jti if isinstance(token.jti, str) else ",".join(token.jti or ())


async def revoke(store: Store, token: Token) -> None:
    """Deny this one token until it would have expired anyway (logout)."""
    remaining = int((token.exp - datetime.now(UTC)).total_seconds()) + 1
    if remaining > 0:
        await store.set(_jti(token), b"1", expires_in=remaining)


async def is_revoked(store: Store, token: Token) -> bool:
    try:
        return await store.exists(_jti(token))
    except REDIS_UNAVAILABLE:
        # Fail open: during a Redis outage a logged-out token works until it expires (at most the access
        # token lifetime) rather than every signed-in request failing. Password changes still revoke, and so does
        # a logout of a token that belongs to a login (its family is deleted in the database). Only an outage: an
        # error reply of Redis is a bug, and must not quietly let revoked tokens in.
        logger.warning("revocation list unavailable; accepting token %s", _jti(token)[:8])
        return False


def _family_of(token: Token) -> UUID | None:
    family = token.extras.get("fam")
    if family is None:
        return None
    try:
        return UUID(hex=str(family))
    except ValueError as exc:
        raise NotAuthorizedException from exc


def insufficient_scope(needed: str) -> Forbidden:
    """RFC 6750 §3.1: the token is valid but does not allow this operation."""
    detail = (
        "This operation needs a login's access token (`POST /api/v1/auth/login`), not a personal access token."
        if needed == ACCOUNT
        else f"This operation needs a token with the `{needed}` scope."
    )
    return Forbidden(
        detail,
        slug="insufficient-scope",
        headers={"WWW-Authenticate": f'Bearer realm="chopchop", error="insufficient_scope", scope="{needed}"'},
    )


class BearerAuthenticationMiddleware(JWTCookieAuthenticationMiddleware):
    """Litestar's JWT middleware that also accepts personal access tokens (recognised by their prefix), and refuses
    a request whose credentials lack the scope its operation needs (403, before the handler runs)."""

    database: ClassVar[SQLAlchemyAsyncConfig]

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        result = await super().authenticate_request(connection)
        grant = result.auth
        needed = required_scope(connection.route_handler.opt, str(connection.scope.get("method", "GET")))
        if not isinstance(grant, Grant) or needed not in grant.scopes:
            raise insufficient_scope(needed)
        return result

    async def authenticate_token(
        self, encoded_token: str, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        if encoded_token.startswith(ACCESS_TOKEN_PREFIX):
            return await self._authenticate_access_token(encoded_token)
        result = await super().authenticate_token(encoded_token, connection)
        token: Token = result.auth
        return AuthenticationResult(
            user=result.user, auth=Grant(scopes=LOGIN_SCOPES, token=token, family_id=_family_of(token))
        )

    async def _authenticate_access_token(self, secret: str) -> AuthenticationResult:
        now = datetime.now(UTC)
        async with self.database.get_session() as session:
            tokens = AccessTokenService(session=session)
            found = await tokens.authenticate(secret, now)
            if found is None:
                raise NotAuthorizedException
            token, user = found
            if token.last_used_at is None or token.last_used_at <= now - LAST_USED_EVERY:
                try:
                    await tokens.touch(token.id, now, LAST_USED_EVERY)
                    await session.commit()
                except SQLAlchemyError as exc:
                    # Bookkeeping: a use that could not be recorded does not fail the request it authenticates.
                    logger.warning("last use of token %s not recorded (%s)", token.id, type(exc).__name__)
        scopes = frozenset(token.scopes.split())
        if WRITE in scopes:
            scopes |= {READ}
        return AuthenticationResult(user=user, auth=Grant(scopes=scopes, access_token_id=token.id))


#: App-state key of the authenticator that public routes use to learn who calls, when an answer depends on it.
VIEWER_STATE_KEY: Final = "chopchop_viewer_authenticator"


async def _no_app(scope: Any, receive: Any, send: Any) -> None:  # pragma: no cover - never called
    raise NotImplementedError


def viewer_authenticator(auth: OAuth2PasswordBearerAuth[User, Token]) -> BearerAuthenticationMiddleware:
    """The auth middleware's checks, callable on their own: what :func:`viewer` runs (put it in the app's state under
    ``VIEWER_STATE_KEY``)."""
    return cast("BearerAuthenticationMiddleware", auth.middleware(_no_app))


async def viewer(connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    """Who calls a public route (one that skips the auth middleware), checked as the middleware would (signature,
    expiry, revocation, the `read` scope); None if anonymous or the credentials are not (or no longer) good.

    Ask only when the answer depends on it (an author's own draft): a public read never pays for it otherwise, and
    the handler must then mark its answer caller-dependent (``lib.conditional.mark_caller_dependent``)."""
    if connection.headers.get("authorization") is None:
        return None
    authenticator: BearerAuthenticationMiddleware = connection.app.state[VIEWER_STATE_KEY]
    try:
        result = await authenticator.authenticate_request(connection)
    except (NotAuthorizedException, Forbidden):
        return None
    user = result.user
    return user if isinstance(user, User) else None


def build_auth(settings: Settings, db_config: SQLAlchemyAsyncConfig) -> OAuth2PasswordBearerAuth[User, Token]:
    async def retrieve_user(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
        """The token's user, if it still exists, is active, the token predates no password change and its login
        (``fam``) has not ended (logout, reuse of a refresh token, password change)."""
        try:
            user_id = UUID(token.sub)
        except ValueError:
            return None
        family_id = _family_of(token)
        async with db_config.get_session() as session:
            if family_id is None:
                user = await session.get(User, user_id)
            else:
                row = (await session.execute(queries.user_and_family_statement(user_id, family_id))).first()
                user = None if row is None or row[1] is None else row[0]
        if user is None or not user.is_active or token.extras.get("ver") != user.token_version:
            return None
        if user.is_suspended(datetime.now(UTC)):  # also bumped token_version; this covers a suspension's end too
            return None
        if await is_revoked(connection.app.stores.get(REVOKED_TOKENS_STORE), token):
            return None
        return user

    class Middleware(BearerAuthenticationMiddleware):
        database = db_config

    return OAuth2PasswordBearerAuth[User, Token](
        token_secret=settings.jwt_secret,
        token_url=TOKEN_URL,
        retrieve_user_handler=retrieve_user,
        algorithm=JWT_ALGORITHM,
        accepted_issuers=[settings.jwt_issuer],
        accepted_audiences=[settings.jwt_audience],
        require_claims=["exp", "iat", "sub", "jti"],
        exclude_opt_key="exclude_from_auth",
        # The OpenAPI router takes no handler opts; an anchored pattern cannot match inside other paths.
        exclude=["^/schema(/|$)"],
        openapi_security_scheme_name="BearerToken",
        oauth_scopes=SCOPES,
        authentication_middleware_class=Middleware,
        description="A login's access token from `POST /api/v1/auth/login` (JSON) or `POST /api/v1/auth/token` "
        "(OAuth2 form), or a personal access token (`chopchop_pat_...`, `POST /api/v1/me/tokens`).",
    )
