"""Random single-use tokens (stored only as hashes) and signed access tokens (JWT)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
import zlib
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

    def issue(self, user_id: uuid.UUID, token_version: int, family_id: uuid.UUID | None = None) -> tuple[str, int]:
        """An encoded JWT for the user and its lifetime in seconds; ``family_id``: the login (refresh token family)
        it belongs to, which must still exist for the token to be accepted (``fam`` claim)."""
        extras: dict[str, object] = {"ver": token_version}
        if family_id is not None:
            extras["fam"] = family_id.hex
        now = datetime.now(UTC)
        token = Token(
            sub=str(user_id),
            exp=now + self.lifetime,
            iat=now,
            iss=self.issuer,
            aud=self.audience,
            jti=uuid.uuid4().hex,
            extras=extras,
        )
        return token.encode(secret=self.secret, algorithm=self.algorithm), int(self.lifetime.total_seconds())


# Client tokens: `<prefix><30 random base62 characters><6 base62 characters of the CRC32 of the random part>`.
# The prefix says what the token is (a secret scanner can match it), the checksum lets a scanner (and us, before any
# database lookup) tell a real token from a random string of the same shape. 30 base62 characters: 178 bits.

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
RANDOM_LENGTH = 30
CHECKSUM_LENGTH = 6
DISPLAY_RANDOM_LENGTH = 4


def _base62(number: int, length: int) -> str:
    digits = []
    for _ in range(length):
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "".join(reversed(digits))


def _checksum(random_part: str) -> str:
    return _base62(zlib.crc32(random_part.encode("ascii")), CHECKSUM_LENGTH)


def new_client_token(prefix: str) -> tuple[str, str]:
    """A new ``prefix``-ed token and the SHA-256 hash that is stored instead of it."""
    random_part = "".join(secrets.choice(BASE62) for _ in range(RANDOM_LENGTH))
    token = f"{prefix}{random_part}{_checksum(random_part)}"
    return token, hash_secret_token(token)


def is_client_token(token: str, prefix: str) -> bool:
    """``token`` has the shape of a ``prefix`` token and its checksum matches (it may still be unknown or revoked)."""
    if len(token) != len(prefix) + RANDOM_LENGTH + CHECKSUM_LENGTH or not token.startswith(prefix):
        return False
    body = token[len(prefix) :]
    if not all(character in BASE62 for character in body):
        return False
    return secrets.compare_digest(_checksum(body[:RANDOM_LENGTH]), body[RANDOM_LENGTH:])


def display_prefix(token: str, prefix: str) -> str:
    """What a listing shows of a token: its prefix and the first few random characters (22 bits, nothing to use)."""
    return token[: len(prefix) + DISPLAY_RANDOM_LENGTH]
