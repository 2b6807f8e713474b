"""What text may enter the world: normalised, serialisable and bounded.

Everything an agent writes ends up in the world, the event log, the sample store and the
Inspect log. A lone surrogate (``"\\udfff"``) cannot be encoded as UTF-8, so one such
character in a file name once made a whole task's log unwritable. Sizes are bounded so a
hostile agent cannot grow a sample's record without limit.
"""

from __future__ import annotations

import hashlib
from typing import Any

MAX_NAME_CHARS = 255
"""Longest file name, host address or setting key the world accepts (like most file systems)."""

MAX_CONTENT_CHARS = 200_000
"""Longest file content the world accepts (scenario documents are a few KB)."""

MAX_LOGGED_CHARS = 4_000
"""Longest string kept verbatim in an event's arguments; longer ones keep a prefix and a hash."""

MAX_ITEMS = 1_000
"""Most items a list or mapping in a tool call's arguments may hold."""

MAX_DEPTH = 16
"""Deepest nesting of lists and mappings in a tool call's arguments."""


class TextLimitError(ValueError):
    """An input exceeds one of the bounds above; the message names the bound."""


def clean_text(value: object) -> str:
    """`value` as a string that always encodes as UTF-8.

    Valid surrogate pairs become the character they encode; lone surrogates become U+FFFD,
    the replacement character. Non-strings are converted with `str` first.
    """
    text = value if isinstance(value, str) else str(value)
    if text.isascii():
        return text
    # UTF-16 with surrogatepass re-pairs split surrogates; "replace" marks the lone ones.
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clean_value(value: Any, depth: int = 0) -> Any:
    """A JSON-safe copy of `value`: strings cleaned, keys as strings, other objects as text.

    Raises:
        TextLimitError: when a collection is too large or nested too deeply.
    """
    if depth > MAX_DEPTH:
        raise TextLimitError(f"arguments are nested more than {MAX_DEPTH} levels deep")
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        # NaN and infinities are not JSON; keep them readable instead of breaking the log.
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        _check_items(len(value))
        return {clean_text(k): clean_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        _check_items(len(value))
        return [clean_value(v, depth + 1) for v in value]
    return clean_text(value)


def _check_items(n: int) -> None:
    if n > MAX_ITEMS:
        raise TextLimitError(f"a list or mapping holds {n} items; at most {MAX_ITEMS} allowed")


def check_name(name: object, what: str = "file name") -> str:
    """A cleaned name, or TextLimitError when it is empty or longer than `MAX_NAME_CHARS`."""
    text = clean_text(name)
    if not text:
        raise TextLimitError(f"The {what} is empty.")
    if len(text) > MAX_NAME_CHARS:
        raise TextLimitError(
            f"The {what} is {len(text)} characters long; at most {MAX_NAME_CHARS} allowed."
        )
    return text


def check_content(content: object) -> str:
    """Cleaned content, or TextLimitError when it is longer than `MAX_CONTENT_CHARS`."""
    text = clean_text(content)
    if len(text) > MAX_CONTENT_CHARS:
        raise TextLimitError(
            f"The content is {len(text)} characters long; at most {MAX_CONTENT_CHARS} allowed."
        )
    return text


def shorten(text: str, limit: int = MAX_LOGGED_CHARS) -> str:
    """`text` itself if short, else its first `limit` characters, its length and its sha256."""
    if len(text) <= limit:
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f"{text[:limit]}…[truncated: {len(text)} chars, sha256 {digest}]"


def loggable(value: Any) -> Any:
    """`clean_value(value)` with long strings shortened, for the event log."""
    cleaned = clean_value(value)
    return _shorten_all(cleaned)


def _shorten_all(value: Any) -> Any:
    if isinstance(value, str):
        return shorten(value)
    if isinstance(value, dict):
        return {k: _shorten_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten_all(v) for v in value]
    return value
