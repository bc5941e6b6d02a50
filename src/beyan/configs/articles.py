"""Config ``articles``: one row per article, its gold statements nested."""

from __future__ import annotations

from typing import Any

from beyan.configs import ConfigSpec
from beyan.configs.statements import fill_spans
from beyan.fields import statement_row, to_row, value_of
from beyan.records import GoldArticle
from beyan.schema import current

# Fields of an article row that are not fields of the article record.
DERIVED = ("text", "text_length", "topics", "statements")


def rows(gold: GoldArticle, include_text: bool) -> list[dict[str, Any]]:
    article = gold.article
    text = article.text if include_text else None
    row = {
        field.name: to_row(value_of(article, field.name), field.type, text)
        for field in current().configs["articles"].fields
        if field.name not in DERIVED
    }
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
