"""Config ``statements``: one row per gold statement, with its article's context."""

from __future__ import annotations

from typing import Any

from beyan.configs import ConfigSpec
from beyan.fields import RowEncoder, gold_statement_rows, row_encoder, value_of
from beyan.records import GoldArticle
from beyan.schema import current
from beyan.schema.types import Schema

# Context columns named after the article field they copy (the others keep the field's name).
CONTEXT_SOURCES = {"article_title": "title", "article_text": "text"}


_PLANS: dict[int, tuple[Schema, list[tuple[str, str, RowEncoder]]]] = {}


def _plan() -> list[tuple[str, str, RowEncoder]]:
    """(column, article field it copies, encoder) of every context column of the schema in force."""
    schema = current()
    found = _PLANS.get(id(schema))
    if found is None or found[0] is not schema:
        statement_fields = {f.name for f in schema.statement.fields}
        plan = [
            (f.name, CONTEXT_SOURCES.get(f.name, f.name), row_encoder(f.type))
            for f in schema.configs["statements"].fields
            if f.name not in statement_fields
        ]
        found = _PLANS[id(schema)] = (schema, plan)
    return found[1]


def context(gold: GoldArticle, text: str | None) -> dict[str, Any]:
    """The article fields every statement row carries (``article_title``, ``article_text``, ...)."""
    return {
        column: text if source == "text" else encode(value_of(gold.article, source), text)
        for column, source, encode in _plan()
    }


def rows(gold: GoldArticle, include_text: bool) -> list[dict[str, Any]]:
    text = gold.article.text if include_text else None
    shared = context(gold, text)
    return [{**row, **shared} for row in gold_statement_rows(gold, text)]


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
    dictionary_columns=("article_text",),
    check="check_statements",
    batch_rows=20_000,
    description="one row per gold statement, with its article's context",
)
