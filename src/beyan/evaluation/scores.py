"""Span, attribution and quote-type scores, exact and overlap, as the attribution literature reports them.

* **Spans** (per role): per article, the distinct spans of the role over all its statements
  (a speaker mention shared by two statements counts once). *Exact*: a predicted span is
  correct when a gold span has the same start and end (strict match). *Overlap*: a predicted
  span is correct when it shares at least one character with a gold span of the same role,
  and a gold span is found when a predicted span overlaps it (lenient, partial match).
  Precision over predicted spans, recall over gold spans, micro-averaged over articles.
* **Statements** are paired one to one per article by content: *exact* when the content
  spans are the same, *overlap* when they overlap (largest overlap first).
* **Attribution**: a paired statement is attributed right when its speaker spans share a
  span (exact) or overlap (overlap) with the gold statement's, or both have none. Precision
  and recall count rightly attributed pairs over predicted and gold statements; accuracy is
  their share of the pairs (the attribution accuracy of quotes found).
* **Quote type**: accuracy over the paired statements.

A ratio with nothing to count is 1.0 when gold and prediction are both empty (nothing to
find, nothing wrongly found) and 0.0 otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields

from beyan.evaluation.statements import ROLES, ScoredStatement
from beyan.records import Span

MODES: tuple[str, ...] = ("exact", "overlap")


def ratio(hits: int, total: int, *, other_total: int) -> float:
    if total == 0:
        return 1.0 if other_total == 0 else 0.0
    return hits / total


def f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


@dataclass(slots=True)
class Counts:
    """Hits among predictions and among gold items, and their totals."""

    predicted: int = 0
    gold: int = 0
    predicted_hits: int = 0
    gold_hits: int = 0

    def scores(self) -> dict[str, float]:
        precision = ratio(self.predicted_hits, self.predicted, other_total=self.gold)
        recall = ratio(self.gold_hits, self.gold, other_total=self.predicted)
        return {"precision": _round(precision), "recall": _round(recall), "f1": _round(f1(precision, recall))}


@dataclass(slots=True)
class PairCounts:
    """Statement pairs of one matching mode: how many, and how many got the speaker and the type right."""

    pairs: int = 0
    attributed: int = 0
    typed: int = 0


COUNT_FIELDS = tuple(f.name for f in fields(Counts))  # the order of to_vector and from_vector
PAIR_FIELDS = tuple(f.name for f in fields(PairCounts))


@dataclass(slots=True)
class Scorer:
    spans: dict[tuple[str, str], Counts] = field(
        default_factory=lambda: {(role, mode): Counts() for role in ROLES for mode in MODES}
    )
    pairs: dict[str, PairCounts] = field(default_factory=lambda: {mode: PairCounts() for mode in MODES})
    gold_statements: int = 0
    predicted_statements: int = 0
    articles: int = 0

    def add_article(self, gold: Sequence[ScoredStatement], predicted: Sequence[ScoredStatement]) -> None:
        self.articles += 1
        self.gold_statements += len(gold)
        self.predicted_statements += len(predicted)
        for role in ROLES:
            g = {span for s in gold for span in s.spans[role]}
            p = {span for s in predicted for span in s.spans[role]}
            exact = self.spans[(role, "exact")]
            exact.gold += len(g)
            exact.predicted += len(p)
            exact.gold_hits += len(g & p)
            exact.predicted_hits += len(g & p)
            overlap = self.spans[(role, "overlap")]
            overlap.gold += len(g)
            overlap.predicted += len(p)
            overlap.gold_hits += sum(any(x.overlaps(y) for y in p) for x in g)
            overlap.predicted_hits += sum(any(y.overlaps(x) for x in g) for y in p)
        for mode in MODES:
            counts = self.pairs[mode]
            for g_statement, p_statement in pair_statements(gold, predicted, mode=mode):
                counts.pairs += 1
                counts.attributed += same_speaker(g_statement, p_statement, mode=mode)
                counts.typed += g_statement.quote_type == p_statement.quote_type

    def to_vector(self) -> list[int]:
        """Every count in a fixed order: a build keeps one vector per article and sums each split's."""
        vector: list[int] = []
        for role in ROLES:
            for mode in MODES:
                counts = self.spans[(role, mode)]
                vector += [getattr(counts, name) for name in COUNT_FIELDS]
        for mode in MODES:
            pair = self.pairs[mode]
            vector += [getattr(pair, name) for name in PAIR_FIELDS]
        vector += [self.gold_statements, self.predicted_statements, self.articles]
        return vector

    @classmethod
    def from_vector(cls, vector: Sequence[int]) -> Scorer:
        """The scorer whose counts are ``vector`` (a sum of :meth:`to_vector` vectors)."""
        scorer = cls()
        values = iter(int(v) for v in vector)
        for role in ROLES:
            for mode in MODES:
                scorer.spans[(role, mode)] = Counts(*(next(values) for _ in COUNT_FIELDS))
        for mode in MODES:
            scorer.pairs[mode] = PairCounts(*(next(values) for _ in PAIR_FIELDS))
        scorer.gold_statements, scorer.predicted_statements, scorer.articles = (next(values) for _ in range(3))
        return scorer

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {role: {mode: self.spans[(role, mode)].scores() for mode in MODES} for role in ROLES}
        attribution: dict[str, dict[str, float]] = {}
        quote_type: dict[str, dict[str, float]] = {}
        for mode in MODES:
            counts = self.pairs[mode]
            end_to_end = Counts(
                predicted=self.predicted_statements,
                gold=self.gold_statements,
                predicted_hits=counts.attributed,
                gold_hits=counts.attributed,
            ).scores()
            empty = self.gold_statements + self.predicted_statements
            attribution[mode] = {
                **end_to_end,
                "accuracy": _round(ratio(counts.attributed, counts.pairs, other_total=empty)),
            }
            quote_type[mode] = {"accuracy": _round(ratio(counts.typed, counts.pairs, other_total=empty))}
        out["attribution"] = attribution
        out["quote_type"] = quote_type
        out["counts"] = {
            "articles": self.articles,
            "gold_statements": self.gold_statements,
            "predicted_statements": self.predicted_statements,
            "paired_statements": {mode: self.pairs[mode].pairs for mode in MODES},
            "gold_spans": {role: self.spans[(role, "exact")].gold for role in ROLES},
            "predicted_spans": {role: self.spans[(role, "exact")].predicted for role in ROLES},
        }
        return out


