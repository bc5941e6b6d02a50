"""beyan.validation.spans: the vectorised span checks give what a plain loop over Python strings gives."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from beyan.validation.spans import (
    EMPTY,
    MISSING_OFFSET,
    NONE,
    OUT_OF_RANGE,
    STANDOFF_LEAK,
    TEXT_MISMATCH,
    span_problems,
    texts_by_row,
)
from beyan.validation.utf8 import Utf8Texts

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None)
LETTERS = 'ab -:"ışğÖ€😀𐰀\u200d🇹🇷'
SPAN = pa.struct([("start", pa.int32()), ("end", pa.int32()), ("text", pa.string())])


def expected_problem(start: int | None, end: int | None, own: str | None, text: str | None) -> int:
    """The checks as the per-span Python loop made them, in the same order."""
    if start is None or end is None:
        return MISSING_OFFSET
    if end <= start:
        return EMPTY
    if text is not None and (start < 0 or end > len(text)):
        return OUT_OF_RANGE
    if text is not None and own != text[start:end]:
        return TEXT_MISMATCH
    if text is None and own is not None:
        return STANDOFF_LEAK
    return NONE


@st.composite
def span_cases(draw: st.DrawFn) -> tuple[list[str | None], list[int], list[tuple[int | None, int | None, str | None]]]:
    """Texts, the text of each span (-1: none), and spans: mostly right, some shifted, cut, retyped or broken."""
    texts = draw(st.lists(st.none() | st.text(LETTERS, max_size=40), min_size=1, max_size=5))
    spans: list[tuple[int | None, int | None, str | None]] = []
    owners: list[int] = []
    for _ in range(draw(st.integers(0, 25))):
        owner = draw(st.integers(-1, len(texts) - 1))
        text = texts[owner] if owner >= 0 else None
        size = len(text or "")
        start = None if draw(st.integers(0, 9)) == 0 else draw(st.integers(-1, size + 1))
        end = None if draw(st.integers(0, 9)) == 0 else draw(st.integers((start or 0) - 1, size + 2))
        right = text[start:end] if text is not None and start is not None and end is not None else None
        own = draw(
            st.sampled_from(["right", "none", "other", "shifted"]).map(
                lambda how, right=right, text=text, start=start, end=end: {
                    "right": right,
                    "none": None,
                    "other": "x😀",
                    "shifted": None if text is None or start is None or end is None else text[start + 1 : end + 1],
                }[how]
            )
        )
        spans.append((start, end, own))
        owners.append(owner)
    return texts, owners, spans


@PROPERTY
@given(case=span_cases(), large=st.booleans())
def test_span_problems_agree_with_the_python_loop(
    case: tuple[list[str | None], list[int], list[tuple[int | None, int | None, str | None]]], large: bool
) -> None:
    texts, owners, spans = case
    array = pa.array(
        [{"start": s, "end": e, "text": t} for s, e, t in spans],
        pa.struct([("start", pa.int32()), ("end", pa.int32()), ("text", pa.large_string() if large else pa.string())]),
    )
    problems = span_problems(
        spans=array,
        text_of_span=np.array(owners, dtype=np.int64),
        texts=Utf8Texts.of(pa.array(texts, pa.string())),
    )
    expected = [
        expected_problem(s, e, t, texts[o] if o >= 0 else None) for (s, e, t), o in zip(spans, owners, strict=True)
    ]
    assert problems.tolist() == expected


def test_each_problem_on_an_astral_text() -> None:
    text = '📢 Vali Ilsa Varn: "Köprü 🇹🇷 Mayıs\'ta açılacak" dedi.'
    quote = text.index("Köprü")
    spans = [
        (quote, quote + 24, text[quote : quote + 24]),  # right, across a flag (two code points)
        (quote + 1, quote + 25, text[quote : quote + 24]),  # shifted by one code point
        (None, 5, "📢 Val"),  # no start
        (7, 7, ""),  # empty
        (40, len(text) + 1, text[40:]),  # one past the end
        (len(text) - 5, len(text), text[-5:]),  # right, up to the very end
        (0, 1, "📢"),  # right, an astral first character
        (0, 1, None),  # a null own text where the article has text
    ]
    array = pa.array([{"start": s, "end": e, "text": t} for s, e, t in spans], SPAN)
    problems = span_problems(
        spans=array, text_of_span=np.zeros(len(spans), dtype=np.int64), texts=Utf8Texts.of(pa.array([text]))
    )
    assert problems.tolist() == [NONE, TEXT_MISMATCH, MISSING_OFFSET, EMPTY, OUT_OF_RANGE, NONE, NONE, TEXT_MISMATCH]


def test_standoff_rows_only_need_null_span_texts() -> None:
    array = pa.array(
        [
            {"start": 3, "end": 9, "text": None},
            {"start": 500, "end": 900, "text": None},
            {"start": 0, "end": 2, "text": "Ko"},
        ],
        SPAN,
    )
    rows = np.array([-1, 0, 0], dtype=np.int64)  # no text, then a null text: both are standoff
    problems = span_problems(spans=array, text_of_span=rows, texts=Utf8Texts.of(pa.array([None], pa.string())))
    assert problems.tolist() == [NONE, NONE, STANDOFF_LEAK]


def test_no_spans() -> None:
    problems = span_problems(
        spans=pa.array([], SPAN), text_of_span=np.zeros(0, dtype=np.int64), texts=Utf8Texts.of(pa.array(["a"]))
    )
    assert problems.tolist() == []


def test_texts_by_row_reads_each_dictionary_once() -> None:
    first = pa.DictionaryArray.from_arrays(pa.array([1, 0, 1, None], pa.int32()), pa.array(["Köprü", "😀 açıldı"]))
    second = pa.DictionaryArray.from_arrays(pa.array([0, 0], pa.int32()), pa.array(["Yol 𐰀"]))
    texts, rows = texts_by_row(pa.chunked_array([first, second]))
    assert rows.tolist() == [1, 0, 1, -1, 2, 2]
    assert [texts.text(i) for i in range(len(texts))] == ["Köprü", "😀 açıldı", "Yol 𐰀"]


def test_texts_by_row_of_plain_strings_keeps_each_distinct_text_once() -> None:
    texts, rows = texts_by_row(pa.chunked_array([pa.array(["Köprü 😀", None, "ğ"]), pa.array(["ğ", "Köprü 😀"])]))
    assert len(texts) == 2
    assert [texts.text(r) if r >= 0 else None for r in rows.tolist()] == ["Köprü 😀", None, "ğ", "ğ", "Köprü 😀"]
