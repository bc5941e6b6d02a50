"""Config ``statements``: one row per gold statement, with its article's context."""

from __future__ import annotations

from typing import Any

from beyan.configs import ConfigSpec
from beyan.fields import statement_row, to_row, value_of
from beyan.records import GoldArticle
from beyan.schema import current

# Context columns named after the article field they copy (the others keep the field's name).
CONTEXT_SOURCES = {"article_title": "title", "article_text": "text"}


def context(gold: GoldArticle, text: str | None) -> dict[str, Any]:
    """The article fields every statement row carries (``article_title``, ``article_text``, ...)."""
    statement_fields = {f.name for f in current().statement.fields}
    out: dict[str, Any] = {}
    for field in current().configs["statements"].fields:
        if field.name in statement_fields:
            continue
        source = CONTEXT_SOURCES.get(field.name, field.name)
        out[field.name] = text if source == "text" else to_row(value_of(gold.article, source), field.type, text)
    return out


def rows(gold: GoldArticle, include_text: bool) -> list[dict[str, Any]]:
    text = gold.article.text if include_text else None
    shared = context(gold, text)
    return [{**statement_row(statement, text), **shared} for statement in gold.statements]


def hydrate(row: dict[str, Any], text: str) -> None:
    row["article_text"] = text
    fill_spans(row, text)


def fill_spans(statement: dict[str, Any], text: str) -> None:
    for field in current().span_fields:
        for span in statement[field.name]:
            span["text"] = text[span["start"] : span["end"]]


SPEC = ConfigSpec(
    name="statements",
    rows=rows,
    hydrate=hydrate,
    text_column="article_text",
    check="check_statements",
    batch_rows=20_000,
    description="one row per gold statement, with its article's context",
)
