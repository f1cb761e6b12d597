"""Random single-use tokens (stored only as hashes) and signed access tokens (JWT)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from litestar.security.jwt import Token


def new_secret_token() -> tuple[str, str]:
    """A URL-safe random token for an email link and the SHA-256 hash that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_secret_token(token)


def hash_secret_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class AccessTokenIssuer:
    """Mints the bearer tokens that the JWT auth middleware later verifies."""

    secret: str
    issuer: str
    audience: str
    lifetime: timedelta
    algorithm: str = "HS256"

    def issue(self, user_id: uuid.UUID, token_version: int) -> tuple[str, int]:
        """An encoded JWT for the user and its lifetime in seconds."""
        now = datetime.now(UTC)
        token = Token(
            sub=str(user_id),
            exp=now + self.lifetime,
            iat=now,
            iss=self.issuer,
            aud=self.audience,
            jti=uuid.uuid4().hex,
            extras={"ver": token_version},
        )
        return token.encode(secret=self.secret, algorithm=self.algorithm), int(self.lifetime.total_seconds())
