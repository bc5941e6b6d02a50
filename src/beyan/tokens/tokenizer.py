"""A deterministic, documented word tokenizer for news text (Turkish first), with code-point offsets.

The rules, applied left to right (whitespace separates tokens and is never part of one):

1. A **word** is a run of letters, digits and combining marks. A hyphen between two of
   them stays inside the word (``Son-hui``, ``Jong-un``); so does a ``.`` or ``,`` between
   two digits (``1.000``, ``3,5``).
2. An **apostrophe suffix** is its own token, apostrophe included: ``Rusya'nın`` gives
   ``Rusya`` ``'nın``, ``1949'da`` gives ``1949`` ``'da`` (``'`` or ``’`` between a word
   and a letter). Turkish writes case and possessive suffixes of proper names after an
   apostrophe; keeping them apart lets a span end at the name or after the suffix, and the
   word is the two tokens that touch (``token_ends[i] == token_starts[i + 1]``). This is
   the treatment the Penn Treebank gives English ``John 's``.
3. Every other character is a token of its own: punctuation is split off (``dedi.`` gives
   ``dedi`` ``.``, ``Choe:`` gives ``Choe`` ``:``, quotation marks are tokens), except a
   run of periods (``...``), which is one token.

The same text always gives the same tokens; no model or lexicon is involved.
"""

from __future__ import annotations

import unicodedata

APOSTROPHES = frozenset("'’")
WORD_JOINERS = frozenset("-‐")  # hyphen-minus, hyphen
NUMBER_JOINERS = frozenset(".,")

Offsets = tuple[int, int]


def is_word_char(char: str) -> bool:
    """Letters, digits and combining marks (Unicode categories L*, N*, M*)."""
    return unicodedata.category(char)[0] in "LNM"


def tokenize(text: str) -> list[Offsets]:
    """Token offsets ``(start, end)`` into ``text``, in code points; ``text[start:end]`` is the token."""
    spans: list[Offsets] = []
    length = len(text)
    i = 0
    while i < length:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if is_word_char(char):
            end = _word_end(text, i)
            spans.append((i, end))
            i = end
            if i + 1 < length and text[i] in APOSTROPHES and text[i + 1].isalpha():
                suffix_end = i + 1
                while suffix_end < length and is_word_char(text[suffix_end]):
                    suffix_end += 1
                spans.append((i, suffix_end))
                i = suffix_end
            continue
        end = i + 1
        if char == ".":
            while end < length and text[end] == ".":
                end += 1
        spans.append((i, end))
        i = end
    return spans


def _word_end(text: str, start: int) -> int:
    i = start
    while i < len(text) and (is_word_char(text[i]) or _joins(text, i)):
        i += 1
    return i


def _joins(text: str, i: int) -> bool:
    """A hyphen between word characters, or a ``.``/``,`` between digits, stays inside the word."""
    if i + 1 >= len(text) or i == 0:
        return False
    before, char, after = text[i - 1], text[i], text[i + 1]
    if char in WORD_JOINERS:
        return is_word_char(before) and is_word_char(after)
    return char in NUMBER_JOINERS and before.isdigit() and after.isdigit()
