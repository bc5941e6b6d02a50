"""beyan.validation.utf8 against Python's own strings: code-point offsets, byte views, prefixes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beyan.validation.utf8 import Utf8Texts, starts_with_each

PROPERTY = settings(max_examples=150, deadline=None, derandomize=True, database=None)

# ASCII, Turkish letters (2 bytes), a 3-byte euro sign, astral emoji and Old Turkic (4 bytes), a ZWJ and a flag.
LETTERS = 'ab -:"ışğÖÇ€😀𐰀𐱅\u200d🇹🇷\n'
texts_st = st.lists(st.none() | st.text(alphabet=LETTERS, max_size=70), min_size=1, max_size=8)


def arrow_texts(texts: list[str | None], *, large: bool, sliced: bool) -> pa.Array:
    """The texts as an Arrow array; ``sliced`` puts a value before them and slices it off (a non-zero offset)."""
    kind = pa.large_string() if large else pa.string()
    return pa.array(["x🙂y", *texts], kind).slice(1) if sliced else pa.array(texts, kind)


@PROPERTY
@given(texts=texts_st, large=st.booleans(), sliced=st.booleans(), split=st.integers(0, 8))
def test_byte_offsets_and_views_agree_with_python(
    texts: list[str | None], large: bool, sliced: bool, split: int
) -> None:
    array = arrow_texts(texts, large=large, sliced=sliced)
    utf8 = Utf8Texts.concatenated([array.slice(0, split), array.slice(split)])  # numbering runs across the pieces
    assert [utf8.text(i) for i in range(len(utf8))] == texts
    assert utf8.code_points.lengths.tolist() == [len(t or "") for t in texts]
    which = [i for i, t in enumerate(texts) if t is not None for _ in range(len(t) + 1)]
    points = [g for t in texts if t is not None for g in range(len(t) + 1)]
    if not which:
        return
    code_points = utf8.code_points
    offsets, continuations = code_points.byte_offsets(np.array(which), np.array(points))
    expected = [len(texts[i][:g].encode("utf-8")) for i, g in zip(which, points, strict=True)]  # type: ignore[index]
    assert (offsets - utf8.starts[np.array(which)]).tolist() == expected
    assert continuations.tolist() == code_points.continuations_before(offsets).tolist()
    data = bytes(utf8.data)
    assert continuations.tolist() == [sum(1 for c in data[:o] if c & 0xC0 == 0x80) for o in offsets.tolist()]
    # Every stretch from each offset to the text's end, as views, equals the Python slice.
    ends = utf8.ends[np.array(which)]
    views = utf8.views(offsets, ends)
    views.validate(full=True)
    slices = [texts[i][g:] for i, g in zip(which, points, strict=True)]  # type: ignore[index]
    assert views.to_pylist() == slices
    assert pc.all(pc.equal(views, pa.array(slices, pa.string_view()))).as_py()


def test_views_inline_and_long_values_at_any_byte() -> None:
    """Lengths around the 12-byte inline limit, starts at every position in a word (cuts may split a character)."""
    utf8 = Utf8Texts.of(pa.array(["Köprü Mayıs'ta açılacak 😀 dedi Vali Ilsa Varn"]))
    size = int(utf8.ends[0])
    cuts = [(a, b) for a in range(0, 9) for b in (a, a + 1, a + 4, a + 8, a + 11, a + 12, a + 13, size)]
    views = utf8.views(np.array([a for a, _ in cuts]), np.array([b for _, b in cuts]))
    as_bytes = pa.Array.from_buffers(pa.binary_view(), len(views), views.buffers())
    data = bytes(utf8.data)
    assert as_bytes.to_pylist() == [data[a:b] for a, b in cuts]


def test_null_and_empty_texts() -> None:
    utf8 = Utf8Texts.of(pa.array([None, "", "ğ"]))
    assert utf8.valid.tolist() == [False, True, True]
    assert utf8.code_points.lengths.tolist() == [0, 0, 1]
    assert [utf8.text(i) for i in range(3)] == [None, "", "ğ"]
    assert len(Utf8Texts.of(pa.array([], pa.string()))) == 0
    assert len(Utf8Texts.concatenated([])) == 0


@settings(PROPERTY, suppress_health_check=[HealthCheck.filter_too_much])
@given(pairs=st.lists(st.tuples(st.none() | st.text(LETTERS, max_size=12), st.none() | st.text(LETTERS, max_size=6))))
def test_starts_with_each_agrees_with_str_startswith(pairs: list[tuple[str | None, str | None]]) -> None:
    strings = pa.array([s for s, _ in pairs], pa.string())
    prefixes = pa.array([p for _, p in pairs], pa.string())
    expected = [s is not None and p is not None and s.startswith(p) for s, p in pairs]
    assert starts_with_each(strings, prefixes).tolist() == expected


def test_starts_with_each_on_statement_ids() -> None:
    ids = pa.array(["0a1b2c3d4e5f6071-00000001", "0a1b2c3d4e5f6071-00000002", "ffff", None, ""])
    articles = pa.array(["0a1b2c3d4e5f6071-", "0a1b2c3d4e5f6072-", "ffff-", "a-", "-"])
    assert starts_with_each(ids, articles).tolist() == [True, False, False, False, False]
