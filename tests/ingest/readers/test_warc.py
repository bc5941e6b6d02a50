"""Web archives: HTML responses become articles with their URI, date and record offset."""

from __future__ import annotations

from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from beyan.ingest import IngestedArticle, IngestReject, read_articles
from tests.ingest.fixtures import FIRST, TITLE, Page, index_page, write_warc, zstd_bytes

SECOND_TITLE = "Batıkent'te okul servisleri yeniden düzenlendi"
SECOND_BODY = (
    "BATIKENT - Batıkent İl Milli Eğitim Müdürü Sevgi Orhun, okul servislerinin güzergahlarının yeni dönemde"
    " yeniden düzenleneceğini duyurdu. Orhun, velilerin görüşlerinin alınacağını söyledi."
)


def responses() -> list[tuple[str, str, bytes]]:
    second = Page(
        title=SECOND_TITLE,
        subtitle=None,
        paragraphs=(SECOND_BODY,),
        crosshead=None,
        later=(),
        quote=None,
        closing=("Yeni düzenleme eylülde başlayacak ve bütün ilçelerde uygulanacak.",),
        url=None,
        published_meta="2024-09-02",
    )
    return [
        ("https://www.ovakenthaber.example/gundem/metro-hatti-123", "text/html; charset=utf-8", Page().bytes()),
        ("https://www.ovakenthaber.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n not really a picture"),
        ("https://www.ovakenthaber.example/egitim/servis-9", "text/html", second.bytes()),
        ("https://www.ovakenthaber.example/", "text/html", index_page()),
        ("https://www.ovakenthaber.example/yok", "404", b"<html><body>Sayfa bulunamadi</body></html>"),
    ]


@pytest.mark.parametrize("compressed", [True, False])
def test_html_responses_are_articles_and_the_rest_is_counted_or_rejected(tmp_path: Path, compressed: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if compressed else "crawl.warc")
    infos = write_warc(path, responses(), gzip_records=compressed)
    offsets = {info.uri: info.offset for info in infos if info.kind == "response"}
    stream = read_articles(paths=[path])
    events = list(stream)
    articles = [e for e in events if isinstance(e, IngestedArticle)]
    rejects = [e for e in events if isinstance(e, IngestReject)]
    assert [a.metadata.url for a in articles] == [
        "https://www.ovakenthaber.example/gundem/metro-hatti-123",
        "https://www.ovakenthaber.example/egitim/servis-9",
    ]
    first, second = articles
    assert first.text.startswith(TITLE + "\n\n") and FIRST in first.text
    assert second.text.startswith(SECOND_TITLE + "\n\n" + SECOND_BODY)
    assert second.metadata.published is not None and second.metadata.published.value == "2024-09-02"
    for article in articles:
        offset = offsets[article.metadata.url or ""]
        assert article.location == f"{path} > record at byte {offset}"
        assert article.source_name == f"crawl.warc#byte{offset}"
        assert article.fmt == "warc"
        assert article.metadata.retrieved is not None and article.metadata.retrieved.endswith("Z")
        # The offset leads to the record, and the raw bytes are its HTTP body.
        with path.open("rb") as stream_at:
            stream_at.seek(offset)
            record = next(iter(ArchiveIterator(stream_at)))
            assert record.rec_headers.get_header("WARC-Target-URI") == article.metadata.url
            assert record.content_stream().read() == article.raw
    [reject] = rejects
    assert reject.code == "no-article"
    assert reject.location == f"{path} > record at byte {offsets['https://www.ovakenthaber.example/']}"
    counts = stream.reconciliation.files[str(path)]
    assert (counts.read, counts.added, counts.duplicate, counts.rejected) == (3, 2, 0, 1)
    assert dict(counts.ignored) == {
        "WARC warcinfo record": 1,
        "WARC request record": 5,
        "non-HTML response (image/png)": 1,
        "HTTP 404 response": 1,
    }


def test_a_zstd_compressed_archive_is_read_too(tmp_path: Path) -> None:
    plain = tmp_path / "crawl.warc"
    write_warc(plain, responses()[:1], gzip_records=False)
    path = tmp_path / "crawl.warc.zst"
    path.write_bytes(zstd_bytes(plain.read_bytes()))
    plain.unlink()
    [article] = [e for e in read_articles(paths=[path]) if isinstance(e, IngestedArticle)]
    assert article.text.startswith(TITLE)
    assert article.fmt == "warc"


@pytest.mark.parametrize("compressed", [True, False])
def test_an_archive_cut_short_keeps_what_was_read_and_rejects_the_rest(tmp_path: Path, compressed: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if compressed else "crawl.warc")
    infos = write_warc(path, responses()[:3], gzip_records=compressed)
    last = max(info.offset for info in infos)
    path.write_bytes(path.read_bytes()[: last + 40])
    stream = read_articles(paths=[path])
    events = list(stream)
    assert sum(isinstance(e, IngestedArticle) for e in events) == 1
    [reject] = [e for e in events if isinstance(e, IngestReject)]
    assert reject.code in ("truncated-warc", "invalid-warc")
    assert reject.location == f"{path} > byte {last}"
    counts = stream.reconciliation.files[str(path)]
    assert (counts.read, counts.added, counts.rejected) == (2, 1, 1)
    assert stream.reconciliation.balanced


def test_a_damaged_record_fails_its_digest_and_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    infos = write_warc(path, responses()[:1], gzip_records=False)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Tepeli", b"Tepelu", 1))
    [reject] = list(read_articles(paths=[path]))
    assert isinstance(reject, IngestReject)
    assert reject.code == "digest-mismatch"
    assert reject.location == f"{path} > record at byte {infos[-1].offset}"
