"""Choose gold statements from the annotations of an article.

Order of precedence: an annotation flagged ``ground_truth`` (the most recently updated
one if several); otherwise, with one annotation, that one; otherwise the named policy:

* ``majority``: a statement (identified by its content spans) is gold when more than
  half of the annotations contain it; each attribute takes the value most of those
  annotations gave it, ties going to the most recently updated annotation. Topics are
  kept when more than half of the annotations chose them.
* ``latest``: the most recently updated annotation is gold.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Hashable
from typing import Any, TypeVar

from beyan.fields import build, value_of
from beyan.issues import Issues
from beyan.records import AnnotatedStatement, Annotation, Article, Provenance, SpanKey, Statement
from beyan.schema import current

POLICIES = ("majority", "latest")
T = TypeVar("T", bound=Hashable)


def statement_id(article_id: str, content: SpanKey) -> str:
    """Stable id from the article and the content offsets: independent of order and annotator."""
    key = article_id + "|" + ";".join(f"{span.start}:{span.end}" for span in content)
    return f"{article_id}-{hashlib.sha256(key.encode('ascii')).hexdigest()[:8]}"


def adjudicate(
    article: Article, annotations: list[Annotation], *, policy: str, issues: Issues, where: tuple[str, ...] = ()
) -> tuple[tuple[str, ...], list[Statement]]:
    """Gold topics and statements of one article, with provenance on every statement."""
    if policy not in POLICIES:
        raise ValueError(f"unknown adjudication policy {policy!r}; expected one of {POLICIES}")
    if not annotations:
        return (), []
    by_recency = sorted(annotations, key=lambda a: a.recency, reverse=True)
    ground_truth = [a for a in by_recency if a.ground_truth]
    total = len(annotations)
    support: dict[SpanKey, list[Annotation]] = {}
    for annotation in annotations:
        for statement in annotation.statements:
            support.setdefault(statement.content_spans, []).append(annotation)

    chosen: list[tuple[AnnotatedStatement, list[Annotation]]]
    if ground_truth or total == 1 or policy == "latest":
        source = ground_truth[0] if ground_truth else by_recency[0]
        method = "ground_truth" if ground_truth else ("single" if total == 1 else "latest")
        topics = source.topics
        chosen = [(s, support[s.content_spans]) for s in source.statements]
    else:
        method = "majority"
        topics = _majority_topics(by_recency, total)
        chosen = []
        for content, holders in support.items():
            if 2 * len(holders) <= total:
                continue
            ordered = sorted(holders, key=lambda a: a.recency, reverse=True)
            versions = [next(s for s in a.statements if s.content_spans == content) for a in ordered]
            chosen.append((_vote(versions), holders))

    ids = {
        statement.content_spans: statement_id(article.article_id, statement.content_spans) for statement, _ in chosen
    }
    annotated = [f.name for f in current().annotated_fields]
    gold: list[Statement] = []
    for statement, holders in sorted(chosen, key=lambda pair: pair[0].content_spans):
        parent_id: str | None = None
        if statement.parent is not None:
            parent_id = ids.get(statement.parent)
            if parent_id is None:
                issues.warning(
                    "parent-not-gold",
                    (*where, f"statement {ids[statement.content_spans]}"),
                    "the enclosing statement did not become gold, so this one is published without a parent",
                    hint="adjudicate the article by hand (flag one annotation as ground truth)",
                )
        values = {name: value_of(statement, name) for name in annotated}
        values.update(
            statement_id=ids[statement.content_spans],
            article_id=article.article_id,
            parent_statement_id=parent_id,
            topics=topics,
            provenance=Provenance(
                annotations=tuple(sorted(a.key for a in holders)),
                annotators=tuple(sorted({a.annotator for a in holders})),
                adjudication=method,
                support=len(holders),
                annotations_total=total,
            ),
        )
        gold.append(build(Statement, values))
    return topics, gold


def _majority_topics(by_recency: list[Annotation], total: int) -> tuple[str, ...]:
    counts = Counter(topic for annotation in by_recency for topic in set(annotation.topics))
    order = {topic: i for i, topic in enumerate(t for a in by_recency for t in a.topics)}
    return tuple(sorted((t for t, n in counts.items() if 2 * n > total), key=lambda t: order[t]))


def _most_common(values: list[T]) -> T:
    """The most frequent value; ties go to the earliest (most recent annotation)."""
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)


def _vote(versions: list[AnnotatedStatement]) -> AnnotatedStatement:
    """Field-by-field majority over versions of one statement, most recent first."""
    values: dict[str, Any] = {
        f.name: _most_common([value_of(v, f.name) for v in versions]) for f in current().annotated_fields
    }
    values["content_spans"] = versions[0].content_spans
    values["parent"] = _most_common([v.parent for v in versions])
    values["region_ids"] = versions[0].region_ids
    voted: AnnotatedStatement = build(AnnotatedStatement, values)
    return voted
