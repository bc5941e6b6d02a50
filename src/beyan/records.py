"""beyan's record types: one ``slots`` dataclass per concept.

Readers produce these, transforms map them, writers serialise them. Labels are kept
as their published names (strings); ``ClassLabel`` indices exist only in Parquet.
"""

from __future__ import annotations

from dataclasses import dataclass

Offsets = tuple[int, int]


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

    def to_dict(self) -> dict[str, str | None]:
        """The JSON form, as in the corpus files and the published rows."""
        return {
            "name": self.name,
            "role": self.role,
            "affiliation": self.affiliation,
            "wikidata_qid": self.wikidata_qid,
        }


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
    """A statement as one annotator marked it; ``parent`` is the enclosing statement's content key."""

    content: SpanKey
    quote_type: str
    speakers: SpanKey = ()
    cues: SpanKey = ()
    addressees: SpanKey = ()
    speaker_unknown: bool = False
    speaker: Speaker | None = None
    cue_lemma: str | None = None
    stance: str | None = None
    stance_target: str | None = None
    parent: SpanKey | None = None
    region_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an annotation came from in Label Studio."""

    tool: str
    project: int | None
    task: int
    annotation: int | None

    @property
    def task_key(self) -> str:
        """``label-studio/<project>/<task>``: what a newer export of the same task replaces."""
        return f"{self.tool}/{self.project if self.project is not None else 'default'}/{self.task}"

    @property
    def key(self) -> str:
        """``<task key>/<annotation>``: the stored annotation's key."""
        return f"{self.task_key}/{self.annotation}"


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


@dataclass(frozen=True, slots=True)
class Provenance:
    annotations: tuple[str, ...]
    annotators: tuple[str, ...]
    adjudication: str
    support: int
    annotations_total: int


@dataclass(frozen=True, slots=True)
class Statement:
    """A gold statement, after adjudication, with its stable id."""

    statement_id: str
    article_id: str
    quote_type: str
    content: SpanKey
    speakers: SpanKey
    cues: SpanKey
    addressees: SpanKey
    speaker_unknown: bool
    speaker: Speaker | None
    cue_lemma: str | None
    parent_statement_id: str | None
    topics: tuple[str, ...]
    stance: str | None
    stance_target: str | None
    provenance: Provenance


@dataclass(slots=True)
class GoldArticle:
    """An article with its adjudicated statements and topics: what a build writes."""

    article: Article
    topics: tuple[str, ...]
    statements: list[Statement]
    split: str = ""
