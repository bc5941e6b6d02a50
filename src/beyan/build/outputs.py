"""Build step two: the cached rows of every shard -> the dataset's Parquet files, cached too.

Files are ``data/<config>/<split>-<i>-of-<n>.parquet``. A file holds the articles whose id
starts with one prefix (``n`` is 1, 16 or 256 as the corpus grows), in id order, so adding an
article changes one file per config, never renames the others, and a file's bytes depend only
on its own rows. Each file is cached by the keys of the shards it reads and the split of its
articles: an incremental build copies every unchanged file, byte for byte what a full build
writes. Rows go in fixed-size row groups with pinned writer options; the ``datasets.Features``
travel in the schema metadata, so ``load_dataset`` restores ``ClassLabel`` names.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from beyan import atomic
from beyan.build.shards import ShardBuild
from beyan.configs import CONFIGS, config_names
from beyan.schema import current
from beyan.schema.arrow import parquet_schema
from beyan.writers.manifest import file_sha256
from beyan.writers.parquet import ROWS_PER_GROUP, struct_encoder, write_options

# Articles at which the files of a config and split are split by a longer id prefix.
PREFIX_THRESHOLDS = ((5_000, 0), (500_000, 1))
MAX_PREFIX = 2


def prefix_digits(articles: int) -> int:
    """How many hex digits of the article id name a file: 0 (one file) for a small corpus."""
    return next((digits for bound, digits in PREFIX_THRESHOLDS if articles < bound), MAX_PREFIX)


@dataclass(frozen=True, slots=True)
class OutputJob:
    """One data file to make: which shards it reads and which of their articles are in its split."""

    config: str
    split: str
    index: int
    total: int
    tables: tuple[str, ...]  # cached Arrow files of the shards it reads, in id order
    article_ids: tuple[str, ...]  # the articles of those shards in this split
    key: str
    dataset: bool = False  # a config of the whole dataset (its rows come from the registry, not from shards)

    @property
    def relative(self) -> str:
        return f"data/{self.config}/{self.split}-{self.index:05d}-of-{self.total:05d}.parquet"


def plan_outputs(builds: list[ShardBuild], splits: dict[str, str], *, articles: int) -> list[OutputJob]:
    """The data files of a build, each with its cache key."""
    digits = prefix_digits(articles)
    total = 16**digits
    by_prefix: dict[str, list[ShardBuild]] = {}
    for built in builds:
        by_prefix.setdefault(built.name[:digits], []).append(built)
    jobs: list[OutputJob] = []
    for config in config_names():
        struct = repr(current().configs[config])
        spec = CONFIGS[config]
        if spec.dataset_rows is not None:
            if builds:  # a dataset without articles has no file of any config
                rows = orjson.dumps(spec.dataset_rows())
                key = hashlib.sha256(f"{config}|{struct}".encode() + rows).hexdigest()[:24]
                jobs.append(OutputJob(config, current().splits[0], 0, 1, (), (), key, dataset=True))
            continue
        for split in current().splits:
            for prefix, group in sorted(by_prefix.items()):
                ids = tuple(a for b in group for a in b.built if splits[a] == split)
                if not ids:
                    continue
                digest = hashlib.sha256(f"{config}|{split}|{digits}|{struct}".encode())
                for built in group:
                    digest.update(built.key.encode())
                digest.update(orjson.dumps(ids))
                jobs.append(
                    OutputJob(
                        config,
                        split,
                        int(prefix, 16) if prefix else 0,
                        total,
                        tuple(b.tables[config] for b in group),
                        ids,
                        digest.hexdigest()[:24],
                    )
                )
    return jobs


def cached_output(job: OutputJob, staging: str, cache: str) -> tuple[str, int, int, str] | None:
    """The data file copied from the cache into ``staging`` if the cache has it; (path, rows, bytes, sha256)."""
    cached = Path(cache) / "out" / f"{job.config}-{job.split}-{job.key}.parquet"
    meta = cached.with_suffix(".json")
    if not (cached.is_file() and meta.is_file()):
        return None
    rows, size, sha256 = orjson.loads(meta.read_bytes())
    if cached.stat().st_size != size:
        return None
    target = Path(staging) / job.relative
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(cached, target)
    return job.relative, rows, size, sha256


def write_output(job: OutputJob, staging: str, cache: str) -> tuple[str, int, int, str]:
    """Make one data file in ``staging`` (from the cache when it has it); returns (path, rows, bytes, sha256)."""
    found = cached_output(job, staging, cache)
    if found is not None:
        return found
    target = Path(staging) / job.relative
    target.parent.mkdir(parents=True, exist_ok=True)
    cached = Path(cache) / "out" / f"{job.config}-{job.split}-{job.key}.parquet"
    meta = cached.with_suffix(".json")
    struct = current().configs[job.config]
    schema = parquet_schema(struct)
    if job.dataset:
        dataset_rows = CONFIGS[job.config].dataset_rows
        assert dataset_rows is not None
        encode = struct_encoder(struct)
        table = pa.Table.from_pylist([encode(row) for row in dataset_rows()], schema=schema)
    else:
        tables = []
        wanted = pa.array(job.article_ids, pa.string())
        for path in job.tables:
            with pa.memory_map(path) as source:
                read = pa.ipc.open_file(source).read_all()
            tables.append(read.filter(pc.is_in(read.column("article_id"), value_set=wanted)))
        table = pa.concat_tables(tables).replace_schema_metadata(schema.metadata)
    with pq.ParquetWriter(target, schema, **write_options()) as writer:
        writer.write_table(table, row_group_size=ROWS_PER_GROUP)
    size, sha256 = target.stat().st_size, file_sha256(target)
    cached.parent.mkdir(parents=True, exist_ok=True)
    _copy(target, cached)
    atomic.write_bytes_atomic(meta, orjson.dumps([table.num_rows, size, sha256]), durable=False)
    return job.relative, table.num_rows, size, sha256


def _copy(source: Path, target: Path) -> None:
    """A copy, never a hard link: a dataset file edited in place must not change the cache."""
    tmp = atomic.temporary_sibling(target)
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def prune_outputs(cache: Path, jobs: list[OutputJob]) -> None:
    """Forget cached files no job of this build uses (the cache holds one build's files)."""
    keep = {f"{job.config}-{job.split}-{job.key}" for job in jobs}
    folder = cache / "out"
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.stem not in keep:
            path.unlink(missing_ok=True)


def run_job(args: tuple[OutputJob, str, str]) -> tuple[str, int, int, str]:
    job, staging, cache = args
    return write_output(job, staging, cache)
