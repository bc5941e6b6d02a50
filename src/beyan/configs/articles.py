"""Config ``articles``: one row per article, its gold statements nested."""

from __future__ import annotations

from typing import Any

from beyan.configs import ConfigSpec
from beyan.configs.statements import fill_spans
from beyan.fields import RowEncoder, gold_statement_rows, row_encoder, value_of
from beyan.records import GoldArticle
from beyan.schema import current
from beyan.schema.types import Schema

# Fields of an article row that are not fields of the article record.
DERIVED = ("text", "text_length", "topics", "statements")


_PLANS: dict[int, tuple[Schema, list[tuple[str, RowEncoder]]]] = {}


def _plan() -> list[tuple[str, RowEncoder]]:
    schema = current()
    found = _PLANS.get(id(schema))
    if found is None or found[0] is not schema:
        fields = [f for f in schema.configs["articles"].fields if f.name not in DERIVED]
        found = _PLANS[id(schema)] = (schema, [(f.name, row_encoder(f.type)) for f in fields])
    return found[1]


def rows(gold: GoldArticle, include_text: bool) -> list[dict[str, Any]]:
    """The article's row, made once per text policy (config ``tokens`` reads the same row)."""
    key = ("article_row", include_text)
    if key not in gold.memo:
        gold.memo[key] = _row(gold, include_text)
    return [gold.memo[key]]


def _row(gold: GoldArticle, include_text: bool) -> dict[str, Any]:
    article = gold.article
    text = article.text if include_text else None
    row = {name: encode(value_of(article, name), text) for name, encode in _plan()}
    row.update(
        text=text,
        text_length=len(article.text),
        topics=list(gold.topics),
        statements=gold_statement_rows(gold, text),
    )
    return row


def hydrate(row: dict[str, Any], text: str) -> None:
    row["text"] = text
    for statement in row["statements"]:
        fill_spans(statement, text)


SPEC = ConfigSpec(
    name="articles",
    rows=rows,
    hydrate=hydrate,
    text_column="text",
    check="check_articles",
    batch_rows=1_000,
    description="one row per article, its gold statements nested",
)
