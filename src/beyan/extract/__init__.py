"""``beyan extract``: a transparent rule-based baseline that finds statements in news text.

The rules (:mod:`beyan.extract.rules`) are the same for every language; what a language
says with (quotation marks, cue verbs and their inflections, titles) is a data file
(:mod:`beyan.extract.lexicon`, ``lexicons/<language>.json``). The output is JSON Lines in
the ``statements`` row shape: what ``beyan evaluate`` scores, and what a pre-annotator
turns into Label Studio predictions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow.parquet as pq

from beyan.atomic import write_text_atomic
from beyan.evaluation import EvaluationResult, evaluate
from beyan.evaluation.scores import Scorer
from beyan.evaluation.statements import statement_from_row
from beyan.extract.document import Document
from beyan.extract.lexicon import Lexicon, available_languages, load_lexicon
from beyan.extract.rules import extract_statements
from beyan.fields import build, from_row
from beyan.issues import BeyanError, Issues, fail
from beyan.records import AnnotatedStatement, Article, Span
from beyan.schema import current
from beyan.schema.v1 import SPLITS

__all__ = [
    "ExtractResult",
    "baseline_result",
    "baseline_state",
    "extract",
    "extract_article",
    "preannotate",
    "score_extractor",
]

HONESTY_NOTE = (
    "Rule-based baseline (`beyan extract`), scored with `beyan evaluate`. Its rules were written "
    "with the seed article in view, and the corpus is one article: these numbers show the pipeline "
    "works end to end, not how well the rules generalise."
)


@dataclass(slots=True)
class ExtractResult:
    rows: list[dict[str, Any]]
    articles: int
    out: Path | None = None


def extract_article(*, text: str, article_id: str, lexicon: Lexicon) -> list[dict[str, Any]]:
    """Statements the rules find in one article's text (statements row shape, labels as names)."""
    return extract_statements(Document(text, lexicon), article_id=article_id)


def _articles(dataset: Path, split: str | None) -> list[dict[str, Any]]:
    files = sorted((dataset / "data" / "articles").glob("*.parquet"))
    if not files:
        raise fail(
            "not-a-dataset", (str(dataset),), "not a beyan dataset folder: no data/articles/*.parquet", exit_code=2
        )
    if split is not None and split not in SPLITS:
        raise fail("unknown-split", ("--split",), "unknown split", expected=" or ".join(SPLITS), found=repr(split))
    rows: list[dict[str, Any]] = []
    for path in files:
        if split is None or path.name.startswith(f"{split}-"):
            rows += pq.read_table(path, columns=["article_id", "language", "text"]).to_pylist()
    return sorted(rows, key=lambda row: row["article_id"])


def extract(
    *, dataset: Path | str, out: Path | str | None = None, split: str | None = None, lexicon: Path | str | None = None
) -> ExtractResult:
    """Run the rules over every article of a built dataset folder (one split, or all).

    Each article uses the lexicon of its language unless ``lexicon`` (a language tag or a
    JSON file) is given. Standoff articles (no text) are an error: hydrate them first.
    ``out`` receives the rows as JSON Lines, written atomically.
    """
    dataset = Path(dataset)
    articles = _articles(dataset, split)
    issues = Issues()
    lexicons: dict[str, Lexicon] = {}
    rows: list[dict[str, Any]] = []
    for article in articles:
        where = (str(dataset), f"article {article['article_id']}")
        if article["text"] is None:
            issues.error(
                "missing-text",
                where,
                "a standoff article has no text to extract from",
                hint="re-attach the text with `beyan hydrate`, or build with --text full",
            )
            continue
        key = str(lexicon) if lexicon is not None else article["language"].split("-")[0]
        try:
            chosen = lexicons.setdefault(key, load_lexicon(lexicon if lexicon is not None else key))
        except BeyanError as error:
            issues.extend(error.issues)
            continue
        rows += extract_article(text=article["text"], article_id=article["article_id"], lexicon=chosen)
    if issues.has_errors:
        raise BeyanError(issues)
    written = None
    if out is not None:
        written = Path(out)
        write_text_atomic(written, "".join(orjson.dumps(row).decode("utf-8") + "\n" for row in rows))
    return ExtractResult(rows, len(articles), written)


def baseline_state(*, text: str, article_id: str, language: str, gold_rows: list[dict[str, Any]]) -> list[int] | None:
    """The extractor's counts on one gold article (a build adds them up per split); None without a lexicon."""
    if language.split("-")[0] not in available_languages():
        return None
    lexicon = _LEXICONS.get(language)
    if lexicon is None:
        lexicon = _LEXICONS[language] = load_lexicon(language.split("-")[0])
    predicted = [statement_from_row(row) for row in extract_article(text=text, article_id=article_id, lexicon=lexicon)]
    scorer = Scorer()
    scorer.add_article([statement_from_row(row) for row in gold_rows], predicted)
    return scorer.to_vector()


_LEXICONS: dict[str, Lexicon] = {}


def baseline_result(states: list[list[int]], *, split: str | None) -> EvaluationResult:
    """The scores of a split from the per-article counts of :func:`baseline_state`."""
    totals = np.asarray(states, dtype=np.int64).sum(axis=0) if states else Scorer().to_vector()
    return EvaluationResult(Scorer.from_vector(list(totals)).to_dict(), split)


def preannotate(article: Article) -> list[AnnotatedStatement]:
    """The extractor as a Label Studio pre-annotator (``labelstudio-tasks --predictions extract``)."""
    language = article.language.split("-")[0]
    if language not in available_languages():
        return []
    lexicon = _LEXICONS.get(language)
    if lexicon is None:
        lexicon = _LEXICONS[language] = load_lexicon(language)
    statements: list[AnnotatedStatement] = []
    seen: set[tuple[Span, ...]] = set()
    for row in extract_article(text=article.text, article_id=article.article_id, lexicon=lexicon):
        values = {f.name: from_row(row.get(f.name), f.type) for f in current().annotated_fields}
        values["speaker_unknown"] = bool(values.get("speaker_unknown"))
        values["parent"] = None
        statement: AnnotatedStatement = build(AnnotatedStatement, values)
        if statement.content_spans and statement.quote_type and statement.content_spans not in seen:
            seen.add(statement.content_spans)
            statements.append(statement)
    return statements


def score_extractor(*, dataset: Path | str, split: str | None = None) -> EvaluationResult:
    """The extractor's scores against the gold of ``dataset`` (for the card and the datasheet, with HONESTY_NOTE)."""
    result = extract(dataset=dataset, split=split)
    return evaluate(gold=dataset, predictions=result.rows, split=split)
