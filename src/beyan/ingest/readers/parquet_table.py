"""Parquet: one article per row, fields found through the mapping, read one row group at a time.

A row has no bytes of its own in the file, so its raw bytes are the row as JSON (columns in
the file's order, dates as ISO 8601): deterministic, and enough to see what was read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import orjson
import pyarrow.parquet as pq

from beyan.ingest.mapping import MappingError
from beyan.ingest.readers.base import Reader, ReaderOutput, ReadOptions, article_from_record, structured_extractor
from beyan.ingest.sources import InputFile, excerpt

_BATCH_ROWS = 1024


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal | dt.timedelta):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    raise TypeError(type(value).__name__)


def read_parquet(source: InputFile, *, options: ReadOptions) -> Iterator[ReaderOutput]:
    """One article per row; the file is read by path (Parquet needs to seek), batch by batch."""
    extractor = structured_extractor("parquet", options)
    number = 0
    table = pq.ParquetFile(source.raw)
    for batch in table.iter_batches(batch_size=_BATCH_ROWS):
        for row in batch.to_pylist():
            number += 1
            where = f"row {number}"
            raw = orjson.dumps(row, default=_json_default, option=orjson.OPT_NON_STR_KEYS)
            try:
                mapped = options.mapping.apply(row)
            except MappingError as error:
                yield source.reject(where, error.code, error.reason, excerpt(raw))
                continue
            yield article_from_record(
                source,
                mapped,
                raw=raw,
                where=where,
                source_name=f"{source.source.inner_name}#row{number}",
                fmt="parquet",
                extractor=extractor,
            )


READER = Reader(
    read=lambda source, options: read_parquet(source, options=options),
    extensions=(".parquet", ".pq"),
    sniff=lambda head: head.startswith(b"PAR1"),
    needs_path=True,
)
