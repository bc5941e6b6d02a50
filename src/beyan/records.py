"""beyan's record types: one ``slots`` dataclass per concept, fields named as the schema names them.

Readers produce these, transforms map them, writers serialise them. Labels are kept as their
published names (strings); ``ClassLabel`` indices exist only in Parquet. A statement field the
schema declares but this module does not name (a field added to a variant of the schema) travels
in ``extra``, so every stage carries it without code of its own: see :mod:`beyan.fields`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Offsets = tuple[int, int]
Extra = tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Code-point offsets ``[start, end)`` into an article's text."""

    start: int
    end: int

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def covers(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def to_list(self) -> list[int]:
        return [self.start, self.end]


SpanKey = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Block:
    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Published:
    value: str
    precision: str


@dataclass(frozen=True, slots=True)
class Rights:
    license: str
    redistribution: str
    holder: str | None = None
    notes: str | None = None

    @classmethod
    def unknown(cls, notes: str | None = None) -> Rights:
        """Rights of an article nobody has cleared yet: publish standoff only."""
        return cls(license="unknown", redistribution="standoff", holder=None, notes=notes)


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str | None = None
    role: str | None = None
    affiliation: str | None = None
    wikidata_qid: str | None = None

    def is_empty(self) -> bool:
        return self.name is None and self.role is None and self.affiliation is None and self.wikidata_qid is None


@dataclass(frozen=True, slots=True)
class Provenance:
    annotations: tuple[str, ...]
    annotators: tuple[str, ...]
    adjudication: str
    support: int
    annotations_total: int


@dataclass(slots=True)
class Article:
    """A parsed corpus article: metadata plus the normalized text all offsets refer to."""

    article_id: str
    language: str
    text: str
    text_sha256: str
    rights: Rights
    source: str | None = None
    source_id: str | None = None
    url: str | None = None
    published: Published | None = None
    section: str | None = None
    title: str | None = None
    subtitle: str | None = None
    dateline: str | None = None
    structure: tuple[Block, ...] = ()


@dataclass(frozen=True, slots=True)
class AnnotatedStatement:
    """A statement as one annotator marked it; ``parent`` is the enclosing statement's content spans."""

    content_spans: SpanKey
    quote_type: str
    speaker_spans: SpanKey = ()
    cue_spans: SpanKey = ()
    addressee_spans: SpanKey = ()
    speaker_unknown: bool = False
    speaker: Speaker | None = None
    cue_lemma: str | None = None
    stance: str | None = None
    stance_target: str | None = None
    parent: SpanKey | None = None
    region_ids: tuple[str, ...] = ()
    extra: Extra = ()


@dataclass(frozen=True, slots=True)
class Statement:
    """A gold statement, after adjudication, with its stable id: one row of config ``statements``."""

    statement_id: str
    article_id: str
    quote_type: str
    content_spans: SpanKey
    speaker_spans: SpanKey
    cue_spans: SpanKey
    addressee_spans: SpanKey
    speaker_unknown: bool
    speaker: Speaker | None
    cue_lemma: str | None
    parent_statement_id: str | None
    topics: tuple[str, ...]
    stance: str | None
    stance_target: str | None
    provenance: Provenance
    extra: Extra = ()


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an annotation came from in Label Studio.

    Its identity is the annotation's ``unique_id`` (a UUID that Label Studio keeps when the
    annotation is edited), or, for exports without one, the Label Studio ``instance`` the user
    named with the project, task and annotation ids. Ids alone are never enough: a fresh server
    numbers its projects, tasks and annotations from 1 again.
    """

    tool: str
    instance: str | None
    project: int | None
    task: int
    annotation: int | None
    unique_id: str | None = None

    @property
    def key(self) -> str:
        if self.unique_id is not None:
            return f"{self.tool}:{self.unique_id}"
        project = self.project if self.project is not None else "default"
        return f"{self.tool}/{self.instance}/{project}/{self.task}/{self.annotation}"

    @property
    def task_key(self) -> str | None:
        """``<instance>/<project>/<task>``: known only when the instance is (else tasks of two servers could meet)."""
        if self.instance is None:
            return None
        return f"{self.instance}/{self.project if self.project is not None else 'default'}/{self.task}"


@dataclass(frozen=True, slots=True)
class Annotation:
    """One annotator's complete annotation of one article, pseudonymized."""

    key: str
    article_id: str
    annotator: str
    origin: Origin
    ground_truth: bool
    created_at: str | None
    updated_at: str | None
    topics: tuple[str, ...]
    statements: tuple[AnnotatedStatement, ...]
    text_sha256: str | None = None

    @property
    def recency(self) -> tuple[str, str]:
        """Sort key: the newest annotation last; ties broken by key so the order never depends on input order."""
        return (self.updated_at or self.created_at or "", self.key)


@dataclass(slots=True)
class GoldArticle:
    """An article with its adjudicated statements and topics: what a build writes."""

    article: Article
    topics: tuple[str, ...]
    statements: list[Statement]
    split: str = ""
    annotations: list[Annotation] = field(default_factory=list)
    # Rows made from it, kept so configs that nest the same rows (statements, articles, the
    # baseline) make them once; see beyan.fields.gold_statement_rows.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
