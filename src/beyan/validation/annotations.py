"""Checks on stored annotations against their article: used by build and validate."""

from __future__ import annotations

import re

from beyan.issues import Issues
from beyan.records import Annotation, Article, SpanKey
from beyan.schema.v1 import QUOTE_TYPE, STANCE, TOPIC, WIKIDATA_PATTERN

_QID = re.compile(WIKIDATA_PATTERN)


def check_spans(spans: SpanKey, text_length: int, issues: Issues, where: tuple[str, ...]) -> bool:
    ok = True
    for i, span in enumerate(spans):
        if span.start < 0 or span.end > text_length:
            issues.error(
                "span-out-of-range",
                (*where, f"span {i}"),
                "the span lies outside the article text",
                expected=f"0 <= start < end <= {text_length}",
                found=f"[{span.start}, {span.end})",
            )
            ok = False
        elif span.end <= span.start:
            issues.error(
                "empty-span",
                (*where, f"span {i}"),
                "the span is empty or reversed",
                expected="start < end",
                found=f"[{span.start}, {span.end})",
            )
            ok = False
    return ok


def check_annotations(article: Article, annotations: list[Annotation], issues: Issues, where: tuple[str, ...]) -> None:
    """Offsets inside the text, known labels, parents that exist and cover their children."""
    length = len(article.text)
    seen_keys: set[str] = set()
    for annotation in annotations:
        at = (*where, f"annotation {annotation.key}")
        if annotation.key in seen_keys:
            issues.error("duplicate-id", at, "two annotations share this key")
        seen_keys.add(annotation.key)
        for topic in annotation.topics:
            if topic not in TOPIC.names:
                issues.error(
                    "unknown-label",
                    (*at, "topics"),
                    "unknown topic",
                    expected=f"one of {TOPIC.names}",
                    found=repr(topic),
                )
        contents = {statement.content for statement in annotation.statements}
        if len(contents) != len(annotation.statements):
            issues.error("duplicate-statement", at, "two statements of one annotation have the same content spans")
        for index, statement in enumerate(annotation.statements):
            sat = (*at, f"statement {index}")
            if not statement.content:
                issues.error("missing-content", sat, "a statement needs at least one content span")
            for role, spans in (
                ("content", statement.content),
                ("speaker", statement.speakers),
                ("cue", statement.cues),
                ("addressee", statement.addressees),
            ):
                check_spans(spans, length, issues, (*sat, role))
            if statement.quote_type not in QUOTE_TYPE.names:
                issues.error(
                    "unknown-label",
                    (*sat, "quote_type"),
                    "unknown quote type",
                    expected=f"one of {QUOTE_TYPE.names}",
                    found=repr(statement.quote_type),
                )
            if statement.stance is not None and statement.stance not in STANCE.names:
                issues.error(
                    "unknown-label",
                    (*sat, "stance"),
                    "unknown stance",
                    expected=f"one of {STANCE.names}",
                    found=repr(statement.stance),
                )
            if not statement.speakers and not statement.speaker_unknown:
                issues.error(
                    "missing-speaker",
                    sat,
                    "the statement has no speaker span and is not marked unknown-speaker",
                    hint="link a speaker span with a 'said' relation, or tick unknown-speaker",
                )
            qid = statement.speaker.wikidata_qid if statement.speaker is not None else None
            if qid is not None and not _QID.match(qid):
                issues.error(
                    "invalid-qid",
                    (*sat, "speaker.wikidata_qid"),
                    "not a Wikidata item id",
                    expected="Q followed by digits",
                    found=repr(qid),
                )
            if statement.parent is not None:
                parent = statement.parent
                if parent not in contents:
                    issues.error(
                        "dangling-parent", (*sat, "parent"), "the enclosing statement is not in this annotation"
                    )
                elif parent == statement.content:
                    issues.error("nesting-cycle", (*sat, "parent"), "a statement cannot be nested in itself")
                elif not all(any(p.covers(c) for p in parent) for c in statement.content):
                    issues.error(
                        "parent-not-covering",
                        (*sat, "parent"),
                        "a nested statement's content must lie inside its parent's content",
                        expected=_fmt(parent),
                        found=_fmt(statement.content),
                    )
        _check_cycles(annotation, issues, at)


def _fmt(spans: SpanKey) -> str:
    return ", ".join(f"[{s.start}, {s.end})" for s in spans)


def _check_cycles(annotation: Annotation, issues: Issues, at: tuple[str, ...]) -> None:
    parents = {s.content: s.parent for s in annotation.statements}
    for start in parents:
        seen = {start}
        node = parents.get(start)
        while node is not None:
            if node in seen:
                issues.error("nesting-cycle", at, "statements are nested in each other in a cycle", found=_fmt(start))
                return
            seen.add(node)
            node = parents.get(node)
