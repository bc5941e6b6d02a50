"""Offset arithmetic: code points (what beyan publishes), UTF-16 code units (what old
Label Studio exports counted), and line-break normalisation.

Python's ``str`` indexes code points, so a code-point offset ``i`` is simply
``text[i]``. A UTF-16 offset counts characters outside the Basic Multilingual Plane
(emoji, flags, mathematical letters) twice.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_LINE_BREAK = re.compile(r"\r\n?")


def has_astral(text: str) -> bool:
    """True if any character needs two UTF-16 code units."""
    return _ASTRAL.search(text) is not None


class Utf16Index:
    """Converts between UTF-16 code-unit offsets and code-point offsets for one text."""

    __slots__ = ("_astral_positions", "_length")

    def __init__(self, text: str) -> None:
        self._astral_positions = [m.start() for m in _ASTRAL.finditer(text)]
        self._length = len(text)

    def to_utf16(self, code_point: int) -> int:
        return code_point + bisect_right(self._astral_positions, code_point - 1)

    def to_code_point(self, utf16: int) -> int | None:
        """The code point at a UTF-16 offset, or None if the offset splits a surrogate pair."""
        if not self._astral_positions:
            return utf16
        lo, hi = 0, self._length
        while lo < hi:  # smallest code point whose UTF-16 offset is >= utf16
            mid = (lo + hi) // 2
            if self.to_utf16(mid) < utf16:
                lo = mid + 1
            else:
                hi = mid
        return lo if self.to_utf16(lo) == utf16 else None


class NewlineMap:
    """Normalizes CRLF and CR to LF and maps offsets in the original text to the result."""

    __slots__ = ("_breaks", "text")

    def __init__(self, original: str) -> None:
        self.text = _LINE_BREAK.sub("\n", original)
        # positions (in the original) of each removed '\r' that preceded '\n'
        self._breaks = [m.start() for m in _LINE_BREAK.finditer(original) if m.end() - m.start() == 2]

    def map(self, offset: int) -> int:
        """Offset in the normalized text of the original offset (a CR of CRLF maps to its LF)."""
        return offset - bisect_right(self._breaks, offset - 1)


def normalize_newlines(text: str) -> str:
    return _LINE_BREAK.sub("\n", text)


_WHITESPACE = re.compile(r"\s+")


def loose_text(text: str) -> str:
    """Text compared loosely: Label Studio's ``value.text`` collapses whitespace and may
    write line breaks as a literal backslash-n, so both sides are folded the same way."""
    return _WHITESPACE.sub(" ", text.replace("\\r\\n", " ").replace("\\n", " ").replace("\\r", " ")).strip()
