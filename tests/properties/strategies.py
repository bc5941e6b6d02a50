"""Hypothesis strategies: invented article texts and valid statement sets over them.

Every name and word here is invented; nothing is attributed to a real person.

The statement sets obey beyan's rules (``beyan.validation.annotations``) *and* the
conventions that make :func:`beyan.labelstudio.to_results.statements_to_results` an
exact inverse of the importer's conversion, so whatever comes out of a round trip must
equal what went in:

* every statement has a speaker span or ``speaker_unknown=True`` (never both);
* content spans are non-empty and no content span belongs to two statements (a shared
  content region would be read as one discontinuous statement); content spans are
  disjoint or nested, never crossing (the importer rejects crossing content regions);
* span tuples are sorted and free of duplicates (the importer sorts them);
* a speaker span denotes one entity (``Speaker`` or none) and all speaker spans of a
  statement denote the same one; a cue span has one lemma and all cues of a statement
  share it (the attributes live on regions, which statements may share);
* a nested statement's content lies inside its parent's, and parents come first
  (so nesting is acyclic).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from beyan.records import AnnotatedStatement, Span, Speaker
from beyan.schema.v1 import QUOTE_TYPE, STANCE, TOPIC

# ------------------------------------------------------------------ texts

ASCII_WORDS = ("Vali", "dedi", "ki", "kopru", "Mayor", "said", "vote", "a", "b", "aa")
TURKISH_WORDS = ("Köprü", "açılacak", "İstanbul", "ılık", "Şükrü", "ğ", "çiğ", "Öğün", "IŞIK", "şu")
EMOJI = ("😀", "👍🏽", "👨\u200d👩\u200d👧")  # astral, with a skin-tone modifier, a ZWJ sequence
FLAGS = ("🇹🇷", "🇩🇪")  # regional-indicator pairs: two astral code points each
MATH = ("𝒜", "𝐁𝐂", "𝔸𝕓")  # mathematical letters outside the BMP
PUNCTUATION = ('"', "“", "”", ":", ",", ".", "'", "-", "…")
SEPARATORS = (" ", " ", " ", "  ", "\r\n", "\r\n\r\n", "\n", ", ", ": ", ' "', '" ')

word = st.one_of(
    st.sampled_from(ASCII_WORDS),
    st.sampled_from(TURKISH_WORDS),
    st.sampled_from(EMOJI),
    st.sampled_from(FLAGS),
    st.sampled_from(MATH),
    st.sampled_from(PUNCTUATION),
    st.text(alphabet="abcçdeğhıiİklmnoöprsştuüvyz", min_size=1, max_size=6),
)


@st.composite
def raw_texts(draw: st.DrawFn, *, max_words: int = 24) -> str:
    """An article as its file holds it: words joined by spaces, double spaces and CRLF or LF breaks."""
    words = draw(st.lists(word, min_size=1, max_size=max_words))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words) - 1, max_size=len(words) - 1))
    parts = [words[0]]
    for sep, item in zip(seps, words[1:], strict=True):
        parts += [sep, item]
    return "".join(parts)


# ------------------------------------------------------------------ statement attributes

NAMES = ("Ilsa Varn", "Arto Keld", "Mira Tolv", "Şebnem Özkır", "Ülkü Ağın", "Ravi 𝒜lto", "Nûr 😀 Sey")
ROLES = ("vali", "minister", "meclis üyesi")
AFFILIATIONS = ("Velmora Council", "Dornsk Party", "Eskar Birliği")
LEMMAS = ("demek", "belirtmek", "söylemek", "say")
TARGETS = ("köprü", "the tax", "seçim 🇹🇷")

invented_names = st.one_of(
    st.sampled_from(NAMES),
    # invented, already stripped: the importer strips per-region text values
    st.text(alphabet="AEIKLMNORSTUVaeiklmnorstuvçğışöüİ 𝒜", min_size=1, max_size=12).map(str.strip).filter(bool),
)


@st.composite
def speaker_entities(draw: st.DrawFn) -> Speaker | None:
    """A speaker entity with an invented name (or none: the span alone marks the speaker)."""
    if draw(st.integers(0, 4)) == 0:
        return None
    return Speaker(
        name=draw(invented_names),
        role=draw(st.none() | st.sampled_from(ROLES)),
        affiliation=draw(st.none() | st.sampled_from(AFFILIATIONS)),
        wikidata_qid=draw(st.none() | st.integers(1, 10**9).map(lambda n: f"Q{n}")),
    )


topics_strategy = st.lists(st.sampled_from(TOPIC.names), unique=True, max_size=3).map(tuple)


# ------------------------------------------------------------------ statements


@st.composite
def spans_in(draw: st.DrawFn, lo: int, hi: int) -> Span:
    """A non-empty span inside ``[lo, hi)``."""
    start = draw(st.integers(lo, hi - 1))
    end = draw(st.integers(start + 1, hi))
    return Span(start, end)


@dataclass
class _Plan:
    """What has been drawn so far: shared regions must keep one meaning."""

    text_length: int
    overlapping: bool
    content_spans: set[Span] = field(default_factory=set)
    speaker_entity: dict[Span, Speaker | None] = field(default_factory=dict)
    cue_lemma: dict[Span, str | None] = field(default_factory=dict)
    addressee_spans: set[Span] = field(default_factory=set)


def _fits_content(plan: _Plan, span: Span, mine: list[Span]) -> bool:
    """A new content span: never one already used; disjoint from the others, or (when
    overlapping) nested with them. The importer rejects content regions that cross
    (overlap without one containing the other) as mis-selections."""
    if span in plan.content_spans or span in mine:
        return False
    for other in (*plan.content_spans, *mine):
        if span.overlaps(other) and not (plan.overlapping and (span.covers(other) or other.covers(span))):
            return False
    return True


@st.composite
def _content(draw: st.DrawFn, plan: _Plan, parent: AnnotatedStatement | None) -> tuple[Span, ...]:
    fragments = draw(st.integers(1, 3))
    chosen: list[Span] = []
    for _ in range(fragments):
        if parent is not None:
            outer = draw(st.sampled_from(parent.content_spans))
            span = draw(spans_in(outer.start, outer.end))
        else:
            span = draw(spans_in(0, plan.text_length))
        if _fits_content(plan, span, chosen):
            chosen.append(span)
    return tuple(sorted(chosen))


@st.composite
def _mentions(draw: st.DrawFn, plan: _Plan, table: dict[Span, Any], meaning: Any, most: int) -> tuple[Span, ...]:
    """Up to ``most`` spans that all carry ``meaning``: reused from earlier statements or new."""
    count = draw(st.integers(0, most))
    reusable = sorted(span for span, value in table.items() if value == meaning)
    chosen: set[Span] = set()
    for _ in range(count):
        if len(reusable) > 0 and draw(st.booleans()):
            span = draw(st.sampled_from(reusable))
        else:
            span = draw(spans_in(0, plan.text_length))
        if span in table and table[span] != meaning:
            continue  # this span already means something else
        chosen.add(span)
    for span in chosen:
        table[span] = meaning
    return tuple(sorted(chosen))


@st.composite
def statement_sets(draw: st.DrawFn, text: str, *, min_size: int = 1, max_size: int = 5) -> list[AnnotatedStatement]:
    """A valid set of statements over ``text`` (the article's normalized text)."""
    assert text, "statements need a non-empty text"
    plan = _Plan(len(text), overlapping=draw(st.booleans()))
    entities = draw(st.lists(speaker_entities(), min_size=1, max_size=3))
    statements: list[AnnotatedStatement] = []
    wanted = draw(st.integers(min_size, max_size))
    attempts = 0
    while len(statements) < wanted and attempts < 3 * max_size:
        attempts += 1
        parent: AnnotatedStatement | None = None
        if plan.overlapping and statements and draw(st.integers(0, 2)) == 0:
            parent = draw(st.sampled_from(statements))
        content = draw(_content(plan, parent))
        if not content:
            continue
        unknown = draw(st.integers(0, 3)) == 0
        speaker: Speaker | None = None
        speakers: tuple[Span, ...] = ()
        if not unknown:
            entity = draw(st.sampled_from(entities))
            speakers = draw(_mentions(plan, plan.speaker_entity, entity, 2))
            if not speakers:
                speakers = draw(_mentions(plan, plan.speaker_entity, entity, 1).filter(bool))
            speaker = entity
        lemma = draw(st.none() | st.sampled_from(LEMMAS))
        cues = draw(_mentions(plan, plan.cue_lemma, lemma, 2))
        addressee_table = {span: True for span in plan.addressee_spans}
        addressees = draw(_mentions(plan, addressee_table, True, 2))
        plan.addressee_spans.update(addressees)
        stance = draw(st.none() | st.sampled_from(STANCE.names))
        statement = AnnotatedStatement(
            content_spans=content,
            quote_type=draw(st.sampled_from(QUOTE_TYPE.names)),
            speaker_spans=speakers,
            cue_spans=cues,
            addressee_spans=addressees,
            speaker_unknown=unknown,
            speaker=speaker,
            cue_lemma=lemma if cues else None,
            stance=stance,
            stance_target=draw(st.none() | st.sampled_from(TARGETS)),
            parent=parent.content_spans if parent is not None else None,
        )
        plan.content_spans.update(content)
        statements.append(statement)
    return statements


@dataclass(frozen=True)
class Example:
    """An invented article and one annotator's statements and topics over it."""

    raw: str  # the file as written (CRLF kept); the corpus text is its LF-normalized form
    statements: tuple[AnnotatedStatement, ...]
    topics: tuple[str, ...]

    @property
    def text(self) -> str:
        return normalize(self.raw)


def normalize(raw: str) -> str:
    return raw.replace("\r\n", "\n").replace("\r", "\n")


@st.composite
def examples(draw: st.DrawFn, *, min_statements: int = 1, max_statements: int = 5) -> Example:
    raw = draw(raw_texts())
    statements = draw(statement_sets(normalize(raw), min_size=min_statements, max_size=max_statements))
    if min_statements:
        # the generator may give up on a crowded short text; say so rather than return too few
        from hypothesis import assume

        assume(len(statements) >= min_statements)
    return Example(raw, tuple(statements), draw(topics_strategy))


# ------------------------------------------------------------------ offsets into the task's own text


def raw_offset(raw: str, offset: int) -> int:
    """The offset in ``raw`` (CRLF kept) of code point ``offset`` of its normalized text.

    The LF of a CRLF starts at the CR, so a span over normalized text maps to a raw span
    that never splits a CRLF pair.
    """
    position = 0
    seen = 0
    while seen < offset:
        position += 2 if raw.startswith("\r\n", position) else 1
        seen += 1
    return position


def to_raw(statement: AnnotatedStatement, raw: str) -> AnnotatedStatement:
    """``statement`` with every span re-anchored from the normalized text to ``raw``."""
    from dataclasses import replace

    def move(spans: tuple[Span, ...]) -> tuple[Span, ...]:
        return tuple(Span(raw_offset(raw, s.start), raw_offset(raw, s.end)) for s in spans)

    return replace(
        statement,
        content_spans=move(statement.content_spans),
        speaker_spans=move(statement.speaker_spans),
        cue_spans=move(statement.cue_spans),
        addressee_spans=move(statement.addressee_spans),
        parent=None if statement.parent is None else move(statement.parent),
    )
