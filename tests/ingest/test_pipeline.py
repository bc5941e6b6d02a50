"""The whole stream: reconciliation, determinism, progress, language, rights and the corpus's hashes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from beyan.ingest import (
    Duplicate,
    IngestedArticle,
    IngestReject,
    Progress,
    SkippedFile,
    read_articles,
    text_key,
)
from beyan.issues import BeyanError
from tests.ingest.fixtures import Page, gzip_bytes, index_page, jsonl, write_warc

SOURCES = """
sources:
  - name: Ovakent Haber
    domains: [ovakenthaber.example]
    license: CC-BY-4.0
    redistribution: text
"""


def inputs(root: Path) -> Path:
    """A folder mixing every format: pages, an archive, feeds (one gzipped), a table and texts."""
    root.mkdir()
    (root / "pages").mkdir()
    (root / "pages" / "metro.html").write_bytes(Page().bytes())
    (root / "pages" / "index.html").write_bytes(index_page())
    (root / "pages" / "metro-2.html").write_bytes(
        Page(closing=("Belediye meclisi konuyu önümüzdeki ay görüşecek.",)).bytes()
    )
    write_warc(root / "crawl.warc.gz", [("https://ovakenthaber.example/m", "text/html", Page().bytes())])
    feed = [
        {
            "title": "Köprü kapandı",
            "text": "Yağmur nedeniyle köprü trafiğe kapatıldı, ekipler bölgede çalışıyor.",
            "url": "https://www.ovakenthaber.example/k",
        },
        {
            "title": "Park açıldı",
            "text": "Batıkent'te yeni bir park hizmete açıldı.",
            "language": "tr",
            "source": "Yayla Postası",
        },
        {"title": "Bad", "text": 42},
    ]
    (root / "feed.jsonl.gz").write_bytes(gzip_bytes(jsonl(feed) + b"oops\n"))
    (root / "table.csv").write_text(
        'title,text\nKöprü kapandı,"Yağmur nedeniyle köprü trafiğe kapatıldı, ekipler bölgede çalışıyor."\n', "utf-8"
    )
    (root / "note.txt").write_text(
        "Minister Alda Fenwick said the budget would be tabled next week in Marlowe Bay.\n", "utf-8"
    )
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    return root


def summary(events: list[object]) -> list[tuple[str, str, str]]:
    out = []
    for event in events:
        if isinstance(event, IngestedArticle):
            out.append(("added", event.location, event.text_key))
        elif isinstance(event, Duplicate):
            out.append(("duplicate", event.location, event.duplicate_of))
        elif isinstance(event, IngestReject):
            out.append(("rejected", event.location, event.code))
        elif isinstance(event, SkippedFile):
            out.append(("skipped", event.path, event.reason))
    return out


def test_every_record_is_added_a_duplicate_or_rejected_and_the_counts_balance(tmp_path: Path) -> None:
    root = inputs(tmp_path / "in")
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES, "utf-8")
    stream = read_articles(paths=[root], sources=sources)
    events = list(stream)
    recon = stream.reconciliation
    assert recon.balanced
    assert (recon.read, recon.added, recon.duplicate, recon.rejected) == (10, 5, 2, 3)
    assert recon.near_duplicates == 1
    assert recon.read == recon.added + recon.duplicate + recon.rejected
    by_file = {Path(path).name: (c.fmt, c.read, c.added, c.duplicate, c.rejected) for path, c in recon.files.items()}
    assert by_file == {
        "crawl.warc.gz": ("warc", 1, 1, 0, 0),
        "feed.jsonl.gz": ("jsonl", 4, 2, 0, 2),
        "note.txt": ("text", 1, 1, 0, 0),
        "index.html": ("html", 1, 0, 0, 1),
        "metro.html": ("html", 1, 0, 1, 0),
        "metro-2.html": ("html", 1, 1, 0, 0),
        "table.csv": ("csv", 1, 0, 1, 0),
    }
    assert [s.path for s in recon.skipped] == [str(root / "cover.jpg")]
    articles = {Path(e.location.split(" > ")[0]).name: e for e in events if isinstance(e, IngestedArticle)}
    warc = articles["crawl.warc.gz"]
    # Rights by domain; the outlet's name fills a missing source.
    assert (warc.metadata.rights.license, warc.metadata.rights_origin) == ("CC-BY-4.0", "Ovakent Haber")
    park = next(e for e in events if isinstance(e, IngestedArticle) and "Park" in e.text)
    assert (park.metadata.rights.redistribution, park.metadata.rights_origin) == ("standoff", None)
    assert (park.metadata.language, park.metadata.language_origin) == ("tr", "source")
    edited = articles["metro-2.html"]
    assert edited.near_duplicate is not None and edited.near_duplicate.similar_to == warc.article_id
    assert edited.near_duplicate.group == min(warc.article_id, edited.article_id)
    note = articles["note.txt"]
    assert (note.metadata.language, note.metadata.language_origin) == ("en", "detected")
    assert note.metadata.language_confidence is not None and note.metadata.language_confidence > 0.5
    rendered = recon.render()
    assert "total: read 10 = added 5 + duplicate 2 + rejected 3" in rendered
    assert f"not read: {root / 'cover.jpg'}: not a format beyan reads" in rendered


def test_the_same_inputs_give_the_same_stream_whatever_their_order_or_folder(tmp_path: Path) -> None:
    root = inputs(tmp_path / "in")
    files = sorted(p for p in root.rglob("*") if p.is_file())
    forward = summary(list(read_articles(paths=files)))
    backward = summary(list(read_articles(paths=list(reversed(files)))))
    assert forward == backward
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    moved = summary(list(read_articles(paths=[copy])))
    assert [(kind, key) for kind, _, key in moved if kind == "added"] == [
        (kind, key) for kind, _, key in forward if kind == "added"
    ]


def test_a_language_override_and_the_corpus_hashes_are_applied(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(
        jsonl([{"title": "A", "text": "Bir haber metni burada."}, {"title": "B", "text": "İkinci haber."}])
    )
    stored = text_key("A\n\nBir haber metni burada.")
    first, second = read_articles(paths=[path], language="ku", existing_text_hashes={stored: "0263f442a811c8ac"})
    assert isinstance(first, Duplicate)
    assert (first.duplicate_of, first.duplicate_of_id) == ("corpus", "0263f442a811c8ac")
    assert isinstance(second, IngestedArticle)
    assert (second.metadata.language, second.metadata.language_origin, second.metadata.language_confidence) == (
        "ku",
        "override",
        None,
    )


def test_an_invalid_language_in_a_record_is_a_reject(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl([{"title": "A", "text": "Bir haber.", "lang": "Turkish language"}]))
    [reject] = read_articles(paths=[path])
    assert isinstance(reject, IngestReject) and reject.code == "invalid-language"


def test_progress_reports_files_and_bytes_up_to_the_total(tmp_path: Path) -> None:
    root = inputs(tmp_path / "in")
    seen: list[Progress] = []
    list(read_articles(paths=[root], progress=seen.append))
    assert seen[-1].files_done == seen[-1].files_total == 8  # the picture is found, then not read
    assert seen[-1].bytes_done == seen[-1].bytes_total == sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert [p.files_done for p in seen] == sorted(p.files_done for p in seen)
    assert seen[-1].records_read == 10


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"fmt": "pdf"}, "unknown-format"), ({"language": "turkish language"}, "invalid-language")],
)
def test_bad_arguments_fail_before_reading(tmp_path: Path, kwargs: dict[str, str], code: str) -> None:
    with pytest.raises(BeyanError) as caught:
        read_articles(paths=[tmp_path], **kwargs)  # type: ignore[arg-type]
    assert caught.value.issues.codes() == [code]


def test_a_matched_source_names_the_outlet_where_the_page_gave_only_its_host(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES, "utf-8")
    path = tmp_path / "feed.jsonl"
    path.write_bytes(
        jsonl(
            [
                {
                    "title": "A",
                    "text": "Bir haber.",
                    "url": "https://www.ovakenthaber.example/a",
                    "source": "ovakenthaber.example",
                },
                {
                    "title": "B",
                    "text": "Başka haber.",
                    "url": "https://ovakenthaber.example/b",
                    "source": "Ovakent Akşam",
                },
                {"title": "C", "text": "Üçüncü haber.", "url": "https://ovakenthaber.example/c"},
            ]
        )
    )
    events = read_articles(paths=[path], sources=sources, language="tr", near_duplicates=False)
    outlets = [event.metadata.source for event in events if isinstance(event, IngestedArticle)]
    assert outlets == ["Ovakent Haber", "Ovakent Akşam", "Ovakent Haber"]  # a real outlet name is kept
