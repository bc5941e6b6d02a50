"""Inter-annotator agreement on articles with two or more annotations.

Reported the way PolNeAR and the German quotation corpus report theirs:

* span agreement per role (speaker, cue, content) and overall, as pairwise F1 over
  every pair of annotations of an article, micro-averaged: **exact** (same offsets)
  and **overlap** (a span counts as matched when it overlaps a span of the same role);
* Krippendorff's alpha (nominal) on ``quote_type`` and ``stance``, over statements
  matched across annotators by overlapping content.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from beyan.corpus import Corpus
from beyan.fields import value_of
from beyan.records import AnnotatedStatement, Annotation, Span
from beyan.schema import current
from beyan.transforms.groups import UnionFind

ROLES = ("speaker", "cue", "content")
ATTRIBUTES = ("quote_type", "stance")


def krippendorff_alpha_nominal(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Nominal alpha from units of values (None = missing). None when undefined (no variation)."""
    coincidence: defaultdict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                if i != j:
                    coincidence[(a, b)] += 1 / (m - 1)
    totals: defaultdict[Hashable, float] = defaultdict(float)
    for (a, _), weight in coincidence.items():
        totals[a] += weight
    n = sum(totals.values())
    if n <= 1:
        return None
    observed = sum(w for (a, b), w in coincidence.items() if a != b)
    expected = sum(totals[a] * totals[b] for a in totals for b in totals if a != b) / (n - 1)
    if expected == 0:
        return None
    return 1 - observed / expected


@dataclass(slots=True)
class SpanCounts:
    """Pairwise span matching counts, summed over annotation pairs."""

    a_total: int = 0
    b_total: int = 0
    exact: int = 0
    a_overlapping: int = 0
    b_overlapping: int = 0

    def add(self, a: set[Span], b: set[Span]) -> None:
        self.a_total += len(a)
        self.b_total += len(b)
        self.exact += len(a & b)
        self.a_overlapping += sum(any(x.overlaps(y) for y in b) for x in a)
        self.b_overlapping += sum(any(y.overlaps(x) for x in a) for y in b)

    def merge(self, other: SpanCounts) -> None:
        self.a_total += other.a_total
        self.b_total += other.b_total
        self.exact += other.exact
        self.a_overlapping += other.a_overlapping
        self.b_overlapping += other.b_overlapping

    @property
    def exact_f1(self) -> float | None:
        denominator = self.a_total + self.b_total
        return None if denominator == 0 else 2 * self.exact / denominator

    @property
    def overlap_f1(self) -> float | None:
        if self.a_total == 0 or self.b_total == 0:
            return None
        precision = self.a_overlapping / self.a_total
        recall = self.b_overlapping / self.b_total
        return None if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _role_spans(annotation: Annotation, role: str) -> set[Span]:
    spans: set[Span] = set()
    name = current().span_field(role).name
    for statement in annotation.statements:
        spans.update(value_of(statement, name))
    return spans


def _statement_units(annotations: list[Annotation]) -> list[list[AnnotatedStatement | None]]:
    """Statements of different annotators grouped when their content overlaps."""
    items = [(i, s) for i, a in enumerate(annotations) for s in a.statements]
    units = UnionFind(len(items))
    for x, y in combinations(range(len(items)), 2):
        (ia, sa), (ib, sb) = items[x], items[y]
        if ia != ib and any(p.overlaps(q) for p in sa.content_spans for q in sb.content_spans):
            units.union(x, y)
    groups: dict[int, list[AnnotatedStatement | None]] = defaultdict(lambda: [None] * len(annotations))
    for index, (annotator_index, statement) in enumerate(items):
        slot = groups[units.find(index)]
        if slot[annotator_index] is None:  # one value per annotator and unit
            slot[annotator_index] = statement
    return list(groups.values())


