"""Config ``silver``: one row per machine-annotated statement, with its article's context.

Silver rows are written by ``beyan silver`` (:mod:`beyan.silver`) from raw news, never by
``beyan build`` from the corpus (``built_by="silver"``): a gold article has no silver rows.
Standoff rows are hydrated like the ``statements`` config's.
"""

from __future__ import annotations

from typing import Any

from beyan.configs import ConfigSpec
from beyan.configs.statements import fill_spans
from beyan.records import GoldArticle


def rows(gold: GoldArticle, include_text: bool) -> list[dict[str, Any]]:
    """A gold article has no silver rows: silver is made from raw news by ``beyan silver``."""
    return []


def hydrate(row: dict[str, Any], text: str) -> None:
    row["article_text"] = text
    fill_spans(row, text)


def check(checker: Any, table: Any, where: tuple[str, ...]) -> None:
    """``validate``'s row checks of silver rows (:mod:`beyan.silver.checks`, imported when a silver file is met)."""
    from beyan.silver.checks import check_silver_rows

    check_silver_rows(checker, table, where)


SPEC = ConfigSpec(
    name="silver",
    rows=rows,
    hydrate=hydrate,
    text_column="article_text",
    check=check,
    batch_rows=20_000,
    description="one row per machine-annotated (silver) statement, with its article's context and machine provenance",
    built_by="silver",
)
