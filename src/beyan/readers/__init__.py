"""Article formats: how a stored article's raw bytes become its text, structure and metadata.

``ARTICLE_FORMATS`` is the registry: one entry per format, one module per parser. Formats with a
deterministic parser of their own (the seed's ``beyan-news-v1``, ``plain``) derive the text from
the raw bytes at every read; formats that need an extractor (HTML pages, web archives, scraper
output) keep the text the extractor derived at ingest next to the raw bytes (``derived``), so a
new extractor version never shifts the offsets of stored annotations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from beyan.issues import fail
from beyan.readers.news_text import ParsedText, parse_news_v1, parse_plain, parse_published
from beyan.records import Block

ArticleParser = Callable[[bytes, dict[str, Any], str], ParsedText]


def _news_v1(raw: bytes, record: dict[str, Any], where: str) -> ParsedText:
    return parse_news_v1(raw, where=where)


def _plain(raw: bytes, record: dict[str, Any], where: str) -> ParsedText:
    return parse_plain(raw, where=where)


def parse_derived(raw: bytes, record: dict[str, Any], where: str) -> ParsedText:
    """The text and structure an extractor derived at ingest, kept in the record's ``derived``."""
    derived = record.get("derived")
    if not isinstance(derived, dict) or not isinstance(derived.get("text"), str):
        raise fail(
            "missing-derived-text",
            (where, "derived"),
            f"articles of format {record.get('format')!r} keep the text their extractor derived; it is missing",
            hint="re-ingest the article (`beyan ingest`)",
        )
    text = derived["text"]
    structure = tuple(Block(str(kind), int(start), int(end)) for kind, start, end in derived.get("structure", []))
    published = derived.get("published")
    return ParsedText(
        text=text,
        title=derived.get("title"),
        subtitle=derived.get("subtitle"),
        dateline=derived.get("dateline"),
        section=derived.get("section"),
        published=None if published is None else parse_published(str(published), where=(where, "derived")),
        structure=structure,
    )


ARTICLE_FORMATS: dict[str, ArticleParser] = {
    "beyan-news-v1": _news_v1,
    "plain": _plain,
}


def parse_article(raw: bytes, record: dict[str, Any], *, where: str) -> ParsedText:
    fmt = record.get("format")
    if "derived" in record:
        return parse_derived(raw, record, where)
    parser = ARTICLE_FORMATS.get(str(fmt))
    if parser is None:
        raise fail(
            "unknown-format",
            (where, "format"),
            "unknown article format",
            expected=" or ".join(ARTICLE_FORMATS),
            found=repr(fmt),
        )
    return parser(raw, record, where)
