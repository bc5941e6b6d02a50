"""File discovery: folders, globs, compression, and every path not read listed with its reason."""

from __future__ import annotations

from pathlib import Path

from beyan.ingest import IngestedArticle, SkippedFile, read_articles
from beyan.ingest.sources import InputFile, SourceFile, discover
from tests.ingest.fixtures import gzip_bytes, jsonl, zstd_bytes

RECORD = {"title": "Başlık", "text": "Kuzeyova'da bir haber metni."}


def test_folders_are_walked_in_path_order_and_hidden_or_missing_paths_are_listed(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for name in ("b/2.jsonl", "a/deep/1.jsonl", "a/0.jsonl", ".git/x.jsonl", "a/.hidden.jsonl"):
        (tmp_path / name).write_bytes(jsonl([RECORD]))
    files, skipped = discover([tmp_path / "b", tmp_path, str(tmp_path / "nothing-*.jsonl"), tmp_path / "missing.csv"])
    assert [f.path.relative_to(tmp_path).as_posix() for f in files] == ["a/0.jsonl", "a/deep/1.jsonl", "b/2.jsonl"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons[".git"] == "hidden folder: not searched"
    assert reasons[".hidden.jsonl"] == "hidden file: not read"
    assert reasons["2.jsonl"].startswith("the same file as")
    assert reasons["nothing-*.jsonl"] == "no file matches this pattern"
    assert reasons["missing.csv"] == "no such file or folder"


def test_globs_match_recursively(tmp_path: Path) -> None:
    (tmp_path / "x" / "y").mkdir(parents=True)
    (tmp_path / "x" / "y" / "feed.jsonl").write_bytes(b"")
    (tmp_path / "x" / "page.html").write_bytes(b"")
    files, skipped = discover([f"{tmp_path}/**/*.jsonl"])
    assert [f.path.name for f in files] == ["feed.jsonl"] and skipped == []


def test_compression_is_known_by_its_magic_bytes_and_names_lose_their_suffix(tmp_path: Path) -> None:
    data = jsonl([RECORD])
    for name, payload in (
        ("a.jsonl.gz", gzip_bytes(data)),
        ("b.jsonl.zst", zstd_bytes(data)),
        ("c.jsonl", gzip_bytes(data)),
    ):
        (tmp_path / name).write_bytes(payload)
        source = SourceFile(tmp_path / name)
        with InputFile(source) as opened:
            assert opened.decompressed().read() == data
            assert opened.compression == ("zstd" if name.startswith("b") else "gzip")
    assert SourceFile(Path("feed.jsonl.gz")).inner_name == "feed.jsonl"
    assert SourceFile(Path("crawl.warc.zst")).suffix == ".warc"
    articles = [e for e in read_articles(paths=[tmp_path]) if isinstance(e, IngestedArticle)]
    assert [a.source_name for a in articles] == ["a.jsonl#L1"]  # b and c are duplicates of a
    assert all(a.raw == data.rstrip(b"\n") for a in articles)


def test_files_of_no_known_format_and_compressed_parquet_are_listed_not_read(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not an article")
    (tmp_path / "table.parquet.gz").write_bytes(gzip_bytes(b"PAR1 whatever"))
    (tmp_path / "page").write_bytes(b"<!DOCTYPE html><html><body><p>x</p></body></html>")  # no extension: sniffed
    stream = read_articles(paths=[tmp_path])
    skipped = [e for e in stream if isinstance(e, SkippedFile)]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons["notes.docx"].startswith("not a format beyan reads (extension '.docx'")
    assert reasons["table.parquet.gz"] == "parquet cannot be read gzip-compressed: decompress it first"
    assert stream.reconciliation.files[str(tmp_path / "page")].fmt == "html"
    assert stream.reconciliation.skipped == skipped


def test_a_truncated_gzip_file_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    records = [{"title": f"Haber {i}", "text": f"Kuzeyova'da {i}. haber metni, bir paragraf."} for i in range(200)]
    packed = gzip_bytes(jsonl(records))
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    stream = read_articles(paths=[path])
    events = list(stream)
    assert 0 < sum(isinstance(e, IngestedArticle) for e in events) < 200
    last = events[-1]
    assert getattr(last, "code", None) == "unreadable-file"
    assert stream.reconciliation.balanced
