"""Silver against gold: the silver statements of articles that are also gold articles, scored like predictions.

An article is in both when its text is the same (``text_sha256``): offsets then mean the same
characters, whatever file each was read from (their article ids may differ). Only those gold
articles are scored; the measures are ``beyan evaluate``'s (:mod:`beyan.evaluation.scores`).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq

from beyan.evaluation import EvaluationResult
from beyan.evaluation.scores import Scorer
from beyan.evaluation.statements import ROLE_FIELDS, ScoredStatement, read_gold, statement_from_row
from beyan.issues import fail

SILVER_COLUMNS = ["article_id", "text_sha256", "quote_type", *ROLE_FIELDS.values()]


def silver_files(folder: Path) -> list[Path]:
    files = sorted((folder / "data" / "silver").glob("*.parquet"))
    if not files:
        raise fail(
            "not-a-dataset",
            (str(folder),),
            "not a silver dataset folder: no data/silver/*.parquet",
            hint="make one with `beyan silver INPUTS --out SILVER`",
            exit_code=2,
        )
    return files


def score_silver(*, silver: Path | str, gold: Path | str, split: str | None = None) -> EvaluationResult:
    """Scores of the silver folder ``silver`` on the gold articles (of ``split``, or all) it shares text with."""
    silver, gold = Path(silver), Path(gold)
    articles = read_gold(gold, split=split)
    by_text: dict[str, str] = {}
    for path in sorted((gold / "data" / "articles").glob("*.parquet")):
        table = pq.read_table(path, columns=["article_id", "text_sha256"]).to_pydict()
        for article_id, sha in zip(table["article_id"], table["text_sha256"], strict=True):
            if article_id in articles:
                by_text[sha] = article_id
    predicted: defaultdict[str, list[ScoredStatement]] = defaultdict(list)
    for path in silver_files(silver):
        handle = pq.ParquetFile(path)
        for batch in handle.iter_batches(columns=SILVER_COLUMNS, batch_size=20_000):
            hashes = batch.column("text_sha256").to_pylist()
            wanted = [i for i, sha in enumerate(hashes) if sha in by_text]
            if not wanted:
                continue
            for row in batch.take(wanted).to_pylist():
                row["article_id"] = by_text[row["text_sha256"]]
                predicted[row["article_id"]].append(statement_from_row(row))
    scorer = Scorer()
    for article_id in sorted(predicted):
        scorer.add_article(articles[article_id].statements, predicted[article_id])
    return EvaluationResult(scorer.to_dict(), split)
