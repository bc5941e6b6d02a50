"""Web archives (WARC, and ARC): every HTML response is a page, read while the archive streams.

warcio reads the archive record by record, undoing per-record gzip (``.warc.gz``), chunked
transfer and content encodings. A page keeps the record's target URI as its URL and the
record's date as when it was retrieved. Records that cannot be articles (requests, metadata,
redirects, images, style sheets) are counted by kind, not read; an HTML response that has no
article is rejected with the record's byte offset.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from beyan.ingest.html_extract import PageRejected, extract_page
from beyan.ingest.readers.base import IgnoredRecord, Reader, ReaderOutput, ReadOptions
from beyan.ingest.records import IngestedArticle
from beyan.ingest.sources import InputFile, excerpt

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _content_type(value: str | None) -> tuple[str, str | None]:
    """The media type and charset of a Content-Type header."""
    if not value:
        return "", None
    media, *parameters = (part.strip() for part in value.split(";"))
    charset = next((p.split("=", 1)[1].strip("\"' ") for p in parameters if p.lower().startswith("charset=")), None)
    return media.lower(), charset or None


def read_warc(source: InputFile, *, options: ReadOptions) -> Iterator[ReaderOutput]:
    """One article per HTML response (or resource) record; offsets are those of the stored file.

    Digests are checked where the archive has them: a record whose payload does not match
    (cut short, corrupted) is rejected. warcio drops a final record cut short without a word,
    so bytes left after the last record it gives are reported as a truncated archive.
    """
    stream = source.raw if source.compression == "gzip" else source.decompressed()
    records = ArchiveIterator(stream, arc2warc=True, check_digests=True)
    iterator = iter(records)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            break
        except Exception as error:  # warcio fails in many ways on a damaged archive (even AttributeError)
            at = f"byte {records.offset}"
            yield source.reject(at, "invalid-warc", f"the archive cannot be read on: {type(error).__name__}: {error}")
            return
        yield from _record(source, records, record, options)
    if source.compression != "zstd":  # offsets of a zstd archive are in its decompressed bytes: no size to compare
        size = os.fstat(source.raw.fileno()).st_size
        if records.offset < size:
            yield source.reject(
                f"byte {records.offset}",
                "truncated-warc",
                f"the archive ends inside a record: {size - records.offset} bytes after the last whole record",
            )


def _record(source: InputFile, records: ArchiveIterator, record: Any, options: ReadOptions) -> Iterator[ReaderOutput]:
    kind = record.rec_type
    if kind not in ("response", "resource"):
        yield IgnoredRecord(f"WARC {kind} record")
        return
    headers = record.http_headers if kind == "response" else None
    if headers is not None:
        status = headers.get_statuscode()
        if not status.startswith("2"):
            yield IgnoredRecord(f"HTTP {status} response")
            return
        media, charset = _content_type(headers.get_header("Content-Type"))
    else:
        media, charset = _content_type(record.rec_headers.get_header("Content-Type"))
    if media not in _HTML_TYPES:
        yield IgnoredRecord(f"non-HTML {kind} ({media or 'no content type'})")
        return
    body = record.content_stream().read()
    offset = records.get_record_offset()  # only once the content is read: asking earlier consumes it
    where = f"record at byte {offset}"
    url = record.rec_headers.get_header("WARC-Target-URI")
    if record.digest_checker.passed is False:
        problems = "; ".join(record.digest_checker.problems)
        yield source.reject(where, "digest-mismatch", f"the record is damaged or cut short ({problems})", excerpt(body))
        return
    page = extract_page(
        body,
        url=url,
        declared_charset=charset,
        precision=options.html_precision,
        min_article_chars=options.min_article_chars,
    )
    if isinstance(page, PageRejected):
        yield source.reject(where, page.code, f"{page.reason} ({url})", excerpt(body))
        return
    page.metadata.retrieved = record.rec_headers.get_header("WARC-Date")
    yield IngestedArticle(
        raw=body,
        source_name=f"{source.source.inner_name}#byte{offset}",
        fmt="warc",
        location=f"{source.name} > {where}",
        text=page.text,
        structure=page.structure,
        metadata=page.metadata,
    )


READER = Reader(
    read=lambda source, options: read_warc(source, options=options),
    extensions=(".warc", ".arc"),
    sniff=lambda head: head.startswith((b"WARC/", b"filedesc://")),
)
