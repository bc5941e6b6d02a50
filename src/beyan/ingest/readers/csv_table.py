"""CSV and TSV with a header row: one article per row, fields found through the mapping.

The raw bytes of an article are its row exactly as in the file (a quoted field may span
lines), without the final line break. Lines are decoded as UTF-8; a row with bytes that
are not is rejected, the rows around it are read.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator

from beyan.ingest.mapping import MappingError
from beyan.ingest.readers.base import (
    IgnoredRecord,
    Reader,
    ReaderOutput,
    ReadOptions,
    article_from_record,
    structured_extractor,
)
from beyan.ingest.sources import BOM, InputFile, excerpt

csv.field_size_limit(min(sys.maxsize, 1 << 30))  # an article's text can exceed the 128 KiB default
_DELIMITERS = (",", ";", "\t", "|")


class _LineFeed:
    """The file's lines as text for :mod:`csv`, remembering the lines each row consumed."""

    def __init__(self, source: InputFile) -> None:
        self._lines = iter(source.decompressed())
        self.consumed: list[str] = []
        self.line_number = 0

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        raw = next(self._lines)
        if self.line_number == 0:
            raw = raw.removeprefix(BOM)
        self.line_number += 1
        line = raw.decode("utf-8", "surrogateescape")  # bad bytes survive, to be rejected with their row
        self.consumed.append(line)
        return line

    def take(self) -> str:
        taken = "".join(self.consumed)
        self.consumed = []
        return taken


def _delimiter(header: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    counts = {delimiter: header.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _undecodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_csv(source: InputFile, *, options: ReadOptions) -> Iterator[ReaderOutput]:
    """One article per row after the header; rows with the wrong number of fields are rejected."""
    feed = _LineFeed(source)
    extractor = structured_extractor("csv", options)
    try:
        first = next(feed)
    except StopIteration:
        return
    delimiter = _delimiter(first, source.source.suffix)
    header = next(csv.reader([first], delimiter=delimiter), [])
    feed.take()
    if _undecodable(first) or not any(name.strip() for name in header):
        yield source.reject("line 1", "bad-header", "the first line must name the columns (UTF-8)", excerpt(first))
        return
    names = [name.strip() for name in header]
    rows = csv.reader(feed, delimiter=delimiter)
    while True:
        start = feed.line_number + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            text = feed.take()
            yield source.reject(f"line {start}", "invalid-csv", f"the row is not valid CSV: {error}", excerpt(text))
            continue
        text = feed.take()
        where = f"line {start}"
        if not row or not any(field.strip() for field in row):
            yield IgnoredRecord("blank line")
            continue
        raw = text.rstrip("\r\n").encode("utf-8", "surrogateescape")
        if _undecodable(text):
            yield source.reject(where, "invalid-utf8", "the row is not valid UTF-8", excerpt(raw))
            continue
        if len(row) != len(names):
            yield source.reject(
                where,
                "wrong-field-count",
                f"the row has {len(row)} fields, the header names {len(names)}",
                excerpt(raw),
            )
            continue
        try:
            mapped = options.mapping.apply(dict(zip(names, row, strict=True)))
        except MappingError as error:
            yield source.reject(where, error.code, error.reason, excerpt(raw))
            continue
        yield article_from_record(
            source,
            mapped,
            raw=raw,
            where=where,
            source_name=f"{source.source.inner_name}#L{start}",
            fmt="csv",
            extractor=extractor,
        )


READER = Reader(read=lambda source, options: read_csv(source, options=options), extensions=(".csv", ".tsv"))
