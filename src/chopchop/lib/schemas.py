"""Payload building blocks shared by every area."""

from __future__ import annotations

import msgspec


class Input(msgspec.Struct, forbid_unknown_fields=True):
    """Base of request bodies: unknown fields (an author, counters, timestamps ...) are an error, not silently
    dropped."""
