"""Plain text and text with YAML front matter; the seed's format parsed as the corpus parses it."""

from __future__ import annotations

from pathlib import Path

from beyan.corpus import Corpus
from beyan.ingest import IngestedArticle, IngestReject, read_articles
from beyan.readers.news_text import parse_news_v1, parse_plain
from beyan.records import Rights
from tests.conftest import SEED_ARTICLE_ID, SEED_CORPUS

FRONT = """---
title: Kuzeyova'da metro tartışması
url: https://www.ovakenthaber.example/gundem/metro
published: 2024-11-05T09:30:00+03:00
source: Ovakent Haber
section: Gündem
language: tr
---
KUZEYOVA - Başkan Nurhan Tepeli, metro hattının yıl sonunda açılacağını söyledi.

Muhalefet maliyete itiraz etti.
"""


def test_front_matter_is_metadata_and_the_rest_is_the_body(tmp_path: Path) -> None:
    path = tmp_path / "metro.md"
    path.write_text(FRONT, "utf-8")
    [article] = read_articles(paths=[path])
    assert isinstance(article, IngestedArticle)
    assert article.text == (
        "Kuzeyova'da metro tartışması\n\nKUZEYOVA - Başkan Nurhan Tepeli, metro hattının yıl sonunda açılacağını"
        " söyledi.\n\nMuhalefet maliyete itiraz etti."
    )
    meta = article.metadata
    assert (meta.url, meta.source, meta.section, meta.language, meta.language_origin) == (
        "https://www.ovakenthaber.example/gundem/metro",
        "Ovakent Haber",
        "Gündem",
        "tr",
        "source",
    )
    # YAML reads the unquoted timestamp as a datetime; its offset is kept.
    assert meta.published is not None and meta.published.value == "2024-11-05T09:30:00+03:00"
    assert (article.fmt, article.parser, article.raw) == ("text", None, path.read_bytes())
    assert meta.extractor is not None and meta.extractor.name == "beyan.ingest.text"


def test_plain_text_is_the_seeds_plain_format(tmp_path: Path) -> None:
    raw = "Batıkent'te okul servisleri yeniden düzenlendi.\r\n\r\nVeliler görüş bildirecek.\r\n".encode()
    path = tmp_path / "servis.txt"
    path.write_bytes(raw)
    [article] = read_articles(paths=[path])
    assert isinstance(article, IngestedArticle)
    parsed = parse_plain(raw, where="x")
    assert (article.text, article.structure) == (parsed.text, parsed.structure)
    assert (article.parser, article.fmt, article.metadata.extractor) == ("plain", "text", None)
    assert article.metadata.language == "tr" and article.metadata.language_origin == "detected"


def test_bad_front_matter_and_bad_encoding_are_rejected(tmp_path: Path) -> None:
    bad_yaml = tmp_path / "a.md"
    bad_yaml.write_text("---\ntitle: [unclosed\n---\nMetin.\n", "utf-8")
    latin = tmp_path / "b.txt"
    latin.write_bytes("Köy haberi".encode("latin-1"))
    first, second = read_articles(paths=[bad_yaml, latin])
    assert isinstance(first, IngestReject) and (first.code, first.location) == (
        "invalid-front-matter",
        f"{bad_yaml} > front matter",
    )
    assert isinstance(second, IngestReject) and (second.code, second.location) == ("invalid-utf8", f"{latin} > byte 1")


def test_the_seed_article_parses_byte_for_byte_as_the_corpus_parses_it(tmp_path: Path) -> None:
    corpus = Corpus.open(SEED_CORPUS)
    seed = tmp_path / corpus.record(SEED_ARTICLE_ID)["source_file"]  # the raw file as it came, by its own name
    seed.write_bytes(corpus.raw_bytes(SEED_ARTICLE_ID))
    [article] = read_articles(paths=[seed])
    assert isinstance(article, IngestedArticle)
    assert (article.fmt, article.parser, article.article_id) == ("beyan-news-v1", "beyan-news-v1", SEED_ARTICLE_ID)
    parsed = parse_news_v1(seed.read_bytes(), where="seed")
    assert (article.text, article.structure) == (parsed.text, parsed.structure)
    assert article.metadata.published is not None and article.metadata.published.value == "2024-11"
    assert article.metadata.rights == Rights.unknown()


def test_a_seed_format_file_without_its_header_is_rejected_when_forced(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("Başlıksız bir metin.\n", "utf-8")
    [reject] = read_articles(paths=[path], fmt="beyan-news-v1")
    assert isinstance(reject, IngestReject)
    assert (reject.code, reject.location) == ("bad-header", f"{path} > line 1")
