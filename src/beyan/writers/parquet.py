"""Write config rows to sharded, deterministic Parquet files in the Hub layout.

Files are ``data/<config>/<split>-<i>-of-<n>.parquet``. Rows are written in the order
given (beyan gives them sorted by id), in fixed-size row groups with fixed writer
options, so the same rows always give the same bytes. The ``datasets.Features`` travel
in the schema metadata, so ``load_dataset`` restores ``ClassLabel`` names.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from beyan.schema.arrow import parquet_schema
from beyan.schema.types import Categorical, FieldType, ListOf, Scalar, Struct

ROWS_PER_GROUP = 500  # small groups keep the build's memory flat (~2 MB of rows each)
ROWS_PER_SHARD = 250_000

Encoder = Callable[[Any], Any]


def _encoder(kind: FieldType) -> Encoder:
    """A function turning a JSON-form value of ``kind`` into its Arrow-ready form."""
    if isinstance(kind, Scalar):
        return lambda value: value
    if isinstance(kind, Categorical):
        index = {name: i for i, name in enumerate(kind.vocabulary.names)}
        return lambda value: None if value is None else index[value]
    if isinstance(kind, ListOf):
        if isinstance(kind.item, Scalar):
            return lambda value: value
        if isinstance(kind.item, Categorical):  # labels of a list, looked up without a call per label
            index = {name: i for i, name in enumerate(kind.item.vocabulary.names)}
            return lambda value: None if value is None else [index[v] for v in value]
        if isinstance(kind.item, ListOf) and isinstance(kind.item.item, Categorical):  # tag layers
            index = {name: i for i, name in enumerate(kind.item.item.vocabulary.names)}
            return lambda value: None if value is None else [[index[v] for v in layer] for layer in value]
        item = _encoder(kind.item)
        return lambda value: None if value is None else [item(v) for v in value]
    return struct_encoder(kind)


def struct_encoder(struct: Struct) -> Encoder:
    plain = [f.name for f in struct.fields if isinstance(f.type, Scalar)]
    encoded = [(f.name, _encoder(f.type)) for f in struct.fields if not isinstance(f.type, Scalar)]

    def encode(value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        out = {name: value[name] for name in plain}
        for name, encode_field in encoded:
            out[name] = encode_field(value[name])
        return out

    return encode


def write_options() -> dict[str, Any]:
    """Writer options pinned for byte-identical output."""
    return {
        "compression": "zstd",
        "compression_level": 9,
        "use_dictionary": True,
        "write_statistics": True,
        "version": "2.6",
        "data_page_version": "1.0",
        "write_page_index": False,
        "store_schema": True,
    }


class ShardedWriter:
    """Writes one config's split as shards; ``close`` names them ``-of-N`` and returns them."""

    def __init__(
        self,
        folder: Path,
        split: str,
        struct: Struct,
        *,
        rows_per_group: int = ROWS_PER_GROUP,
        rows_per_shard: int = ROWS_PER_SHARD,
    ) -> None:
        self.folder = folder
        self.split = split
        self.schema = parquet_schema(struct)
        self.encode = struct_encoder(struct)
        self.rows_per_group = rows_per_group
        self.rows_per_shard = rows_per_shard
        self.buffer: list[dict[str, Any]] = []
        self.shards: list[Path] = []
        self.shard_rows: list[int] = []
        self.writer: pq.ParquetWriter | None = None
        self.rows_in_shard = 0
        self.rows = 0
        folder.mkdir(parents=True, exist_ok=True)

    def _open_shard(self) -> pq.ParquetWriter:
        path = self.folder / f"{self.split}-{len(self.shards):05d}.partial"
        self.shards.append(path)
        self.shard_rows.append(0)
        self.rows_in_shard = 0
        return pq.ParquetWriter(path, self.schema, **write_options())

    def write(self, row: dict[str, Any]) -> None:
        encoded = self.encode(row)
        assert encoded is not None
        self.buffer.append(encoded)
        if len(self.buffer) >= self.rows_per_group:
            self._flush()

    def _flush(self) -> None:
        while self.buffer:
            if self.writer is None or self.rows_in_shard >= self.rows_per_shard:
                if self.writer is not None:
                    self.writer.close()
                self.writer = self._open_shard()
            room = self.rows_per_shard - self.rows_in_shard
            batch, self.buffer = self.buffer[:room], self.buffer[room:]
            table = pa.Table.from_pylist(batch, schema=self.schema)
            self.writer.write_table(table, row_group_size=self.rows_per_group)
            self.rows_in_shard += len(batch)
            self.shard_rows[-1] += len(batch)
            self.rows += len(batch)

    def close(self) -> list[tuple[Path, int]]:
        self._flush()
        if self.writer is None:
            # No file for an empty split: `load_dataset` refuses a listed split without rows
            # ("Instruction 'test' corresponds to no data"), so the card lists only non-empty ones.
            return []
        self.writer.close()
        total = len(self.shards)
        named: list[tuple[Path, int]] = []
        for i, (path, rows) in enumerate(zip(self.shards, self.shard_rows, strict=True)):
            final = self.folder / f"{self.split}-{i:05d}-of-{total:05d}.parquet"
            os.replace(path, final)
            named.append((final, rows))
        return named
