"""Checks on Arrow tables of the two configs: schema, vocabularies and the meaning of rows.

Column-wide checks use ``pyarrow.compute`` (nulls, label ranges, patterns, offsets in
range); span text is compared per article, so an article's text is materialised once,
not once per statement.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from beyan.corpus import is_language_tag
from beyan.issues import Issues
from beyan.readers.news_text import sha256_hex
from beyan.schema.arrow import HF_METADATA_KEY, arrow_schema, features_dict
from beyan.schema.types import Categorical, Field, ListOf, Scalar, Struct
from beyan.schema.v1 import ARTICLE_ROW, CONFIGS, DATE_PRECISION, PUBLISHED_PATTERN, STATEMENT, STATEMENT_ROW

SPAN_FIELDS = ("content_spans", "speaker_spans", "cue_spans", "addressee_spans")


def detect_config(schema: pa.Schema) -> str | None:
    names = set(schema.names)
    for config, struct in CONFIGS.items():
        if names == set(struct.field_names):
            return config
    return None


def check_schema(schema: pa.Schema, config: str, issues: Issues, where: tuple[str, ...]) -> bool:
    """The file's Arrow schema and its ``datasets`` features must equal the declaration's."""
    struct = CONFIGS[config]
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


@dataclass(slots=True)
class RowChecker:
    """Meaning checks over the rows of one config; ids are tracked across files of a dataset."""

    issues: Issues
    statement_ids: set[str] = field(default_factory=set)
    article_ids: set[str] = field(default_factory=set)
    spans_checked: int = 0

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
            self.issues.error(code, (*where, f"row {row} ({ids[row]})"), message, **details)

    # ---------------------------------------------------------------- generic

    def check_nulls_and_labels(self, table: pa.Table, struct: Struct, ids: list[Any], where: tuple[str, ...]) -> None:
        for field_ in struct.fields:
            column = table.column(field_.name)
            if not field_.nullable:
                nulls = self._rows(pc.is_null(column))
                if nulls:
                    self._report("missing-value", nulls, ids, (*where, field_.name), "a required value is null")
            self._check_values(column, field_, ids, (*where, field_.name))

    def _check_values(self, column: pa.ChunkedArray, field_: Field, ids: list[Any], where: tuple[str, ...]) -> None:
        kind = field_.type
        if isinstance(kind, Categorical):
            n = len(kind.vocabulary.labels)
            bad = self._rows(pc.or_(pc.less(column, 0), pc.greater_equal(column, n)))
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
            bad = self._rows(pc.invert(pc.match_substring_regex(column, field_.pattern)))
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
            bad = self._rows(pc.less(column, field_.minimum))
            if bad:
                self._report("invalid-value", bad, ids, where, f"the value is below {field_.minimum}")
        elif isinstance(kind, Struct):
            for sub in kind.fields:
                child = pc.struct_field(column, sub.name)
                if not sub.nullable:
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
        """Rows of config ``statements`` (``context=False``: statements nested in an article row)."""
        ids = table.column("statement_id").to_pylist()
        struct = STATEMENT_ROW if context else STATEMENT
        self.check_nulls_and_labels(table, struct, ids, where)
        for row, statement_id in enumerate(ids):
            if statement_id in self.statement_ids:
                self.issues.error("duplicate-id", (*where, f"row {row}"), "statement id used twice", found=statement_id)
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
        article_ids = table.column("article_id").to_pylist()
        prefix_bad = [
            i
            for i, (sid, aid) in enumerate(zip(ids, article_ids, strict=True))
            if sid and aid and not sid.startswith(aid + "-")
        ]
        if prefix_bad:
            self._report(
                "invalid-value",
                prefix_bad,
                ids,
                (*where, "statement_id"),
                "the statement id does not start with its article id",
            )
        if context:
            self._check_context_spans(table, ids, where)
            self._check_published(table.column("published"), ids, where)
            self._check_languages(table.column("language"), ids, where)
        self._check_nesting(table, ids, where)

    def _check_context_spans(self, table: pa.Table, ids: list[Any], where: tuple[str, ...]) -> None:
        """Spans against ``article_text``, one article text at a time."""
        texts = pc.dictionary_encode(table.column("article_text")).combine_chunks()
        dictionary = texts.dictionary.to_pylist()
        indices = texts.indices.to_pylist()
        for name in SPAN_FIELDS:
            self._check_span_column(table.column(name), indices, dictionary, ids, (*where, name))

    def _check_span_column(
        self,
        column: pa.ChunkedArray,
        text_index: list[int | None],
        texts: list[str | None],
        ids: list[Any],
        where: tuple[str, ...],
    ) -> None:
        flat = pc.list_flatten(column)
        if len(flat) == 0:
            return
        parents = pc.list_parent_indices(column).to_pylist()
        starts = pc.struct_field(flat, "start").to_pylist()
        ends = pc.struct_field(flat, "end").to_pylist()
        span_texts = pc.struct_field(flat, "text").to_pylist()
        lengths = [None if t is None else len(t) for t in texts]
        for start, end, span_text, row in zip(starts, ends, span_texts, parents, strict=True):
            self.spans_checked += 1
            index = text_index[row]
            text = None if index is None else texts[index]
            limit = None if index is None else lengths[index]
            problem: tuple[str, str, str, str] | None = None
            if start is None or end is None:
                problem = ("missing-value", "a span lacks its offsets", "integers", f"[{start}, {end})")
            elif end <= start:
                problem = ("empty-span", "the span is empty or reversed", "start < end", f"[{start}, {end})")
            elif limit is not None and (start < 0 or end > limit):
                problem = (
                    "span-out-of-range",
                    "the span lies outside the article text",
                    f"0 <= start < end <= {limit}",
                    f"[{start}, {end})",
                )
            elif text is not None and span_text != text[start:end]:
                problem = (
                    "span-text-mismatch",
                    "the span's text is not the article text at its offsets",
                    repr(text[start:end][:60]),
                    repr((span_text or "")[:60]),
                )
            elif text is None and span_text is not None:
                problem = ("standoff-leak", "a standoff row carries span text", "null", repr(span_text[:60]))
            if problem is not None:
                code, message, expected, found = problem
                self.issues.error(code, (*where, f"row {row} ({ids[row]})"), message, expected=expected, found=found)

    def _check_published(self, column: pa.ChunkedArray, ids: list[Any], where: tuple[str, ...]) -> None:
        from beyan.issues import BeyanError
        from beyan.readers.news_text import parse_published

        values = pc.struct_field(column, "value").to_pylist()
        precisions = pc.struct_field(column, "precision").to_pylist()
        pattern = re.compile(PUBLISHED_PATTERN)
        for row, (value, precision) in enumerate(zip(values, precisions, strict=True)):
            if value is None:
                continue
            at = (*where, f"row {row} ({ids[row]})", "published")
            if not pattern.match(value):
                self.issues.error("invalid-date", at, "not an ISO 8601 date", found=repr(value))
                continue
            try:
                parsed = parse_published(value, where=at)
            except BeyanError:
                self.issues.error("invalid-date", at, "not a valid date", found=repr(value))
                continue
            if (
                precision is not None
                and 0 <= precision < len(DATE_PRECISION.labels)
                and DATE_PRECISION.labels[precision].name != parsed.precision
            ):
                self.issues.error(
                    "date-precision-mismatch",
                    at,
                    "the stated precision does not match the date",
                    expected=parsed.precision,
                    found=DATE_PRECISION.labels[precision].name,
                )

    def _check_languages(self, column: pa.ChunkedArray, ids: list[Any], where: tuple[str, ...]) -> None:
        encoded = pc.dictionary_encode(column).combine_chunks()
        bad_values = {
            i for i, tag in enumerate(encoded.dictionary.to_pylist()) if tag is not None and not is_language_tag(tag)
        }
        if bad_values:
            rows = [r for r, i in enumerate(encoded.indices.to_pylist()) if i in bad_values]
            self._report("invalid-language", rows, ids, (*where, "language"), "not a BCP 47 language tag")

    def _check_nesting(self, table: pa.Table, ids: list[Any], where: tuple[str, ...]) -> None:
        parents = table.column("parent_statement_id").to_pylist()
        if not any(parents):
            return
        articles = table.column("article_id").to_pylist()
        contents = table.column("content_spans").to_pylist()
        by_id = {sid: (aid, content) for sid, aid, content in zip(ids, articles, contents, strict=True)}
        for row, parent in enumerate(parents):
            if parent is None:
                continue
            at = (*where, f"row {row} ({ids[row]})", "parent_statement_id")
            if parent not in by_id:
                self.issues.error("dangling-parent", at, "the parent statement is not in this file", found=parent)
                continue
            parent_article, parent_content = by_id[parent]
            if parent_article != articles[row]:
                self.issues.error(
                    "dangling-parent", at, "the parent statement is in another article", found=parent_article
                )
            elif parent == ids[row]:
                self.issues.error("nesting-cycle", at, "a statement cannot be its own parent")
            elif not all(
                any(p["start"] <= c["start"] and c["end"] <= p["end"] for p in parent_content) for c in contents[row]
            ):
                self.issues.error(
                    "parent-not-covering", at, "the parent's content does not cover this statement's content"
                )

    # ---------------------------------------------------------------- articles

    def check_articles(self, table: pa.Table, where: tuple[str, ...]) -> None:
        ids = table.column("article_id").to_pylist()
        self.check_nulls_and_labels(table, ARTICLE_ROW, ids, where)
        for row, article_id in enumerate(ids):
            if article_id in self.article_ids:
                self.issues.error("duplicate-id", (*where, f"row {row}"), "article id used twice", found=article_id)
            self.article_ids.add(article_id)
        self._check_published(table.column("published"), ids, where)
        self._check_languages(table.column("language"), ids, where)
        texts = table.column("text").to_pylist()
        hashes = table.column("text_sha256").to_pylist()
        lengths = table.column("text_length").to_pylist()
        statements = table.column("statements")
        for row, (text, sha, length) in enumerate(zip(texts, hashes, lengths, strict=True)):
            at = (*where, f"row {row} ({ids[row]})")
            if text is None:
                continue
            if sha != sha256_hex(text.encode("utf-8")):
                self.issues.error(
                    "text-hash-mismatch",
                    (*at, "text_sha256"),
                    "text_sha256 is not the hash of the text",
                    expected=sha256_hex(text.encode("utf-8")),
                    found=sha,
                )
            if length != len(text):
                self.issues.error(
                    "invalid-value",
                    (*at, "text_length"),
                    "text_length is not the text's length",
                    expected=str(len(text)),
                    found=str(length),
                )
        # Nested statements: flatten and check them like statement rows, against their article's text.
        flat = pc.list_flatten(statements)
        if len(flat) == 0:
            return
        parent_rows = pc.list_parent_indices(statements).to_pylist()
        nested = pa.table({f.name: pc.struct_field(flat, f.name) for f in flat.type})
        nested_ids = nested.column("statement_id").to_pylist()
        self.check_statements(nested, (*where, "statements"), context=False)
        wrong_article = [
            i
            for i, (aid, parent) in enumerate(zip(nested.column("article_id").to_pylist(), parent_rows, strict=True))
            if aid != ids[parent]
        ]
        if wrong_article:
            self._report(
                "invalid-value",
                wrong_article,
                nested_ids,
                (*where, "statements", "article_id"),
                "a nested statement names another article",
            )
        text_index = list(parent_rows)
        for name in SPAN_FIELDS:
            self._check_span_column(nested.column(name), text_index, texts, nested_ids, (*where, "statements", name))
