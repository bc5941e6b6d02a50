"""Checks on rows of configs ``tokens`` and ``labels``: shapes, offsets, and tags that agree with ``spans``.

Called by :mod:`beyan.validation` for every file of those configs; problems are reported
with the file, the row and the field, like every other check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pyarrow as pa

from beyan.issues import Issues
from beyan.labels import label_rows
from beyan.schema.v1 import SPAN_ROLE, TAG_ROLES
from beyan.tokens.view import TAG_FIELDS, decode_bio


@dataclass(slots=True)
class TokenRowChecker:
    """Meaning checks over ``tokens`` rows; article and statement ids are tracked across files."""

    issues: Issues
    article_ids: set[str] = field(default_factory=set)
    statement_ids: set[str] = field(default_factory=set)

    def check(self, table: pa.Table, where: tuple[str, ...], *, offset: int = 0) -> None:
        for number, row in enumerate(table.to_pylist(), start=offset):
            self.check_row(row, (*where, f"row {number} ({row.get('article_id')})"))

    def check_row(self, row: dict[str, Any], at: tuple[str, ...]) -> None:
        article_id = row["article_id"]
        if article_id in self.article_ids:
            self.issues.error("duplicate-id", at, "article id used twice", found=article_id)
        self.article_ids.add(article_id)
        for statement_id in row["statement_ids"] or []:
            if statement_id in self.statement_ids:
                self.issues.error("duplicate-id", (*at, "statement_ids"), "statement id used twice", found=statement_id)
            self.statement_ids.add(statement_id)
        starts, ends = row["token_starts"] or [], row["token_ends"] or []
        count = len(starts)
        if len(ends) != count or (row["tokens"] is not None and len(row["tokens"]) != count):
            self.issues.error(
                "length-mismatch",
                at,
                "tokens, token_starts and token_ends must have one entry per token",
                expected=f"{count} each",
                found=f"tokens {len(row['tokens'] or [])}, token_starts {count}, token_ends {len(ends)}",
            )
            return
        self._check_offsets(starts, ends, row["tokens"], at)
        self._check_sentences(row["sentence_starts"] or [], count, at)
        layers = self._check_tags(row, count, at)
        if layers is not None:
            self._check_spans(row, count, layers, at)

    def _check_offsets(self, starts: list[int], ends: list[int], tokens: list[str] | None, at: tuple[str, ...]) -> None:
        previous_end = 0
        for t, (start, end) in enumerate(zip(starts, ends, strict=True)):
            if not previous_end <= start < end:
                self.issues.error(
                    "invalid-offsets",
                    (*at, f"token {t}"),
                    "token offsets must be non-empty, in order and not overlapping",
                    expected=f"{previous_end} <= start < end",
                    found=f"[{start}, {end})",
                )
                return
            if tokens is not None and len(tokens[t]) != end - start:
                self.issues.error(
                    "token-text-mismatch",
                    (*at, f"token {t}"),
                    "the token's length is not its offsets' width",
                    expected=str(end - start),
                    found=repr(tokens[t]),
                )
                return
            previous_end = end

    def _check_sentences(self, sentence_starts: list[int], count: int, at: tuple[str, ...]) -> None:
        expected_first = [0] if count else []
        if (
            sentence_starts[:1] != expected_first
            or any(not a < b for a, b in pairwise(sentence_starts))
            or any(s >= count for s in sentence_starts)
        ):
            self.issues.error(
                "invalid-sentences",
                (*at, "sentence_starts"),
                "sentence starts must be increasing token indices beginning at 0",
                found=str(sentence_starts[:10]),
            )

    def _check_tags(self, row: dict[str, Any], count: int, at: tuple[str, ...]) -> int | None:
        layer_counts = {role: len(row[TAG_FIELDS[role]] or []) for role in TAG_ROLES}
        if len(set(layer_counts.values())) != 1 or min(layer_counts.values()) < 1:
            self.issues.error(
                "invalid-tags",
                at,
                "every role needs the same number of tag layers, at least one",
                found=str(layer_counts),
            )
            return None
        for role in TAG_ROLES:
            for layer, tags in enumerate(row[TAG_FIELDS[role]]):
                where = (*at, f"{TAG_FIELDS[role]}[{layer}]")
                if len(tags) != count:
                    self.issues.error(
                        "length-mismatch",
                        where,
                        "a tag layer needs one tag per token",
                        expected=str(count),
                        found=str(len(tags)),
                    )
                    return None
                if any(tag is None or not 0 <= tag <= 2 for tag in tags):
                    self.issues.error("unknown-label", where, f"tag index outside {role}_tag", expected="0..2")
                    return None
        return layer_counts[TAG_ROLES[0]]

    def _check_spans(self, row: dict[str, Any], count: int, layers: int, at: tuple[str, ...]) -> None:
        statements = len(row["statement_ids"] or [])
        listed: dict[tuple[str, int], set[tuple[int, int]]] = {}
        for n, span in enumerate(row["spans"] or []):
            role = _role_name(span["role"])
            if (
                role is None
                or not 0 <= span["statement"] < statements
                or not 0 <= span["layer"] < layers
                or not 0 <= span["start"] <= span["end"] <= count
            ):
                self.issues.error(
                    "invalid-value",
                    (*at, f"spans[{n}]"),
                    "a token span must name a statement, a role, a layer and tokens of this row",
                    expected=f"statement < {statements}, layer < {layers}, 0 <= start <= end <= {count}",
                    found=str(span),
                )
                return
            if span["start"] < span["end"]:
                listed.setdefault((role, span["layer"]), set()).add((span["start"], span["end"]))
        for role in TAG_ROLES:
            for layer, tags in enumerate(row[TAG_FIELDS[role]]):
                tagged = set(decode_bio(tags))
                expected = listed.get((role, layer), set())
                if tagged != expected:
                    self.issues.error(
                        "tags-spans-mismatch",
                        (*at, f"{TAG_FIELDS[role]}[{layer}]"),
                        "the tags do not mark exactly the spans listed for this role and layer",
                        expected=str(sorted(expected)[:5]),
                        found=str(sorted(tagged)[:5]),
                    )


def _role_name(role: Any) -> str | None:
    if isinstance(role, int) and 0 <= role < len(SPAN_ROLE.labels):
        return SPAN_ROLE.names[role]
    return role if isinstance(role, str) and role in SPAN_ROLE.names else None


def check_label_table(rows: Sequence[dict[str, Any]], issues: Issues, where: tuple[str, ...]) -> None:
    """The ``labels`` rows must be exactly the schema's labels (a renamed or missing label misnames data)."""
    expected = {(r["vocabulary"], r["index"]): r for r in label_rows()}
    found = {(r["vocabulary"], r["index"]): r for r in rows}
    for key in sorted(set(expected) | set(found)):
        if expected.get(key) != found.get(key):
            issues.error(
                "labels-mismatch",
                (*where, f"{key[0]} {key[1]}"),
                "the labels table differs from the schema's vocabularies",
                expected=str(expected.get(key, {}).get("name")),
                found=str(found.get(key, {}).get("name")),
                hint="rebuild with `beyan build`",
            )
