"""What ingest yields: articles read from raw inputs, duplicates, rejects and files not read.

An :class:`IngestedArticle` carries the raw bytes exactly as they came (what the corpus keeps
and hashes into the article id) and the normalized ``text`` every offset will refer to. For
the seed's formats (``parser`` set) the text is re-derived from the raw bytes by
:func:`beyan.readers.parse_article`; for every other format it was derived
once here, by ``metadata.extractor``, and must be stored next to the raw bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from beyan.corpus import article_id_for
from beyan.records import Block, Published, Rights


@dataclass(frozen=True, slots=True)
class Extractor:
    """The program that derived an article's text from its raw bytes, and how it was set."""

    name: str
    version: str
    settings: str = ""


@dataclass(slots=True)
class ArticleMetadata:
    """What a source says about an article, in the schema's field names (plus ingest's own)."""

    url: str | None = None
    source: str | None = None
    source_id: str | None = None
    title: str | None = None
    subtitle: str | None = None
    dateline: str | None = None
    published: Published | None = None
    section: str | None = None
    language: str | None = None
    language_confidence: float | None = None  # None when the language was given, not detected
    language_origin: str | None = None  # "source" (the input said), "detected", "override" (the caller said)
    rights: Rights = field(default_factory=Rights.unknown)
    rights_origin: str | None = None  # the sources-file entry the rights came from; None: unknown source
    retrieved: str | None = None  # when a crawler fetched the page (WARC-Date), not when it was published
    extractor: Extractor | None = None  # None for formats whose text the corpus re-derives (``parser``)


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """An added article whose text is close to one seen before it (MinHash estimate)."""

    group: str  # the smallest article id of the group it joins
    similar_to: str  # the most similar earlier article
    similarity: float  # estimated Jaccard similarity of word 3-grams


@dataclass(slots=True)
class IngestedArticle:
    """One article read from an input, ready for the corpus."""

    raw: bytes  # the bytes as they came: the page, the record's HTTP body, the JSON line, the CSV row, the file
    source_name: str  # a file name for the raw bytes ("page.html", "feed.jsonl#L12.json")
    fmt: str  # the reader that read it (a key of beyan.ingest.READERS)
    location: str  # where it was read ("feed.jsonl.gz > line 12")
    text: str  # the normalized text every offset refers to
    structure: tuple[Block, ...]
    metadata: ArticleMetadata
    parser: str | None = None  # "beyan-news-v1" or "plain": the corpus re-derives ``text`` from ``raw``
    text_key: str = ""  # sha256 of the normalized text (beyan.ingest.dedup.text_key), set by the pipeline
    near_duplicate: NearDuplicate | None = None

    @property
    def article_id(self) -> str:
        return article_id_for(self.raw)


@dataclass(frozen=True, slots=True)
class IngestReject:
    """A record that could not become an article, with where it was and why."""

    location: str
    code: str
    reason: str
    raw_excerpt: str | None = None
    file: str = ""  # the input file it came from (for the per-file reconciliation)


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A record whose normalized text is already in the corpus or earlier in the stream."""

    location: str
    source_name: str
    fmt: str
    text_key: str
    duplicate_of: str  # the location of the first copy, or "corpus" for an article already stored
    article_id: str  # the id the record's own raw bytes would have had
    duplicate_of_id: str | None = None  # the first copy's article id (for the corpus: when the caller gave ids)
    file: str = ""


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A path that was given or found but not read, and why (never skipped in silence)."""

    path: str
    reason: str


IngestEvent = IngestedArticle | Duplicate | IngestReject | SkippedFile
