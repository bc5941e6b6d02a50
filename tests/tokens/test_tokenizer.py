"""The tokenizer and sentence splitter: documented rules, offsets that point into the text."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beyan.tokens.sentences import sentence_starts
from beyan.tokens.tokenizer import tokenize


def words(text: str) -> list[str]:
    return [text[start:end] for start, end in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dedi.", ["dedi", "."]),
        ("Rusya'nın zaferi", ["Rusya", "'nın", "zaferi"]),
        ("Kim Jong-un'un 1949'da", ["Kim", "Jong-un", "'un", "1949", "'da"]),
        ("Ankara’ya gitti", ["Ankara", "’ya", "gitti"]),
        ('Velko: "Köprü açılacak"', ["Velko", ":", '"', "Köprü", "açılacak", '"']),
        ("1.000 kişi, %3,5 artış", ["1.000", "kişi", ",", "%", "3,5", "artış"]),
        ("bekledi... Sonra", ["bekledi", "...", "Sonra"]),
        ("'tırnak' içinde", ["'", "tırnak", "'", "içinde"]),
        ("DORNSK - Bakan", ["DORNSK", "-", "Bakan"]),
        ("a -b c- d", ["a", "-", "b", "c", "-", "d"]),
        ("", []),
    ],
)
def test_documented_rules(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@given(st.text(alphabet=st.sampled_from(list("aıİşğ'’-.,:\"“” \n1Ç")), max_size=60))
def test_tokens_are_ordered_non_empty_and_never_whitespace(text: str) -> None:
    previous = 0
    for start, end in tokenize(text):
        assert previous <= start < end <= len(text)
        piece = text[start:end]
        assert piece.strip() == piece and piece
        assert text[previous:start].strip() == ""  # nothing but whitespace between tokens
        previous = end
    assert text[previous:].strip() == ""
    assert tokenize(text) == tokenize(text)


def sentences(text: str) -> list[str]:
    offsets = tokenize(text)
    starts = [*sentence_starts(text, offsets), len(offsets)]
    return [text[offsets[a][0] : offsets[b - 1][1]] for a, b in pairwise(starts)]


def test_sentences_end_at_terminals_before_capitals_and_at_line_breaks() -> None:
    text = (
        'Bakan Velko, "Köprü mayısta açılacak. Yol da bitecek" dedi. Dr. Arna Sel 2. turda konuştu!\n'
        '"Vergiyi indireceğiz"\nESKAR - Meclis toplandı.'
    )
    assert sentences(text) == [
        'Bakan Velko, "Köprü mayısta açılacak.',
        'Yol da bitecek" dedi.',
        "Dr. Arna Sel 2. turda konuştu!",
        '"Vergiyi indireceğiz"',
        "ESKAR - Meclis toplandı.",
    ]


def test_no_tokens_no_sentences() -> None:
    assert sentence_starts("", []) == []
    assert sentence_starts("  \n ", tokenize("  \n ")) == []
