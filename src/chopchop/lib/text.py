"""Text that comes in from clients: one normal form, decided once at the edge, then validated and limited.

Validating a length and normalising afterwards lets a value grow past its column (``'İ'.lower()`` is two
code points, NFC decomposes some characters); limiting on one spelling and looking up another lets every
variant of an identity have a budget of its own. So request bodies normalise in their ``__post_init__``
(msgspec runs it while decoding, and turns a ``ValueError`` into a 400 that names the field), check the
limits again on the normal form, and everything after that (rate-limit keys, lookups, storage) sees one value.
"""

from __future__ import annotations

import re
import unicodedata

# Character classes shared by the patterns of the request schemas (Python `re` and JSON Schema alike).
# C0 controls, DEL and the C1 controls (U+0080-U+009F: U+009B starts a terminal escape sequence).
CONTROLS = r"\x00-\x1f\x7f-\x9f"
# Multi-line text keeps tab, newline and carriage return.
CONTROLS_BUT_NEWLINES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the line and paragraph
# separators: in a name or a title they reorder or break what other people are shown.
# Also the invisible format characters that make one name pass for another (soft hyphen, zero-width space,
# direction marks, word joiner and invisible operators, BOM, Mongolian vowel separator). Not the zero-width
# joiners (U+200C, U+200D): Persian, Indic scripts and emoji sequences need them.
LAYOUT_CONTROLS = r"\u00ad\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"

#: The end of the text, in JSON Schema's ECMA-262 and Python alike. Python's `$` (what msgspec and Litestar check
#: patterns with, by `re.search`) also matches before one final newline, so `^[^\n]*$` lets "Soup\n" through;
#: ECMA-262's does not. Every pattern of the API ends with this instead (tests/openapi/test_contract.py holds it).
END = r"(?![\s\S])"

# One line: no control or layout character, at least one visible character (a lookahead keeps it linear).
ONE_LINE = rf"^(?=\s*\S)[^{CONTROLS}{LAYOUT_CONTROLS}]*{END}"
# One line that may be empty (optional notes).
ONE_LINE_OR_EMPTY = rf"^[^{CONTROLS}{LAYOUT_CONTROLS}]*{END}"
# Free text: newlines and tabs allowed, at least one visible character.
MULTI_LINE = rf"^(?=\s*\S)[^{CONTROLS_BUT_NEWLINES}]*{END}"
# Free text that may be empty.
MULTI_LINE_OR_EMPTY = rf"^[^{CONTROLS_BUT_NEWLINES}]*{END}"
# Search words and filter values in query strings: no control characters.
QUERY_TEXT = rf"^[^{CONTROLS}]*{END}"
_QUERY_TEXT = re.compile(QUERY_TEXT)
# What `fold` treats as white space (``str.split()``: ``str.isspace()``) that is not a control character.
FOLDED_SPACE = r"\u0020\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def folded_name_pattern(max_length: int) -> str:
    """A query-string value with no control character (:func:`is_query_text`) that :func:`fold` turns into 1
    to ``max_length`` characters, counted as folding counts them: each visible character, and each run of white
    space between two of them, is one; runs at the ends are none.

    Written for JSON Schema (ECMA-262) and Python alike (:data:`END`). It cannot count what NFC composition and
    lower-casing do to the length (``e`` + U+0301 is one character once composed, U+0130 two once lower-cased)."""
    space, visible = f"[{FOLDED_SPACE}]", f"[^{FOLDED_SPACE}{CONTROLS}]"
    return rf"^{space}*(?:{visible}|{space}+(?={visible})){{1,{max_length}}}{space}*{END}"


def is_query_text(value: str) -> bool:
    """Whether a query-string value holds no control character (what :data:`QUERY_TEXT` says)."""
    return _QUERY_TEXT.match(value) is not None


EMAIL_MAX_LENGTH = 320
# Surrounding white space is allowed (and trimmed); inside, no white space, control or layout character, and
# none of RFC 5322's specials: an address that a header or an SMTP command line would read as something else
# (a comment, a second recipient, a quoted string) never gets in.
_EMAIL_CHAR = rf"""[^@\s{CONTROLS}{LAYOUT_CONTROLS}()<>\[\]:;,\\"]"""
EMAIL_PATTERN = rf"^\s*{_EMAIL_CHAR}+@{_EMAIL_CHAR}+\.{_EMAIL_CHAR}+\s*{END}"


def _check_length(field: str, value: str, max_length: int, min_length: int = 1) -> str:
    if len(value) > max_length:
        msg = f"`{field}` is longer than {max_length} characters once normalised"
        raise ValueError(msg)
    if len(value) < min_length:
        msg = f"`{field}` is shorter than {min_length} characters once normalised"
        raise ValueError(msg)
    return value


def clean_text(value: str, *, field: str, max_length: int, min_length: int = 1) -> str:
    """Free text and titles: NFC, trimmed; the limits hold for what is stored."""
    return _check_length(field, unicodedata.normalize("NFC", value).strip(), max_length, min_length)


def fold(value: str) -> str:
    """The catalogue form of a name (ingredients, tags, searches): NFC, single spaces, lower-case."""
    return " ".join(unicodedata.normalize("NFC", value).split()).lower()


def clean_name(value: str, *, field: str, max_length: int) -> str:
    """A catalogue name, folded; the limits hold for the folded form."""
    return _check_length(field, fold(value), max_length)


def normalise_email(value: str) -> str:
    """The one spelling of an email address: trimmed, NFKC (fullwidth letters are the ASCII ones), lower-case,
    without the root dot of a fully qualified domain (``a@example.com.`` is ``a@example.com``)."""
    return unicodedata.normalize("NFKC", value.strip()).lower().rstrip(".")


def clean_email(value: str, *, field: str = "email") -> str:
    """An email address from a request, normalised, with its limits checked on the normal form."""
    return _check_length(field, normalise_email(value), EMAIL_MAX_LENGTH, 3)


# Not a backslash: a statement rendered with literal values (the EXPLAIN tests) would double it, and PostgreSQL
# refuses an ESCAPE of two characters.
LIKE_ESCAPE = "~"


def like_escaped(value: str) -> str:
    """``value`` with LIKE's wildcards (``%``, ``_``) and the escape character taken literally (``ESCAPE '~'``)."""
    return value.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
