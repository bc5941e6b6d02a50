"""Checks on Arrow tables of the two configs: schema, vocabularies and the meaning of rows.

Column-wide checks use ``pyarrow.compute`` (nulls, label ranges, patterns, offsets in
range); span text is compared per article, so an article's text is materialised once,
not once per statement.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from beyan.corpus import is_language_tag
from beyan.issues import Issues
from beyan.schema import Schema, current
from beyan.schema.arrow import HF_METADATA_KEY, arrow_schema, features_dict
from beyan.schema.types import Categorical, Field, ListOf, Scalar, Struct
from beyan.schema.v1 import DATE_PRECISION, PUBLISHED_PATTERN
from beyan.tokens.checks import TokenRowChecker, check_label_table
from beyan.validation.background import Background
from beyan.validation.spans import (
    EMPTY,
    MISSING_OFFSET,
    OUT_OF_RANGE,
    TEXT_MISMATCH,
    SpanCheck,
    check_context_spans,
    check_span_columns,
)
from beyan.validation.utf8 import Utf8Texts, numbers, starts_with_each, utf8_layout

# ISO 8601 dates of PUBLISHED_PATTERN's form that every month and year allows (year 0001-9999,
# day 01-28, hour 00-23, minute and second 00-59, offset under 24 h): valid without parsing.
_YEAR = "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
_HOUR, _MINUTE = "([01][0-9]|2[0-3])", "[0-5][0-9]"
SURELY_VALID_DATE = (
    f"^{_YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|1[0-9]|2[0-8])"
    f"(T{_HOUR}:{_MINUTE}(:{_MINUTE})?(Z|[+-]{_HOUR}:{_MINUTE})?)?)?)?$"
)
_PRECISION_BY_LENGTH = [DATE_PRECISION.names.index(name) for name in ("year", "month", "day")]  # 4, 7, 10 chars
_TIME_PRECISION = DATE_PRECISION.names.index("time")


def detect_config(schema: pa.Schema) -> str | None:
    """The config of the schema in force whose columns are the file's (in any order)."""
    from beyan.configs import config_names

    names = set(schema.names)
    structs = current().configs
    for config in config_names(built_by=None):
        struct = structs[config]
        if names == set(struct.field_names):
            return config
    return None


def check_schema(schema: pa.Schema, config: str, issues: Issues, where: tuple[str, ...]) -> bool:
    """The file's Arrow schema and its ``datasets`` features must equal the declaration's."""
    struct = current().configs[config]
    expected = arrow_schema(struct)
    ok = True
    actual = pa.schema(list(schema))
    if not actual.equals(expected):
        missing = [n for n in expected.names if n not in actual.names]
        extra = [n for n in actual.names if n not in expected.names]
        changed = [
            n for n in expected.names if n in actual.names and not actual.field(n).type.equals(expected.field(n).type)
        ]
        issues.error(
            "schema-mismatch",
            where,
            f"the Arrow schema is not config '{config}' of schema v1",
            expected="fields and types of schemas/arrow-schema.txt",
            found="; ".join(
                part
                for part in (
                    f"missing {missing}" if missing else "",
                    f"unexpected {extra}" if extra else "",
                    f"different type {changed}" if changed else "",
                    "different field order" if not (missing or extra or changed) else "",
                )
                if part
            ),
        )
        ok = False
    metadata = schema.metadata or {}
    raw = metadata.get(HF_METADATA_KEY)
    if raw is None:
        issues.error(
            "missing-features",
            where,
            "the file carries no `datasets` features (schema metadata key 'huggingface')",
            hint="labels would load as plain integers; rebuild with `beyan build`",
        )
        return False
    try:
        features = json.loads(raw)["info"]["features"]
    except (ValueError, KeyError, TypeError):
        issues.error("missing-features", where, "the 'huggingface' metadata is not valid features JSON")
        return False
    if features != features_dict(struct):
        differing = sorted(
            k for k in set(features) | set(features_dict(struct)) if features.get(k) != features_dict(struct).get(k)
        )
        issues.error(
            "features-mismatch",
            where,
            "the file's `datasets` features differ from the schema's",
            expected="schemas/features.json",
            found=f"differences in {differing}",
            hint="labels may have been renamed or reordered; rebuild with `beyan build`",
        )
        ok = False
    return ok


