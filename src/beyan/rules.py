"""The statement rules, in one place: what makes a set of statements well formed.

The Label Studio importer (while it assembles statements), ``validate`` of a corpus (on the
stored annotations) and ``validate`` of a built dataset (vectorised over Arrow columns) all
apply these rules and report them with the same codes and messages.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from beyan.records import AnnotatedStatement, SpanKey

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's code, the message of its violation, and how to fix it."""

    code: str
    message: str
    hint: str | None = None


MISSING_CONTENT = Rule("missing-content", "a statement needs at least one content span")
MISSING_QUOTE_TYPE = Rule(
    "missing-quote-type",
    "the statement has no quote type",
    "select the content region and pick direct, indirect or mixed",
)
MISSING_SPEAKER = Rule(
    "missing-speaker",
    "the statement has no speaker span and is not marked unknown-speaker",
    "link a speaker span with a 'said' relation, or tick unknown-speaker",
)
DUPLICATE_STATEMENT = Rule("duplicate-statement", "two statements of one annotation have the same content spans")
DANGLING_PARENT = Rule("dangling-parent", "the enclosing statement is not there")
PARENT_NOT_COVERING = Rule(
    "parent-not-covering",
    "a nested statement's content must lie inside its parent's content",
    "draw the nested-in relation from the inner statement to the one that contains it",
)
NESTING_CYCLE = Rule("nesting-cycle", "statements are nested in each other in a cycle")
SELF_NESTING = Rule("nesting-cycle", "a statement cannot be nested in itself")
MULTIPLE_PARENTS = Rule("multiple-parents", "a statement can be nested in only one other statement")


def lacks_speaker(speaker_spans: SpanKey | list[object], speaker_unknown: bool | None) -> bool:
    """A statement needs a speaker span or the explicit unknown-speaker marker."""
    return not speaker_spans and not speaker_unknown


def covers(parent: Iterable[tuple[int, int]], child: Iterable[tuple[int, int]]) -> bool:
    """Every span of ``child`` lies inside some span of ``parent`` (spans as ``(start, end)``)."""
    outer = list(parent)
    return all(any(ps <= cs and ce <= pe for ps, pe in outer) for cs, ce in child)


def spans_cover(parent: SpanKey, child: SpanKey) -> bool:
    return covers(((s.start, s.end) for s in parent), ((s.start, s.end) for s in child))


def cycle_member(parents: Mapping[K, K | None]) -> K | None:
    """A node on a parent cycle, or None when following parents always ends."""
    done: set[K] = set()
    for start in parents:
        path: list[K] = []
        on_path: set[K] = set()
        node: K | None = start
        while node is not None and node not in done:
            if node in on_path:
                return node
            on_path.add(node)
            path.append(node)
            node = parents.get(node)
        done.update(path)
    return None


@dataclass(frozen=True, slots=True)
class Violation:
    rule: Rule
    statement: int | None  # index into the statements checked; None: about the set
    expected: str | None = None
    found: str | None = None


def check_statements(statements: list[AnnotatedStatement] | tuple[AnnotatedStatement, ...]) -> list[Violation]:
    """Every rule violated by one annotator's statements."""
    violations: list[Violation] = []
    contents = [s.content_spans for s in statements]
    if len(set(contents)) != len(contents):
        violations.append(Violation(DUPLICATE_STATEMENT, None))
    known = set(contents)
    for index, statement in enumerate(statements):
        if not statement.content_spans:
            violations.append(Violation(MISSING_CONTENT, index))
        if not statement.quote_type:
            violations.append(Violation(MISSING_QUOTE_TYPE, index))
        if lacks_speaker(statement.speaker_spans, statement.speaker_unknown):
            violations.append(Violation(MISSING_SPEAKER, index))
        parent = statement.parent
        if parent is None:
            continue
        if parent not in known:
            violations.append(Violation(DANGLING_PARENT, index))
        elif parent == statement.content_spans:
            violations.append(Violation(SELF_NESTING, index))
        elif not spans_cover(parent, statement.content_spans):
            violations.append(
                Violation(
                    PARENT_NOT_COVERING,
                    index,
                    expected=format_spans(parent),
                    found=format_spans(statement.content_spans),
                )
            )
    member = cycle_member({s.content_spans: s.parent for s in statements if s.parent != s.content_spans})
    if member is not None:
        violations.append(Violation(NESTING_CYCLE, None, found=format_spans(member)))
    return violations


def format_spans(spans: SpanKey) -> str:
    return ", ".join(f"[{s.start}, {s.end})" for s in spans)
