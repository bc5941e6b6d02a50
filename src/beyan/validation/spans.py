"""Span checks over whole Arrow arrays: offsets present and in range, start < end, text at the offsets.

Every span of a span column is classified at once (:func:`span_problems`); Python only
sees the spans that have a problem. The text a span should carry is compared as bytes:
the span's start is turned into a byte offset of its article text, and the span's own
text must have ``end - start`` code points and equal the article's bytes from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from beyan.validation.utf8 import Flags, Ints, Utf8Texts, numbers, valid

# Problems, one per span; when several apply, the first in this order is reported.
NONE, MISSING_OFFSET, EMPTY, OUT_OF_RANGE, TEXT_MISMATCH, STANDOFF_LEAK = range(6)


@dataclass(slots=True)
class SpanCheck:
    """One span column of a group of rows, checked: its spans, the row of each, and each one's problem."""

    column: str
    spans: pa.Array
    rows: Ints
    problems: npt.NDArray[np.int8]
    texts: Utf8Texts
    text_of_row: Ints

    def __len__(self) -> int:
        return len(self.spans)


def check_span_columns(
    columns: pa.Table, *, names: Sequence[str], text_of_row: Ints, texts: Utf8Texts
) -> list[SpanCheck]:
    """The span columns ``names`` of ``columns``; row r's text is ``texts[text_of_row[r]]`` (-1: none)."""
    checks = []
    for name in names:
        column = columns.column(name)
        spans = pc.list_flatten(column)
        spans = spans.combine_chunks() if isinstance(spans, pa.ChunkedArray) else spans
        rows = np.asarray(pc.list_parent_indices(column), dtype=np.int64)
        problems = (
            span_problems(spans=spans, text_of_span=text_of_row[rows], texts=texts)
            if len(spans)
            else np.zeros(0, dtype=np.int8)
        )
        checks.append(SpanCheck(name, spans, rows, problems, texts, text_of_row))
    return checks


def check_context_spans(table: pa.Table, *, names: Sequence[str]) -> list[SpanCheck]:
    """The span columns of rows of config ``statements``, against each row's ``article_text``."""
    texts, text_of_row = texts_by_row(table.column("article_text"))
    return check_span_columns(table, names=names, text_of_row=text_of_row, texts=texts)


def texts_by_row(column: pa.ChunkedArray) -> tuple[Utf8Texts, Ints]:
    """The distinct texts of a text column and, per row, the index of its text (-1 for null).

    A dictionary column (``article_text`` read with ``read_dictionary``) gives each chunk's
    dictionary once, so an article's text is mapped once per row group, not once per row;
    a plain column (a ``datasets`` table) is dictionary-encoded first, for the same reason.
    """
    if not pa.types.is_dictionary(column.type):
        column = pa.chunked_array([pa.chunked_array(pc.dictionary_encode(column)).combine_chunks()])
    rows, base = [], 0
    for chunk in column.chunks:
        rows.append(np.where(valid(chunk.indices), numbers(chunk.indices) + base, -1))
        base += len(chunk.dictionary)
    texts = Utf8Texts.concatenated([chunk.dictionary for chunk in column.chunks])
    return texts, np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)


def span_problems(*, spans: pa.Array, text_of_span: Ints, texts: Utf8Texts) -> npt.NDArray[np.int8]:
    """The problem (``NONE`` ... ``STANDOFF_LEAK``) of each span of a flattened span column.

    ``text_of_span[k]`` is the index in ``texts`` of span k's article text, or -1 when its
    row has none (a standoff row); a null text counts as none. A span is compared with its
    text only when it has offsets, is not empty and lies inside the text; a span without
    a text must carry no text of its own.
    """
    count = len(spans)
    starts, ends, own_texts = (pc.struct_field(spans, name) for name in ("start", "end", "text"))
    start, end = numbers(starts), numbers(ends)
    missing = ~(valid(starts) & valid(ends))
    empty = ~missing & (end <= start)
    known = text_of_span >= 0
    which = np.where(known, text_of_span, 0)
    if len(texts.valid):
        has_text, limit = known & texts.valid[which], texts.code_points.lengths[which]
    else:
        has_text, limit = np.zeros(count, dtype=np.bool_), np.zeros(count, dtype=np.int64)
    open_ = ~missing & ~empty
    outside = open_ & has_text & ((start < 0) | (end > limit))
    compared = np.flatnonzero(open_ & has_text & ~outside)
    problem = np.zeros(count, dtype=np.int8)
    problem[open_ & ~has_text & valid(own_texts)] = STANDOFF_LEAK
    problem[outside] = OUT_OF_RANGE
    problem[empty] = EMPTY
    problem[missing] = MISSING_OFFSET
    if compared.size:
        same = _same_text(texts, which[compared], start[compared], end[compared], own_texts, compared)
        problem[compared[~same]] = TEXT_MISMATCH
    return problem


def _same_text(texts: Utf8Texts, which: Ints, start: Ints, end: Ints, own: pa.Array, rows: Ints) -> Flags:
    """Whether the own text of spans ``rows`` equals code points [start, end) of their article text.

    Only the start is turned into a byte offset: the span's own bytes are compared from
    there, and the article bytes they cover must hold ``end - start`` code points.
    """
    code_points = texts.code_points
    byte_start, continuations_at_start = code_points.byte_offsets(which, start)
    own_bytes = numbers(pc.binary_length(own))[rows]
    byte_end = np.minimum(byte_start + own_bytes, texts.ends[which])
    covered = (byte_end - byte_start) - (code_points.continuations_before(byte_end) - continuations_at_start)
    fits = valid(own)[rows] & (byte_end - byte_start == own_bytes) & (covered == end - start)
    if not texts.viewable:  # beyond string_view's int32 offsets: compare in Python
        wanted = own.take(rows).to_pylist()
        in_python = [
            bool(fit) and bytes(texts.data[b:e]) == wanted[k].encode("utf-8")
            for k, (fit, b, e) in enumerate(zip(fits.tolist(), byte_start.tolist(), byte_end.tolist(), strict=True))
        ]
        return np.array(in_python, dtype=np.bool_)
    expected = np.zeros(len(own), dtype=np.int64), np.zeros(len(own), dtype=np.int64)
    expected[0][rows] = byte_start
    expected[1][rows] = np.where(fits, byte_end, byte_start)
    equal = pc.equal(texts.views(*expected), own.cast(pa.string_view()))
    same: Flags = np.asarray(pc.fill_null(equal, False), dtype=np.bool_)[rows]
    result: Flags = fits & same
    return result