def utf8_digests(texts: pa.Array) -> list[str | None]:
    """sha256 of each text's UTF-8 bytes, read from the Arrow buffer (no Python string is made)."""
    texts, offsets_array, buffer = utf8_layout(texts)
    offsets = offsets_array.tolist()
    data = memoryview(buffer or b"")
    valid = texts.is_valid().to_pylist()
    return [
        hashlib.sha256(data[offsets[row] : offsets[row + 1]]).hexdigest() if valid[row] else None
        for row in range(len(texts))
    ]


def _within(values: pa.ChunkedArray | pa.Array, low: int, high: int | None) -> bool:
    """Whether every non-null value is in [low, high] (one pass; the rows are found only when not)."""
    if len(values) == values.null_count:
        return True
    extremes = pc.min_max(values)
    smallest, largest = extremes["min"].as_py(), extremes["max"].as_py()
    return bool(smallest >= low and (high is None or largest <= high))


def _pattern_misses(values: pa.ChunkedArray | pa.Array, pattern: str) -> pa.ChunkedArray | pa.Array:
    """Which values do not match ``pattern`` (null: no value), matching each distinct value once when values repeat.

    Statement rows repeat their article's id and date; a regular expression costs far more
    than finding the distinct values, so those columns are matched once per distinct value.
    """
    if isinstance(values, pa.ChunkedArray):  # RE2 compiles the pattern once per chunk: one chunk is cheaper
        values = values.combine_chunks()
    sample = values.slice(0, 512)
    if len(pc.unique(sample)) * 2 > len(sample):  # mostly distinct (statement ids): match every value
        return pc.invert(pc.match_substring_regex(values, pattern))
    distinct = pc.drop_null(pc.unique(values))
    misses = pc.filter(distinct, pc.invert(pc.match_substring_regex(distinct, pattern)))
    if len(misses) == 0:
        return pa.nulls(len(values), pa.bool_())
    return pc.is_in(values, value_set=misses)


