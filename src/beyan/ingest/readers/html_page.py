"""Saved HTML pages: one article per file, its text derived once by trafilatura."""

from __future__ import annotations

import re
from collections.abc import Iterator

from beyan.ingest.html_extract import PageRejected, extract_page
from beyan.ingest.readers.base import Reader, ReaderOutput, ReadOptions
from beyan.ingest.records import IngestedArticle
from beyan.ingest.sources import BOM, InputFile, excerpt

_HTML_START = re.compile(
    rb"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


def read_html(source: InputFile, *, options: ReadOptions) -> Iterator[ReaderOutput]:
    """The page's article, or a reject saying why it has none."""
    raw = source.read_all(limit=options.max_document_bytes)
    if raw is None:
        yield source.reject("", "too-large", f"the file is larger than {options.max_document_bytes} bytes")
        return
    page = extract_page(
        raw,
        url=None,
        declared_charset=None,
        precision=options.html_precision,
        min_article_chars=options.min_article_chars,
    )
    if isinstance(page, PageRejected):
        yield source.reject("", page.code, page.reason, excerpt(raw))
        return
    yield IngestedArticle(
        raw=raw,
        source_name=source.source.inner_name,
        fmt="html",
        location=source.name,
        text=page.text,
        structure=page.structure,
        metadata=page.metadata,
    )


def looks_like_html(head: bytes) -> bool:
    return _HTML_START.match(head.removeprefix(BOM)) is not None


READER = Reader(
    read=lambda source, options: read_html(source, options=options),
    extensions=(".html", ".htm", ".xhtml", ".shtml"),
    sniff=looks_like_html,
)
