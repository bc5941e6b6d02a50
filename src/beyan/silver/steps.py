"""The silver pipeline's steps as datatrove pipeline blocks, each a function of (its task, the work folder).

Stages (:func:`beyan.silver.pipeline.run_silver` runs them in order on an engine):

1. :class:`ReadArticles`, then datatrove's ``MinhashDedupSignature``: per task, its input files
   are read into ``store/<task>.parquet`` and each article's MinHash signature is written;
2. datatrove's ``MinhashDedupBuckets``: per band, the pairs of articles sharing it;
3. :class:`FirstCopyClusters`: the pairs joined into groups; every member but the group's first
   in input order is removed (an exact duplicate when its normalized text is the first's);
4. :class:`ExtractStatements`: per task, the articles kept go through the extractor and become
   silver rows, spread over the output shards by article id (``rows/<shard>/<task>.parquet``);
5. :class:`WriteShards`: per output shard, its rows from every task, sorted by article and
   statement id, written as ``data/silver/train-<i>-of-<n>.parquet``.

A task's files are written under a temporary name and moved into place when complete, and
every output is a pure function of the inputs: a task that is run again (after a worker was
killed) writes the same bytes, and the number of tasks or workers never changes the data.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.data import Document
from datatrove.pipeline.base import PipelineStep

from beyan import atomic
from beyan.schema import current
from beyan.schema.arrow import parquet_schema
from beyan.silver.reading import STORE_SCHEMA, Drop, ReadSettings, die_with_parent, read_task
from beyan.writers.manifest import file_sha256
from beyan.writers.parquet import ROWS_PER_GROUP, struct_encoder, write_options

SPLIT = "train"
CONFIG = "silver"
STORE_BATCH = 1_000  # articles per store row group: memory stays flat whatever a task's size


def store_path(work: Path, rank: int) -> Path:
    return work / "store" / f"{rank:05d}.parquet"


def shard_of(article_id: str, shards: int) -> int:
    """The output shard of an article: contiguous ranges of ids, so shards in order are ids in order."""
    return (int(article_id[:8], 16) * shards) >> 32


def _write_json(path: Path, value: Any) -> None:
    atomic.write_bytes_atomic(path, orjson.dumps(value, option=orjson.OPT_SORT_KEYS), durable=False)


def _write_lines(path: Path, items: list[dict[str, Any]]) -> None:
    atomic.write_bytes_atomic(path, b"".join(orjson.dumps(item) + b"\n" for item in items), durable=False)


class _Step(PipelineStep):  # type: ignore[misc]
    type = "beyan silver"

    def __init__(self, *, work: str, driver_pid: int) -> None:
        super().__init__()
        self.work = Path(work)
        self.driver_pid = driver_pid


class ReadArticles(_Step):
    """Stage 1: a task's files -> its article store, its drops and counts; yields the articles for MinHash."""

    name = "read articles"

    def __init__(self, *, work: str, driver_pid: int, files: list[list[str]], settings: ReadSettings) -> None:
        super().__init__(work=work, driver_pid=driver_pid)
        self.files = files
        self.settings = settings

    def run(self, data: Any = None, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
        from beyan.ingest.rights import load_sources

        die_with_parent(driver_pid=self.driver_pid)
        sources = load_sources(self.settings.sources) if self.settings.sources else None
        target = store_path(self.work, rank)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = atomic.temporary_sibling(target)
        drops: list[dict[str, Any]] = []
        codes: Counter[str] = Counter()
        digests: dict[str, str] = {}
        buffer: list[dict[str, Any]] = []
        stored = 0
        with pq.ParquetWriter(partial, STORE_SCHEMA, compression="zstd") as writer:
            for item in read_task(paths=self.files[rank], settings=self.settings, sources=sources, digests=digests):
                if isinstance(item, Drop):
                    drops.append(item.to_json())
                    codes[item.code] += 1
                    continue
                buffer.append(item)
                if len(buffer) >= STORE_BATCH:
                    writer.write_table(pa.Table.from_pylist(buffer, schema=STORE_SCHEMA))
                    buffer = []
                self.stat_update("articles")
                yield Document(text=item["text"], id=f"{rank}:{stored}")
                stored += 1
            if buffer:
                writer.write_table(pa.Table.from_pylist(buffer, schema=STORE_SCHEMA))
        os.replace(partial, target)
        _write_lines(self.work / "drops" / f"read-{rank:05d}.jsonl", drops)
        _write_json(
            self.work / "counts" / f"read-{rank:05d}.json", {"stored": stored, "drops": codes, "inputs": digests}
        )


class FirstCopyClusters(_Step):
    """Stage 3: MinHash pairs -> groups; each member after the group's first (in input order) is removed.

    datatrove's own cluster stage keeps whichever member its union-by-size makes the root; this
    one keeps the first copy read, as ``beyan ingest`` does, so the article kept does not depend
    on how the inputs were split into tasks. A removed article is an exact duplicate when its
    normalized text (``text_key``) is the kept one's, else a near-duplicate.
    """

    name = "first-copy clusters"

    def __init__(self, *, work: str, driver_pid: int, dups: str) -> None:
        super().__init__(work=work, driver_pid=driver_pid)
        self.dups = Path(dups)

    def run(self, data: Any = None, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
        parent: dict[tuple[int, int], tuple[int, int]] = {}

        def find(node: tuple[int, int]) -> tuple[int, int]:
            root = node
            while parent.get(root, root) != root:
                root = parent[root]
            while parent.get(node, node) != root:  # path compression
                parent[node], node = root, parent[node]
            return root

        for path in sorted(self.dups.glob("*.dups")):
            pairs = np.fromfile(path, dtype="<u4").reshape(-1, 4)
            for f1, d1, f2, d2 in pairs.tolist():
                parent.setdefault((f1, d1), (f1, d1))
                parent.setdefault((f2, d2), (f2, d2))
                a, b = find((f1, d1)), find((f2, d2))
                if a != b:
                    first, later = min(a, b), max(a, b)
                    parent[later] = first
        ranks = sorted({node[0] for node in parent})
        columns = {
            r: pq.read_table(store_path(self.work, r), columns=["article_id", "text_key"]).to_pydict() for r in ranks
        }
        removals: dict[int, list[list[Any]]] = {}
        for node in sorted(parent):
            root = find(node)
            if root == node:
                continue
            (node_rank, node_doc), (root_rank, root_doc) = node, root
            exact = columns[node_rank]["text_key"][node_doc] == columns[root_rank]["text_key"][root_doc]
            code = "exact-duplicate" if exact else "near-duplicate"
            removals.setdefault(node_rank, []).append([node_doc, code, columns[root_rank]["article_id"][root_doc]])
            self.stat_update(code)
        folder = self.work / "removals"
        folder.mkdir(parents=True, exist_ok=True)
        for node_rank, items in removals.items():
            _write_json(folder / f"{node_rank:05d}.json", items)
        _write_json(folder / "done.json", sorted(removals))
        return iter(())


class ExtractStatements(_Step):
    """Stage 4: a task's kept articles -> silver rows in the output shards' folders, with drops and counts."""

    name = "extract statements"

    def __init__(self, *, work: str, driver_pid: int, extractor: str, run_id: str, shards: int) -> None:
        super().__init__(work=work, driver_pid=driver_pid)
        self.extractor = extractor
        self.run_id = run_id
        self.shards = shards

    def run(self, data: Any = None, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
        from beyan.silver.extractors import load_extractor
        from beyan.silver.rows import silver_rows

        die_with_parent(driver_pid=self.driver_pid)
        extractor = load_extractor(self.extractor)
        provenance = {**extractor.provenance(), "run_id": self.run_id}
        removal_file = self.work / "removals" / f"{rank:05d}.json"
        removals = (
            {doc: (code, kept) for doc, code, kept in orjson.loads(removal_file.read_bytes())}
            if (removal_file.is_file())
            else {}
        )
        schema = parquet_schema(current().configs[CONFIG])
        encode = struct_encoder(current().configs[CONFIG])
        writers: dict[int, tuple[pq.ParquetWriter, Path, Path]] = {}
        buffers: dict[int, list[dict[str, Any]]] = {}
        drops: list[dict[str, Any]] = []
        counts: Counter[str] = Counter()

        def flush(shard: int) -> None:
            if shard not in writers:
                final = self.work / "rows" / f"{shard:05d}" / f"{rank:05d}.parquet"
                final.parent.mkdir(parents=True, exist_ok=True)
                partial = atomic.temporary_sibling(final)
                writers[shard] = (pq.ParquetWriter(partial, schema, compression="zstd"), partial, final)
            writers[shard][0].write_table(pa.Table.from_pylist(buffers.pop(shard), schema=schema))

        doc = 0
        handle = pq.ParquetFile(store_path(self.work, rank))
        for batch in handle.iter_batches(batch_size=STORE_BATCH):
            for article in batch.to_pylist():
                removal = removals.get(doc)
                doc += 1
                if removal is not None:
                    code, kept = removal
                    reason = "the same text as" if code == "exact-duplicate" else "a near-duplicate (MinHash) of"
                    drops.append(
                        Drop(
                            "dedup", article["location"], code, f"{reason} article {kept}", article["article_id"], kept
                        ).to_json()
                    )
                    counts[f"drop:{code}"] += 1
                    continue
                if not extractor.takes(article["language"]):
                    drops.append(
                        Drop(
                            "extract",
                            article["location"],
                            "unsupported-language",
                            f"the extractor {extractor.name} has no rules for language {article['language']!r}",
                            article["article_id"],
                        ).to_json()
                    )
                    counts["drop:unsupported-language"] += 1
                    continue
                try:
                    predicted = extractor.predict(
                        text=article["text"], article_id=article["article_id"], language=article["language"]
                    )
                except Exception as error:  # a predictor's bug on one article must not end the run
                    drops.append(
                        Drop(
                            "extract",
                            article["location"],
                            "extractor-failed",
                            f"{type(error).__name__}: {str(error)[:300]}",
                            article["article_id"],
                        ).to_json()
                    )
                    counts["drop:extractor-failed"] += 1
                    continue
                if not isinstance(predicted, list):
                    predicted = [predicted]
                rows, rejects = silver_rows(
                    article=article,
                    predicted=predicted,
                    provenance=provenance,
                    include_text=not article["standoff"],
                )
                counts["articles"] += 1
                counts["statements:predicted"] += len(predicted)
                counts["statements:written"] += len(rows)
                for reject in rejects:
                    counts[f"statement-reject:{reject.code}"] += 1
                    drops.append(
                        {
                            "stage": "statement",
                            "location": reject.location,
                            "code": reject.code,
                            "reason": reject.reason,
                            "article_id": reject.article_id,
                            "duplicate_of": None,
                        }
                    )
                if rows:
                    counts[f"language:{article['language']}"] += 1
                    shard = shard_of(article["article_id"], self.shards)
                    buffers.setdefault(shard, []).extend(encode(row) for row in rows)
                    if len(buffers[shard]) >= ROWS_PER_GROUP:
                        flush(shard)
        for shard in sorted(buffers):
            flush(shard)
        for writer, partial, final in writers.values():
            writer.close()
            os.replace(partial, final)
        _write_lines(self.work / "drops" / f"extract-{rank:05d}.jsonl", drops)
        _write_json(self.work / "counts" / f"extract-{rank:05d}.json", counts)
        return iter(())


class WriteShards(_Step):
    """Stage 5: one output shard from every task's rows for it, sorted by article id then statement id."""

    name = "write shards"

    def __init__(self, *, work: str, driver_pid: int, out: str, shards: int) -> None:
        super().__init__(work=work, driver_pid=driver_pid)
        self.out = Path(out)
        self.shards = shards

    def run(self, data: Any = None, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
        die_with_parent(driver_pid=self.driver_pid)
        struct = current().configs[CONFIG]
        schema = parquet_schema(struct)
        parts = sorted((self.work / "rows" / f"{rank:05d}").glob("*.parquet"))
        tables = [pq.read_table(path, schema=schema) for path in parts]
        table = pa.concat_tables(tables) if tables else schema.empty_table()
        table = table.sort_by([("article_id", "ascending"), ("statement_id", "ascending")])
        relative = f"data/{CONFIG}/{SPLIT}-{rank:05d}-of-{self.shards:05d}.parquet"
        target = self.out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = atomic.temporary_sibling(target)
        with pq.ParquetWriter(partial, schema, **write_options()) as writer:
            writer.write_table(table.replace_schema_metadata(schema.metadata), row_group_size=ROWS_PER_GROUP)
        os.replace(partial, target)
        languages = Counter(table.column("language").to_pylist())
        _write_json(
            self.work / "shards" / f"{rank:05d}.json",
            {
                "path": relative,
                "rows": table.num_rows,
                "bytes": target.stat().st_size,
                "sha256": file_sha256(target),
                "articles": len(set(table.column("article_id").to_pylist())),
                "languages": languages,
            },
        )
        return iter(())
