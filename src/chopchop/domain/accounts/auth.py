"""Bearer-token authentication: the JWT middleware configuration and its user lookup."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.connection import ASGIConnection
from litestar.security.jwt import OAuth2PasswordBearerAuth, Token
from litestar.stores.base import Store

from chopchop.db import User
from chopchop.lib.outages import REDIS_UNAVAILABLE
from chopchop.settings import Settings

logger = logging.getLogger("chopchop.auth")

TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 - a path, not a secret
JWT_ALGORITHM = "HS256"


REVOKED_TOKENS_STORE = "revoked_tokens"


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
        # token lifetime) rather than every signed-in request failing. Password changes still revoke. Only an
        # outage: an error reply of Redis is a bug, and must not quietly let revoked tokens in.
        logger.warning("revocation list unavailable; accepting token %s", _jti(token)[:8])
        return False


def build_auth(settings: Settings, db_config: SQLAlchemyAsyncConfig) -> OAuth2PasswordBearerAuth[User, Token]:
    async def retrieve_user(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
        """The token's user, if it still exists, is active and the token predates no password change."""
        try:
            user_id = UUID(token.sub)
        except ValueError:
            return None
        async with db_config.get_session() as session:
            user = await session.get(User, user_id)
        if user is None or not user.is_active or token.extras.get("ver") != user.token_version:
            return None
        if await is_revoked(connection.app.stores.get(REVOKED_TOKENS_STORE), token):
            return None
        return user

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
        description="Access token from `POST /api/v1/auth/login` (JSON) or `POST /api/v1/auth/token` (OAuth2 form).",
    )
