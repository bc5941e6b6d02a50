"""JSON Lines scraper output: a mapping, defaults, duplicates, bad lines, compression and a BOM."""

from __future__ import annotations

from pathlib import Path

import pytest

from beyan.ingest import Duplicate, IngestedArticle, IngestReject, read_articles
from tests.ingest.fixtures import gzip_bytes, jsonl, zstd_bytes

BODY = (
    "KUZEYOVA - Kuzeyova Belediye Başkanı Nurhan Tepeli, metro hattının yıl sonunda açılacağını söyledi.\n\n"
    'Tepeli, "Bütçemiz hazır" dedi.'
)


def feed() -> list[object]:
    return [
        {
            "headline": "Metro hattı yıl sonunda açılıyor",
            "body": BODY,
            "date": "2024-11-05",
            "link": "https://ovakenthaber.example/a/1",
            "outlet": "Ovakent Haber",
            "id": 101,
        },
        {
            "headline": "Su kesintisi iki gün sürecek",
            "body": "GÜNEYKÖY - Güneyköy Su İdaresi, arıza nedeniyle suların iki gün kesik kalacağını açıkladı.",
            "date": "05.11.2024 14:20",
        },
        {
            "headline": "Metro hattı yıl sonunda açılıyor",
            "body": BODY.replace("\n\n", "\n\n\n  "),
            "date": "2024-11-05",
        },
        {"headline": "Boş haber", "body": "   "},
        {"headline": "Tarihi bozuk", "body": "Bir paragraf.", "date": "dün akşam"},
    ]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_mapping_names_the_fields_and_each_line_is_an_article(tmp_path: Path) -> None:
    raw = jsonl(feed()) + b"{not json\n" + b"[1, 2]\n" + b"\n"
    path = write(tmp_path / "feed.jsonl", raw)
    stream = read_articles(paths=[path], mapping="text=body,title=headline,published=date")
    events = list(stream)
    first, second, duplicate, empty, bad_date, bad_json, not_object = events
    assert isinstance(first, IngestedArticle) and isinstance(second, IngestedArticle)
    assert first.text == "Metro hattı yıl sonunda açılıyor\n\n" + BODY
    assert [(b.kind, first.text[b.start : b.end]) for b in first.structure] == [
        ("title", "Metro hattı yıl sonunda açılıyor"),
        ("paragraph", BODY.split("\n\n")[0]),
        ("dateline", "KUZEYOVA"),
        ("paragraph", 'Tepeli, "Bütçemiz hazır" dedi.'),
    ]
    meta = first.metadata
    assert (meta.url, meta.source, meta.source_id, meta.title) == (
        "https://ovakenthaber.example/a/1",
        "Ovakent Haber",
        "101",
        "Metro hattı yıl sonunda açılıyor",
    )
    assert meta.published is not None and (meta.published.value, meta.published.precision) == ("2024-11-05", "day")
    assert second.metadata.published is not None and second.metadata.published.value == "2024-11-05T14:20"
    assert first.raw == raw.split(b"\n")[0]
    assert (first.source_name, first.location, first.fmt) == ("feed.jsonl#L1", f"{path} > line 1", "jsonl")
    assert meta.extractor is not None and meta.extractor.settings == "map=text=body,title=headline,published=date"
    assert isinstance(duplicate, Duplicate)
    assert (duplicate.location, duplicate.duplicate_of) == (f"{path} > line 3", f"{path} > line 1")
    assert (duplicate.text_key, duplicate.duplicate_of_id) == (first.text_key, first.article_id)
    assert duplicate.article_id != first.article_id  # its own raw line differs
    assert isinstance(empty, IngestReject) and (empty.code, empty.location) == ("no-text", f"{path} > line 4")
    assert isinstance(bad_date, IngestReject) and bad_date.code == "invalid-date" and "'dün akşam'" in bad_date.reason
    assert isinstance(bad_json, IngestReject) and (bad_json.code, bad_json.location) == (
        "invalid-json",
        f"{path} > line 6",
    )
    assert bad_json.raw_excerpt == "{not json"
    assert isinstance(not_object, IngestReject) and not_object.code == "not-an-object"
    counts = stream.reconciliation.files[str(path)]
    assert (counts.read, counts.added, counts.duplicate, counts.rejected) == (7, 2, 1, 4)
    assert dict(counts.ignored) == {"blank line": 1}


