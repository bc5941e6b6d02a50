"""Checks on stored annotations against their article: used by build and validate.

Offsets must lie inside the text, labels must be in their vocabularies (every categorical
field of the schema), and the statement rules of :mod:`beyan.rules` must hold.
"""

from __future__ import annotations

import re

from beyan.fields import value_of
from beyan.issues import Issues
from beyan.records import Annotation, Article, SpanKey
from beyan.rules import check_statements
from beyan.schema import current
from beyan.schema.types import Categorical, ListOf, RegionText, Struct
from beyan.schema.v1 import TOPIC


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


def _patterns() -> dict[str, re.Pattern[str]]:
    """Field path -> pattern its text must match (``speaker.wikidata_qid``)."""
    found = {}
    for control in current().interface.region_controls:
        if isinstance(control, RegionText) and control.pattern is not None:
            found[control.target] = re.compile(control.pattern)
    return found


def check_annotations(article: Article, annotations: list[Annotation], issues: Issues, where: tuple[str, ...]) -> None:
    """Offsets inside the text, known labels, and the statement rules, for every stored annotation."""
    schema = current()
    length = len(article.text)
    patterns = _patterns()
    seen_keys: set[str] = set()
    for annotation in annotations:
        at = (*where, f"annotation {annotation.key}")
        if annotation.key in seen_keys:
            issues.error("duplicate-id", at, "two annotations share this key")
        seen_keys.add(annotation.key)
        if annotation.text_sha256 is not None and annotation.text_sha256 != article.text_sha256:
            issues.error(
                "text-changed",
                (*at, "text_sha256"),
                "the article's text is not the text this annotation was made on",
                expected=annotation.text_sha256,
                found=article.text_sha256,
                hint="the raw article or its parser changed; restore it or re-annotate the article",
            )
            continue
        for topic in annotation.topics:
            if topic not in TOPIC.names:
                issues.error(
                    "unknown-label",
                    (*at, "topics"),
                    "unknown topic",
                    expected=f"one of {TOPIC.names}",
                    found=repr(topic),
                )
        for index, statement in enumerate(annotation.statements):
            sat = (*at, f"statement {index}")
            for field in schema.span_fields:
                check_spans(value_of(statement, field.name), length, issues, (*sat, field.role or field.name))
            for field in schema.annotated_fields:
                value = value_of(statement, field.name)
                kind = field.type
                if isinstance(kind, Categorical) and value is not None and value not in kind.vocabulary.names:
                    issues.error(
                        "unknown-label",
                        (*sat, field.name),
                        f"unknown {field.name.replace('_', ' ')}",
                        expected=f"one of {kind.vocabulary.names}",
                        found=repr(value),
                    )
                elif isinstance(kind, Struct) and value is not None:
                    for member in kind.fields:
                        pattern = patterns.get(f"{field.name}.{member.name}")
                        text = value_of(value, member.name)
                        if pattern is not None and text is not None and not pattern.match(text):
                            issues.error(
                                "invalid-value",
                                (*sat, f"{field.name}.{member.name}"),
                                "the value does not have the declared form",
                                expected=pattern.pattern,
                                found=repr(text),
                            )
                elif isinstance(kind, ListOf) and isinstance(kind.item, Categorical) and value:
                    for item in value:
                        if item not in kind.item.vocabulary.names:
                            issues.error("unknown-label", (*sat, field.name), "unknown label", found=repr(item))
        for violation in check_statements(annotation.statements):
            location = at if violation.statement is None else (*at, f"statement {violation.statement}")
            issues.error(
                violation.rule.code,
                location,
                violation.rule.message,
                expected=violation.expected,
                found=violation.found,
                hint=violation.rule.hint,
            )
