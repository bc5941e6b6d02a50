"""The ``tokens`` config: an article's gold statements as tokens and BIO tag layers, and back.

:func:`token_row` turns one row of config ``articles`` (statements nested) into one row of
config ``tokens``; :func:`statement_spans` turns it back into character spans per
statement. The two are inverse for every span whose ends fall on token boundaries; a span
that starts or ends inside a token is kept with ``exact = false`` and counted (docs/tokens.md).

Layers: the spans of top-level statements are tagged in layer 0, those of a statement
nested ``d`` levels deep in layer ``d``; a span that would overlap a different span of the
same role already in its layer moves up to the first layer where it fits. A span shared by
several statements (one speaker mention, two cues) is tagged once and listed once per
statement in ``spans``, which links every tagged span to its statements.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from beyan.issues import fail
from beyan.schema.v1 import SPAN_ROLE, TAG_ROLES, TAG_VOCABULARIES
from beyan.tokens.sentences import sentence_starts
from beyan.tokens.tokenizer import tokenize

ROLE_FIELDS: dict[str, str] = {role: f"{role}_spans" for role in TAG_ROLES}
TAG_FIELDS: dict[str, str] = {role: f"{role}_tags" for role in TAG_ROLES}

TokenRange = tuple[int, int]


@dataclass(slots=True)
class TokenViewSummary:
    """What the token view kept, summed over a build: every span exact, or how many were not."""

    articles: int = 0
    tokens: int = 0
    sentences: int = 0
    spans: int = 0
    exact: int = 0
    max_layers: int = 0
    moved_up: int = 0
    inexact_examples: list[str] = field(default_factory=list)

    def add(self, row: dict[str, Any], *, moved_up: int) -> None:
        self.articles += 1
        self.tokens += len(row["token_starts"])
        self.sentences += len(row["sentence_starts"])
        self.spans += len(row["spans"])
        self.exact += sum(span["exact"] for span in row["spans"])
        self.max_layers = max(self.max_layers, len(row["content_tags"]))
        self.moved_up += moved_up
        for span in row["spans"]:
            if not span["exact"] and len(self.inexact_examples) < 10:
                self.inexact_examples.append(f"{row['statement_ids'][span['statement']]} ({span['role']})")

    def merge(self, other: TokenViewSummary) -> None:
        self.articles += other.articles
        self.tokens += other.tokens
        self.sentences += other.sentences
        self.spans += other.spans
        self.exact += other.exact
        self.max_layers = max(self.max_layers, other.max_layers)
        self.moved_up += other.moved_up
        self.inexact_examples = (self.inexact_examples + other.inexact_examples)[:10]

    def to_state(self) -> dict[str, Any]:
        """Everything it holds, as JSON (builds cache it per shard)."""
        return {**self.to_dict(), "inexact_examples": list(self.inexact_examples)}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> TokenViewSummary:
        return cls(
            articles=state["articles"],
            tokens=state["tokens"],
            sentences=state["sentences"],
            spans=state["spans"],
            exact=state["spans_at_token_boundaries"],
            max_layers=state["max_layers"],
            moved_up=state["spans_moved_up_a_layer"],
            inexact_examples=list(state.get("inexact_examples", [])),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "tokens": self.tokens,
            "sentences": self.sentences,
            "spans": self.spans,
            "spans_at_token_boundaries": self.exact,
            "max_layers": self.max_layers,
            "spans_moved_up_a_layer": self.moved_up,
        }


def align(start: int, end: int, token_starts: Sequence[int], token_ends: Sequence[int]) -> tuple[int, int, bool]:
    """The tokens ``[first, last)`` covering characters ``[start, end)``, and whether they match exactly.

    A span touching no token (only whitespace) gives an empty range at the next token.
    """
    first = bisect.bisect_right(token_ends, start)
    last = bisect.bisect_left(token_starts, end)
    if first >= last:
        return first, first, False
    exact = token_starts[first] == start and token_ends[last - 1] == end
    return first, last, exact


def _depths(statements: Sequence[dict[str, Any]]) -> list[int]:
    """Nesting depth of each statement (0 for top level), following parent_statement_id."""
    index = {s["statement_id"]: i for i, s in enumerate(statements)}
    depths: list[int] = []
    for statement in statements:
        depth, seen, parent = 0, {statement["statement_id"]}, statement.get("parent_statement_id")
        while parent is not None and parent in index and parent not in seen:
            seen.add(parent)
            depth += 1
            parent = statements[index[parent]].get("parent_statement_id")
        depths.append(depth)
    return depths


def token_row(*, article_row: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    """The ``tokens`` row of one ``articles`` row (JSON form: labels as names).

    ``text`` is the article text to tokenize when ``article_row`` is a standoff row (no
    text): offsets and tags are published, the token strings are not.
    """
    return token_row_with_summary(article_row=article_row, text=text)[0]


def token_row_with_summary(*, article_row: dict[str, Any], text: str | None = None) -> tuple[dict[str, Any], int]:
    """:func:`token_row` and how many spans had to move up a layer to avoid an overlap."""
    published = article_row.get("text")
    full = published if published is not None else text
    if full is None:
        raise fail(
            "missing-text",
            (str(article_row.get("article_id")),),
            "a standoff article row cannot be tokenized without its text",
            hint="pass text= (the build has it), or hydrate the dataset first",
        )
    offsets = tokenize(full)
    starts = [start for start, _ in offsets]
    ends = [end for _, end in offsets]
    statements = sorted(
        article_row["statements"], key=lambda s: (min(c["start"] for c in s["content_spans"]), s["statement_id"])
    )  # text order, whatever order the row lists them in
    depths = _depths(statements)
    order = sorted(
        range(len(statements)),
        key=lambda i: (
            depths[i],
            min(s["start"] for s in statements[i]["content_spans"]),
            statements[i]["statement_id"],
        ),
    )
    placed: dict[str, dict[TokenRange, int]] = {role: {} for role in TAG_ROLES}
    layers_of: dict[str, list[list[TokenRange]]] = {role: [] for role in TAG_ROLES}
    spans: list[dict[str, Any]] = []
    moved_up = 0
    for i in order:
        for role in TAG_ROLES:
            for span in statements[i][ROLE_FIELDS[role]]:
                first, last, exact = align(span["start"], span["end"], starts, ends)
                layer = placed[role].get((first, last))
                if layer is None:
                    layer = _free_layer(layers_of[role], depths[i], (first, last))
                    moved_up += layer > depths[i]
                    if first < last:
                        placed[role][(first, last)] = layer
                spans.append(
                    {"statement": i, "role": role, "layer": layer, "start": first, "end": last, "exact": exact}
                )
    spans.sort(key=lambda s: (s["statement"], SPAN_ROLE.names.index(s["role"]), s["start"], s["end"]))
    layer_count = max([1, *(len(layers) for layers in layers_of.values())])
    row: dict[str, Any] = {
        "article_id": article_row["article_id"],
        "language": article_row["language"],
        "tokens": None if published is None else [full[start:end] for start, end in offsets],
        "token_starts": starts,
        "token_ends": ends,
        "sentence_starts": sentence_starts(full, offsets),
        "statement_ids": [s["statement_id"] for s in statements],
    }
    for role in TAG_ROLES:
        row[TAG_FIELDS[role]] = [_bio(layer, len(offsets), role) for layer in _padded(layers_of[role], layer_count)]
    row["spans"] = spans
    return row, moved_up


def _free_layer(layers: list[list[TokenRange]], lowest: int, span: TokenRange) -> int:
    """The first layer from ``lowest`` up where ``span`` overlaps no span already placed; places it there."""
    layer = lowest
    while True:
        while len(layers) <= layer:
            layers.append([])
        if span[0] == span[1]:
            return layer  # an empty range tags nothing
        if all(span[1] <= other[0] or other[1] <= span[0] for other in layers[layer]):
            layers[layer].append(span)
            return layer
        layer += 1


def _padded(layers: list[list[TokenRange]], count: int) -> list[list[TokenRange]]:
    return layers + [[] for _ in range(count - len(layers))]


def _bio(ranges: Iterable[TokenRange], length: int, role: str) -> list[str]:
    names = TAG_VOCABULARIES[role].names
    tags = [names[0]] * length
    for first, last in ranges:
        if first < last:
            tags[first] = names[1]
            for t in range(first + 1, last):
                tags[t] = names[2]
    return tags


def decode_bio(tags: Sequence[str | int]) -> list[TokenRange]:
    """Token ranges ``[start, end)`` of the spans in one BIO layer (names or ClassLabel indices).

    As in conlleval, an I tag that follows O begins a span.
    """
    ranges: list[TokenRange] = []
    begin: int | None = None
    for t, tag in enumerate(tags):
        kind = _tag_kind(tag)
        if kind == "B" or (kind == "I" and begin is None):
            if begin is not None:
                ranges.append((begin, t))
            begin = t
        elif kind == "O" and begin is not None:
            ranges.append((begin, t))
            begin = None
    if begin is not None:
        ranges.append((begin, len(tags)))
    return ranges


def _tag_kind(tag: str | int) -> str:
    if isinstance(tag, int):
        return "OBI"[tag]
    return tag[0]


def statement_spans(row: dict[str, Any], *, text: str | None = None) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Character spans per statement id and role field, recovered from a ``tokens`` row.

    ``{statement_id: {"content_spans": [{"start", "end", "text"}, ...], "speaker_spans": ...}}``;
    ``text`` fills in span texts (else they come from the tokens, or are null for standoff rows).
    Role names may be given as names or as ClassLabel indices (as Parquet stores them).
    """
    starts, ends = row["token_starts"], row["token_ends"]
    out: dict[str, dict[str, list[dict[str, Any]]]] = {
        statement_id: {name: [] for name in ROLE_FIELDS.values()} for statement_id in row["statement_ids"]
    }
    for span in row["spans"]:
        role = span["role"] if isinstance(span["role"], str) else SPAN_ROLE.names[span["role"]]
        first, last = span["start"], span["end"]
        if first < last:
            start, end = starts[first], ends[last - 1]
        else:
            start = end = starts[first] if first < len(starts) else (ends[-1] if ends else 0)
        out[row["statement_ids"][span["statement"]]][ROLE_FIELDS[role]].append(
            {"start": start, "end": end, "text": _span_text(row, first, last, start, end, text)}
        )
    return out


def _span_text(row: dict[str, Any], first: int, last: int, start: int, end: int, text: str | None) -> str | None:
    if text is not None:
        return text[start:end]
    tokens = row.get("tokens")
    if tokens is None:
        return None
    pieces: list[str] = []
    for t in range(first, last):
        if t > first:
            pieces.append(" " * (row["token_starts"][t] - row["token_ends"][t - 1]))
        pieces.append(tokens[t])
    return "".join(pieces)  # whitespace between tokens is restored as spaces
