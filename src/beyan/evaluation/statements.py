"""The statements that scoring compares: gold ones read from a dataset folder, predicted ones from rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from beyan.issues import fail
from beyan.records import Span
from beyan.schema.v1 import QUOTE_TYPE, SPLITS

ROLES: tuple[str, ...] = ("content", "speaker", "cue", "addressee")
ROLE_FIELDS: dict[str, str] = {role: f"{role}_spans" for role in ROLES}


@dataclass(frozen=True, slots=True)
class ScoredStatement:
    """What is scored of a statement: its spans per role and its quote type (a name, or None)."""

    article_id: str
    spans: dict[str, tuple[Span, ...]]
    quote_type: str | None

    @property
    def content(self) -> tuple[Span, ...]:
        return self.spans["content"]


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """A gold article: where it is, how long its text is, the text if published, its statements."""

    article_id: str
    split: str
    text_length: int
    text: str | None
    statements: tuple[ScoredStatement, ...]


def statement_from_row(row: dict[str, Any]) -> ScoredStatement:
    """A statement row (JSON or Parquet form, already checked) as scored."""
    value = row.get("quote_type")
    quote_type: str | None = None
    if isinstance(value, str):
        quote_type = value
    elif isinstance(value, int) and not isinstance(value, bool):
        quote_type = QUOTE_TYPE.names[value]
    return ScoredStatement(
        article_id=row["article_id"],
        spans={
            role: tuple(sorted({Span(s["start"], s["end"]) for s in row.get(field) or []}))
            for role, field in ROLE_FIELDS.items()
        },
        quote_type=quote_type,
    )


def read_gold(folder: Path | str, *, split: str | None = None) -> dict[str, GoldArticle]:
    """Gold articles of a built dataset folder (config ``articles``), optionally of one split."""
    folder = Path(folder)
    files = sorted((folder / "data" / "articles").glob("*.parquet"))
    if not files:
        raise fail(
            "not-a-dataset",
            (str(folder),),
            "not a beyan dataset folder: no data/articles/*.parquet",
            exit_code=2,
            hint="build one with `beyan build --out DIST`",
        )
    if split is not None and split not in SPLITS:
        raise fail("unknown-split", ("--split",), "unknown split", expected=" or ".join(SPLITS), found=repr(split))
    articles: dict[str, GoldArticle] = {}
    columns = ["article_id", "text", "text_length", "statements"]
    for path in files:
        file_split = path.name.split("-")[0]
        if split is not None and file_split != split:
            continue
        for row in pq.read_table(path, columns=columns).to_pylist():
            articles[row["article_id"]] = GoldArticle(
                article_id=row["article_id"],
                split=file_split,
                text_length=row["text_length"],
                text=row["text"],
                statements=tuple(statement_from_row(s) for s in row["statements"]),
            )
    return articles


def article_splits(folder: Path | str) -> dict[str, str]:
    """Article id -> split, for every article of the dataset (to explain an article outside ``--split``)."""
    out: dict[str, str] = {}
    for path in sorted((Path(folder) / "data" / "articles").glob("*.parquet")):
        for article_id in pq.read_table(path, columns=["article_id"]).column("article_id").to_pylist():
            out[article_id] = path.name.split("-")[0]
    return out