@dataclass(slots=True)
class RowChecker:
    """Meaning checks over the rows of one config; ids are tracked across files of a dataset."""

    issues: Issues
    statement_ids: set[str] = field(default_factory=set)
    article_ids: set[str] = field(default_factory=set)
    spans_checked: int = 0
    offset: int = 0  # row number, in its file, of the first row of the batch being checked
    token_rows: TokenRowChecker | None = None
    # Taken when the checker is made: checks running in worker threads do not see the caller's ``using``.
    schema: Schema = field(default_factory=current)

    def _at(self, row: int, ids: list[Any]) -> str:
        return f"row {row + self.offset} ({ids[row]})"

    # ---------------------------------------------------------------- helpers

    def _rows(self, mask: pa.ChunkedArray | pa.Array) -> list[int]:
        mask = pc.fill_null(mask, False)
        return pc.indices_nonzero(mask).to_pylist()  # type: ignore[no-any-return]

    def _report(
        self,
        code: str,
        rows: list[int],
        ids: list[Any],
        where: tuple[str, ...],
        message: str,
        **details: str | None,
    ) -> None:
        for row in rows:  # the collector keeps the first of each code and counts the rest exactly
            self.issues.error(code, (*where, self._at(row, ids)), message, **details)

    # ---------------------------------------------------------------- generic

    def check_nulls_and_labels(self, table: pa.Table, struct: Struct, ids: list[Any], where: tuple[str, ...]) -> None:
        for field_ in struct.fields:
            column = table.column(field_.name)
            if not field_.nullable and column.null_count:
                nulls = self._rows(pc.is_null(column))
                if nulls:
                    self._report("missing-value", nulls, ids, (*where, field_.name), "a required value is null")
            self._check_values(column, field_, ids, (*where, field_.name))

    def _check_values(self, column: pa.ChunkedArray, field_: Field, ids: list[Any], where: tuple[str, ...]) -> None:
        kind = field_.type
        if isinstance(kind, Categorical):
            n = len(kind.vocabulary.labels)
            bad = (
                [] if _within(column, 0, n - 1) else self._rows(pc.or_(pc.less(column, 0), pc.greater_equal(column, n)))
            )
            if bad:
                self._report(
                    "unknown-label",
                    bad,
                    ids,
                    where,
                    f"label index outside {kind.vocabulary.name}",
                    expected=f"0..{n - 1}",
                )
        elif isinstance(kind, Scalar) and kind.kind == "string" and field_.pattern is not None:
            bad = self._rows(_pattern_misses(column, field_.pattern))
            if bad:
                self._report(
                    "invalid-value",
                    bad,
                    ids,
                    where,
                    "the value does not have the declared form",
                    expected=field_.pattern,
                )
        elif isinstance(kind, Scalar) and kind.kind in ("int32", "int64") and field_.minimum is not None:
            bad = [] if _within(column, field_.minimum, None) else self._rows(pc.less(column, field_.minimum))
            if bad:
                self._report("invalid-value", bad, ids, where, f"the value is below {field_.minimum}")
        elif isinstance(kind, Struct):
            for sub in kind.fields:
                child = pc.struct_field(column, sub.name)
                if not sub.nullable and child.null_count > column.null_count:  # a child of a non-null struct is null
                    bad = self._rows(pc.and_(pc.is_valid(column), pc.is_null(child)))
                    if bad:
                        self._report(
                            "missing-value",
                            bad,
                            ids,
                            (*where[:-1], f"{where[-1]}.{sub.name}"),
                            "a required value is null",
                        )
                self._check_values(child, sub, ids, (*where[:-1], f"{where[-1]}.{sub.name}"))
        elif isinstance(kind, ListOf) and isinstance(kind.item, Categorical):
            flat = pc.list_flatten(column)
            parents = pc.list_parent_indices(column)
            n = len(kind.item.vocabulary.labels)
            if _within(flat, 0, n - 1):
                return
            bad_items = pc.indices_nonzero(pc.fill_null(pc.or_(pc.less(flat, 0), pc.greater_equal(flat, n)), False))
            rows = sorted(set(pc.take(parents, bad_items).to_pylist()))
            if rows:
                self._report(
                    "unknown-label",
                    rows,
                    ids,
                    where,
                    f"label index outside {kind.item.vocabulary.name}",
                    expected=f"0..{n - 1}",
                )

    # ---------------------------------------------------------------- statements

    def check_statements(self, table: pa.Table, where: tuple[str, ...], *, context: bool = True) -> None:
        """Rows of config ``statements`` (``context=False``: statements nested in an article row).

        The span checks run in a thread beside the others; their issues are reported in
        their place in the order of checks.
        """
        names = [span_field.name for span_field in self.schema.span_fields]
        spans = Background(lambda: check_context_spans(table, names=names)) if context else None
        ids = table.column("statement_id").to_pylist()
        struct = self.schema.configs["statements"] if context else self.schema.statement
        self.check_nulls_and_labels(table, struct, ids, where)
        fresh = set(ids)
        if len(fresh) == len(ids) and self.statement_ids.isdisjoint(fresh):  # the usual case, at C speed
            self.statement_ids |= fresh
            ids_to_check: list[Any] = []
        else:
            ids_to_check = ids
        for row, statement_id in enumerate(ids_to_check):
            if statement_id in self.statement_ids:
                self.issues.error(
                    "duplicate-id", (*where, self._at(row, ids)), "statement id used twice", found=statement_id
                )
            self.statement_ids.add(statement_id)
        no_content = self._rows(pc.equal(pc.list_value_length(table.column("content_spans")), 0))
        if no_content:
            self._report("missing-content", no_content, ids, where, "a statement needs at least one content span")
        no_speaker = self._rows(
            pc.and_(
                pc.equal(pc.list_value_length(table.column("speaker_spans")), 0),
                pc.invert(pc.fill_null(table.column("speaker_unknown"), False)),
            )
        )
        if no_speaker:
            self._report(
                "missing-speaker",
                no_speaker,
                ids,
                where,
                "no speaker span and not marked unknown-speaker",
                hint="every statement needs a speaker or the explicit unknown-speaker marker",
            )
        statement_ids = table.column("statement_id").combine_chunks()
        article_ids = table.column("article_id").combine_chunks()
        both_given = (numbers(pc.binary_length(statement_ids)) > 0) & (numbers(pc.binary_length(article_ids)) > 0)
        prefixed = starts_with_each(statement_ids, pc.binary_join_element_wise(article_ids, "", "-"))
        prefix_bad = np.flatnonzero(both_given & ~prefixed).tolist()
        if prefix_bad:
            self._report(
                "invalid-value",
                prefix_bad,
                ids,
                (*where, "statement_id"),
                "the statement id does not start with its article id",
            )
        if spans is not None:
            for check in spans.result():
                self._report_spans(check, ids, (*where, check.column))
            self._check_published(table.column("published"), ids, where)
            self._check_languages(table.column("language"), ids, where)
        else:  # statements nested in one article row: parent and child are always in the same batch
            self.check_nesting(table, where)

    def _report_spans(self, check: SpanCheck, ids: list[Any], where: tuple[str, ...]) -> None:
        """The issues of one checked span column: only the spans with a problem are read into Python."""
        self.spans_checked += len(check)
        texts, text_of_row, parents, flat, problems = (
            check.texts,
            check.text_of_row,
            check.rows,
            check.spans,
            check.problems,
        )
        article_texts: dict[int, str] = {}
        for index in np.flatnonzero(problems).tolist():
            row = int(parents[index])
            span = flat[index].as_py()
            start, end, span_text = span["start"], span["end"], span["text"]
            kind = problems[index]
            if kind == MISSING_OFFSET:
                details = ("missing-value", "a span lacks its offsets", "integers", f"[{start}, {end})")
            elif kind == EMPTY:
                details = ("empty-span", "the span is empty or reversed", "start < end", f"[{start}, {end})")
            elif kind == OUT_OF_RANGE:
                limit = int(texts.code_points.lengths[text_of_row[row]])
                details = (
                    "span-out-of-range",
                    "the span lies outside the article text",
                    f"0 <= start < end <= {limit}",
                    f"[{start}, {end})",
                )
            elif kind == TEXT_MISMATCH:
                which = int(text_of_row[row])
                if which not in article_texts:
                    article_texts[which] = texts.text(which) or ""
                details = (
                    "span-text-mismatch",
                    "the span's text is not the article text at its offsets",
                    repr(article_texts[which][start:end][:60]),
                    repr((span_text or "")[:60]),
                )
            else:
                details = ("standoff-leak", "a standoff row carries span text", "null", repr(span_text[:60]))
            code, message, expected, found = details
            self.issues.error(code, (*where, self._at(row, ids)), message, expected=expected, found=found)

    def _check_published(self, column: pa.ChunkedArray, ids: list[Any], where: tuple[str, ...]) -> None:
        """Each distinct date is judged once; rows are found back with vectorised lookups.

        Dates whose every part is in the range any month allows (``SURELY_VALID_DATE``) are
        judged by one regular expression over the distinct values; the rest (a 29th to 31st,
        a malformed value) go through :func:`parse_published`, the rule itself.
        """
        from beyan.issues import BeyanError
        from beyan.readers.news_text import parse_published

        values = pc.struct_field(column, "value")
        precisions = pc.struct_field(column, "precision")
        distinct = pc.drop_null(pc.unique(values))
        sure = pc.match_substring_regex(distinct, SURELY_VALID_DATE)
        keys = pc.filter(distinct, sure)
        lengths = numbers(pc.utf8_length(keys))
        known = np.select([lengths == 4, lengths == 7, lengths == 10], _PRECISION_BY_LENGTH, _TIME_PRECISION)
        pattern = re.compile(PUBLISHED_PATTERN)
        invalid: list[str] = []
        expected: dict[str, int] = {}
        for value in pc.filter(distinct, pc.invert(sure)).to_pylist():
            try:
                if not pattern.match(value):
                    raise ValueError(value)
                parsed = parse_published(value, where=())
            except (BeyanError, ValueError):
                invalid.append(value)
                continue
            expected[value] = DATE_PRECISION.names.index(parsed.precision)
        for row in self._rows(pc.is_in(values, pa.array(invalid, pa.string()))) if invalid else []:
            value = values[row].as_py()
            self.issues.error(
                "invalid-date",
                (*where, self._at(row, ids), "published"),
                "not a valid ISO 8601 date",
                found=repr(value),
            )
        keys = pa.concat_arrays([keys.cast(pa.string()), pa.array(list(expected), pa.string())])
        if not len(keys):
            return
        positions = pc.index_in(values, keys)
        wanted = pc.take(
            pa.array(np.concatenate([known, np.array(list(expected.values()), dtype=np.int64)])), positions
        )
        for row in self._rows(pc.not_equal(wanted, precisions)):
            found = precisions[row].as_py()
            self.issues.error(
                "date-precision-mismatch",
                (*where, self._at(row, ids), "published"),
                "the stated precision does not match the date",
                expected=DATE_PRECISION.labels[wanted[row].as_py()].name,
                found=DATE_PRECISION.labels[found].name
                if isinstance(found, int) and 0 <= found < len(DATE_PRECISION.labels)
                else repr(found),
            )

    def _check_languages(self, column: pa.ChunkedArray, ids: list[Any], where: tuple[str, ...]) -> None:
        encoded = pc.dictionary_encode(column).combine_chunks()
        bad_values = {
            i for i, tag in enumerate(encoded.dictionary.to_pylist()) if tag is not None and not is_language_tag(tag)
        }
        if bad_values:
            rows = [r for r, i in enumerate(encoded.indices.to_pylist()) if i in bad_values]
            self._report("invalid-language", rows, ids, (*where, "language"), "not a BCP 47 language tag")

    def check_nesting(self, table: pa.Table, where: tuple[str, ...]) -> None:
        """Parents exist, in the same article, and cover their children: only rows with a parent are read.

        ``table`` holds every statement the parents may be among (a whole file of config
        ``statements``, or the statements nested in one batch of articles), with at least
        the columns statement_id, article_id, parent_statement_id and content_spans.
        """
        parents = table.column("parent_statement_id")
        children = self._rows(pc.is_valid(parents))
        if not children:
            return
        ids_column = table.column("statement_id")
        positions = pc.index_in(pc.take(parents, pa.array(children)), ids_column).to_pylist()
        rows = sorted(set(children) | {p for p in positions if p is not None})
        picked = table.take(pa.array(rows))
        local = {row: i for i, row in enumerate(rows)}
        ids = picked.column("statement_id").to_pylist()
        articles = picked.column("article_id").to_pylist()
        contents = picked.column("content_spans").to_pylist()
        parent_ids = picked.column("parent_statement_id").to_pylist()
        for child, parent_row in zip(children, positions, strict=True):
            c = local[child]
            at = (*where, f"row {child + self.offset} ({ids[c]})", "parent_statement_id")
            if parent_row is None:
                self.issues.error(
                    "dangling-parent", at, "the parent statement is not in this file", found=parent_ids[c]
                )
                continue
            p = local[parent_row]
            if articles[p] != articles[c]:
                self.issues.error(
                    "dangling-parent", at, "the parent statement is in another article", found=articles[p]
                )
            elif p == c:
                self.issues.error("nesting-cycle", at, "a statement cannot be its own parent")
            elif not all(
                any(q["start"] <= s["start"] and s["end"] <= q["end"] for q in contents[p]) for s in contents[c]
            ):
                self.issues.error(
                    "parent-not-covering", at, "the parent's content does not cover this statement's content"
                )

    # ---------------------------------------------------------------- tokens and labels (beyan.tokens.checks)

    def check_tokens(self, table: pa.Table, where: tuple[str, ...]) -> None:
        if self.token_rows is None:  # sharing the checker's id sets: nothing to merge after each group
            self.token_rows = TokenRowChecker(
                self.issues, article_ids=self.article_ids, statement_ids=self.statement_ids
            )
        self.check_nulls_and_labels(table, self.schema.configs["tokens"], table.column("article_id").to_pylist(), where)
        self.token_rows.check(table, where, offset=self.offset)

    def check_labels(self, table: pa.Table, where: tuple[str, ...]) -> None:
        check_label_table(table.to_pylist(), self.issues, where)

    # ---------------------------------------------------------------- articles

    def check_articles(self, table: pa.Table, where: tuple[str, ...]) -> None:
        """Rows of config ``articles``; the text hashes and the nested statements' spans run in threads beside."""
        texts = table.column("text").combine_chunks()
        digests = Background(lambda: utf8_digests(texts))
        ids = table.column("article_id").to_pylist()
        self.check_nulls_and_labels(table, self.schema.configs["articles"], ids, where)
        for row, article_id in enumerate(ids):
            if article_id in self.article_ids:
                self.issues.error(
                    "duplicate-id", (*where, self._at(row, ids)), "article id used twice", found=article_id
                )
            self.article_ids.add(article_id)
        self._check_published(table.column("published"), ids, where)
        self._check_languages(table.column("language"), ids, where)
        self._check_text_lengths(texts, table.column("text_length"), ids, where)
        # Nested statements: flatten and check them like statement rows, against their article's text.
        statements = table.column("statements")
        flat = pc.list_flatten(statements)
        if len(flat) == 0:
            self._check_text_hashes(digests.result(), table.column("text_sha256"), ids, where)
            return
        parent_rows = np.asarray(pc.list_parent_indices(statements), dtype=np.int64)
        nested = pa.table({f.name: pc.struct_field(flat, f.name) for f in flat.type})
        names = [span_field.name for span_field in self.schema.span_fields]
        spans = Background(
            lambda: check_span_columns(nested, names=names, text_of_row=parent_rows, texts=Utf8Texts.of(texts))
        )
        nested_ids = nested.column("statement_id").to_pylist()
        self.check_statements(nested, (*where, "statements"), context=False)
        own_article = nested.column("article_id")
        row_article = pc.take(table.column("article_id"), pa.array(parent_rows))
        wrong_article = self._rows(  # a null on one side only differs, as None != "..." does
            pc.if_else(
                pc.and_(pc.is_valid(own_article), pc.is_valid(row_article)),
                pc.not_equal(own_article, row_article),
                pc.not_equal(pc.is_valid(own_article), pc.is_valid(row_article)),
            )
        )
        if wrong_article:
            self._report(
                "invalid-value",
                wrong_article,
                nested_ids,
                (*where, "statements", "article_id"),
                "a nested statement names another article",
            )
        self._check_text_hashes(digests.result(), table.column("text_sha256"), ids, where)
        for check in spans.result():
            self._report_spans(check, nested_ids, (*where, "statements", check.column))

    def _check_text_hashes(
        self, digests: list[str | None], hashes: pa.ChunkedArray, ids: list[Any], where: tuple[str, ...]
    ) -> None:
        """text_sha256 against the sha256 of the text's UTF-8 bytes (``utf8_digests``)."""
        stated = hashes.to_pylist()
        for row, digest in enumerate(digests):
            if digest is not None and digest != stated[row]:
                self.issues.error(
                    "text-hash-mismatch",
                    (*where, self._at(row, ids), "text_sha256"),
                    "text_sha256 is not the hash of the text",
                    expected=digest,
                    found=stated[row],
                )

    def _check_text_lengths(
        self, texts: pa.Array, lengths: pa.ChunkedArray, ids: list[Any], where: tuple[str, ...]
    ) -> None:
        actual = pc.utf8_length(texts)
        wrong = pc.and_(pc.is_valid(texts), pc.fill_null(pc.not_equal(lengths, actual), True))
        for row in self._rows(wrong):
            self.issues.error(
                "invalid-value",
                (*where, self._at(row, ids), "text_length"),
                "text_length is not the text's length",
                expected=str(actual[row].as_py()),
                found=str(lengths[row].as_py()),
            )
