"""Checks on rows of configs ``tokens`` and ``labels``: shapes, offsets, and tags that agree with ``spans``.

Called by :mod:`beyan.validation` for every file of those configs; problems are reported
with the file, the row and the field, like every other check. Token-level checks run on
whole columns with NumPy (a million statements carry tens of millions of tags); only
ids and sentence starts are looked at row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from beyan.issues import Issues
from beyan.labels import label_rows
from beyan.schema.v1 import SPAN_ROLE, TAG_ROLES
from beyan.tokens.view import TAG_FIELDS


def _ints(array: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, np.dtype[np.int64]]:
    """An integer column as int64 NumPy, nulls as -1."""
    if array.null_count:
        array = pc.fill_null(array, -1)
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=np.int64)


@dataclass(slots=True)
class TokenRowChecker:
    """Meaning checks over ``tokens`` rows; article and statement ids are tracked across files."""

    issues: Issues
    article_ids: set[str] = field(default_factory=set)
    statement_ids: set[str] = field(default_factory=set)

    def check(self, table: pa.Table, where: tuple[str, ...], *, offset: int = 0) -> None:
        table = table.combine_chunks()
        ids = table.column("article_id").to_pylist()

        def at(row: int) -> tuple[str, ...]:
            return (*where, f"row {row + offset} ({ids[row]})")

        self._check_ids(ids, table.column("statement_ids").to_pylist(), at)
        counts = _ints(pc.list_value_length(table.column("token_starts")))
        broken = self._check_lengths(table, counts, at)
        self._check_offsets(table, counts, broken, at)
        self._check_sentences(table.column("sentence_starts"), counts, at)
        layers = self._check_tags(table, counts, broken, at)
        self._check_spans(table, counts, layers, broken, at)

    def _check_ids(self, ids: list[str], statement_ids: list[list[str] | None], at: Any) -> None:
        for row, (article_id, statements) in enumerate(zip(ids, statement_ids, strict=True)):
            if article_id in self.article_ids:
                self.issues.error("duplicate-id", at(row), "article id used twice", found=article_id)
            self.article_ids.add(article_id)
            for statement_id in statements or []:
                if statement_id in self.statement_ids:
                    self.issues.error(
                        "duplicate-id", (*at(row), "statement_ids"), "statement id used twice", found=statement_id
                    )
                self.statement_ids.add(statement_id)

    def _check_lengths(self, table: pa.Table, counts: np.ndarray[Any, Any], at: Any) -> set[int]:
        """Rows whose token lists differ in length (the other checks skip them)."""
        ends = _ints(pc.list_value_length(table.column("token_ends")))
        tokens = table.column("tokens")
        words = _ints(pc.list_value_length(tokens))
        has_words = np.asarray(pc.is_valid(tokens).to_numpy(zero_copy_only=False), dtype=bool)
        bad = (ends != counts) | (has_words & (words != counts))
        for row in np.flatnonzero(bad).tolist():
            self.issues.error(
                "length-mismatch",
                at(row),
                "tokens, token_starts and token_ends must have one entry per token",
                expected=f"{counts[row]} each",
                found=f"tokens {max(words[row], 0)}, token_starts {counts[row]}, token_ends {ends[row]}",
            )
        return set(np.flatnonzero(bad).tolist())

    def _check_offsets(self, table: pa.Table, counts: np.ndarray[Any, Any], broken: set[int], at: Any) -> None:
        starts = _ints(pc.list_flatten(table.column("token_starts")))
        ends = _ints(pc.list_flatten(table.column("token_ends")))
        if len(starts) != len(ends):
            return  # reported as length-mismatch
        rows = np.repeat(np.arange(len(counts)), counts)
        first = np.ones(len(starts), dtype=bool)
        first[1:] = rows[1:] != rows[:-1]
        previous_end = np.where(first, 0, np.concatenate(([0], ends[:-1])))
        bad = (starts < previous_end) | (ends <= starts)
        tokens = table.column("tokens")
        if pc.any(pc.is_valid(tokens)).as_py():
            lengths = np.full(len(starts), -1, dtype=np.int64)
            valid_rows = np.asarray(pc.is_valid(tokens).to_numpy(zero_copy_only=False), dtype=bool)
            mask = valid_rows[rows]
            lengths[mask] = _ints(pc.utf8_length(pc.list_flatten(tokens)))
            bad |= mask & (lengths != ends - starts)
        for row in sorted({int(r) for r in rows[bad]} - broken):
            t = int(np.flatnonzero(bad & (rows == row))[0] - np.flatnonzero(rows == row)[0])
            self.issues.error(
                "invalid-offsets",
                (*at(row), f"token {t}"),
                "token offsets must be non-empty, in order, not overlapping, and as wide as the token",
                found=str(table.column("tokens")[row].as_py()[t] if tokens[row].is_valid else None),
            )

    def _check_sentences(self, column: pa.Array | pa.ChunkedArray, counts: np.ndarray[Any, Any], at: Any) -> None:
        """Sentence starts: increasing token indices beginning at 0 (none in a row without tokens)."""
        lengths = np.maximum(_ints(pc.list_value_length(column)), 0)  # a null list counts as empty
        starts = _ints(pc.list_flatten(column))
        owner = np.repeat(np.arange(len(counts)), lengths)
        first = np.ones(len(starts), dtype=bool)
        first[1:] = owner[1:] != owner[:-1]
        bad_rows = (counts > 0) != (lengths > 0)
        bad_rows[owner[first & (starts != 0)]] = True
        bad_rows[owner[(starts >= counts[owner]) | (~first & (starts <= np.concatenate(([0], starts[:-1]))))]] = True
        for row in np.flatnonzero(bad_rows).tolist():
            self.issues.error(
                "invalid-sentences",
                (*at(row), "sentence_starts"),
                "sentence starts must be increasing token indices beginning at 0",
                found=str((column[row].as_py() or [])[:10]),
            )

    def _check_tags(
        self, table: pa.Table, counts: np.ndarray[Any, Any], broken: set[int], at: Any
    ) -> np.ndarray[Any, Any] | None:
        """Every role has as many layers (at least one), each one tag per token, each 0, 1 or 2."""
        layer_counts = {role: _ints(pc.list_value_length(table.column(TAG_FIELDS[role]))) for role in TAG_ROLES}
        layers = layer_counts[TAG_ROLES[0]]
        uneven = np.zeros(len(counts), dtype=bool)
        for role in TAG_ROLES:
            uneven |= layer_counts[role] != layers
        uneven |= layers < 1
        for row in np.flatnonzero(uneven).tolist():
            self.issues.error(
                "invalid-tags",
                at(row),
                "every role needs the same number of tag layers, at least one",
                found=str({role: int(layer_counts[role][row]) for role in TAG_ROLES}),
            )
            broken.add(row)
        for role in TAG_ROLES:
            column = table.column(TAG_FIELDS[role])
            inner = pc.list_flatten(column)
            owner = _ints(pc.list_parent_indices(column))
            wrong_length = _ints(pc.list_value_length(inner)) != counts[owner]
            values = _ints(pc.list_flatten(inner))
            value_owner = owner[_ints(pc.list_parent_indices(inner))]
            bad_rows = {int(r) for r in owner[wrong_length]} | {
                int(r) for r in value_owner[(values < 0) | (values > 2)]
            }
            for row in sorted(bad_rows - broken):
                self.issues.error(
                    "invalid-tags",
                    (*at(row), TAG_FIELDS[role]),
                    f"each layer needs one tag per token, each an index of {role}_tag",
                    expected=f"{counts[row]} tags in 0..2",
                )
            broken |= bad_rows
        return layers

    def _check_spans(
        self,
        table: pa.Table,
        counts: np.ndarray[Any, Any],
        layers: np.ndarray[Any, Any] | None,
        broken: set[int],
        at: Any,
    ) -> None:
        if layers is None:
            return
        listed_keys = self._listed_spans(table, counts, layers, broken, at)
        tagged_keys = self._tagged_spans(table)
        if _same_rows(listed_keys, tagged_keys):  # the usual case, decided in NumPy
            return
        listed: set[tuple[int, ...]] = {tuple(key) for key in cast(list[list[int]], listed_keys.tolist())}
        tagged: set[tuple[int, ...]] = {tuple(key) for key in cast(list[list[int]], tagged_keys.tolist())}
        mismatched: dict[tuple[int, int, int], tuple[set[tuple[int, int]], set[tuple[int, int]]]] = {}
        for key in listed ^ tagged:
            row, role, layer, start, end = key
            if row in broken:
                continue
            want, got = mismatched.setdefault((row, role, layer), (set(), set()))
            (want if key in listed else got).add((start, end))
        for (row, role, layer), (want, got) in sorted(mismatched.items()):
            name = TAG_FIELDS[SPAN_ROLE.names[role]]
            self.issues.error(
                "tags-spans-mismatch",
                (*at(row), f"{name}[{layer}]"),
                "the tags do not mark exactly the spans listed for this role and layer",
                expected=f"also {sorted(want)[:5]}" if want else "none of these",
                found=f"tagged only {sorted(got)[:5]}" if got else "these untagged",
            )

    def _listed_spans(
        self, table: pa.Table, counts: np.ndarray[Any, Any], layers: np.ndarray[Any, Any], broken: set[int], at: Any
    ) -> np.ndarray[Any, np.dtype[np.int64]]:
        """The spans the rows list, one (row, role, layer, start, end) key a line."""
        column = table.column("spans")
        flat = pc.list_flatten(column)
        if len(flat) == 0:
            return _NO_KEYS
        rows = _ints(pc.list_parent_indices(column))
        fields = {name: _ints(pc.struct_field(flat, name)) for name in ("statement", "role", "layer", "start", "end")}
        statements = _ints(pc.list_value_length(table.column("statement_ids")))
        bad = (
            (fields["statement"] < 0)
            | (fields["statement"] >= statements[rows])
            | (fields["role"] < 0)
            | (fields["role"] >= len(SPAN_ROLE.labels))
            | (fields["layer"] < 0)
            | (fields["layer"] >= layers[rows])
            | (fields["start"] < 0)
            | (fields["start"] > fields["end"])
            | (fields["end"] > counts[rows])
        )
        for row in sorted({int(r) for r in rows[bad]} - broken):
            index = int(np.flatnonzero(bad & (rows == row))[0] - np.flatnonzero(rows == row)[0])
            self.issues.error(
                "invalid-value",
                (*at(row), f"spans[{index}]"),
                "a token span must name a statement, a role, a layer and tokens of this row",
                expected=f"statement < {statements[row]}, layer < {layers[row]}, 0 <= start <= end <= {counts[row]}",
                found=str(column[row].as_py()[index]),
            )
            broken.add(row)
        keep = ~bad & (fields["start"] < fields["end"])
        return np.column_stack(
            [rows[keep], fields["role"][keep], fields["layer"][keep], fields["start"][keep], fields["end"][keep]]
        )

    def _tagged_spans(self, table: pa.Table) -> np.ndarray[Any, np.dtype[np.int64]]:
        """BIO spans of every layer of every role (an I after O begins a span, as in conlleval), one key a line."""
        found: list[np.ndarray[Any, np.dtype[np.int64]]] = [_NO_KEYS]
        for role in TAG_ROLES:
            column = table.column(TAG_FIELDS[role])
            inner = pc.list_flatten(column)
            values = _ints(pc.list_flatten(inner))
            if not len(values):
                continue
            owner = _ints(pc.list_parent_indices(column))
            layer_of = _ints(pc.list_parent_indices(inner))
            layer_starts = np.concatenate(([0], np.cumsum(_ints(pc.list_value_length(inner)))[:-1]))
            position = np.arange(len(values)) - layer_starts[layer_of]
            layer_in_row = np.arange(len(owner)) - np.searchsorted(owner, owner, side="left")
            previous = np.concatenate(([0], values[:-1]))
            previous[position == 0] = 0
            begins = (values == 1) | ((values == 2) & (previous == 0))
            tagged = np.flatnonzero(values != 0)
            span_of = np.cumsum(begins)[tagged]
            boundaries = np.flatnonzero(np.diff(span_of)) + 1
            firsts = tagged[np.concatenate(([0], boundaries))] if len(tagged) else tagged
            lasts = tagged[np.concatenate((boundaries - 1, [len(tagged) - 1]))] if len(tagged) else tagged
            layers = layer_of[firsts]
            found.append(
                np.column_stack(
                    [
                        owner[layers],
                        np.full(len(firsts), SPAN_ROLE.names.index(role), dtype=np.int64),
                        layer_in_row[layers],
                        position[firsts],
                        position[lasts] + 1,
                    ]
                )
            )
        return np.concatenate(found)


_NO_KEYS: np.ndarray[Any, np.dtype[np.int64]] = np.zeros((0, 5), dtype=np.int64)


def _same_rows(a: np.ndarray[Any, np.dtype[np.int64]], b: np.ndarray[Any, np.dtype[np.int64]]) -> bool:
    """Whether two arrays of non-negative keys hold the same set of lines (duplicates and order aside).

    Each line is packed into one integer where the columns' widths allow (always, for rows
    of real articles), so the sets are compared by sorting plain integers.
    """
    both = np.concatenate((a, b))
    if not len(both):
        return True
    widths = [max(int(value), 1).bit_length() for value in both.max(axis=0)]
    if sum(widths) > 63:
        a, b = np.unique(a, axis=0), np.unique(b, axis=0)
        return a.shape == b.shape and bool((a == b).all())
    shifts = np.cumsum([0, *widths[:0:-1]])[::-1].astype(np.int64)
    packed_a, packed_b = (np.unique((keys << shifts).sum(axis=1)) for keys in (a, b))
    return packed_a.shape == packed_b.shape and bool((packed_a == packed_b).all())


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
