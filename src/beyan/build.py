"""``beyan build``: corpus -> a Hugging Face dataset folder (Hub layout) for the current version.

The folder holds ``README.md`` (card with ``configs:``), ``data/<config>/<split>-*.parquet``,
``DATASHEET.md``, ``croissant.json`` and ``manifest.json``. It is built in a temporary
sibling folder and swapped into place only when complete, so an interrupted build leaves
the previous one intact. The same corpus always gives byte-identical data files.
"""

from __future__ import annotations

import platform
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from beyan import atomic
from beyan.agreement import AgreementReport
from beyan.corpus import Corpus
from beyan.issues import BeyanError, Issues, fail
from beyan.jsonio import dumps, read_json
from beyan.labels import label_rows
from beyan.records import GoldArticle
from beyan.schema.v1 import CONFIGS, SCHEMA_VERSION, SPLITS
from beyan.tokens.view import TokenViewSummary, token_row_with_summary
from beyan.transforms.adjudication import POLICIES, adjudicate
from beyan.transforms.dedup import near_duplicate_groups
from beyan.transforms.splits import SPLIT_RULE, assign_splits
from beyan.validation.annotations import check_annotations
from beyan.writers.card import DEFAULT_DESCRIPTION, render_card
from beyan.writers.croissant import croissant_metadata, write_croissant
from beyan.writers.datasheet import render_datasheet
from beyan.writers.manifest import file_sha256, input_hashes
from beyan.writers.parquet import ShardedWriter
from beyan.writers.rows import article_row, statement_rows
from beyan.writers.stats import BuildStats
from beyan.writers.training import training_markdown

TEXT_POLICIES = ("full", "rights")
SPLITS_FILE = "splits.json"
DEFAULT_DATASHEET = Path(__file__).parent / "templates" / "DATASHEET.md"

Progress = Callable[[int, int], None]
LICENSE_NOTE = "Per-article rights (see each article's `rights` and DATASHEET.md); annotations by the maintainers."
ANNOTATION_PROTOCOL = "Spans, relations and per-region choices in Label Studio, following docs/guidelines.md."


@dataclass(slots=True)
class BuildResult:
    out: Path
    manifest: dict[str, Any]
    stats: BuildStats
    issues: Issues
    datasheet_updated: bool = False
    outputs: list[Path] = field(default_factory=list)


