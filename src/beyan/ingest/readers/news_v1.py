"""The seed's own format, ``beyan-news-v1``: parsed exactly as the corpus parses it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from beyan.ingest.readers.base import Reader, ReaderOutput, ReadOptions
from beyan.ingest.records import ArticleMetadata, IngestedArticle
from beyan.ingest.sources import BOM, InputFile, excerpt
from beyan.issues import BeyanError
from beyan.readers.news_text import parse_news_v1

_HEADER = re.compile(rb"\A\s*date\s+\d{4}(?:-\d{2}){0,2}\b[^\n]*\r?\n(?:[^\S\n]*\r?\n)*- ")


def read_news_v1(source: InputFile, *, options: ReadOptions) -> Iterator[ReaderOutput]:
    """The whole file is one article; its text, structure and metadata come from the seed's parser."""
    raw = source.read_all(limit=options.max_document_bytes)
    if raw is None:
        yield source.reject("", "too-large", f"the file is larger than {options.max_document_bytes} bytes")
        return
    try:
        parsed = parse_news_v1(raw, where=source.name)
    except BeyanError as error:
        issue = error.issues.sorted()[0]
        where = " > ".join(issue.location[1:])
        yield source.reject(where, issue.code, issue.message, excerpt(raw))
        return
    yield IngestedArticle(
        raw=raw,
        source_name=source.source.inner_name,
        fmt="beyan-news-v1",
        location=source.name,
        text=parsed.text,
        structure=parsed.structure,
        metadata=ArticleMetadata(
            title=parsed.title,
            subtitle=parsed.subtitle,
            dateline=parsed.dateline,
            published=parsed.published,
            section=parsed.section,
        ),
        parser="beyan-news-v1",
    )


def looks_like_news_v1(head: bytes) -> bool:
    """A ``date YYYY[-MM[-DD]] SECTION`` line, then the headline after ``- ``."""
    return _HEADER.match(head.removeprefix(BOM)) is not None


READER = Reader(
    read=lambda source, options: read_news_v1(source, options=options),
    extensions=(".txt", ".text"),
    confirm=looks_like_news_v1,
    sniff=looks_like_news_v1,
)
