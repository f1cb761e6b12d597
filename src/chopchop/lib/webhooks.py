"""Outgoing webhooks, knowing no domain: the secrets and their encryption at rest, Standard Webhooks signatures, and
one time-limited POST to an address checked and pinned (the SSRF rules and the pinning are ``lib/egress.py``'s,
shared with the recipe import's fetcher, and re-exported here)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

import httpx
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chopchop.lib.egress import (
    MAX_URL_LENGTH,
    Address,
    AddressRefused,
    PinnedBackend,
    UrlRefused,
    check_url,
    literal_address,
    pinned_transport,
    refusal,
    refused_kind,
    resolve,
)
from chopchop.lib.keys import derive_key

WebhookUrlError = UrlRefused  # the URL may never be called: the message says why, for a 400
_PinnedBackend = PinnedBackend

__all__ = [
    "MAX_RESPONSE_BYTES",
    "MAX_URL_LENGTH",
    "Address",
    "AddressRefused",
    "Answer",
    "SecretBox",
    "WebhookUrlError",
    "check_url",
    "literal_address",
    "new_secret",
    "post",
    "refusal",
    "refused_kind",
    "resolve",
    "sign",
]
MAX_RESPONSE_BYTES: Final = 64 * 1024
SECRET_PREFIX: Final = "whsec_"  # noqa: S105 - the prefix, not a secret
SECRET_BYTES: Final = 32
USER_AGENT: Final = "Chop-chop-Webhooks/1"

# Secrets


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes them: ``whsec_`` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode()


class SecretBox:
    """Encrypts signing secrets at rest (AES-256-GCM), with a key derived from the server's JWT secret.

    They must be readable to sign (a hash would not do); encrypted, a copy of the database alone (a backup, a
    read-only injection) does not let anyone forge deliveries. Each box is bound to its endpoint's id (the
    associated data): a box copied onto another endpoint does not open."""

    def __init__(self, server_secret: str) -> None:
        self._aead = AESGCM(derive_key(server_secret, "webhook secret box v1"))

    def seal(self, secret: str, owner: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, secret.encode(), owner.encode())

    def open(self, box: bytes, owner: str) -> str:
        """The secret; ``ValueError`` if the box was not sealed for ``owner`` with this key (the JWT secret
        changed since: rotate the endpoint's secret)."""
        try:
            return self._aead.decrypt(box[:12], box[12:], owner.encode()).decode()
        except (InvalidTag, ValueError) as exc:
            msg = "the endpoint's secret cannot be decrypted (was CHOPCHOP_JWT_SECRET changed?): rotate it"
            raise ValueError(msg) from exc


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header: ``v1,`` and the base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}`` keyed
    with the secret's bytes (what follows ``whsec_``, base64-decoded)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


# Delivery


@dataclass(frozen=True, slots=True)
class Answer:
    """What the receiver answered: its status and the start of its body (at most ``MAX_RESPONSE_BYTES``)."""

    status: int
    body: bytes

    @property
    def delivered(self) -> bool:
        return 200 <= self.status < 300


async def post(
    url: str, body: bytes, headers: dict[str, str], *, timeout: float, allow_private: bool = False
) -> Answer:
    """POST ``body`` to ``url`` once: the host resolved and checked (:class:`AddressRefused`), the connection made
    only to the checked addresses, no redirect followed, the whole exchange within ``timeout`` seconds
    (``TimeoutError``), at most ``MAX_RESPONSE_BYTES`` of the answer read. Network failures raise."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    async with asyncio.timeout(timeout):
        addresses = await resolve(host, port, allow_private=allow_private)
        async with httpx.AsyncClient(
            transport=pinned_transport(addresses), follow_redirects=False, trust_env=False, timeout=timeout
        ) as client:
            request = client.build_request(
                "POST",
                url,
                content=body,
                headers={"user-agent": USER_AGENT, "content-type": "application/json", **headers},
            )
            response = await client.send(request, stream=True)
            try:
                read = bytearray()
                async for chunk in response.aiter_raw():
                    read += chunk
                    if len(read) >= MAX_RESPONSE_BYTES:
                        break
            finally:
                await response.aclose()
            return Answer(status=response.status_code, body=bytes(read[:MAX_RESPONSE_BYTES]))
