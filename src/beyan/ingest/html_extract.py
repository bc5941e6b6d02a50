"""An article's text, structure and metadata from an HTML page, with trafilatura and htmldate.

trafilatura finds the main text and keeps its structure (headings, paragraphs, quotes, list
items), which becomes beyan's blocks: the headline first, headings before the first
paragraph as subtitles, later ones as crossheads, a dateline opening the first paragraph.

The publication date is read first from the page's own markup (``article:published_time``,
``datePublished`` in JSON-LD or microdata, ``<time datetime>``) at the precision it states;
only without one is htmldate's day-precision guess taken (its "extensive search" is off: it
would turn a copyright line "© 2024" into 2024-01-01, a precision the page never stated).
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from typing import Any

import charset_normalizer
import htmldate
import orjson
import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from beyan import __version__
from beyan.corpus import is_language_tag
from beyan.ingest.blocks import assemble, same_text
from beyan.ingest.mapping import MappingError, normalize_published
from beyan.ingest.records import ArticleMetadata, Extractor
from beyan.records import Block, Published

for _name in ("trafilatura", "htmldate", "courlan"):
    # They log every discarded page (the readers report those as rejects); without a handler of
    # the application's, Python's last-resort handler would print each one to stderr.
    logging.getLogger(_name).addHandler(logging.NullHandler())

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_PUBLISHED_KEYS = (
    "article:published_time",
    "datepublished",
    "og:published_time",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "parsely-pub-date",
    "sailthru.date",
)
_SECTION_KEYS = ("article:section", "articlesection", "section", "parsely-section")
_BLOCK_TAGS = frozenset({"p", "head", "quote", "list", "item", "div", "code", "table", "row", "cell"})
_WHITESPACE = re.compile(r"\s+")
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "max_date": "2099-12-31"}


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    text: str
    structure: tuple[Block, ...]
    metadata: ArticleMetadata


@dataclass(frozen=True, slots=True)
class PageRejected:
    code: str
    reason: str


def extractor_of(*, precision: bool) -> Extractor:
    """The extractor and settings every derived HTML text records (a new version may give another text)."""
    return Extractor(
        name="trafilatura",
        version=trafilatura.__version__,
        settings=f"favor_precision={precision}; htmldate={htmldate.__version__}; beyan={__version__}",
    )


def decode_html(raw: bytes, *, declared: str | None = None) -> str | None:
    """The page as text: a byte-order mark, the HTTP charset, the page's meta charset, UTF-8, then a guess."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(encoding).removeprefix("\ufeff")
            except UnicodeDecodeError:
                break
    meta = _META_CHARSET.search(raw[:4096])
    candidates = [declared, meta.group(1).decode("ascii") if meta else None, "utf-8"]
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return raw.decode(codecs.lookup(candidate).name)
        except (LookupError, UnicodeDecodeError):
            continue
    best = charset_normalizer.from_bytes(raw[:65536]).best()
    if best is None:
        return None
    try:
        return raw.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def extract_page(
    raw: bytes,
    *,
    url: str | None,
    declared_charset: str | None,
    precision: bool,
    min_article_chars: int,
) -> ExtractedPage | PageRejected:
    """The article of an HTML page, or why there is none."""
    markup = decode_html(raw, declared=declared_charset)
    if markup is None:
        return PageRejected("unreadable-encoding", "the page's encoding could not be determined")
    tree = load_html(markup)
    if tree is None:
        return PageRejected("not-html", "the content does not parse as an HTML document")
    published = _published_in_markup(tree)
    section = _meta_value(tree, _SECTION_KEYS)
    language = _page_language(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=precision,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if document is None or isinstance(document, dict) or document.body is None:
        return PageRejected("no-article", "the extractor found no article text on the page")
    pieces = _pieces(document.body)
    title = _clean(document.title) if document.title else None
    ordered = _order(pieces, title)
    body_chars = sum(len(text) for kind, text in ordered if kind == "paragraph")
    if body_chars < min_article_chars:
        return PageRejected(
            "no-article",
            f"the page has {body_chars} characters of paragraph text, fewer than an article's "
            f"{min_article_chars}: an index, a cookie notice or an error page?",
        )
    assembled = assemble(ordered)
    if published is None and document.date:
        try:
            published = Published(normalize_published(document.date).value[:10], "day")
        except MappingError:
            published = None
    categories = document.categories or []
    metadata = ArticleMetadata(
        url=url or document.url,
        source=document.sitename or None,
        title=assembled.title,
        subtitle=assembled.subtitle,
        dateline=assembled.dateline,
        published=published,
        section=section or (categories[0] if categories else None),
        language=language,
        language_origin="source" if language else None,
        extractor=extractor_of(precision=precision),
    )
    return ExtractedPage(assembled.text, assembled.structure, metadata)


# ------------------------------------------------------------------ blocks


def _clean(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _inline_segments(element: HtmlElement, out: list[str | None]) -> None:
    """Text of an inline element; ``None`` marks a line break (``<lb/>``)."""
    if element.text:
        out.append(element.text)
    for child in element:
        if child.tag == "lb":
            out.append(None)
        else:
            _inline_segments(child, out)
        if child.tail:
            out.append(child.tail)


def _paragraphs(element: HtmlElement) -> list[str]:
    """An element's text as paragraphs: whitespace collapsed, one break a new line, two a new paragraph."""
    segments: list[str | None] = []
    _inline_segments(element, segments)
    lines = "".join("\n" if s is None else _WHITESPACE.sub(" ", s) for s in segments).split("\n")
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped:
            current.append(stripped)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _pieces(body: HtmlElement) -> list[tuple[str, str]]:
    """``(tag, text)`` of the extracted body's blocks in order: ``head`` for headings, ``p`` for the rest."""
    pieces: list[tuple[str, str]] = []

    def visit(element: HtmlElement) -> None:
        if any(child.tag in _BLOCK_TAGS for child in element):
            if element.text and element.text.strip():
                pieces.append(("p", _clean(element.text)))
            for child in element:
                visit(child)
                if child.tail and child.tail.strip():
                    pieces.append(("p", _clean(child.tail)))
            return
        tag = "head" if element.tag == "head" else "p"
        pieces.extend((tag, paragraph) for paragraph in _paragraphs(element))

    for child in body:
        visit(child)
    return pieces


def _order(pieces: list[tuple[str, str]], title: str | None) -> list[tuple[str, str]]:
    """Headline first (taken out of the body where the body repeats it), subtitles, then the body."""
    pieces = list(pieces)
    if title is not None:
        repeated = next((i for i, (_, text) in enumerate(pieces) if same_text(text, title)), None)
        if repeated is not None:
            title = pieces.pop(repeated)[1]
    elif pieces and pieces[0][0] == "head":
        title = pieces.pop(0)[1]
    ordered: list[tuple[str, str]] = [("title", title)] if title else []
    before_body = True
    for tag, text in pieces:
        if tag == "head":
            ordered.append(("subtitle" if before_body else "crosshead", text))
        else:
            before_body = False
            ordered.append(("paragraph", text))
    return ordered


# ------------------------------------------------------------------ metadata in markup


def _meta_values(tree: HtmlElement) -> dict[str, str]:
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            values.setdefault(key, content)
    return values


def _meta_value(tree: HtmlElement, keys: tuple[str, ...]) -> str | None:
    values = _meta_values(tree)
    return next((values[key] for key in keys if key in values), None)


def _json_ld_dates(tree: HtmlElement) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            date = value.get("datePublished")
            if isinstance(date, str):
                found.append(date)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            walk(orjson.loads((script.text or "").strip() or "null"))
        except orjson.JSONDecodeError:
            continue
    return found


def _published_in_markup(tree: HtmlElement) -> Published | None:
    """The first publication date the page's markup states that parses, at its own precision."""
    values = _meta_values(tree)
    candidates = [values[key] for key in _PUBLISHED_KEYS if key in values]
    candidates += _json_ld_dates(tree)
    candidates += [str(value) for value in tree.xpath("//time[@itemprop='datePublished' or @pubdate]/@datetime")]
    for candidate in candidates:
        try:
            return normalize_published(candidate)
        except MappingError:
            continue
    return None


def _page_language(tree: HtmlElement) -> str | None:
    root = tree.getroottree().getroot()
    value = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    value = value.replace("_", "-")
    return value if value and is_language_tag(value) else None
