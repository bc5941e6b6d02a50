"""What every reader shares: its options, its registry entry, and what it may yield."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from beyan import __version__
from beyan.ingest.blocks import assemble, compose
from beyan.ingest.mapping import FieldMapping, MappedRecord
from beyan.ingest.records import ArticleMetadata, Extractor, IngestedArticle, IngestReject
from beyan.ingest.sources import InputFile

MAX_DOCUMENT_BYTES = 64 << 20  # one page or text file; larger ones are rejected, not read into memory


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How readers read: the field mapping of structured records and the HTML extractor's settings."""

    mapping: FieldMapping = field(default_factory=FieldMapping)
    html_precision: bool = True  # trafilatura's favor_precision: a list of links is not taken for an article
    min_article_chars: int = 150  # a page whose paragraphs hold less text has no article
    max_document_bytes: int = MAX_DOCUMENT_BYTES


@dataclass(frozen=True, slots=True)
class IgnoredRecord:
    """A record that is not a candidate article (a WARC request, a blank line): counted by kind, not read."""

    kind: str


ReaderOutput = IngestedArticle | IngestReject | IgnoredRecord
ReadFunction = Callable[[InputFile, ReadOptions], Iterator[ReaderOutput]]


@dataclass(frozen=True, slots=True)
class Reader:
    """A format: how to read it, the extensions it claims, and how to recognise its first bytes.

    ``confirm`` (when given) must accept a file's first bytes for an extension match to count
    (two formats share ``.txt``); ``sniff`` claims, by their first bytes, files whose extension
    no reader knows.
    """

    read: ReadFunction
    extensions: tuple[str, ...]
    confirm: Callable[[bytes], bool] | None = None
    sniff: Callable[[bytes], bool] | None = None
    needs_path: bool = False  # reads the stored file by path (Parquet): cannot be decompressed on the fly


def structured_extractor(fmt: str, options: ReadOptions) -> Extractor:
    """The extractor of text taken from a structured record's fields by a mapping."""
    return Extractor(name=f"beyan.ingest.{fmt}", version=__version__, settings=f"map={options.mapping.describe()}")


def article_from_record(
    source: InputFile,
    mapped: MappedRecord,
    *,
    raw: bytes,
    where: str,
    source_name: str,
    fmt: str,
    extractor: Extractor,
) -> IngestedArticle | IngestReject:
    """An article from a record's mapped fields; a record without text is a reject."""
    if mapped.text is None or not mapped.text.strip():
        found = "an empty text" if mapped.text is not None else "no text field"
        return source.reject(
            where,
            "no-text",
            f"the record has {found} (looked for the mapped text field or text, body, content, article)",
        )
    assembled = assemble(compose(title=mapped.title, subtitle=mapped.subtitle, body=mapped.text))
    metadata = ArticleMetadata(
        url=mapped.url,
        source=mapped.source,
        source_id=mapped.source_id,
        title=assembled.title,
        subtitle=assembled.subtitle,
        dateline=assembled.dateline,
        published=mapped.published,
        section=mapped.section,
        language=mapped.language,
        language_origin="source" if mapped.language else None,
        extractor=extractor,
    )
    return IngestedArticle(
        raw=raw,
        source_name=source_name,
        fmt=fmt,
        location=f"{source.name} > {where}",
        text=assembled.text,
        structure=assembled.structure,
        metadata=metadata,
    )