def test_common_field_names_need_no_mapping_and_nested_fields_can_be_named(tmp_path: Path) -> None:
    records = [
        {
            "Title": "Köprü trafiğe kapatıldı",
            "Content": ["Yağmur nedeniyle köprü kapatıldı.", "Ekipler çalışıyor."],
            "URL": "https://x.example/k",
            "Published_At": "2024-03",
        },
        {"meta": {"headline": "Yeni park açıldı"}, "article": "Batıkent'te yeni bir park hizmete açıldı."},
    ]
    path = write(tmp_path / "scrape.ndjson", jsonl(records))
    first, second = read_articles(paths=[path])
    assert isinstance(first, IngestedArticle) and isinstance(second, IngestedArticle)
    assert first.text == "Köprü trafiğe kapatıldı\n\nYağmur nedeniyle köprü kapatıldı.\n\nEkipler çalışıyor."
    assert first.metadata.published is not None and first.metadata.published.precision == "month"
    assert first.metadata.url == "https://x.example/k"
    assert second.text == "Batıkent'te yeni bir park hizmete açıldı."  # no default name reaches meta.headline
    # An explicit mapping applies to every record: the first has no "meta", so no title.
    mapped_first, mapped_second = read_articles(paths=[path], mapping="title=meta.headline")
    assert isinstance(mapped_first, IngestedArticle) and isinstance(mapped_second, IngestedArticle)
    assert mapped_first.metadata.title is None
    assert mapped_second.text == "Yeni park açıldı\n\nBatıkent'te yeni bir park hizmete açıldı."


@pytest.mark.parametrize("pack", [gzip_bytes, zstd_bytes], ids=["gzip", "zstd"])
def test_compressed_feeds_give_the_same_articles(tmp_path: Path, pack: object) -> None:
    raw = jsonl(feed()[:2])
    (tmp_path / "plain").mkdir()
    plain = write(tmp_path / "plain" / "feed.jsonl", raw)
    packed_name = "feed.jsonl.gz" if pack is gzip_bytes else "feed.jsonl.zst"
    packed = write(tmp_path / packed_name, pack(raw))  # type: ignore[operator]
    expected = [(a.text, a.raw, a.source_name) for a in read_articles(paths=[plain]) if isinstance(a, IngestedArticle)]
    got = [(a.text, a.raw, a.source_name) for a in read_articles(paths=[packed]) if isinstance(a, IngestedArticle)]
    assert got == expected and len(got) == 2


def test_a_byte_order_mark_and_crlf_line_ends_are_not_part_of_a_record(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + jsonl(feed()[:2]).replace(b"\n", b"\r\n")
    path = write(tmp_path / "bom.jsonl", raw)
    first, second = read_articles(paths=[path])
    assert isinstance(first, IngestedArticle) and isinstance(second, IngestedArticle)
    assert first.raw.startswith(b"{") and not first.raw.endswith(b"\r")


def test_a_line_that_is_not_utf8_is_rejected_and_the_next_is_read(tmp_path: Path) -> None:
    raw = jsonl(feed()[:1]) + '{"title": "Eski", "text": "K\xf6y"}'.encode("latin-1") + b"\n" + jsonl(feed()[1:2])
    path = write(tmp_path / "mixed.jsonl", raw)
    first, bad, third = read_articles(paths=[path])
    assert isinstance(bad, IngestReject)
    assert (bad.code, bad.location) == ("invalid-utf8", f"{path} > line 2")
    assert isinstance(first, IngestedArticle) and isinstance(third, IngestedArticle)
