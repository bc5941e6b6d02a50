"""``beyan silver``: raw news at scale -> machine-annotated statements, as a dataset folder in the Hub layout.

:func:`run_silver` expands the inputs, runs the stages of :mod:`beyan.silver.steps` on an
engine (:mod:`beyan.silver.engines`), then writes the card, Croissant and manifest
(:mod:`beyan.silver.finish`) and swaps the folder into place. Intermediate files live in a
work folder (``<out>.work``), which lets a stopped run resume; it is removed once the
dataset is written unless ``keep_work``.

The output depends only on the inputs and the settings: the same inputs give byte-identical
data files whatever the engine, the number of workers or of tasks.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from beyan import __version__, atomic
from beyan.configs import require_text_policy
from beyan.issues import fail
from beyan.schema import current
from beyan.silver.reading import ReadSettings, expand_inputs, is_url, task_files

ARTICLES_PER_SHARD = 50_000  # articles kept per output shard: a shard is sorted in one worker's memory
WORK_FORMAT = "1"  # bump when the work folder's files change meaning

Progress = Callable[[str], None]


@dataclass(slots=True)
class Reconciliation:
    """Read = extracted + dropped (each with its reason); statements predicted = written + rejected."""

    records: int = 0  # records read from the inputs (articles and records that could not be)
    articles: int = 0  # articles the extractor ran on
    dropped: Counter[str] = field(default_factory=Counter)  # records not extracted, by reason
    files_not_read: int = 0
    statements_predicted: int = 0
    statements_written: int = 0
    statements_rejected: Counter[str] = field(default_factory=Counter)
    articles_with_statements: Counter[str] = field(default_factory=Counter)  # by language

    @property
    def balanced(self) -> bool:
        return self.records == self.articles + sum(self.dropped.values()) and self.statements_predicted == (
            self.statements_written + sum(self.statements_rejected.values())
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "articles_extracted": self.articles,
            "dropped": dict(sorted(self.dropped.items())),
            "files_not_read": self.files_not_read,
            "statements_predicted": self.statements_predicted,
            "statements_written": self.statements_written,
            "statements_rejected": dict(sorted(self.statements_rejected.items())),
            "articles_with_statements": dict(sorted(self.articles_with_statements.items())),
        }

    def render(self) -> str:
        dropped = ", ".join(f"{code} {n}" for code, n in sorted(self.dropped.items())) or "none"
        rejected = ", ".join(f"{code} {n}" for code, n in sorted(self.statements_rejected.items())) or "none"
        return (
            f"records read {self.records} = extracted {self.articles} + dropped {sum(self.dropped.values())}"
            f" ({dropped}); statements predicted {self.statements_predicted} = written {self.statements_written}"
            f" + rejected {sum(self.statements_rejected.values())} ({rejected})"
            + (f"; files not read: {self.files_not_read}" if self.files_not_read else "")
        )


@dataclass(slots=True)
class SilverResult:
    out: Path
    manifest: dict[str, Any]
    reconciliation: Reconciliation
    rejects: Path
    run_id: str
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage


def _fingerprint(files: list[str], settings: dict[str, Any]) -> str:
    """What a work folder's partial results depend on: the inputs as found and the settings."""
    digest = hashlib.sha256(
        f"{WORK_FORMAT}|{__version__}|{orjson.dumps(settings, option=orjson.OPT_SORT_KEYS)!r}".encode()
    )
    for path in files:
        if is_url(path):
            digest.update(f"|{path}".encode())
            continue
        stat = os.stat(path)
        digest.update(f"|{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _prepare_work(work: Path, fingerprint: str) -> None:
    """Keep a work folder made by the same run (to resume it); start any other afresh."""
    marker = work / "run.json"
    if marker.is_file() and orjson.loads(marker.read_bytes()).get("fingerprint") == fingerprint:
        return
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    atomic.write_bytes_atomic(marker, orjson.dumps({"fingerprint": fingerprint}))


def _counts(work: Path, stage: str) -> list[dict[str, Any]]:
    return [orjson.loads(path.read_bytes()) for path in sorted((work / "counts").glob(f"{stage}-*.json"))]


def run_id_of(*, digests: dict[str, str], settings: dict[str, Any], extractor: dict[str, str]) -> str:
    """The run's id: a hash of beyan's and the schema's versions, the extractor, the settings and the inputs' bytes."""
    value = {
        "beyan": __version__,
        "schema": current().version,
        "extractor": extractor,
        "settings": settings,
        "inputs": sorted(digests.items()),
    }
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def run_silver(
    *,
    inputs: list[str | Path],
    out: Path | str,
    work: Path | str | None = None,
    engine: str = "local",
    workers: int | None = None,
    tasks: int | None = None,
    address: str | None = None,
    extractor: str = "rules",
    fmt: str = "auto",
    mapping: str | None = None,
    language: str | None = None,
    sources: Path | str | None = None,
    text: str = "full",
    gold: Path | str | None = None,
    name: str = "beyan-silver",
    pretty_name: str = "beyan silver statements",
    description: str = "",
    version: str = "0.1.0",
    rejects: Path | str | None = None,
    articles_per_shard: int = ARTICLES_PER_SHARD,
    keep_work: bool = False,
    progress: Progress | None = None,
) -> SilverResult:
    """Find statements in the raw news ``inputs`` with ``extractor`` and write the silver dataset ``out``.

    ``inputs``: files, folders, globs or fsspec URLs in any format ``beyan ingest`` reads
    (``fmt``, ``mapping``, ``language`` and ``sources`` as there). ``engine``: ``local`` or
    ``ray`` (on the cluster at ``address``, or a local one); ``workers`` processes (default:
    one per core), ``tasks`` pieces of work (default: four per worker, at most one per input
    file). ``extractor``: ``rules`` or a ``module:function`` predictor. ``text="rights"`` writes
    standoff rows for articles whose rights (from ``sources``) forbid redistribution. ``gold``:
    a built gold dataset folder; silver is scored on the gold articles it overlaps, and the card
    says so. ``rejects``: the JSON Lines file naming every record and statement dropped and why
    (default ``<out>.rejects.jsonl``).
    """
    from beyan.silver.dedup import BANDS, buckets_step, signature_step
    from beyan.silver.engines import make_engine
    from beyan.silver.extractors import load_extractor
    from beyan.silver.finish import finish_silver
    from beyan.silver.steps import ExtractStatements, FirstCopyClusters, ReadArticles, WriteShards

    out = Path(out)
    say = progress or (lambda message: None)
    require_text_policy(text)
    files, missing = expand_inputs([str(item) for item in inputs])
    if not files:
        raise fail(
            "no-input",
            ("inputs",),
            "no input file found",
            found="; ".join(missing) or "no inputs given",
            hint="give files, folders, globs or URLs of WARC, JSON Lines, HTML or Parquet news",
            exit_code=2,
        )
    chosen = load_extractor(extractor)
    workers = workers or os.cpu_count() or 1
    task_count = max(1, min(len(files), tasks or 4 * workers))
    settings = ReadSettings(
        fmt=fmt,
        mapping=mapping,
        language=language,
        sources=str(sources) if sources is not None else None,
        text=text,
    )
    run_settings = {
        **asdict(settings),
        "sources": None if sources is None else Path(sources).name,
        "extractor": extractor,
    }
    work = Path(work) if work is not None else out.with_name(out.name + ".work")
    _prepare_work(work, _fingerprint(files, {**run_settings, "tasks": task_count, "shard_size": articles_per_shard}))
    driver = os.getpid()
    runs = task_files(files, task_count)
    seconds: dict[str, float] = {}
    logs = work / "logs"

    with make_engine(engine, workers=workers, address=address) as runner:

        def stage(label: str, pipeline: list[Any], count: int) -> None:
            say(f"{label}: {count} task(s) on {runner.name}")
            started = time.perf_counter()
            runner.run(pipeline, tasks=count, logs=logs / label, stage=label)
            seconds[label] = round(time.perf_counter() - started, 3)

        read = ReadArticles(work=str(work), driver_pid=driver, files=runs, settings=settings)
        stage("read", [read, signature_step(work / "minhash" / "signatures")], task_count)
        stage("buckets", [buckets_step(work / "minhash" / "signatures", work / "minhash" / "dups")], BANDS)
        stage(
            "clusters", [FirstCopyClusters(work=str(work), driver_pid=driver, dups=str(work / "minhash" / "dups"))], 1
        )
        read_counts = _counts(work, "read")
        digests = {path: sha for counts in read_counts for path, sha in counts["inputs"].items()}
        stored = sum(counts["stored"] for counts in read_counts)
        run_id = run_id_of(digests=digests, settings=run_settings, extractor=chosen.provenance())
        shards = max(1, math.ceil(stored / articles_per_shard))
        extract = ExtractStatements(
            work=str(work), driver_pid=driver, extractor=extractor, run_id=run_id, shards=shards
        )
        stage("extract", [extract], task_count)
        staging = work / "out"
        stage("shards", [WriteShards(work=str(work), driver_pid=driver, out=str(staging), shards=shards)], shards)

    say("finish: card, Croissant, manifest")
    started = time.perf_counter()
    result = finish_silver(
        work=work,
        staging=staging,
        out=out,
        rejects=Path(rejects) if rejects is not None else out.with_name(out.name + ".rejects.jsonl"),
        run_id=run_id,
        extractor=chosen,
        settings=run_settings,
        digests=digests,
        missing=missing,
        gold=Path(gold) if gold is not None else None,
        name=name,
        pretty_name=pretty_name,
        description=description,
        version=version,
    )
    seconds["finish"] = round(time.perf_counter() - started, 3)
    result.seconds = seconds
    if not keep_work:
        shutil.rmtree(work, ignore_errors=True)
    return result
