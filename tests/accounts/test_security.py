"""Password hashing and single-use tokens."""

from __future__ import annotations

import uuid
from datetime import timedelta

import jwt

from chopchop.lib.passwords import PasswordHasher
from chopchop.lib.tokens import AccessTokenIssuer, hash_secret_token, new_secret_token


async def test_argon2id_hash_and_verify() -> None:
    hasher = PasswordHasher(time_cost=2, memory_kib=19456, parallelism=1)
    hashed = await hasher.hash("s3cret password")
    assert hashed.startswith("$argon2id$")
    assert await hasher.verify(hashed, "s3cret password")
    assert not await hasher.verify(hashed, "wrong password")
    assert not await hasher.verify("not a hash", "s3cret password")
    # No account: the dummy hash is checked, and the answer is always no.
    assert not await hasher.verify(None, "chopchop-timing-equaliser")


async def test_rehash_is_needed_when_parameters_grow() -> None:
    weak = PasswordHasher(time_cost=2, memory_kib=19456, parallelism=1)
    strong = PasswordHasher(time_cost=3, memory_kib=19456, parallelism=1)
    hashed = await weak.hash("password!")
    assert strong.needs_rehash(hashed)
    assert not weak.needs_rehash(hashed)


def test_secret_tokens_are_random_and_hashed() -> None:
    token, token_hash = new_secret_token()
    other, _ = new_secret_token()
    assert token != other
    assert len(token) >= 40
    assert token_hash == hash_secret_token(token) != token
    assert len(token_hash) == 64


def test_access_tokens_carry_the_pinned_claims() -> None:
    issuer = AccessTokenIssuer(secret="k" * 40, issuer="iss", audience="aud", lifetime=timedelta(minutes=5))
    user_id = uuid.uuid4()
    encoded, lifetime = issuer.issue(user_id, 3)
    assert lifetime == 300
    claims = jwt.decode(encoded, "k" * 40, algorithms=["HS256"], audience="aud", issuer="iss")
    assert claims["sub"] == str(user_id)
    assert claims["exp"] - claims["iat"] == 300
    assert claims["extras"] == {"ver": 3}
    assert claims["jti"]
