"""A deterministic, documented word tokenizer for news text (Turkish first), with code-point offsets.

The rules, applied left to right (whitespace separates tokens and is never part of one):

1. A **word** is a run of letters, digits and combining marks. A hyphen between two of
   them stays inside the word (``Son-hui``, ``Jong-un``); so does a ``.`` or ``,`` between
   two decimal digits (``1.000``, ``3,5``).
2. An **apostrophe suffix** is its own token, apostrophe included: ``Rusya'nın`` gives
   ``Rusya`` ``'nın``, ``1949'da`` gives ``1949`` ``'da`` (``'`` or ``’`` between a word
   character and a letter begins it). Turkish writes case and possessive suffixes of proper names after an
   apostrophe; keeping them apart lets a span end at the name or after the suffix, and the
   word is the two tokens that touch (``token_ends[i] == token_starts[i + 1]``). This is
   the treatment the Penn Treebank gives English ``John 's``.
3. Every other character is a token of its own: punctuation is split off (``dedi.`` gives
   ``dedi`` ``.``, ``Choe:`` gives ``Choe`` ``:``, quotation marks are tokens), except a
   run of periods (``...``), which is one token.

The same text always gives the same tokens; no model or lexicon is involved. The rules are
one regular expression (:data:`TOKEN`, with the ``regex`` module's Unicode classes).
"""

from __future__ import annotations

import functools

import regex

APOSTROPHES = frozenset("'’")

_WORD = r"[\p{L}\p{M}\p{N}]"
TOKEN = regex.compile(
    rf"{_WORD}+(?:(?:[-‐]|(?<=\p{{Nd}})[.,](?=\p{{Nd}})){_WORD}+)*"  # a word: Son-hui, 1.000, 3,5
    rf"|(?<={_WORD})['’](?=\p{{L}}){_WORD}*"  # an apostrophe suffix: 'nın
    r"|\.+"  # a run of periods
    r"|\S"  # any other character
)

Offsets = tuple[int, int]


def tokenize(text: str) -> list[Offsets]:
    """Token offsets ``(start, end)`` into ``text``, in code points; ``text[start:end]`` is the token."""
    return list(_tokenize(text))


@functools.lru_cache(maxsize=4)
def _tokenize(text: str) -> tuple[Offsets, ...]:
    # A build tokenizes each article twice (config tokens, the extractor's baseline): the second is a lookup.
    return tuple(match.span() for match in TOKEN.finditer(text))
