"""The measurement behind the silver pipeline's choice of engine: one small pipeline on each candidate.

The same work runs on each engine over the same synthetic JSON Lines feeds (invented news,
``tests/silver/news.py``), with 1 and 2 workers on this machine:

* **map**: read each feed with beyan's reader, detect the language, compute a MinHash
  signature (datatrove's, word 5-grams, 14 bands of 8), run the rule extractor, write the
  statement rows to Parquet;
* **dedup**: find the near-duplicate pairs from the signatures.

Engines:

* ``datatrove-local``: datatrove pipeline blocks on its ``LocalPipelineExecutor``; dedup is
  datatrove's multi-stage MinHash (signature files, buckets, clusters);
* ``datatrove-ray``: the same blocks on datatrove's ``RayPipelineExecutor``, on a local Ray
  cluster (127.0.0.1, the CPUs given);
* ``ray-data``: Ray Data (``from_items`` of the files, ``flat_map`` to read, ``map_batches``
  to process, ``write_parquet``); dedup is a ``groupby`` on band keys (Ray Data has no MinHash
  of its own: this is what one would build on it).

Reported: wall seconds, articles per second, and the peak RSS summed over the process tree.

Usage: python scripts/bench/compare_silver_engines.py [--articles N] [--files F] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

BANDS, ROWS = 14, 8


class TreePeak:
    """Peak resident memory of this process and all its children, sampled every 50 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(os.getpid()))
            time.sleep(0.05)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def tree_rss(root: int) -> int:
    """Resident bytes of a process and its descendants, from /proc (Linux)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


# ------------------------------------------------------------------ the shared work


def articles_of(path: str) -> Iterator[dict[str, Any]]:
    from beyan.ingest import IngestedArticle, read_articles

    for event in read_articles(paths=[path], near_duplicates=False):
        if isinstance(event, IngestedArticle):
            yield {"id": event.article_id, "text": event.text, "language": event.metadata.language or "und"}


def signer() -> Any:
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
    from datatrove.utils.hashing import HashConfig
    from datatrove.utils.word_tokenizers import WordTokenizer

    class Split(WordTokenizer):
        def word_tokenize(self, text: str) -> list[str]:
            return text.split()

        def sent_tokenize(self, text: str) -> list[str]:
            return [text]

        def span_tokenize(self, text: str) -> list[tuple[int, int]]:
            return [(0, len(text))]

    return MinhashDedupSignature(
        output_folder=tempfile.mkdtemp(),
        config=MinhashConfig(num_buckets=BANDS, hashes_per_bucket=ROWS, hash_config=HashConfig(hash_fc="sha1")),
        language=Split(),
    )


_LEXICON: dict[str, Any] = {}


def statements_of(article: dict[str, Any]) -> list[dict[str, Any]]:
    from beyan.extract import extract_article
    from beyan.extract.lexicon import load_lexicon

    if article["language"] != "tr":
        return []
    lexicon = _LEXICON.get("tr") or _LEXICON.setdefault("tr", load_lexicon("tr"))
    rows = extract_article(text=article["text"], article_id=article["id"], lexicon=lexicon)
    return [
        {"article_id": row["article_id"], "quote_type": row["quote_type"], "start": row["content_spans"][0]["start"]}
        for row in rows
    ]


# ------------------------------------------------------------------ datatrove


def datatrove_pipeline(files: list[str], out: Path) -> tuple[list[Any], list[Any]]:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datatrove.data import Document
    from datatrove.pipeline.base import PipelineStep
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster
    from datatrove.utils.hashing import HashConfig

    class Read(PipelineStep):
        name = "read"

        def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
            for path in files[rank::world_size]:
                for article in articles_of(path):
                    yield Document(text=article["text"], id=article["id"], metadata={"language": article["language"]})

    class Process(PipelineStep):
        name = "process"

        def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
            sign = signer()
            (out / "sigs").mkdir(parents=True, exist_ok=True)
            rows: list[dict[str, Any]] = []
            signatures = []
            for doc in data:
                shingles = sign.get_shingles(doc.text)
                if shingles.size:
                    signatures.append(sign.get_signature(shingles))
                rows += statements_of({"id": doc.id, "text": doc.text, "language": doc.metadata["language"]})
                yield doc
            pq.write_table(pa.Table.from_pylist(rows), out / f"rows-{rank:05d}.parquet")

    config = MinhashConfig(num_buckets=BANDS, hashes_per_bucket=ROWS, hash_config=HashConfig(hash_fc="sha1"))
    from datatrove.pipeline.dedup.minhash import MinhashDedupSignature

    class Sign(MinhashDedupSignature):
        def __init__(self) -> None:
            super().__init__(output_folder=str(out / "minhash-sigs"), config=config, language=signer().word_tokenizer)

    map_steps = [Read(), Process()]
    dedup_steps = [
        [Read(), Sign()],
        [
            MinhashDedupBuckets(
                input_folder=str(out / "minhash-sigs"), output_folder=str(out / "buckets"), config=config
            )
        ],
        [MinhashDedupCluster(input_folder=str(out / "buckets"), output_folder=str(out / "remove"), config=config)],
    ]
    return map_steps, dedup_steps


def run_datatrove(files: list[str], out: Path, workers: int, *, ray_cluster: bool) -> dict[str, float]:
    from datatrove.executor import LocalPipelineExecutor

    tasks = len(files)
    map_steps, dedup_steps = datatrove_pipeline(files, out)

    def executor(pipeline: list[Any], n: int, name: str) -> Any:
        logs = str(out / "logs" / name)
        if ray_cluster:
            from datatrove.executor.ray import RayPipelineExecutor

            return RayPipelineExecutor(
                pipeline=pipeline, tasks=n, workers=workers, logging_dir=logs, mem_per_cpu_gb=0.5, skip_completed=False
            )
        return LocalPipelineExecutor(
            pipeline=pipeline, tasks=n, workers=min(workers, n), logging_dir=logs, skip_completed=False
        )

    started = time.perf_counter()
    executor(map_steps, tasks, "map").run()
    mapped = time.perf_counter()
    executor(dedup_steps[0], tasks, "sign").run()
    executor(dedup_steps[1], BANDS, "buckets").run()
    executor(dedup_steps[2], 1, "cluster").run()
    return {"map_seconds": mapped - started, "dedup_seconds": time.perf_counter() - mapped}


# ------------------------------------------------------------------ Ray Data


def run_ray_data(files: list[str], out: Path, workers: int) -> dict[str, float]:
    import numpy as np
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False

    def read(item: dict[str, Any]) -> list[dict[str, Any]]:
        return list(articles_of(item["path"]))

    def process(batch: dict[str, Any]) -> dict[str, Any]:
        rows: list[dict[str, Any]] = []
        for article_id, text, language in zip(batch["id"], batch["text"], batch["language"], strict=True):
            rows += statements_of({"id": article_id, "text": text, "language": language})
        return {
            "article_id": np.array([r["article_id"] for r in rows], dtype=object),
            "quote_type": np.array([r["quote_type"] for r in rows], dtype=object),
            "start": np.array([r["start"] for r in rows], dtype=np.int64),
        }

    def bands(batch: dict[str, Any]) -> dict[str, Any]:
        sign = signer()
        keys: list[int] = []
        ids: list[str] = []
        for article_id, text in zip(batch["id"], batch["text"], strict=True):
            shingles = sign.get_shingles(text)
            if not shingles.size:
                continue
            for band, values in enumerate(sign.get_signature(shingles)):
                keys.append(hash((band, *values)) & ((1 << 62) - 1))
                ids.append(article_id)
        return {"band": np.array(keys, dtype=np.int64), "id": np.array(ids, dtype=object)}

    def pairs(group: dict[str, Any]) -> dict[str, Any]:
        members = sorted(set(group["id"].tolist()))
        return {"a": np.array(members[:1] * (len(members) - 1), dtype=object), "b": np.array(members[1:], dtype=object)}

    started = time.perf_counter()
    source = ray.data.from_items([{"path": path} for path in files], override_num_blocks=len(files))
    articles = source.flat_map(read, concurrency=workers)
    articles.map_batches(process, batch_size=256, concurrency=workers).write_parquet(str(out / "rows"))
    mapped = time.perf_counter()
    found = articles.map_batches(bands, batch_size=256, concurrency=workers).groupby("band").map_groups(pairs)
    found.count()
    return {"map_seconds": mapped - started, "dedup_seconds": time.perf_counter() - mapped}


# ------------------------------------------------------------------ driver


def measure(engine: str, files: list[str], workers: int, articles: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"engines-{engine}-"))
    ray_needed = engine != "datatrove-local"
    try:
        with TreePeak() as peak:
            started = time.perf_counter()
            if ray_needed:
                import ray

                ray.init(
                    num_cpus=workers,
                    include_dashboard=False,
                    _node_ip_address="127.0.0.1",
                    log_to_driver=False,
                    configure_logging=False,
                )
            ready = time.perf_counter()
            if engine == "ray-data":
                timings = run_ray_data(files, work, workers)
            else:
                timings = run_datatrove(files, work, workers, ray_cluster=engine == "datatrove-ray")
            total = time.perf_counter() - ready
            if ray_needed:
                import ray

                ray.shutdown()
        return {
            "engine": engine,
            "workers": workers,
            "startup_seconds": round(ready - started, 2),
            "map_seconds": round(timings["map_seconds"], 2),
            "dedup_seconds": round(timings["dedup_seconds"], 2),
            "articles_per_second": round(articles / timings["map_seconds"], 1),
            "total_seconds": round(total, 2),
            "peak_tree_mb": round(peak.peak / 1e6),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--engines", default="datatrove-local,datatrove-ray,ray-data")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from loguru import logger

    logger.remove()  # datatrove logs every task to stderr
    from tests.silver.news import write_jsonl_feeds

    feeds = Path(tempfile.mkdtemp(prefix="engines-feeds-"))
    collection = write_jsonl_feeds(feeds, articles=args.articles, files=args.files, seed=7, bad_lines=False)
    files = [str(path) for path in collection.files]
    results = []
    for engine in args.engines.split(","):
        for workers in (1, 2):
            result = measure(engine, files, workers, args.articles)
            print(json.dumps(result), file=sys.stderr, flush=True)
            results.append(result)
    shutil.rmtree(feeds, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print("| engine | workers | start-up s | map s | articles/s | dedup s | peak MB (tree) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['engine']} | {r['workers']} | {r['startup_seconds']} | {r['map_seconds']} | "
            f"{r['articles_per_second']} | {r['dedup_seconds']} | {r['peak_tree_mb']} |"
        )


if __name__ == "__main__":
    main()
