"""Keys for one purpose each, derived from the service's one secret (the JWT secret)."""

from __future__ import annotations

import hashlib
import hmac


def derive_key(secret: str, label: str) -> bytes:
    """A key for ``label`` only (HMAC-SHA256 keyed by the secret over the label): one secret to manage, and what is
    signed or sealed for one purpose is no use for another."""
    return hmac.new(secret.encode(), b"chopchop key\x00" + label.encode(), hashlib.sha256).digest()