def read_split_lock(corpus: Corpus) -> dict[str, str]:
    path = corpus.root / SPLITS_FILE
    if not path.is_file():
        return {}
    data = read_json(path, what="split lock")
    articles = data.get("articles", {}) if isinstance(data, dict) else {}
    bad = {k: v for k, v in articles.items() if v not in SPLITS}
    if bad:
        raise fail(
            "unknown-split",
            (str(path),),
            "the split lock names unknown splits",
            expected=str(list(SPLITS)),
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


def build(
    *,
    corpus: Path | str,
    out: Path | str,
    datasheet: Path | str | None = None,
    update_datasheet: bool = False,
    adjudication: str | None = None,
    text: str = "full",
    groups: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the dataset folder ``out`` from ``corpus``.

    ``text="full"`` keeps every article's text (a local working copy); ``text="rights"``
    publishes standoff rows (no text) for articles whose rights forbid redistribution.
    ``datasheet`` is the hand-written DATASHEET.md whose statistics block is regenerated
    (``update_datasheet`` also rewrites that source file when the block changed).
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
    if text not in TEXT_POLICIES:
        raise fail(
            "unknown-text-policy",
            ("--text",),
            "unknown text policy",
            expected=" or ".join(TEXT_POLICIES),
            found=repr(text),
        )
    datasheet_path = Path(datasheet) if datasheet is not None else None
    template_path = datasheet_path if datasheet_path is not None and datasheet_path.is_file() else DEFAULT_DATASHEET
    template = template_path.read_text("utf-8")

    issues = Issues()
    opened.read_hashes = {}  # every file the build reads is hashed as it is read, for the manifest
    article_ids = opened.article_ids()
    if groups is None:
        groups = near_duplicate_groups((article_id, opened.raw_text(article_id)) for article_id in article_ids)
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
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic.remove_stale_siblings(out)  # left by a build that was killed
    staging = atomic.temporary_sibling(out)
    staging.mkdir()
    try:
        agreement = AgreementReport()
        token_view = TokenViewSummary()
        stats = _write_data(opened, staging, splits, policy, text, issues, progress, agreement, token_view)
        if issues.has_errors:
            raise BeyanError(issues)
        data_files: dict[str, dict[str, list[str]]] = {config: {} for config in CONFIGS}
        outputs: dict[str, dict[str, Any]] = {}
        for path in sorted((staging / "data").rglob("*.parquet")):
            relative = path.relative_to(staging).as_posix()
            config, split = path.parent.name, path.name.split("-")[0]
            data_files[config].setdefault(split, []).append(relative)
            outputs[relative] = {"sha256": file_sha256(path), "bytes": path.stat().st_size}
        for config in data_files:
            data_files[config] = {s: data_files[config][s] for s in SPLITS if s in data_files[config]}

        agreement_markdown = agreement.markdown()
        card = render_card(
            pretty_name=opened.info.pretty_name,
            description=opened.info.description,
            dataset_version=opened.info.version,
            data_files=data_files,
            stats=stats,
            text_policy=text,
            adjudication=policy,
            agreement_markdown=agreement_markdown,
            training_markdown=training_markdown(token_view, split=_first_split(data_files)),
        )
        datasheet_text = render_datasheet(
            template,
            {"stats": stats.markdown(), "agreement": agreement_markdown, "standoff": stats.standoff_markdown()},
            where=str(template_path),
        )
        (staging / "README.md").write_text(card, "utf-8")
        (staging / "DATASHEET.md").write_text(datasheet_text, "utf-8")
        for name in ("README.md", "DATASHEET.md"):
            outputs[name] = {"sha256": file_sha256(staging / name), "bytes": (staging / name).stat().st_size}
        manifest = {
            "dataset": opened.info.name,
            "dataset_version": opened.info.version,
            "schema_version": SCHEMA_VERSION,
            "adjudication": policy,
            "text_policy": text,
            "splits": {"rule": SPLIT_RULE, "articles": splits, "near_duplicate_groups": groups},
            "counts": stats.to_dict(),
            "token_view": token_view.to_dict(),
            "inputs": input_hashes(opened.root, known=opened.read_hashes),
            "outputs": dict(sorted(outputs.items())),
            "environment": environment(),
        }
        croissant = croissant_metadata(
            folder=staging,
            manifest=manifest,
            pretty_name=opened.info.pretty_name,
            description=opened.info.description or DEFAULT_DESCRIPTION,
            license_note=LICENSE_NOTE,
            annotation_protocol=ANNOTATION_PROTOCOL,
            annotators=len(stats.annotators),
            annotations_per_item=_annotations_per_item(stats),
        )
        write_croissant(staging, croissant)
        outputs["croissant.json"] = {
            "sha256": file_sha256(staging / "croissant.json"),
            "bytes": (staging / "croissant.json").stat().st_size,
        }
        manifest["outputs"] = dict(sorted(outputs.items()))
        (staging / "manifest.json").write_text(dumps(manifest), "utf-8")
        atomic.replace_directory(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    datasheet_updated = False
    if update_datasheet and datasheet_path is not None:
        current = datasheet_path.read_text("utf-8") if datasheet_path.is_file() else None
        if current != datasheet_text:
            atomic.write_text_atomic(datasheet_path, datasheet_text)
            datasheet_updated = True
    return BuildResult(out=out, manifest=manifest, stats=stats, issues=issues, datasheet_updated=datasheet_updated)


def _write_data(
    corpus: Corpus,
    staging: Path,
    splits: dict[str, str],
    policy: str,
    text_policy: str,
    issues: Issues,
    progress: Progress | None,
    agreement: AgreementReport,
    token_view: TokenViewSummary,
) -> BuildStats:
    writers = {
        (config, split): ShardedWriter(staging / "data" / config, split, struct)
        for config, struct in CONFIGS.items()
        for split in SPLITS
    }
    stats = BuildStats()
    total = len(splits)
    for done, (article, article_annotations) in enumerate(corpus.iter_articles(), start=1):
        where = (str(corpus.articles_dir / article.article_id / "annotations.json"),)
        errors_before = issues.error_count
        check_annotations(article, article_annotations, issues, where)
        if progress is not None:
            progress(done, total)
        agreement.add_article(article_annotations)
        if issues.error_count > errors_before or not article_annotations:
            stats.unannotated_articles += not article_annotations
            continue
        topics, statements = adjudicate(article, article_annotations, policy=policy, issues=issues, where=where)
        gold = GoldArticle(article, topics, statements, split=splits[article.article_id])
        standoff = article.rights.redistribution == "standoff"
        include_text = text_policy == "full" or not standoff
        stats.add(gold, article_annotations, standoff=standoff)
        for row in statement_rows(gold, include_text=include_text):
            writers[("statements", gold.split)].write(row)
        row = article_row(gold, include_text=include_text)
        writers[("articles", gold.split)].write(row)
        tokens, moved_up = token_row_with_summary(article_row=row, text=article.text)
        token_view.add(tokens, moved_up=moved_up)
        writers[("tokens", gold.split)].write(tokens)
    for label in label_rows():
        writers[("labels", SPLITS[0])].write(label)  # one table, in the split the Hub loads by default
    for writer in writers.values():
        writer.close()
    return stats


def _first_split(data_files: dict[str, dict[str, list[str]]]) -> str:
    return next(iter(data_files.get("tokens") or {}), SPLITS[0])


def _annotations_per_item(stats: BuildStats) -> str:
    articles = stats.total_articles
    if not articles:
        return "no annotated articles"
    return (
        f"{stats.annotations / articles:.2f} annotations per article on average ({stats.annotations} over {articles})"
    )
