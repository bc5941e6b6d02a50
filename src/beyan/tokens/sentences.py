"""Sentence boundaries over tokens: deterministic rules, documented in docs/tokens.md.

A sentence never crosses a line break (in beyan's normalized text the title, subtitle,
paragraphs and cross-heads are lines of their own). Within a line, a sentence ends after
``.``, ``!``, ``?``, ``…`` or ``...`` (and any closing quotation marks or brackets written
right after it) when the next token begins with an upper-case letter, a digit or an opening
quotation mark, unless the period follows a known abbreviation (``Dr.``, ``Prof.``), a
single upper-case letter (an initial) or a number (a Turkish ordinal: ``2. Dünya Savaşı``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from beyan.tokens.tokenizer import Offsets

TERMINALS = frozenset({".", "!", "?", "…", "..."})
TERMINAL_CHARS = re.compile(r"\.+|[!?…]")
LINE_BREAK = re.compile(r"\n\s*")
CLOSERS = frozenset({'"', "”", "’", "'", "»", ")", "]"})
OPENERS = frozenset({'"', "“", "‘", "«", "(", "'"})
# Abbreviations that end in a period without ending the sentence (Turkish and English news).
ABBREVIATIONS = frozenset(
    {
        "dr", "prof", "doç", "av", "yrd", "sn", "vb", "vs", "bkz", "örn", "st", "gen", "org", "korg", "tümg",
        "tuğg", "alb", "yzb", "mr", "mrs", "ms", "no", "cad", "sok", "mah", "tel", "ltd", "şti", "inc", "jr",
    }
)  # fmt: skip


def sentence_starts(text: str, tokens: Sequence[Offsets]) -> list[int]:
    """Index of the first token of each sentence (``[0]`` for a one-sentence text, ``[]`` without tokens)."""
    if not tokens:
        return []
    token_starts = [start for start, _ in tokens]
    starts = {0}
    for match in LINE_BREAK.finditer(text):  # a token after a line break begins a sentence
        i = bisect.bisect_left(token_starts, match.end())
        if 0 < i < len(tokens):
            starts.add(i)
    for match in TERMINAL_CHARS.finditer(text):  # only a terminal can end a sentence within a line
        k = bisect.bisect_left(token_starts, match.start())
        if k >= len(tokens) or token_starts[k] != match.start():
            continue  # inside a token (1.000)
        i = k + 1
        while i < len(tokens) and _token(text, tokens, i) in CLOSERS and tokens[i - 1][1] == tokens[i][0]:
            i += 1
        if i < len(tokens) and "\n" not in text[tokens[i - 1][1] : tokens[i][0]] and _ends_sentence(text, tokens, i):
            starts.add(i)
    return sorted(starts)


def _ends_sentence(text: str, tokens: Sequence[Offsets], i: int) -> bool:
    """Whether a sentence ends before token ``i`` (on the same line as token ``i - 1``)."""
    k = i - 1
    while k > 0 and _token(text, tokens, k) in CLOSERS and tokens[k - 1][1] == tokens[k][0]:
        k -= 1  # closing marks written right after a word belong to the sentence they close
    if k < 0 or _token(text, tokens, k) not in TERMINALS:
        return False
    if _token(text, tokens, k) == "." and k > 0 and tokens[k - 1][1] == tokens[k][0]:
        before = _token(text, tokens, k - 1)
        if before.lower() in ABBREVIATIONS or (len(before) == 1 and before.isupper()) or before.isdigit():
            return False
    following = _token(text, tokens, i)
    return following[0].isupper() or following[0].isdigit() or following in OPENERS


def _token(text: str, tokens: Sequence[Offsets], i: int) -> str:
    start, end = tokens[i]
    return text[start:end]
