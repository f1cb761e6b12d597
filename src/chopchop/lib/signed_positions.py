"""Fixed-size signed positions (the change feed's cursors): a few unsigned 64-bit integers and their MAC, in
URL-safe base64, one length, one spelling. The lists' variable cursors (sort keys, binding) are in ``cursors``.

A client can hand back only what the service gave it: a cursor that was altered, truncated, padded, or made with
another key or for another purpose is refused as a whole (:class:`InvalidCursor`), never half read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct

from chopchop.lib.text import END

#: Bytes of the MAC kept (128 bits: forging one is out of reach; the cursor stays short).
MAC_BYTES = 16
_MAX = 2**64 - 1


class InvalidCursor(ValueError):
    """The text is not a cursor this service issued for this purpose."""


def derive_key(secret: str, label: str) -> bytes:
    """A key for one purpose, derived from the service's secret (HMAC-SHA256 keyed by the secret over the label):
    one secret to manage, and a MAC made for one purpose is no use for another."""
    return hmac.new(secret.encode(), b"chopchop cursor key\x00" + label.encode(), hashlib.sha256).digest()


class CursorCodec:
    """Cursors of ``fields`` integers, tagged with ``version`` (a change of layout refuses the old ones)."""

    def __init__(self, key: bytes, *, version: int, fields: int) -> None:
        self._key = key
        self._version = version
        self._format = ">B" + "Q" * fields
        size = struct.calcsize(self._format) + MAC_BYTES
        self._length = (size * 8 + 5) // 6  # base64 characters, without padding
        #: The shape of every cursor of this layout (for the API's document: the MAC it cannot say).
        self.pattern = rf"^[A-Za-z0-9_-]{{{self._length}}}{END}"
        self._shape = re.compile(self.pattern)

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:MAC_BYTES]

    def encode(self, *position: int) -> str:
        if any(not 0 <= value <= _MAX for value in position):
            msg = "cursor fields are unsigned 64-bit integers"
            raise ValueError(msg)
        payload = struct.pack(self._format, self._version, *position)
        return base64.urlsafe_b64encode(payload + self._mac(payload)).decode().rstrip("=")

    def decode(self, text: str) -> tuple[int, ...]:
        """The position of a cursor this codec issued; :class:`InvalidCursor` for anything else."""
        if len(text) != self._length or not self._shape.fullmatch(text):
            raise InvalidCursor
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        # The unused low bits of the last character must be zero: one cursor, one spelling.
        if base64.urlsafe_b64encode(raw).decode().rstrip("=") != text:
            raise InvalidCursor
        payload, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise InvalidCursor
        version, *position = struct.unpack(self._format, payload)
        if version != self._version:
            raise InvalidCursor
        return tuple(position)
