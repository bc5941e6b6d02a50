"""Plain text files, with or without YAML front matter.

Without front matter the file is the seed's ``plain`` format: its text is the file as it is
(line breaks normalized), re-derived by :func:`beyan.readers.news_text.parse_plain`. With
front matter (``---`` lines around YAML at the top) the YAML holds the metadata, read
through the mapping, and the rest of the file is the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from beyan.ingest.mapping import MappingError
from beyan.ingest.readers.base import Reader, ReaderOutput, ReadOptions, article_from_record, structured_extractor
from beyan.ingest.records import ArticleMetadata, IngestedArticle
from beyan.ingest.sources import BOM, InputFile, excerpt
from beyan.issues import BeyanError
from beyan.readers.news_text import parse_plain

_FRONT_MATTER = re.compile(r"\A---[^\S\n]*\r?\n(?P<yaml>.*?)(?:\r?\n)?^(?:---|\.\.\.)[^\S\n]*(?:\r?\n|\Z)", re.S | re.M)


def read_text(source: InputFile, *, options: ReadOptions) -> Iterator[ReaderOutput]:
    """The whole file is one article."""
    raw = source.read_all(limit=options.max_document_bytes)
    if raw is None:
        yield source.reject("", "too-large", f"the file is larger than {options.max_document_bytes} bytes")
        return
    name = source.source.inner_name
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        yield source.reject(f"byte {error.start}", "invalid-utf8", "the file is not valid UTF-8", excerpt(raw))
        return
    match = _FRONT_MATTER.match(decoded.removeprefix(BOM.decode("utf-8")))
    if match is None:
        yield from _plain(source, raw, name)
        return
    where = "front matter"
    try:
        fields = yaml.safe_load(match["yaml"]) or {}
    except yaml.YAMLError as error:
        yield source.reject(where, "invalid-front-matter", f"the front matter is not valid YAML: {error}", excerpt(raw))
        return
    if not isinstance(fields, dict):
        yield source.reject(where, "invalid-front-matter", "the front matter must be a YAML mapping", excerpt(raw))
        return
    body = decoded.removeprefix(BOM.decode("utf-8"))[match.end() :]
    try:
        mapped = options.mapping.apply({str(key): value for key, value in fields.items()})
    except MappingError as error:
        yield source.reject(where, error.code, error.reason, excerpt(raw))
        return
    mapped.text = body  # the body is the text, whatever the front matter says
    yield article_from_record(
        source,
        mapped,
        raw=raw,
        where="",
        source_name=name,
        fmt="text",
        extractor=structured_extractor("text", options),
    )


def _plain(source: InputFile, raw: bytes, name: str) -> Iterator[ReaderOutput]:
    try:
        parsed = parse_plain(raw, where=source.name)
    except BeyanError as error:
        issue = error.issues.sorted()[0]
        yield source.reject("", issue.code, issue.message, excerpt(raw))
        return
    if not parsed.text.strip():
        yield source.reject("", "no-text", "the file holds no text", excerpt(raw))
        return
    yield IngestedArticle(
        raw=raw,
        source_name=name,
        fmt="text",
        location=source.name,
        text=parsed.text,
        structure=parsed.structure,
        metadata=ArticleMetadata(),
        parser="plain",
    )


READER = Reader(read=lambda source, options: read_text(source, options=options), extensions=(".txt", ".text", ".md"))
