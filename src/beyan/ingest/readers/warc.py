"""Web archives (WARC, and ARC): every HTML response is a page, read while the archive streams.

warcio reads the archive record by record, undoing per-record gzip (``.warc.gz``), chunked
transfer and content encodings. A page keeps the record's target URI as its URL and the
record's date as when it was retrieved. Records that cannot be articles (requests, metadata,
redirects, images, style sheets) are counted by kind, not read; an HTML response that has no
article is rejected with the record's byte offset.
"""

from __future__ import annotations

from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

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
    """One article per HTML response (or resource) record; offsets are those of the stored file."""
    stream = source.raw if source.compression == "gzip" else source.decompressed()
    stem = source.source.inner_name
    records = ArchiveIterator(stream, arc2warc=True)
    try:
        for record in records:
            kind = record.rec_type
            if kind not in ("response", "resource"):
                yield IgnoredRecord(f"WARC {kind} record")
                continue
            offset = records.get_record_offset()
            where = f"record at byte {offset}"
            headers = record.http_headers if kind == "response" else None
            if headers is not None:
                status = headers.get_statuscode()
                if not status.startswith("2"):
                    yield IgnoredRecord(f"HTTP {status} response")
                    continue
                media, charset = _content_type(headers.get_header("Content-Type"))
            else:
                media, charset = _content_type(record.rec_headers.get_header("Content-Type"))
            if media not in _HTML_TYPES:
                yield IgnoredRecord(f"non-HTML {kind} ({media or 'no content type'})")
                continue
            body = record.content_stream().read()
            url = record.rec_headers.get_header("WARC-Target-URI")
            page = extract_page(
                body,
                url=url,
                declared_charset=charset,
                precision=options.html_precision,
                min_article_chars=options.min_article_chars,
            )
            if isinstance(page, PageRejected):
                yield source.reject(where, page.code, f"{page.reason} ({url})", excerpt(body))
                continue
            page.metadata.retrieved = record.rec_headers.get_header("WARC-Date")
            yield IngestedArticle(
                raw=body,
                source_name=f"{stem}#byte{offset}",
                fmt="warc",
                location=f"{source.name} > {where}",
                text=page.text,
                structure=page.structure,
                metadata=page.metadata,
            )
    except ArchiveLoadFailed as error:
        yield source.reject(f"byte {source.bytes_done()}", "invalid-warc", f"the archive cannot be read on: {error}")


READER = Reader(
    read=lambda source, options: read_warc(source, options=options),
    extensions=(".warc", ".arc"),
    sniff=lambda head: head.startswith((b"WARC/", b"filedesc://")),
)
