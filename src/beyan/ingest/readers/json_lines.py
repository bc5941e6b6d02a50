"""JSON Lines: one JSON object per line, fields found through the mapping (scraper output)."""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from beyan.ingest.mapping import MappingError
from beyan.ingest.readers.base import (
    IgnoredRecord,
    Reader,
    ReaderOutput,
    ReadOptions,
    article_from_record,
    structured_extractor,
)
from beyan.ingest.sources import BOM, InputFile, binary_lines, excerpt


def read_jsonl(source: InputFile, *, options: ReadOptions) -> Iterator[ReaderOutput]:
    """One article per line; a blank line is ignored, a line that is not a JSON object is rejected."""
    extractor = structured_extractor("jsonl", options)
    for number, line in binary_lines(source.decompressed()):
        if not line.strip():
            yield IgnoredRecord("blank line")
            continue
        where = f"line {number}"
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            yield source.reject(
                where, "invalid-utf8", f"the line is not valid UTF-8 (byte {error.start})", excerpt(line)
            )
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield source.reject(where, "invalid-json", f"the line is not valid JSON: {error}", excerpt(line))
            continue
        if not isinstance(value, dict):
            yield source.reject(
                where, "not-an-object", f"the line holds a JSON {type(value).__name__}, not an object", excerpt(line)
            )
            continue
        try:
            mapped = options.mapping.apply(value)
        except MappingError as error:
            yield source.reject(where, error.code, error.reason, excerpt(line))
            continue
        yield article_from_record(
            source,
            mapped,
            raw=line,
            where=where,
            source_name=f"{source.source.inner_name}#L{number}",
            fmt="jsonl",
            extractor=extractor,
        )


def _sniff(head: bytes) -> bool:
    first = head.removeprefix(BOM).lstrip().split(b"\n", 1)[0]
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


READER = Reader(
    read=lambda source, options: read_jsonl(source, options=options),
    extensions=(".jsonl", ".ndjson", ".jsonlines"),
    sniff=_sniff,
)
