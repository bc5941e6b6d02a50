"""Config ``tokens``: one row per article, tokens with BIO tag layers per role (see :mod:`beyan.tokens`)."""

from __future__ import annotations

from typing import Any

from beyan.configs import ConfigSpec, Summary
from beyan.configs import articles as article_config
from beyan.records import GoldArticle
from beyan.tokens.view import TokenViewSummary, token_row_with_summary

# Beside the row's schema fields (the Parquet encoder writes only those): spans moved up a layer.
MOVED_UP = "_moved_up"


def rows(gold: GoldArticle, include_text: bool) -> list[dict[str, Any]]:
    (article_row,) = article_config.rows(gold, include_text)
    row, moved_up = token_row_with_summary(article_row=article_row, text=gold.article.text)
    row[MOVED_UP] = moved_up
    return [row]


def hydrate(row: dict[str, Any], text: str) -> None:
    row["tokens"] = [text[start:end] for start, end in zip(row["token_starts"], row["token_ends"], strict=True)]


def summarize(made: list[dict[str, Any]]) -> Summary:
    summary = TokenViewSummary()
    for row in made:
        summary.add(row, moved_up=int(row.get(MOVED_UP, 0)))
    return summary.to_state()


def merge(a: Summary, b: Summary) -> Summary:
    merged = TokenViewSummary.from_state(a)
    merged.merge(TokenViewSummary.from_state(b))
    return merged.to_state()


def card_section(summary: Summary | None, split: str) -> str:
    from beyan.writers.training import training_markdown

    return training_markdown(TokenViewSummary.from_state(summary or TokenViewSummary().to_state()), split=split)


SPEC = ConfigSpec(
    name="tokens",
    rows=rows,
    check="check_tokens",
    batch_rows=500,
    description="one row per article: tokens, sentence starts and BIO tag layers per role",
    hydrate=hydrate,
    text_column="tokens",
    summarize=summarize,
    merge=merge,
    card_section=card_section,
)
