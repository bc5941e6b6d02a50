"""Config ``articles``: one row per article, its gold statements nested."""

from __future__ import annotations

from typing import Any

from beyan.configs import ConfigSpec
from beyan.configs.statements import fill_spans
from beyan.fields import RowEncoder, row_encoder, statement_row, value_of
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
    article = gold.article
    text = article.text if include_text else None
    row = {name: encode(value_of(article, name), text) for name, encode in _plan()}
    row.update(
        text=text,
        text_length=len(article.text),
        topics=list(gold.topics),
        statements=[statement_row(statement, text) for statement in gold.statements],
    )
    return [row]


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
    batch_rows=2_000,
    description="one row per article, its gold statements nested",
)
