"""``beyan labelstudio-tasks``: corpus articles as Label Studio tasks, with optional pre-annotations.

A pre-annotator is any callable ``(article) -> list[AnnotatedStatement]`` (or a pair
``(statements, topics)``), named as ``module:function``; ``gold`` pre-annotates with the
corpus's current gold. Pre-annotations travel as ``predictions``, which beyan never
imports as gold.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from beyan.corpus import Corpus
from beyan.fields import build, value_of
from beyan.issues import fail
from beyan.jsonio import dumps
from beyan.labelstudio.to_results import statements_to_results
from beyan.plugins import load_function
from beyan.records import AnnotatedStatement, Article, Statement
from beyan.schema import current
from beyan.schema.labelstudio import TASK_META
from beyan.transforms.adjudication import adjudicate

PreAnnotator = Callable[[Article], Any]


def task_data(article: Article) -> dict[str, Any]:
    """The task's ``data``: the text every offset refers to, what identifies it, what annotators see of it."""
    published = article.published
    return {
        "text": article.text,
        "article_id": article.article_id,
        "text_sha256": article.text_sha256,
        "title": article.title or "",
        "language": article.language,
        "published": published.value if published else None,
        "published_precision": published.precision if published else None,
        "source": article.source,
        "section": article.section,
        "url": article.url,
        TASK_META: task_meta(article),
    }


def task_meta(article: Article) -> str:
    """One line for annotators: outlet, section, date at its precision, URL, language."""
    parts = [article.source or "outlet unknown"]
    if article.section:
        parts.append(article.section)
    if article.published is not None:
        parts.append(f"{article.published.value} ({article.published.precision})")
    if article.url:
        parts.append(article.url)
    parts.append(f"language {article.language}")
    return " · ".join(parts)


def load_preannotator(spec: str) -> PreAnnotator:
    _, function = load_function(
        spec,
        code="bad-preannotator",
        option="--predictions",
        what="the pre-annotator",
        form="a pre-annotator is named module:function",
    )
    return function


def _gold_preannotator(corpus: Corpus, policy: str) -> PreAnnotator:
    from beyan.issues import Issues

    def preannotate(article: Article) -> tuple[list[AnnotatedStatement], tuple[str, ...]]:
        annotations = corpus.read_annotations(article.article_id)
        topics, gold = adjudicate(article, annotations, policy=policy, issues=Issues())
        return gold_as_annotated(gold), topics

    return preannotate


def gold_as_annotated(gold: list[Statement]) -> list[AnnotatedStatement]:
    """Gold statements as one annotator's statements (for pre-annotating with the gold)."""
    by_id = {s.statement_id: s for s in gold}
    fields = [f.name for f in current().annotated_fields]
    statements: list[AnnotatedStatement] = []
    for statement in gold:
        values = {name: value_of(statement, name) for name in fields}
        parent = by_id.get(statement.parent_statement_id or "")
        values["parent"] = parent.content_spans if parent is not None else None
        statements.append(build(AnnotatedStatement, values))
    return statements


def labelstudio_tasks(
    *,
    corpus: Path | str,
    predictions: str = "none",
    article_ids: list[str] | None = None,
    model_version: str | None = None,
) -> str:
    """The import JSON (a list of tasks) for the corpus articles, as text."""
    opened = Corpus.open(corpus)
    ids = article_ids if article_ids is not None else opened.article_ids()
    unknown = [i for i in ids if not opened.has_article(i)]
    if unknown:
        raise fail(
            "unknown-article", ("--article",), "no such article in the corpus", found=", ".join(unknown), exit_code=2
        )
    preannotator: PreAnnotator | None = None
    version = model_version
    if predictions == "extract":
        from beyan.extract import preannotate

        preannotator = preannotate
        version = version or "beyan-extract-rules"
    elif predictions == "gold":
        preannotator = _gold_preannotator(opened, opened.info.adjudication)
        version = version or f"beyan-gold-{opened.info.version}"
    elif predictions != "none":
        preannotator = load_preannotator(predictions)
        version = version or predictions
    tasks = []
    for article_id in ids:
        article = opened.read_article(article_id)
        task: dict[str, Any] = {"data": task_data(article)}
        if preannotator is not None:
            produced = preannotator(article)
            statements, topics = produced if isinstance(produced, tuple) else (produced, ())
            if statements or topics:
                task["predictions"] = [
                    {
                        "model_version": version,
                        "result": statements_to_results(list(statements), article.text, topics=topics),
                    }
                ]
        tasks.append(task)
    return dumps(tasks)