def _overlap(a: Sequence[Span], b: Sequence[Span]) -> int:
    """Characters two span sets have in common."""
    return sum(max(0, min(x.end, y.end) - max(x.start, y.start)) for x in a for y in b)


def pair_statements(
    gold: Sequence[ScoredStatement], predicted: Sequence[ScoredStatement], *, mode: str
) -> list[tuple[ScoredStatement, ScoredStatement]]:
    """One-to-one pairs by content: identical content (exact), or most overlapping first (overlap)."""
    candidates: list[tuple[int, int, int]] = []
    for i, g in enumerate(gold):
        for j, p in enumerate(predicted):
            if mode == "exact":
                if set(g.content) == set(p.content):
                    candidates.append((1, i, j))
            else:
                shared = _overlap(g.content, p.content)
                if shared:
                    candidates.append((shared, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    pairs: list[tuple[ScoredStatement, ScoredStatement]] = []
    for _, i, j in candidates:
        if i not in used_gold and j not in used_predicted:
            used_gold.add(i)
            used_predicted.add(j)
            pairs.append((gold[i], predicted[j]))
    return pairs


def same_speaker(gold: ScoredStatement, predicted: ScoredStatement, *, mode: str) -> bool:
    g, p = gold.spans["speaker"], predicted.spans["speaker"]
    if not g or not p:
        return not g and not p
    match: Callable[[Span, Span], bool] = (lambda x, y: x == y) if mode == "exact" else Span.overlaps
    return any(match(x, y) for x in g for y in p)


def _round(value: float) -> float:
    return round(value, 4)
