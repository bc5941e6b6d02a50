"""Vector operations on the UTF-8 bytes of Arrow string arrays, without a Python string per value.

beyan's offsets count code points; Arrow keeps text as UTF-8. :class:`Utf8Texts` holds the
bytes of string arrays once, zero-padded, and answers two questions for many values at
once: where code point *k* of text *i* starts in bytes (:meth:`CodePoints.byte_offsets`,
from bit counts per 8-byte word, not an array per character), and what the bytes between
two offsets are, as a ``string_view`` array that points into the text instead of copying
it (:meth:`Utf8Texts.views`), ready for one ``pyarrow.compute.equal``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
Words = npt.NDArray[np.uint64]

_PADDING = 24  # zero bytes after the text: reads of up to three words past any offset stay inside
_INLINE = 12  # string_view keeps values of up to 12 bytes inside the view itself
_MAX_VIEW_OFFSET = 2**31 - 1  # string_view offsets are int32
_HIGH_BITS = np.uint64(0x8080808080808080)
_LOW_BYTES = np.array([(1 << (8 * r)) - 1 for r in range(8)] + [2**64 - 1], dtype=np.uint64)  # bytes 0..r-1
_LOW_HALF = np.uint64(0xFFFFFFFF)
_U = np.uint64


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


def valid(values: pa.Array | pa.ChunkedArray) -> Flags:
    """Non-null flags as a numpy array."""
    return np.asarray(values.is_valid(), dtype=np.bool_)


def numbers(values: pa.Array | pa.ChunkedArray, *, null: int = 0) -> Ints:
    """Integer values as int64, nulls replaced by ``null``."""
    return np.asarray(pc.fill_null(values, null), dtype=np.int64)


def _shifted(low: Words, high: Words, shift: Words) -> Words:
    """The 8 bytes starting ``shift / 8`` bytes into ``low``, continuing into ``high`` (shift < 64)."""
    result: Words = (low >> shift) | ((high << (_U(63) - shift)) << _U(1))  # two steps: a shift by 64 is undefined
    return result


@dataclass(slots=True)
class Utf8Texts:
    """The bytes of string arrays, one after another and zero-padded, with where each value starts and ends.

    ``starts[i]``/``ends[i]`` are byte offsets of value ``i`` in ``data``; ``valid[i]``
    says whether it is non-null.
    """

    data: npt.NDArray[np.uint8]
    starts: Ints
    ends: Ints
    valid: Flags
    _code_points: CodePoints | None = None

    @classmethod
    def of(cls, texts: pa.Array) -> Utf8Texts:
        return cls.concatenated([texts])

    @classmethod
    def concatenated(cls, pieces: Sequence[pa.Array]) -> Utf8Texts:
        """The values of several string arrays, numbered in order across them (one copy of their bytes)."""
        layouts = [utf8_layout(piece) for piece in pieces]
        size = sum(int(offsets[-1] - offsets[0]) for _, offsets, _ in layouts)
        data = np.zeros((size + _PADDING + 7) // 8 * 8, dtype=np.uint8)
        starts, ends, flags, at = [], [], [], 0
        for texts, offsets, buffer in layouts:
            first, length = int(offsets[0]), int(offsets[-1] - offsets[0])
            if length and buffer is not None:
                data[at : at + length] = np.frombuffer(buffer, dtype=np.uint8, count=length, offset=first)
            relative = offsets - first + at
            starts.append(relative[:-1])
            ends.append(relative[1:])
            flags.append(valid(texts))
            at += length
        if not layouts:
            return cls(data, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.bool_))
        return cls(data, np.concatenate(starts), np.concatenate(ends), np.concatenate(flags))

    def __len__(self) -> int:
        return len(self.starts)

    def text(self, index: int) -> str | None:
        """Value ``index`` as a Python string (for messages about the few values that have a problem)."""
        if not self.valid[index]:
            return None
        return bytes(self.data[self.starts[index] : self.ends[index]]).decode("utf-8")

    @property
    def code_points(self) -> CodePoints:
        if self._code_points is None:
            self._code_points = CodePoints.of(self)
        return self._code_points

    @property
    def viewable(self) -> bool:
        """Whether :meth:`views` can address every byte (``string_view`` offsets are int32)."""
        return len(self.data) <= _MAX_VIEW_OFFSET

    def views(self, starts: Ints, ends: Ints) -> pa.Array:
        """``string_view`` array of the bytes [starts[k], ends[k]) of ``data``, pointing into it.

        A view is 16 bytes: the length, then either the value itself (up to 12 bytes,
        zero-padded) or its first 4 bytes, buffer 0 and its offset. The first 12 bytes of
        every value are read as words, so no value is copied byte by byte.
        """
        lengths = (ends - starts).astype(np.uint64)
        words = self.data.view(np.uint64)
        word, shift = starts >> 3, (starts & 7).astype(np.uint64) * _U(8)
        current, following = words[word], words[word + 1]
        first = _shifted(current, following, shift) & _LOW_BYTES[np.minimum(lengths, 8)]
        second = _shifted(following, words[word + 2], shift) & _LOW_BYTES[np.clip(lengths, 8, 12) - 8]
        views = np.empty((len(starts), 2), dtype=np.uint64)
        views[:, 0] = lengths | ((first & _LOW_HALF) << _U(32))
        views[:, 1] = np.where(
            lengths > _INLINE,
            starts.astype(np.uint64) << _U(32),  # buffer index 0, then the offset
            (first >> _U(32)) | ((second & _LOW_HALF) << _U(32)),
        )
        return pa.Array.from_buffers(
            pa.string_view(), len(starts), [None, pa.py_buffer(views), pa.py_buffer(self.data)]
        )


@dataclass(slots=True)
class CodePoints:
    """Where code points start in the bytes of :class:`Utf8Texts`, from continuation bytes counted per word.

    Per 8-byte word, the continuation bytes (10xxxxxx) are bits; their running count is kept
    per block of 8 words, and within a block as 8 one-byte counts packed in a word (a
    multiplication sums them), so no per-word running sum (a slow, scalar cumsum) is needed.
    It keeps no reference to its texts (they keep one to it): validation runs with the
    cycle collector paused, so a cycle would hold every group's bytes until the end.
    """

    starts: Ints  # byte offset of each value
    sizes: Ints  # bytes per value
    lengths: Ints  # code points per value (0 when null)
    continuations_at_start: Ints  # continuation bytes before each value
    _bits: Words  # per word: bit 7 of each byte set where the byte is 10xxxxxx
    _before_block: Ints  # continuation bytes before each block of 8 words
    _before_in_block: Words  # per block: byte k = continuation bytes in its words before word k

    @classmethod
    def of(cls, texts: Utf8Texts) -> CodePoints:
        packed = texts.data.view(np.uint64)  # little endian: byte k of a word is bits 8k..8k+7
        bits = packed << _U(1)
        np.invert(bits, out=bits)
        bits &= packed
        bits &= _HIGH_BITS  # bit 7 set and bit 6 clear
        counts = np.zeros((len(bits) + 7) // 8 * 8, dtype=np.uint8)
        counts[: len(bits)] = np.bitwise_count(bits)
        per_block = counts.view(np.uint64)  # 8 word counts (each <= 8) per block
        running = per_block * _U(0x0101010101010101)  # byte k: sum of counts 0..k (<= 64, no carry)
        before_block = np.zeros(len(per_block) + 1, dtype=np.int64)
        np.cumsum(running >> _U(56), out=before_block[1:])
        sizes = texts.ends - texts.starts
        index = cls(texts.starts, sizes, sizes, sizes, bits, before_block, running - per_block)
        index.continuations_at_start = index.continuations_before(texts.starts)
        index.lengths = np.where(
            texts.valid, sizes - (index.continuations_before(texts.ends) - index.continuations_at_start), 0
        )
        return index

    def continuations_before(self, positions: Ints) -> Ints:
        """How many continuation bytes lie before each byte position."""
        word = positions >> 3
        block, slot = word >> 3, (word & 7).astype(np.uint64) * _U(8)
        in_block = (self._before_in_block[block] >> slot) & _U(0xFF)
        partial = self._bits[word] & _LOW_BYTES[positions & 7]
        return self._before_block[block] + (in_block + np.bitwise_count(partial)).astype(np.int64)  # type: ignore[no-any-return]

    def byte_offsets(self, which: Ints, points: Ints) -> tuple[Ints, Ints]:
        """Where code point ``points[k]`` of value ``which[k]`` starts in ``data`` (0 <= point <= length),
        and how many continuation bytes lie before it.

        For a value starting at byte s, the offset b of code point g is the least fixed point
        of b = s + g + (continuation bytes in [s, b]). Iterated from any b not past it, the
        sequence climbs to it and stays (a continuation byte at b pushes it on). The first b
        is where g would be if the value's bytes per code point were even: if fewer than g
        code points start before it, it is not past the answer; if e too many do, the
        answer is at most 4e bytes earlier (a code point has at most 4 bytes).
        """
        start, base, lengths = self.starts[which], self.continuations_at_start[which], self.lengths[which]
        guess = start + np.where(lengths > 0, (points * self.sizes[which]) // np.maximum(lengths, 1), points)
        excess = (guess - start) - (self.continuations_before(guess) - base) - points  # code points before guess, - g
        position: Ints = np.maximum(start + points, np.where(excess > 0, guess - 4 * excess, guess))
        target = start + points - base
        active = np.arange(len(position))
        while active.size:
            current = position[active]
            moved = target[active] + self.continuations_before(current + 1)
            position[active] = moved
            active = active[moved != current]
        return position, position - target  # at the answer, b = s + g + (continuations before b) - base


def starts_with_each(strings: pa.Array, prefixes: pa.Array) -> Flags:
    """Whether each string starts with its own row's prefix (False where either is null)."""
    texts = Utf8Texts.of(strings)
    prefix_bytes = numbers(pc.binary_length(prefixes), null=-1)
    fits = texts.valid & (prefix_bytes >= 0) & (prefix_bytes <= texts.ends - texts.starts)
    if not texts.viewable:
        wanted = prefixes.to_pylist()
        in_python = [bool(fit) and (texts.text(i) or "").startswith(wanted[i]) for i, fit in enumerate(fits.tolist())]
        return np.array(in_python, dtype=np.bool_)
    heads = texts.views(texts.starts, texts.starts + np.where(fits, prefix_bytes, 0))
    same: Flags = np.asarray(pc.fill_null(pc.equal(heads, prefixes.cast(pa.string_view())), False), dtype=np.bool_)
    result: Flags = fits & same
    return result
