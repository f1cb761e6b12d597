"""Fixed-size signed positions (the change feed's cursors): a few unsigned 64-bit integers and their MAC, in
URL-safe base64, one length, one spelling. The lists' variable cursors (sort keys, binding) are in ``cursors``.

A client can hand back only what the service gave it: a cursor that was altered, truncated, padded, or made with
another key or for another purpose is refused as a whole (:class:`InvalidCursor`), never half read.
"""

from __future__ import annotations

import base64
import binascii
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


def seal(key: bytes, payload: bytes) -> str:
    """``payload`` and its MAC under ``key``, in URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(payload + _mac(key, payload)).decode().rstrip("=")


def unseal(key: bytes, text: str) -> bytes:
    """The payload of ``text`` if it is exactly what :func:`seal` gave for ``key`` (one spelling: no padding, no
    foreign character, zero unused bits), checked before anything reads it; :class:`InvalidCursor` otherwise."""
    if not text.isascii() or len(text) % 4 == 1:
        raise InvalidCursor
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidCursor from None
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != text or len(raw) <= MAC_BYTES:
        raise InvalidCursor
    payload, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
    if not hmac.compare_digest(mac, _mac(key, payload)):
        raise InvalidCursor
    return payload


def _mac(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:MAC_BYTES]


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

    def encode(self, *position: int) -> str:
        if any(not 0 <= value <= _MAX for value in position):
            msg = "cursor fields are unsigned 64-bit integers"
            raise ValueError(msg)
        payload = struct.pack(self._format, self._version, *position)
        return seal(self._key, payload)

    def decode(self, text: str) -> tuple[int, ...]:
        """The position of a cursor this codec issued; :class:`InvalidCursor` for anything else."""
        if len(text) != self._length or not self._shape.fullmatch(text):
            raise InvalidCursor
        payload = unseal(self._key, text)
        version, *position = struct.unpack(self._format, payload)
        if version != self._version:
            raise InvalidCursor
        return tuple(position)
