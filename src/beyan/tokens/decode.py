"""From a tagger's BIO tags back to statements in the ``statements`` row shape, for ``beyan evaluate``.

A tagger trained on layer 0 of config ``tokens`` predicts one tag sequence per role. Each
predicted content span becomes a statement; the speaker, cue and addressee spans nearest to
it on the same line (in tokens, before or after) are linked to it. The quote type is
``direct`` when the content is enclosed in quotation marks or follows a colon, else
``indirect``. Simple on purpose: a baseline's linking, easy to replace.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from typing import Any

from beyan.tokens.view import TokenRange, decode_bio

QUOTE_MARKS = frozenset({'"', "“", "”", "«", "»", "‘", "’"})
LINKED_ROLES = ("speaker", "cue", "addressee")


def statements_from_tags(
    *, row: Mapping[str, Any], tags: Mapping[str, Sequence[str | int]], text: str | None = None
) -> list[dict[str, Any]]:
    """Statement rows from predicted tags per role (names or ClassLabel indices, one per token).

    ``row`` is a ``tokens`` row (offsets, tokens); ``text`` gives span texts (else they
    come from the tokens, or are null).
    """
    starts, ends = row["token_starts"], row["token_ends"]
    words = row.get("tokens")
    lines = _line_starts(starts, ends, text, words)
    found = {role: decode_bio(tags.get(role, [])) for role in ("content", *LINKED_ROLES)}
    rows: list[dict[str, Any]] = []
    for content in found["content"]:
        line = bisect.bisect_right(lines, content[0]) - 1
        statement: dict[str, Any] = {
            "article_id": row["article_id"],
            "quote_type": _quote_type(content, words, text, starts, ends),
            "content_spans": [_span(content, starts, ends, text, words)],
        }
        for role in LINKED_ROLES:
            nearest = _nearest(content, [r for r in found[role] if bisect.bisect_right(lines, r[0]) - 1 == line])
            statement[f"{role}_spans"] = [] if nearest is None else [_span(nearest, starts, ends, text, words)]
        statement["speaker_unknown"] = not statement["speaker_spans"]
        rows.append(statement)
    return rows


def _line_starts(
    starts: Sequence[int], ends: Sequence[int], text: str | None, words: Sequence[str] | None
) -> list[int]:
    """Token indices that begin a line (without the text, every token is on line 0)."""
    if text is None:
        return [0]
    return [0] + [t for t in range(1, len(starts)) if "\n" in text[ends[t - 1] : starts[t]]]


def _nearest(content: TokenRange, candidates: list[TokenRange]) -> TokenRange | None:
    def distance(span: TokenRange) -> tuple[int, int]:
        gap = content[0] - span[1] if span[1] <= content[0] else span[0] - content[1] if span[0] >= content[1] else 0
        return (gap, span[0])

    return min(candidates, key=distance) if candidates else None


def _token(t: int, words: Sequence[str] | None, text: str | None, starts: Sequence[int], ends: Sequence[int]) -> str:
    if 0 <= t < len(starts):
        if words is not None:
            return words[t]
        if text is not None:
            return text[starts[t] : ends[t]]
    return ""


def _quote_type(
    content: TokenRange, words: Sequence[str] | None, text: str | None, starts: Sequence[int], ends: Sequence[int]
) -> str:
    before = _token(content[0] - 1, words, text, starts, ends)
    after = _token(content[1], words, text, starts, ends)
    return "direct" if before == ":" or (before in QUOTE_MARKS and after in QUOTE_MARKS) else "indirect"


def _span(
    tokens: TokenRange, starts: Sequence[int], ends: Sequence[int], text: str | None, words: Sequence[str] | None
) -> dict[str, Any]:
    start, end = starts[tokens[0]], ends[tokens[1] - 1]
    if text is not None:
        return {"start": start, "end": end, "text": text[start:end]}
    if words is None:
        return {"start": start, "end": end, "text": None}
    pieces = [words[tokens[0]]]
    for t in range(tokens[0] + 1, tokens[1]):
        pieces.append(" " * (starts[t] - ends[t - 1]) + words[t])
    return {"start": start, "end": end, "text": "".join(pieces) if "\n" not in "".join(pieces) else None}
