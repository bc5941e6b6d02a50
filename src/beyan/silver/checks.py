"""``beyan validate`` on config ``silver``: the row checks, as functions of a :class:`RowChecker`.

They use only the checker's public side (its collector, ids seen, row offset and the generic
null and label checks), so they can be dispatched from ``RowChecker.check_silver`` (the
config's ``ConfigSpec.check``) whatever the checker's inside looks like. What they check, each
problem located (file, row, statement id, field):

* every field by its declaration (required values, label indices, id and hash patterns);
* statement ids unique in the dataset and starting with their article id;
* a content span, and a speaker or the unknown-speaker marker (the rule of every statement);
* spans inside ``article_text`` with the text at their offsets (null in standoff rows, whose
  ``article_text`` is null), and ``text_sha256`` the hash of ``article_text``;
* language tags, and publication dates with their precision;
* a machine provenance on every row: silver is never a row without its extractor and run.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from beyan.corpus import is_language_tag
from beyan.issues import BeyanError
from beyan.readers.news_text import parse_published
from beyan.schema import current
from beyan.schema.v1 import DATE_PRECISION

if TYPE_CHECKING:
    from beyan.validation.tables import RowChecker

CONFIG = "silver"
NESTING_COLUMNS = ["statement_id", "article_id", "parent_statement_id", "content_spans"]


def _where(checker: RowChecker, where: tuple[str, ...], row: int, ids: list[Any], *fields: str) -> tuple[str, ...]:
    return (*where, f"row {row + checker.offset} ({ids[row]})", *fields)


def check_silver_rows(checker: RowChecker, table: pa.Table, where: tuple[str, ...]) -> None:
    """Every check of a batch of config ``silver`` rows; problems go to ``checker.issues``."""
    issues = checker.issues
    ids = table.column("statement_id").to_pylist()
    checker.check_nulls_and_labels(table, current().configs[CONFIG], ids, where)
    article_ids = table.column("article_id").to_pylist()
    for row, (statement_id, article_id) in enumerate(zip(ids, article_ids, strict=True)):
        if statement_id is None:
            continue
        if statement_id in checker.statement_ids:
            issues.error(
                "duplicate-id", _where(checker, where, row, ids), "statement id used twice", found=statement_id
            )
        checker.statement_ids.add(statement_id)
        if article_id and not statement_id.startswith(article_id + "-"):
            issues.error(
                "invalid-value",
                _where(checker, where, row, ids, "statement_id"),
                "the statement id does not start with its article id",
                expected=f"{article_id}-…",
                found=statement_id,
            )
    _check_statement_rule(checker, table, ids, where)
    _check_texts(checker, table, ids, where)
    _check_languages_and_dates(checker, table, ids, where)


def _check_statement_rule(checker: RowChecker, table: pa.Table, ids: list[Any], where: tuple[str, ...]) -> None:
    contents = pc.fill_null(pc.list_value_length(table.column("content_spans")), 0).to_pylist()
    speakers = pc.fill_null(pc.list_value_length(table.column("speaker_spans")), 0).to_pylist()
    unknown = table.column("speaker_unknown").to_pylist()
    for row, (content, speaker, marked) in enumerate(zip(contents, speakers, unknown, strict=True)):
        if content == 0:
            checker.issues.error(
                "missing-content", _where(checker, where, row, ids), "a statement needs at least one content span"
            )
        if speaker == 0 and not marked:
            checker.issues.error(
                "missing-speaker",
                _where(checker, where, row, ids),
                "no speaker span and not marked unknown-speaker",
                hint="every statement needs a speaker or the explicit unknown-speaker marker",
            )


def _check_texts(checker: RowChecker, table: pa.Table, ids: list[Any], where: tuple[str, ...]) -> None:
    """Spans against ``article_text`` and ``text_sha256``: each distinct article text is hashed once."""
    texts = table.column("article_text").to_pylist()
    hashes = table.column("text_sha256").to_pylist()
    digests: dict[str, str] = {}
    span_fields = [field.name for field in current().span_fields]
    columns = {name: table.column(name).to_pylist() for name in span_fields}
    for row, (text, sha) in enumerate(zip(texts, hashes, strict=True)):
        if text is not None:
            digest = digests.get(text)
            if digest is None:
                digest = digests[text] = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if sha != digest:
                checker.issues.error(
                    "text-hash-mismatch",
                    _where(checker, where, row, ids, "text_sha256"),
                    "text_sha256 is not the hash of article_text",
                    expected=digest,
                    found=str(sha),
                )
        for name in span_fields:
            for span in columns[name][row] or []:
                checker.spans_checked += 1
                _check_span(checker, span, text, _where(checker, where, row, ids, name))


def _check_span(checker: RowChecker, span: dict[str, Any], text: str | None, at: tuple[str, ...]) -> None:
    start, end, found = span.get("start"), span.get("end"), span.get("text")
    if start is None or end is None:
        checker.issues.error(
            "missing-value", at, "a span lacks its offsets", expected="integers", found=f"[{start}, {end})"
        )
    elif end <= start or start < 0:
        checker.issues.error(
            "empty-span", at, "the span is empty or reversed", expected="0 <= start < end", found=f"[{start}, {end})"
        )
    elif text is None:
        if found is not None:
            checker.issues.error(
                "standoff-leak", at, "a standoff row carries span text", expected="null", found=repr(found[:60])
            )
    elif end > len(text):
        checker.issues.error(
            "span-out-of-range",
            at,
            "the span lies outside the article text",
            expected=f"0 <= start < end <= {len(text)}",
            found=f"[{start}, {end})",
        )
    elif found != text[start:end]:
        checker.issues.error(
            "span-text-mismatch",
            at,
            "the span's text is not the article text at its offsets",
            expected=repr(text[start:end][:60]),
            found=repr((found or "")[:60]),
        )


def _check_languages_and_dates(checker: RowChecker, table: pa.Table, ids: list[Any], where: tuple[str, ...]) -> None:
    bad_tags = {
        tag for tag in pc.unique(table.column("language")).to_pylist() if tag is not None and not is_language_tag(tag)
    }
    if bad_tags:
        for row, tag in enumerate(table.column("language").to_pylist()):
            if tag in bad_tags:
                checker.issues.error(
                    "invalid-language",
                    _where(checker, where, row, ids, "language"),
                    "not a BCP 47 language tag",
                    found=repr(tag),
                )
    published = table.column("published").to_pylist()
    known: dict[str, str | None] = {}
    for row, value in enumerate(published):
        if value is None or value.get("value") is None:
            continue
        date = value["value"]
        if date not in known:
            try:
                known[date] = parse_published(date, where=()).precision
            except (BeyanError, ValueError):
                known[date] = None
        precision = known[date]
        if precision is None:
            checker.issues.error(
                "invalid-date",
                _where(checker, where, row, ids, "published"),
                "not a valid ISO 8601 date",
                found=repr(date),
            )
            continue
        stated = value.get("precision")
        if not (isinstance(stated, int) and 0 <= stated < len(DATE_PRECISION.labels)):
            continue  # an unknown label index is reported by the label checks
        if DATE_PRECISION.labels[stated].name != precision:
            checker.issues.error(
                "date-precision-mismatch",
                _where(checker, where, row, ids, "published"),
                "the stated precision does not match the date",
                expected=precision,
                found=DATE_PRECISION.labels[stated].name,
            )


def check_silver_nesting(checker: RowChecker, table: pa.Table, where: tuple[str, ...]) -> None:
    """Parents exist in the same article and cover their children (a whole file: parents may be in any batch)."""
    checker.check_nesting(table.select(NESTING_COLUMNS), where)
