"""``beyan build``: corpus -> a Hugging Face dataset folder (Hub layout) for the current version.

The folder holds ``README.md`` (card with ``configs:``), ``data/<config>/<split>-*.parquet``,
``DATASHEET.md``, ``croissant.json`` and ``manifest.json``. It is built in a temporary sibling
folder and swapped into place only when complete, so an interrupted build leaves the previous
one intact. The same corpus always gives byte-identical data files, however many workers build
it and whatever the cache holds.

The build runs in steps (:mod:`~beyan.build.shards`, then :mod:`~beyan.build.outputs`, then the
documents of :func:`finish_dataset`); the first two work on independent pieces, in parallel on
every core, and cache what they made, so a build after a small change redoes only that.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from beyan import atomic
from beyan.agreement import AgreementReport
from beyan.build.outputs import cached_output, plan_outputs, prune_outputs
from beyan.build.outputs import run_job as run_output_job
from beyan.build.shards import CACHE_DIR, ShardBuild, cached, code_fingerprint, prepare_cache, shard_inputs
from beyan.build.shards import run_job as run_shard_job
from beyan.configs import CONFIGS, require_text_policy
from beyan.corpus import CORPUS_FILE, SPLITS_FILE, Corpus
from beyan.corpus.shards import ANNOTATIONS, ARTICLES, shards
from beyan.evaluation import EvaluationResult
from beyan.extract import HONESTY_NOTE, baseline_result
from beyan.issues import BeyanError, Issues, fail
from beyan.jsonio import dumps, read_json
from beyan.schema import current
from beyan.transforms.adjudication import POLICIES
from beyan.transforms.dedup import groups_from_table
from beyan.transforms.splits import SPLIT_RULE, assign_splits
from beyan.writers.card import DEFAULT_DESCRIPTION, render_card
from beyan.writers.croissant import croissant_metadata, write_croissant
from beyan.writers.datasheet import render_datasheet
from beyan.writers.manifest import file_sha256
from beyan.writers.stats import BuildStats

DEFAULT_DATASHEET = Path(__file__).parent.parent / "templates" / "DATASHEET.md"
LICENSE_NOTE = "Per-article rights (see each article's `rights` and DATASHEET.md); annotations by the maintainers."
ANNOTATION_PROTOCOL = "Spans, relations and per-region choices in Label Studio, following docs/guidelines.md."

Progress = Callable[[int, int], None]
T = TypeVar("T")
R = TypeVar("R")

__all__ = [
    "ANNOTATION_PROTOCOL",
    "DEFAULT_DATASHEET",
    "LICENSE_NOTE",
    "SPLITS_FILE",
    "BuildResult",
    "build",
    "environment",
    "finish_dataset",
    "read_split_lock",
]


@dataclass(slots=True)
class BuildResult:
    out: Path
    manifest: dict[str, Any]
    stats: BuildStats
    issues: Issues
    datasheet_updated: bool = False
    shards_built: int = 0
    shards_cached: int = 0
    files_written: int = 0
    files_cached: int = 0
    outputs: list[Path] = field(default_factory=list)


def read_split_lock(corpus: Corpus) -> dict[str, str]:
    path = corpus.root / SPLITS_FILE
    if not path.is_file():
        return {}
    data = read_json(path, what="split lock")
    articles = data.get("articles", {}) if isinstance(data, dict) else {}
    bad = {k: v for k, v in articles.items() if v not in current().splits}
    if bad:
        raise fail(
            "unknown-split",
            (str(path),),
            "the split lock names unknown splits",
            expected=str(list(current().splits)),
            found=repr(bad),
        )
    return dict(articles)


def environment() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("beyan", "pyarrow", "datasets"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _parallel(function: Callable[[T], R], jobs: list[T], workers: int) -> Iterator[R]:
    """``map`` over worker processes (forked, so they share the schema in force); in order."""
    if workers <= 1 or len(jobs) <= 1:
        yield from map(function, jobs)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(min(workers, len(jobs))) as pool:
        yield from pool.imap(function, jobs, chunksize=max(1, len(jobs) // (workers * 8)))


def build(
    *,
    corpus: Path | str,
    out: Path | str,
    datasheet: Path | str | None = None,
    update_datasheet: bool = False,
    adjudication: str | None = None,
    text: str = "full",
    groups: dict[str, str] | None = None,
    workers: int | None = None,
    cache: bool = True,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the dataset folder ``out`` from ``corpus``.

    ``text="full"`` keeps every article's text (a local working copy); ``text="rights"``
    publishes standoff rows (no text) for articles whose rights forbid redistribution.
    ``datasheet`` is the hand-written DATASHEET.md whose statistics block is regenerated
    (``update_datasheet`` also rewrites that source file when the block changed).
    ``workers`` processes build in parallel (default: one per core); ``cache=False`` ignores
    (and replaces) what earlier builds cached under ``corpus/.cache/build``.
    """
    opened = Corpus.open(corpus)
    out = Path(out)
    policy = adjudication or opened.info.adjudication
    if policy not in POLICIES:
        raise fail(
            "unknown-policy",
            ("--adjudication",),
            "unknown adjudication policy",
            expected=" or ".join(POLICIES),
            found=repr(policy),
        )
    require_text_policy(text)
    workers = workers or default_workers()
    cache_dir = opened.root / CACHE_DIR
    if not cache:
        shutil.rmtree(cache_dir, ignore_errors=True)
    prepare_cache(cache_dir)
    fingerprint = code_fingerprint()
    names = sorted(set(shards(opened.root, ARTICLES)) | set(shards(opened.root, ANNOTATIONS)))
    inputs = [
        shard_inputs(opened.root, name, policy=policy, text_policy=text, fingerprint=fingerprint) for name in names
    ]

    # Cached shards are read here; only the others go to the workers (a small change builds one or two).
    # Memory stays flat: of each shard only its ids and signatures are kept; its per-article summaries
    # are read again from the cache once the splits are known.
    found = {shard.name: cached(cache_dir, shard) for shard in inputs}
    todo = [shard for shard in inputs if found[shard.name] is None]
    jobs = [(str(opened.root), shard, policy, text, str(cache_dir)) for shard in todo]
    for done, state in enumerate(_parallel(run_shard_job, jobs, workers), start=1):
        made = ShardBuild.from_json(state)
        found[made.name] = made
        if progress is not None:
            progress(done, len(jobs))
    builds = [built for shard in inputs if (built := found[shard.name]) is not None]
    cached_before = len(inputs) - len(todo)
    issues = Issues()
    signed: list[str] = []
    rows: list[bytes] = []
    for built in builds:
        issues.extend(built.issue_list())
        for article_id, hex_signature in built.signatures.items():
            signed.append(article_id)
            rows.append(bytes.fromhex(hex_signature))
        built.summaries, built.signatures = [], {}
    if issues.has_errors:
        raise BeyanError(issues)
    article_ids = [a for b in builds for a in b.articles]
    if groups is None:
        table = (
            np.frombuffer(b"".join(rows), np.uint32).reshape(len(rows), -1) if rows else np.empty((0, 64), np.uint32)
        )
        order = sorted(range(len(signed)), key=signed.__getitem__)
        groups = groups_from_table([signed[i] for i in order], table[order])
        del table
    del rows
    locked = read_split_lock(opened)
    splits = assign_splits(article_ids, locked=locked, groups=groups)
    for article_id, group in sorted(groups.items()):
        if splits[article_id] != splits[group]:
            issues.warning(
                "split-conflict",
                (str(opened.root / SPLITS_FILE), article_id),
                f"near-duplicate articles {group} and {article_id} are locked in different splits",
                expected=splits[group],
                found=splits[article_id],
                hint="moving one of them needs a major release that says so",
            )
    stats = BuildStats()
    baseline: dict[str, np.ndarray[Any, np.dtype[np.int64]]] = {}
    agreement = AgreementReport()
    config_summaries: dict[str, dict[str, Any]] = {}
    for shard, built in zip(inputs, builds, strict=True):
        reread = cached(cache_dir, shard)
        assert reread is not None  # every shard was just built or read from the cache
        for summary in reread.summaries:
            split = splits[summary["article_id"]]
            stats.add_summary(summary, split)
            if summary.get("baseline") is not None:
                vector = np.asarray(summary["baseline"], np.int64)
                baseline[split] = baseline[split] + vector if split in baseline else vector
        stats.unannotated_articles += built.unannotated
        agreement.merge(AgreementReport.from_state(built.agreement))
        for config, state in sorted(built.config_summaries.items()):
            merge = CONFIGS[config].merge
            config_summaries[config] = (
                state if config not in config_summaries or merge is None else merge(config_summaries[config], state)
            )

    out.parent.mkdir(parents=True, exist_ok=True)
    atomic.remove_stale_siblings(out)  # left by a build that was killed
    staging = atomic.temporary_sibling(out)
    staging.mkdir()
    output_jobs = plan_outputs(builds, splits, articles=len(article_ids))
    try:
        ready = {job.relative: cached_output(job, str(staging), str(cache_dir)) for job in output_jobs}
        missing = [(job, str(staging), str(cache_dir)) for job in output_jobs if ready[job.relative] is None]
        written = [found_file for found_file in ready.values() if found_file is not None]
        written += list(_parallel(run_output_job, missing, workers))
        prune_outputs(cache_dir, output_jobs)
        files = {relative: (rows, size, sha256) for relative, rows, size, sha256 in written}
        inputs_read = {path: sha for shard in inputs for path, sha in shard.files.items()}
        inputs_read[CORPUS_FILE] = file_sha256(opened.root / CORPUS_FILE)
        if (opened.root / SPLITS_FILE).is_file():
            inputs_read[SPLITS_FILE] = file_sha256(opened.root / SPLITS_FILE)
        manifest, datasheet_text = finish_dataset(
            staging,
            name=opened.info.name,
            pretty_name=opened.info.pretty_name,
            description=opened.info.description,
            version=opened.info.version,
            policy=policy,
            text_policy=text,
            splits=splits,
            groups=groups,
            stats=stats,
            agreement=agreement,
            files=files,
            inputs=dict(sorted(inputs_read.items())),
            datasheet=Path(datasheet) if datasheet is not None else None,
            config_summaries=config_summaries,
            baseline={
                split: baseline_result([[int(v) for v in baseline[split]]], split=split)
                for split in current().splits
                if split in baseline
            },
        )
        atomic.replace_directory(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    datasheet_updated = False
    if update_datasheet and datasheet is not None:
        datasheet_path = Path(datasheet)
        current_text = datasheet_path.read_text("utf-8") if datasheet_path.is_file() else None
        if current_text != datasheet_text:
            atomic.write_text_atomic(datasheet_path, datasheet_text)
            datasheet_updated = True
    return BuildResult(
        out=out,
        manifest=manifest,
        stats=stats,
        issues=issues,
        datasheet_updated=datasheet_updated,
        shards_built=len(inputs) - cached_before,
        shards_cached=cached_before,
        files_written=len(missing),
        files_cached=len(output_jobs) - len(missing),
    )


def finish_dataset(
    folder: Path,
    *,
    name: str,
    pretty_name: str,
    description: str,
    version: str,
    policy: str,
    text_policy: str,
    splits: dict[str, str],
    groups: dict[str, str],
    stats: BuildStats,
    agreement: AgreementReport,
    files: dict[str, tuple[int, int, str]],
    inputs: dict[str, str],
    datasheet: Path | None,
    config_summaries: dict[str, dict[str, Any]] | None = None,
    baseline: dict[str, EvaluationResult] | None = None,
) -> tuple[dict[str, Any], str]:
    """The documents of a dataset folder whose data files are written: card, datasheet, Croissant, manifest.

    ``files`` maps each data file (relative path) to its rows, bytes and sha256. Returns the
    manifest and the datasheet text (the caller may write it back to its source).
    """
    schema = current()
    data_files: dict[str, dict[str, list[str]]] = {config: {} for config in schema.configs}
    for relative in sorted(files):
        _, config, filename = relative.split("/")
        data_files[config].setdefault(filename.split("-")[0], []).append(relative)
    for config in data_files:
        data_files[config] = {s: data_files[config][s] for s in schema.splits if s in data_files[config]}
    outputs: dict[str, dict[str, Any]] = {r: {"sha256": sha, "bytes": size} for r, (_, size, sha) in files.items()}
    template_path = datasheet if datasheet is not None and datasheet.is_file() else DEFAULT_DATASHEET
    agreement_markdown = agreement.markdown()
    config_summaries = config_summaries or {}
    sections = []
    for config, spec in CONFIGS.items():
        if spec.card_section is not None and data_files.get(config):
            first_split = next(iter(data_files[config]))
            sections.append(spec.card_section(config_summaries.get(config), first_split))
    baseline_markdown = baseline_section(baseline or {})
    sections.append(f"## Baseline: the rule extractor\n\n{baseline_markdown}")
    card = render_card(
        pretty_name=pretty_name,
        description=description,
        dataset_version=version,
        data_files=data_files,
        stats=stats,
        text_policy=text_policy,
        adjudication=policy,
        agreement_markdown=agreement_markdown,
        file_sizes={r: (rows, size) for r, (rows, size, _) in files.items()},
        training_markdown="\n\n".join(sections),
    )
    datasheet_text = render_datasheet(
        template_path.read_text("utf-8"),
        {
            "stats": stats.markdown(),
            "agreement": agreement_markdown,
            "standoff": stats.standoff_markdown(),
            "baseline": baseline_markdown,
        },
        where=str(template_path),
    )
    (folder / "README.md").write_text(card, "utf-8")
    (folder / "DATASHEET.md").write_text(datasheet_text, "utf-8")
    for document in ("README.md", "DATASHEET.md"):
        outputs[document] = {"sha256": file_sha256(folder / document), "bytes": (folder / document).stat().st_size}
    manifest: dict[str, Any] = {
        "dataset": name,
        "dataset_version": version,
        "schema_version": schema.version,
        "adjudication": policy,
        "text_policy": text_policy,
        "splits": {"rule": SPLIT_RULE, "articles": splits, "near_duplicate_groups": groups},
        "counts": stats.to_dict(),
        "config_summaries": {c: config_summaries[c] for c in sorted(config_summaries)},
        "baseline": {split: result.to_dict() for split, result in (baseline or {}).items()},
        "inputs": inputs,
        "outputs": dict(sorted(outputs.items())),
        "environment": environment(),
    }
    croissant = croissant_metadata(
        folder=folder,
        manifest=manifest,
        pretty_name=pretty_name,
        description=description or DEFAULT_DESCRIPTION,
        license_note=LICENSE_NOTE,
        annotation_protocol=ANNOTATION_PROTOCOL,
        annotators=len(stats.annotators),
        annotations_per_item=annotations_per_item(stats),
    )
    write_croissant(folder, croissant)
    outputs["croissant.json"] = {
        "sha256": file_sha256(folder / "croissant.json"),
        "bytes": (folder / "croissant.json").stat().st_size,
    }
    manifest["outputs"] = dict(sorted(outputs.items()))
    (folder / "manifest.json").write_text(dumps(manifest), "utf-8")
    return manifest, datasheet_text


def baseline_section(results: dict[str, EvaluationResult]) -> str:
    """The extractor's scores on each split, for the card and the datasheet, said for what they are."""
    if not results:
        return "No gold article in a language the extractor has a lexicon for: nothing to score."
    parts = [HONESTY_NOTE]
    for split, result in results.items():
        parts.append(f"### Split {split}\n\n{result.markdown()}")
    return "\n\n".join(parts)


def annotations_per_item(stats: BuildStats) -> str:
    articles = stats.total_articles
    if not articles:
        return "no annotated articles"
    return (
        f"{stats.annotations / articles:.2f} annotations per article on average ({stats.annotations} over {articles})"
    )
