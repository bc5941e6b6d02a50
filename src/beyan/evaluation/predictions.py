"""Reading predictions: JSON Lines in the ``statements`` row shape, every problem located.

A prediction is a JSON object per line with at least ``article_id`` and ``content_spans``;
``speaker_spans``, ``cue_spans``, ``addressee_spans`` (default empty), ``quote_type`` (a name
or its index) and ``speaker`` may be given, and any other field of a statement row is
ignored, so the gold rows themselves are valid predictions. Problems are collected for
every line (file, line, field; expected and found) and stop the evaluation together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from beyan.evaluation.statements import ROLE_FIELDS, GoldArticle, ScoredStatement, statement_from_row
from beyan.issues import BeyanError, Issues, fail
from beyan.schema.v1 import QUOTE_TYPE


def read_jsonl(path: Path) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(location, value) per non-blank line; a line that is not JSON is yielded as an exception."""
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise fail("unreadable", (str(path),), f"cannot read the predictions: {error.strerror}", exit_code=2) from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            where = (str(path), f"line {number}")
            try:
                yield where, orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                yield where, error


def read_predictions(
    source: Path | str | Iterable[dict[str, Any]], *, gold: dict[str, GoldArticle], splits: dict[str, str]
) -> list[ScoredStatement]:
    """Checked predictions from a JSON Lines file or from rows; raises with every problem found."""
    if isinstance(source, (str, Path)):
        items: Iterable[tuple[tuple[str, ...], Any]] = read_jsonl(Path(source))
    else:
        items = ((("predictions", f"row {n}"), row) for n, row in enumerate(source, start=1))
    issues = Issues()
    statements: list[ScoredStatement] = []
    for where, value in items:
        if isinstance(value, Exception):
            issues.error("invalid-json", where, f"not valid JSON: {value}", expected="one JSON object per line")
            continue
        errors_before = issues.error_count
        check_prediction(value, where, gold=gold, splits=splits, issues=issues)
        if issues.error_count == errors_before:
            statements.append(statement_from_row(value))
    if issues.has_errors:
        raise BeyanError(issues)
    return statements


def _type_name(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "integer" if isinstance(value, int) else "number" if isinstance(value, float) else "value"
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_prediction(
    row: Any, where: tuple[str, ...], *, gold: dict[str, GoldArticle], splits: dict[str, str], issues: Issues
) -> None:
    """Every problem of one predicted statement, reported at its field."""
    if not isinstance(row, dict):
        issues.error(
            "wrong-type", where, "a prediction is a statement object", expected="object", found=_type_name(row)
        )
        return
    article_id = row.get("article_id")
    if not isinstance(article_id, str):
        code = "missing-value" if article_id is None else "wrong-type"
        issues.error(
            code, (*where, "article_id"), "the article id is required", expected="string", found=_type_name(article_id)
        )
        return
    article = gold.get(article_id)
    if article is None:
        other = splits.get(article_id)
        issues.error(
            "unknown-article",
            (*where, "article_id"),
            "no gold article with this id" + (f" in the split scored (it is in {other})" if other else ""),
            expected="an article id of the gold dataset",
            found=article_id,
            hint="score that split with --split, or leave the prediction out" if other else None,
        )
        return
    if "content_spans" not in row:
        issues.error("missing-value", (*where, "content_spans"), "a statement needs its content spans")
    for field in ROLE_FIELDS.values():
        if field in row:
            _check_spans(row[field], (*where, field), article, issues, required=field == "content_spans")
    quote_type = row.get("quote_type")
    if quote_type is not None:
        if _is_int(quote_type):
            if not 0 <= quote_type < len(QUOTE_TYPE.labels):
                issues.error(
                    "unknown-label",
                    (*where, "quote_type"),
                    "quote type index outside the vocabulary",
                    expected=f"0..{len(QUOTE_TYPE.labels) - 1}",
                    found=str(quote_type),
                )
        elif not isinstance(quote_type, str):
            issues.error(
                "wrong-type",
                (*where, "quote_type"),
                "the quote type is a label name (or its index)",
                expected="string",
                found=_type_name(quote_type),
            )
        elif quote_type not in QUOTE_TYPE.names:
            issues.error(
                "unknown-label",
                (*where, "quote_type"),
                "unknown quote type",
                expected=" or ".join(QUOTE_TYPE.names),
                found=repr(quote_type),
            )
    speaker = row.get("speaker")
    if speaker is not None and not isinstance(speaker, dict):
        issues.error(
            "wrong-type",
            (*where, "speaker"),
            "the speaker is an entity object",
            expected="object or null",
            found=_type_name(speaker),
        )


def _check_spans(value: Any, where: tuple[str, ...], article: GoldArticle, issues: Issues, *, required: bool) -> None:
    if not isinstance(value, list):
        issues.error("wrong-type", where, "spans are a list", expected="array", found=_type_name(value))
        return
    if required and not value:
        issues.error("missing-content", where, "a statement needs at least one content span")
    for i, span in enumerate(value):
        at = (*where[:-1], f"{where[-1]}[{i}]")
        if not isinstance(span, dict):
            issues.error("wrong-type", at, "a span is an object", expected="{start, end, text}", found=_type_name(span))
            continue
        start, end = span.get("start"), span.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not _is_int(start) or not _is_int(end):
            issues.error(
                "wrong-type",
                at,
                "span offsets are integers (code points into the article text)",
                expected="integer start and end",
                found=f"start {_type_name(start)}, end {_type_name(end)}",
            )
            continue
        if end <= start:
            issues.error(
                "empty-span", at, "the span is empty or reversed", expected="start < end", found=f"[{start}, {end})"
            )
        elif start < 0 or end > article.text_length:
            issues.error(
                "span-out-of-range",
                at,
                "the span lies outside the article text",
                expected=f"0 <= start < end <= {article.text_length}",
                found=f"[{start}, {end})",
            )
        elif article.text is not None and span.get("text") is not None and span["text"] != article.text[start:end]:
            issues.error(
                "span-text-mismatch",
                at,
                "the span's text is not the article text at its offsets",
                expected=repr(article.text[start:end][:60]),
                found=repr(str(span["text"])[:60]),
                hint="offsets are Unicode code points into the article's `text` (not bytes, not UTF-16 units)",
            )
