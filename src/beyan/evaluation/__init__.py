"""``beyan evaluate``: score predicted statements against a gold dataset folder.

Predictions are JSON Lines in the ``statements`` row shape, so a model's output (or the
extractor's, or the gold rows themselves) is scored without conversion. The measures and
their definitions are in :mod:`beyan.evaluation.scores` and docs/evaluation.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beyan.evaluation.predictions import read_predictions
from beyan.evaluation.scores import MODES, Scorer
from beyan.evaluation.statements import ROLES, ScoredStatement, article_splits, read_gold

__all__ = ["EvaluationResult", "evaluate"]


@dataclass(slots=True)
class EvaluationResult:
    """Scores in a stable shape (:meth:`to_dict`), and which split they cover (None: all)."""

    scores: dict[str, Any]
    split: str | None

    def to_dict(self) -> dict[str, Any]:
        return {**self.scores, "counts": {**self.scores["counts"], "split": self.split}}

    def markdown(self) -> str:
        """A table per measure, for reports, the dataset card and the datasheet."""
        lines = ["| spans | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 |", "|---|" + "---:|" * 6]
        for role in (*ROLES, "attribution"):
            block = self.scores[role]
            cells = [f"{block[mode][key]:.3f}" for mode in MODES for key in ("precision", "recall", "f1")]
            lines.append(f"| {role} | " + " | ".join(cells) + " |")
        attribution, quote_type = self.scores["attribution"], self.scores["quote_type"]
        counts = self.scores["counts"]
        lines += [
            "",
            f"Attribution accuracy of the statements found: {attribution['exact']['accuracy']:.3f} (exact content), "
            f"{attribution['overlap']['accuracy']:.3f} (overlapping content). Quote-type accuracy: "
            f"{quote_type['exact']['accuracy']:.3f} (exact), {quote_type['overlap']['accuracy']:.3f} (overlap).",
            f"Over {counts['articles']} article(s): {counts['gold_statements']} gold and "
            f"{counts['predicted_statements']} predicted statements"
            + (f" (split {self.split})." if self.split else "."),
        ]
        return "\n".join(lines)


def evaluate(
    *, gold: Path | str, predictions: Path | str | Iterable[dict[str, Any]], split: str | None = None
) -> EvaluationResult:
    """Score ``predictions`` (a JSON Lines file, or statement rows) against the gold of dataset folder ``gold``.

    Every gold article of ``split`` (all splits when None) is scored, predicted or not;
    predictions of unknown articles, out-of-range offsets or wrong types stop the evaluation
    with every problem located (file, line, field).
    """
    articles = read_gold(gold, split=split)
    predicted = read_predictions(predictions, gold=articles, splits=article_splits(gold))
    by_article: defaultdict[str, list[ScoredStatement]] = defaultdict(list)
    for statement in predicted:
        by_article[statement.article_id].append(statement)
    scorer = Scorer()
    for article_id in sorted(articles):
        scorer.add_article(articles[article_id].statements, by_article.get(article_id, []))
    return EvaluationResult(scorer.to_dict(), split)