@dataclass(slots=True)
class AgreementReport:
    articles: int = 0
    annotations: int = 0
    pairs: int = 0
    spans: dict[str, SpanCounts] = field(default_factory=lambda: {role: SpanCounts() for role in ROLES})
    units: dict[str, list[list[str | None]]] = field(default_factory=lambda: {a: [] for a in ATTRIBUTES})

    def add_article(self, annotations: list[Annotation]) -> None:
        if len(annotations) < 2:
            return
        self.articles += 1
        self.annotations += len(annotations)
        for a, b in combinations(sorted(annotations, key=lambda x: x.key), 2):
            self.pairs += 1
            for role in ROLES:
                self.spans[role].add(_role_spans(a, role), _role_spans(b, role))
        for unit in _statement_units(annotations):
            self.units["quote_type"].append([s.quote_type if s else None for s in unit])
            self.units["stance"].append([s.stance if s else None for s in unit])

    def merge(self, other: AgreementReport) -> None:
        """Add another report's articles (builds compute agreement shard by shard)."""
        self.articles += other.articles
        self.annotations += other.annotations
        self.pairs += other.pairs
        for role, counts in other.spans.items():
            self.spans[role].merge(counts)
        for attribute, units in other.units.items():
            self.units[attribute].extend(units)

    def to_state(self) -> dict[str, Any]:
        """Everything the report holds, as JSON (a build caches it per shard)."""
        return {
            "articles": self.articles,
            "annotations": self.annotations,
            "pairs": self.pairs,
            "spans": {
                role: [c.a_total, c.b_total, c.exact, c.a_overlapping, c.b_overlapping]
                for role, c in self.spans.items()
            },
            "units": self.units,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> AgreementReport:
        report = cls(articles=state["articles"], annotations=state["annotations"], pairs=state["pairs"])
        for role, values in state["spans"].items():
            report.spans[role] = SpanCounts(*values)
        report.units = {attribute: [list(u) for u in units] for attribute, units in state["units"].items()}
        return report

    @property
    def overall(self) -> SpanCounts:
        total = SpanCounts()
        for counts in self.spans.values():
            total.merge(counts)
        return total

    def alpha(self, attribute: str) -> float | None:
        return krippendorff_alpha_nominal(self.units[attribute])

    def to_dict(self) -> dict[str, Any]:
        def span_dict(c: SpanCounts) -> dict[str, Any]:
            return {"exact_f1": _round(c.exact_f1), "overlap_f1": _round(c.overlap_f1), "spans": c.a_total + c.b_total}

        return {
            "articles": self.articles,
            "annotations": self.annotations,
            "pairs": self.pairs,
            "spans": {**{role: span_dict(c) for role, c in self.spans.items()}, "overall": span_dict(self.overall)},
            "krippendorff_alpha": {
                attribute: {
                    "alpha": _round(self.alpha(attribute)),
                    "units": sum(1 for u in self.units[attribute] if sum(v is not None for v in u) >= 2),
                }
                for attribute in ATTRIBUTES
            },
        }

    def markdown(self) -> str:
        if self.articles == 0:
            return (
                "No article has two or more annotations yet, so agreement is not computed. "
                "It appears here once articles are annotated twice (`beyan agreement`)."
            )
        data = self.to_dict()
        lines = [
            f"Over {self.articles} article(s) with two or more annotations ({self.annotations} annotations, "
            f"{self.pairs} annotation pairs):",
            "",
            "| spans | exact F1 | overlap F1 | spans compared |",
            "|---|---:|---:|---:|",
        ]
        for role in (*ROLES, "overall"):
            row = data["spans"][role]
            lines.append(f"| {role} | {_fmt(row['exact_f1'])} | {_fmt(row['overlap_f1'])} | {row['spans']} |")
        lines += ["", "| attribute | Krippendorff's alpha (nominal) | units |", "|---|---:|---:|"]
        for attribute in ATTRIBUTES:
            row = data["krippendorff_alpha"][attribute]
            lines.append(f"| {attribute} | {_fmt(row['alpha'])} | {row['units']} |")
        return "\n".join(lines)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def agreement_report(*, corpus: Path | str) -> AgreementReport:
    """Agreement over every article of the corpus that has two or more annotations."""
    opened = Corpus.open(corpus)
    report = AgreementReport()
    for _, article_annotations in opened.iter_articles():
        report.add_article(article_annotations)
    return report
