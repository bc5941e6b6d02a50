"""Saved HTML pages: text, structure and metadata from invented news pages."""

from __future__ import annotations

from pathlib import Path

import trafilatura

from beyan.ingest import IngestedArticle, IngestReject, read_articles
from tests.ingest.fixtures import (
    BOILERPLATE,
    CROSSHEAD,
    FIRST,
    LAST,
    QUOTE,
    SECOND,
    SUBTITLE,
    THIRD,
    TITLE,
    Page,
    index_page,
)


def read_one(path: Path) -> IngestedArticle | IngestReject:
    events = list(read_articles(paths=[path]))
    assert len(events) == 1, events
    event = events[0]
    assert isinstance(event, IngestedArticle | IngestReject)
    return event


def pieces(article: IngestedArticle) -> list[tuple[str, str]]:
    return [(block.kind, article.text[block.start : block.end]) for block in article.structure]


def test_a_news_page_gives_headline_first_then_subtitle_dateline_paragraphs_crosshead_and_quote(tmp_path: Path) -> None:
    path = tmp_path / "metro.html"
    path.write_bytes(Page().bytes())
    article = read_one(path)
    assert isinstance(article, IngestedArticle)
    assert pieces(article) == [
        ("title", TITLE),
        ("subtitle", SUBTITLE),
        ("paragraph", FIRST),
        ("dateline", "KUZEYOVA"),
        ("paragraph", SECOND),
        ("crosshead", CROSSHEAD),
        ("paragraph", THIRD),
        ("paragraph", QUOTE),
        ("paragraph", LAST),
    ]
    assert article.text == "\n\n".join([TITLE, SUBTITLE, FIRST, SECOND, CROSSHEAD, THIRD, QUOTE, LAST])
    for word in (*BOILERPLATE, "Yazan: Ayla Dereli"):
        assert word not in article.text
    assert article.raw == path.read_bytes()
    assert (article.fmt, article.source_name, article.location, article.parser) == (
        "html",
        "metro.html",
        str(path),
        None,
    )


def test_page_metadata_comes_from_its_markup(tmp_path: Path) -> None:
    path = tmp_path / "metro.html"
    path.write_bytes(Page().bytes())
    article = read_one(path)
    assert isinstance(article, IngestedArticle)
    meta = article.metadata
    assert meta.url == "https://www.ovakenthaber.example/gundem/metro-hatti-123"
    assert meta.source == "Ovakent Haber"
    assert (meta.title, meta.subtitle, meta.dateline, meta.section) == (TITLE, SUBTITLE, "KUZEYOVA", "Gündem")
    assert meta.published is not None
    assert (meta.published.value, meta.published.precision) == ("2024-11-05T09:30:00+03:00", "time")
    assert (meta.language, meta.language_origin, meta.language_confidence) == ("tr", "source", None)
    assert meta.extractor is not None
    assert (meta.extractor.name, meta.extractor.version) == ("trafilatura", trafilatura.__version__)
    assert "favor_precision=True" in meta.extractor.settings
    assert (meta.rights.license, meta.rights.redistribution) == ("unknown", "standoff")


def test_a_date_stated_to_the_month_stays_a_month_and_a_copyright_year_is_no_date(tmp_path: Path) -> None:
    month = tmp_path / "month.html"
    month.write_bytes(Page(published_meta=None, json_ld_date="2024-11").bytes())
    undated = tmp_path / "undated.html"
    undated.write_bytes(Page(published_meta=None).bytes())
    dated, plain = read_one(month), read_one(undated)
    assert isinstance(dated, IngestedArticle) and isinstance(plain, IngestedArticle)
    assert dated.metadata.published is not None
    assert (dated.metadata.published.value, dated.metadata.published.precision) == ("2024-11", "month")
    assert plain.metadata.published is None  # "© 2024" in the footer is not 2024-01-01


def test_a_legacy_encoding_declared_in_the_page_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "eski.htm"
    path.write_bytes(Page(charset="windows-1254").bytes())
    article = read_one(path)
    assert isinstance(article, IngestedArticle)
    assert article.text.startswith(TITLE)
    assert "Sarıkaya" in article.text and "ş" in article.text
    assert article.raw == path.read_bytes()  # the raw bytes stay as they came, in their encoding


def test_a_byte_order_mark_is_read_past_and_kept_in_the_raw_bytes(tmp_path: Path) -> None:
    path = tmp_path / "bom.html"
    path.write_bytes(b"\xef\xbb\xbf" + Page().bytes())
    article = read_one(path)
    assert isinstance(article, IngestedArticle)
    assert article.text.startswith(TITLE + "\n\n")
    assert article.raw.startswith(b"\xef\xbb\xbf")


def test_a_page_without_an_article_is_rejected_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_bytes(index_page())
    reject = read_one(path)
    assert isinstance(reject, IngestReject)
    assert (reject.location, reject.code, reject.file) == (str(path), "no-article", str(path))
    assert reject.raw_excerpt is not None and reject.raw_excerpt.startswith("<!DOCTYPE html>")


def test_a_short_notice_is_not_an_article(tmp_path: Path) -> None:
    path = tmp_path / "cerez.html"
    path.write_text(
        "<html><body><div class='cookie'><p>Bu site çerez kullanır. Devam ederek çerez politikamızı kabul"
        " etmiş olursunuz.</p></div></body></html>",
        "utf-8",
    )
    reject = read_one(path)
    assert isinstance(reject, IngestReject)
    assert reject.code == "no-article"
    assert "fewer than an article's 150" in reject.reason or "no article" in reject.reason


def test_paragraphs_split_by_double_line_breaks_and_a_title_repeated_at_the_end(tmp_path: Path) -> None:
    page = (
        "<html><head><meta charset='utf-8'><title>Güneyköy'de su kesintisi - Yayla Postası</title>"
        "<meta property='og:title' content=\"Güneyköy'de su kesintisi\"></head><body>"
        "<div id='menu'><a href='/'>Anasayfa</a> <a href='/x'>Ekonomi</a></div><div class='content'>"
        "<div class='text'>GÜNEYKÖY - Güneyköy Su İdaresi, ana boru hattındaki arıza nedeniyle ilçenin büyük"
        ' bölümünde suların iki gün kesik kalacağını açıkladı.<br><br>İdare müdürü Halit Yamaçlı, "Ekiplerimiz'
        ' gece gündüz çalışıyor, suyu en kısa sürede vereceğiz" dedi.<br><br>Mahalle sakinleri ise kesintinin'
        " önceden duyurulmadığını söyledi.</div><div class='title'>Güneyköy'de su kesintisi</div></div>"
        "<div class='footer'>Yayla Postası © 2023 · İletişim · Künye</div></body></html>"
    )
    path = tmp_path / "su.html"
    path.write_text(page, "utf-8")
    article = read_one(path)
    assert isinstance(article, IngestedArticle)
    kinds = [kind for kind, _ in pieces(article)]
    assert kinds == ["title", "paragraph", "dateline", "paragraph", "paragraph"]
    assert pieces(article)[0] == ("title", "Güneyköy'de su kesintisi")
    assert article.text.count("Güneyköy'de su kesintisi") == 1
    assert pieces(article)[2] == ("dateline", "GÜNEYKÖY")
    assert article.text.endswith("Mahalle sakinleri ise kesintinin önceden duyurulmadığını söyledi.")
