"""Span checks over whole Arrow arrays: offsets present and in range, start < end, text at the offsets.

A span's offsets count code points of its article's text; Arrow keeps that text as UTF-8.
Every span of a batch is classified at once: each code-point offset is turned into a byte
offset with word-wide bit counts over the text buffer (no per-character array), the text
each span should carry is a zero-copy ``string_view`` into that buffer, and one
``pyarrow.compute.equal`` compares them all with the spans' own texts. Python only sees
the spans that have a problem.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]

# Problems, one per span; when several apply, the first in this order is reported.
NONE, MISSING_OFFSET, EMPTY, OUT_OF_RANGE, TEXT_MISMATCH, STANDOFF_LEAK = range(6)

_CONTINUATION = np.uint64(0x8080808080808080)  # bit 7 of every byte: set for 10xxxxxx after the mask below
_BYTES_BELOW = np.array([(1 << (8 * r)) - 1 for r in range(8)], dtype=np.uint64)  # little-endian bytes 0..r-1
_PADDING = 16  # zero bytes after the text: word reads and 12-byte inline reads never leave the array
_MAX_VIEW_OFFSET = 2**31 - 1  # string_view offsets are int32


def utf8_layout(texts: pa.Array) -> tuple[pa.Array, Ints, pa.Buffer | None]:
    """A string array (cast to ``large_string`` if it is another type), its offsets and its data buffer."""
    if not (pa.types.is_string(texts.type) or pa.types.is_large_string(texts.type)):
        texts = texts.cast(pa.large_string())
    offset_type = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    _validity, offsets_buffer, data_buffer = texts.buffers()
    count = len(texts)
    if offsets_buffer is None:
        return texts, np.zeros(count + 1, dtype=np.int64), data_buffer
    width = np.dtype(offset_type).itemsize
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type, count=count + 1, offset=texts.offset * width)
    return texts, offsets.astype(np.int64), data_buffer


@dataclass(slots=True)
class Utf8Texts:
    """The texts of a batch as one zero-padded UTF-8 byte array, with continuation-byte counts per word.

    ``starts[i]`` is the byte offset of text ``i`` in ``data``; ``lengths[i]`` its length in
    code points (0 when null); ``valid[i]`` whether it is non-null; ``source`` the Arrow texts.
    """

    source: pa.Array
    data: npt.NDArray[np.uint8]
    starts: Ints
    lengths: Ints
    valid: Flags
    _continuation_bits: npt.NDArray[np.uint64]
    _continuations_before_word: Ints

    @classmethod
    def of(cls, texts: pa.Array) -> Utf8Texts:
        texts, offsets, data_buffer = utf8_layout(texts)
        first, last = int(offsets[0]), int(offsets[-1])
        size = last - first
        words = (size + _PADDING + 7) // 8
        data = np.zeros(words * 8, dtype=np.uint8)
        if size and data_buffer is not None:
            data[:size] = np.frombuffer(data_buffer, dtype=np.uint8, count=size, offset=first)
        packed = data.view(np.uint64)  # little-endian: byte k of a word is bits 8k..8k+7
        bits = packed & ~(packed << np.uint64(1)) & _CONTINUATION  # bit 7 set and bit 6 clear: 10xxxxxx
        before = np.zeros(words + 1, dtype=np.int64)
        np.cumsum(np.bitwise_count(bits), out=before[1:])
        lengths = pc.fill_null(pc.utf8_length(texts), 0).to_numpy().astype(np.int64)
        valid = texts.is_valid().to_numpy(zero_copy_only=False)
        return cls(texts, data, offsets[:-1].astype(np.int64) - first, lengths, valid, bits, before)

    def continuations_before(self, positions: Ints) -> Ints:
        """How many UTF-8 continuation bytes lie before each byte position."""
        word = positions >> 3
        partial = self._continuation_bits[word] & _BYTES_BELOW[positions & 7]
        return self._continuations_before_word[word] + np.bitwise_count(partial)  # type: ignore[no-any-return]

    def byte_offsets(self, text: Ints, points: Ints) -> Ints:
        """The byte offset in ``data`` of code point ``points[k]`` of text ``text[k]`` (0 <= point <= length).

        The byte offset b of code point g of a text starting at s is the least fixed point of
        b = s + g + (continuation bytes in [s, b]): iterated from b = s + g, which is never
        past the answer, it stops there (a continuation byte at b would push it on).
        """
        start = self.starts[text]
        base = self.continuations_before(start)
        target = start + points - base
        position = start + points
        active = np.arange(len(position))
        while active.size:
            current = position[active]
            moved = target[active] + self.continuations_before(current + 1)
            changed = moved != current
            position[active] = moved
            active = active[changed]
        return position

    def views(self, starts: Ints, ends: Ints) -> pa.Array:
        """``string_view`` array of the bytes [start, end) of ``data``, without copying them (short ones inline)."""
        count = len(starts)
        lengths = (ends - starts).astype(np.int32)
        head = np.lib.stride_tricks.sliding_window_view(self.data, 12)[starts]  # first 12 bytes of each
        head[np.arange(12) >= lengths[:, None]] = 0  # inline strings are zero-padded
        views = np.empty((count, 4), dtype=np.int32)
        views.view(np.uint8)[:, 4:] = head
        views[:, 0] = lengths
        long = lengths > 12  # these keep a 4-byte prefix, then buffer 0 and their offset
        views[long, 2] = 0
        views[long, 3] = starts[long]
        return pa.Array.from_buffers(pa.string_view(), count, [None, pa.py_buffer(views), pa.py_buffer(self.data)])


def texts_by_row(column: pa.ChunkedArray) -> tuple[Utf8Texts, Ints]:
    """The distinct texts of a text column and, per row, the index of its text (-1 for null).

    A dictionary column (``article_text`` read with ``read_dictionary``) gives each chunk's
    dictionary once, so an article's text is mapped once per row group, not once per row.
    """
    if not pa.types.is_dictionary(column.type):
        texts = column.combine_chunks()
        return Utf8Texts.of(texts), np.where(_valid(texts), np.arange(len(texts)), -1)
    dictionaries, rows, base = [], [], 0
    for chunk in column.chunks:
        dictionaries.append(chunk.dictionary)
        indices = chunk.indices
        rows.append(np.where(_valid(indices), _numbers(indices) + base, -1))
        base += len(chunk.dictionary)
    texts = pa.concat_arrays(dictionaries) if dictionaries else pa.array([], column.type.value_type)
    return Utf8Texts.of(texts), np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)


def _numbers(values: pa.Array) -> Ints:
    return pc.fill_null(values, 0).to_numpy(zero_copy_only=False).astype(np.int64)  # type: ignore[no-any-return]


def _valid(values: pa.Array) -> Flags:
    return values.is_valid().to_numpy(zero_copy_only=False)  # type: ignore[no-any-return]


def span_problems(*, spans: pa.Array, text_of_span: Ints, texts: Utf8Texts) -> npt.NDArray[np.int8]:
    """The problem (``NONE`` ... ``STANDOFF_LEAK``) of each span of a flattened span column.

    ``text_of_span[k]`` is the index in ``texts`` of span k's article text, or -1 when the
    row has none (a standoff row); a null text counts as none. A span is checked against
    its text only when it has offsets, is not empty and lies inside the text; a span
    without a text must carry no text of its own.
    """
    count = len(spans)
    starts, ends, span_texts = (pc.struct_field(spans, name) for name in ("start", "end", "text"))
    start, end = _numbers(starts), _numbers(ends)
    problem = np.zeros(count, dtype=np.int8)
    missing = ~(_valid(starts) & _valid(ends))
    empty = ~missing & (end <= start)
    known = text_of_span >= 0
    which = np.where(known, text_of_span, 0)
    if len(texts.valid):
        has_text, limit = known & texts.valid[which], texts.lengths[which]
    else:
        has_text, limit = np.zeros(count, dtype=np.bool_), np.zeros(count, dtype=np.int64)
    open_ = ~missing & ~empty
    outside = open_ & has_text & ((start < 0) | (end > limit))
    compared = open_ & has_text & ~outside
    leak = open_ & ~has_text & _valid(span_texts)
    problem[leak] = STANDOFF_LEAK
    problem[outside] = OUT_OF_RANGE
    problem[empty] = EMPTY
    problem[missing] = MISSING_OFFSET
    rows = np.flatnonzero(compared)
    if rows.size:
        same = _texts_equal(texts, which[rows], start[rows], end[rows], pc.take(span_texts, rows))
        problem[rows[~same]] = TEXT_MISMATCH
    return problem


def _texts_equal(texts: Utf8Texts, which: Ints, start: Ints, end: Ints, span_texts: pa.Array) -> Flags:
    """Whether each span's own text equals its article text's code points [start, end)."""
    byte_start = texts.byte_offsets(which, start)
    byte_end = texts.byte_offsets(which, end)
    if len(texts.data) > _MAX_VIEW_OFFSET:  # beyond string_view's int32 offsets: compare in Python
        data = texts.data
        own = span_texts.to_pylist()
        return np.array(
            [
                o is not None and bytes(data[b:e]) == o.encode("utf-8")
                for o, b, e in zip(own, byte_start, byte_end, strict=True)
            ],
            dtype=np.bool_,
        )
    expected = texts.views(byte_start, byte_end)
    equal = pc.equal(expected, span_texts.cast(pa.string_view()))
    return pc.fill_null(equal, False).to_numpy(zero_copy_only=False)  # type: ignore[no-any-return]
