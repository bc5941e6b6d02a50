"""The seed's article format and the plain format."""

from __future__ import annotations

import pytest

from beyan.issues import BeyanError
from beyan.readers.news_text import parse_news_v1, parse_plain, parse_published
from tests.conftest import SEED_ARTICLE_ID, SEED_CORPUS


def seed_bytes() -> bytes:
    from beyan.corpus import Corpus

    return Corpus.open(SEED_CORPUS).raw_bytes(SEED_ARTICLE_ID)


def test_seed_parses_into_title_subtitle_dateline_paragraphs_and_crosshead() -> None:
    parsed = parse_news_v1(seed_bytes(), where="seed.txt")
    assert parsed.published is not None and (parsed.published.value, parsed.published.precision) == ("2024-11", "month")
    assert parsed.section == "Güncel"
    assert parsed.title == 'Kuzey Kore Dışişleri Bakanı Choe: "Zafer gününe kadar Rus yoldaşlarımızın yanındayız"'
    assert parsed.subtitle == "Kuzey Kore Dışişleri Bakanı, Moskova'da"
    assert parsed.dateline == "MOSKOVA"
    kinds = [block.kind for block in parsed.structure]
    assert kinds == ["title", "subtitle", "paragraph", "dateline", "paragraph", "crosshead", "paragraph"]
    for block in parsed.structure:
        piece = parsed.text[block.start : block.end]
        assert piece == piece.strip() and piece
    crosshead = next(b for b in parsed.structure if b.kind == "crosshead")
    assert parsed.text[crosshead.start : crosshead.end] == '"Rusya\'nın zafer kazanacağından şüphemiz yok"'
    assert parsed.text.startswith(parsed.title + "\n\n")
    assert "date 2024-11" not in parsed.text


def test_crlf_and_bom_give_the_same_text() -> None:
    raw = seed_bytes()
    assert (
        parse_news_v1(b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"), where="x").text
        == parse_news_v1(raw, where="x").text
    )


@pytest.mark.parametrize(
    ("raw", "code", "where"),
    [
        (b"Kuzey Kore\n\n- Title\n\nBody.", "bad-header", "line 1"),
        (b" date 2024-13 Politika\n\n- Title\n\nBody.", "invalid-date", "line 1"),
        (b" date 2024-11 Politika\n\nNo headline marker\n\nBody.", "missing-title", "line 3"),
        (b" date 2024-11 X\n\n- T\n\n\xff\xfe body", "invalid-utf8", "byte 22"),
    ],
)
def test_malformed_files_are_located_errors(raw: bytes, code: str, where: str) -> None:
    with pytest.raises(BeyanError) as raised:
        parse_news_v1(raw, where="article.txt")
    (issue,) = list(raised.value.issues)
    assert issue.code == code
    assert issue.location == ("article.txt", where)


@pytest.mark.parametrize(
    ("value", "precision"),
    [("2024", "year"), ("2024-11", "month"), ("2024-02-29", "day"), ("2024-11-05T14:30+03:00", "time")],
)
def test_dates_keep_their_precision(value: str, precision: str) -> None:
    assert parse_published(value, where=("x",)).precision == precision


@pytest.mark.parametrize("value", ["2023-02-29", "2024-00", "24-11", "2024-11-05T25:00", "November 2024"])
def test_invalid_dates_are_refused(value: str) -> None:
    with pytest.raises(BeyanError):
        parse_published(value, where=("x",))


def test_plain_text_keeps_offsets_and_finds_paragraphs() -> None:
    parsed = parse_plain("Birinci  paragraf.\r\n\r\nİkinci\nsatır 😀.".encode(), where="x")
    assert parsed.text == "Birinci  paragraf.\n\nİkinci\nsatır 😀."
    assert [parsed.text[b.start : b.end] for b in parsed.structure] == ["Birinci  paragraf.", "İkinci\nsatır 😀."]
