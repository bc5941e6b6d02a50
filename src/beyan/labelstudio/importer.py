"""``beyan import-labelstudio``: merge Label Studio exports into the corpus, never losing gold.

The import reads as a pipeline, one module a step:

1. :mod:`~beyan.labelstudio.export_reader` streams the tasks of each export;
2. :mod:`~beyan.labelstudio.parse` turns an annotation's results into regions, attributes and
   relations, and :mod:`~beyan.labelstudio.assemble` those into statements;
3. :mod:`~beyan.labelstudio.match` finds the task's corpus article (or the one it brings);
4. :mod:`~beyan.labelstudio.plan` compares what arrives with what is stored, task by task, and
   refuses what would shrink stored gold unless the user says ``--replace``;
5. the corpus's :class:`~beyan.corpus.Changeset` applies the plan, journaled, in one transaction.

:mod:`~beyan.labelstudio.ledger` accounts for every item on the way (read = imported + rejected).
A task is imported whole or not at all: if any result of one of its annotations is rejected,
the stored version of the task stays as it was and the rejected annotation goes to the rejects
file in full. Tasks that pass are spilled to disk by shard between steps 3 and 4, so memory
does not grow with the export.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any

from beyan.corpus import Changeset, Corpus, JournalEntry
from beyan.corpus.annotations import annotation_to_record
from beyan.corpus.shards import ANNOTATIONS, ARTICLES, encode, read_shard, shard_of
from beyan.issues import BeyanError, Issues, fail
from beyan.labelstudio.assemble import convert_results
from beyan.labelstudio.export_reader import (
    ExportTask,
    ReadState,
    decode_task,
    export_files,
    read_elements,
    report_skipped,
)
from beyan.labelstudio.ledger import (
    ANNOTATIONS as ANNOTATION_ITEMS,
)
from beyan.labelstudio.ledger import (
    ATTRIBUTE,
    DOCUMENT,
    DRAFTS,
    OTHER,
    PREDICTIONS,
    REGION,
    REJECTED,
    RELATION,
    TASKS,
    Items,
    Reconciliation,
    RejectsWriter,
)
from beyan.labelstudio.match import ArticleMatcher, Match
from beyan.labelstudio.parse import InterfaceIndex, TaskText, json_type
from beyan.labelstudio.plan import IncomingAnnotation, IncomingTask, TaskPlan, plan_shard
from beyan.records import Annotation, Origin
from beyan.schema import current
from beyan.schema.types import DocumentChoices, Schema
from beyan.transforms.pseudonymize import Pseudonymizer

Progress = Callable[[int], None]
TOOL = "label-studio"
SPILL_BYTES = 8 << 20
TEXT_KEYS_OF_OTHER_PROJECTS = ("image", "audio", "video", "html", "pdf", "timeseries", "table", "dialogue")


@dataclass(slots=True)
class ImportResult:
    reconciliation: Reconciliation
    issues: Issues
    plans: list[TaskPlan]
    outcomes: Counter[str]
    rejects_path: Path | None
    articles_added: list[str]
    exports: list[dict[str, Any]]
    journal_entry: str | None = None
    changed_records: int = 0
    dry_run: bool = False
    refused: bool = False

    def summary(self) -> str:
        parts = [f"{n} {outcome}" for outcome, n in sorted(self.outcomes.items())]
        return "tasks: " + (", ".join(parts) if parts else "none")

    def plan_totals(self) -> dict[str, dict[str, int]]:
        return plan_totals(self.plans)

    def plan_table(self, *, limit: int = 50) -> str:
        """The plan as a table: tasks that change stored annotations or are refused first, then new ones."""
        rows = sorted(self.plans, key=lambda p: (p.outcome in ("new", "unchanged"), p.location))
        header = f"{'task':40} {'article':16} {'outcome':18} {'ann +/~/-/=':>13} {'statements +/-/~':>17}"
        lines = [header]
        for plan in rows[:limit]:
            a, s = plan.annotations, plan.statements
            lines.append(
                f"{' > '.join(plan.location)[-40:]:40} {plan.article_id:16} {plan.outcome:18} "
                f"{a['added']:>3}/{a['replaced']}/{a['removed']}/{a['unchanged']:<4} "
                f"{s['added']:>6}/{s['removed']}/{s['changed']}"
            )
        if len(rows) > limit:
            lines.append(f"... and {len(rows) - limit} more tasks (all of them: --format json)")
        totals = self.plan_totals()
        lines.append(
            "total: annotations "
            + ", ".join(f"{n} {k}" for k, n in totals["annotations"].items())
            + "; statements "
            + ", ".join(f"{n} {k}" for k, n in totals["statements"].items())
        )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "refused": self.refused,
            "journal_entry": self.journal_entry,
            "reconciliation": self.reconciliation.to_dict(),
            "tasks": dict(sorted(self.outcomes.items())),
            "plan": {"totals": self.plan_totals(), "tasks": [p.to_dict() for p in self.plans]},
            "articles_added": self.articles_added,
            "rejects": str(self.rejects_path) if self.rejects_path else None,
            "issues": json.loads(self.issues.to_json()),
        }


def plan_totals(plans: list[TaskPlan]) -> dict[str, dict[str, int]]:
    annotations: Counter[str] = Counter()
    statements: Counter[str] = Counter()
    for plan in plans:
        annotations.update(plan.annotations)
        statements.update(plan.statements)
    return {
        "annotations": {k: n for k, n in sorted(annotations.items()) if n},
        "statements": {k: n for k, n in sorted(statements.items()) if n},
    }


def _int_or_none(value: Any) -> int | None:
    """An id: an integer that fits in 64 bits (what Label Studio's database holds), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63:
        return value
    return None


class CollectedRejects:
    """Rejects gathered while converting one task, written in task order by the import."""

    def __init__(self) -> None:
        self.records: list[tuple[str, tuple[str, ...], str, str, dict[str, Any]]] = []

    def write(self, kind: str, location: tuple[str, ...], code: str, reason: str, **extra: Any) -> None:
        self.records.append((kind, location, code, reason, extra))


@dataclass(slots=True)
class TaskResult:
    """What converting one task gave: everything the import merges, in task order."""

    issues: Issues
    reconciliation: Reconciliation
    rejects: list[tuple[str, tuple[str, ...], str, str, dict[str, Any]]]
    outcomes: Counter[str]
    task_key: tuple[Any, int] | None
    spill: tuple[str, bytes] | None
    foreign_names: set[str]


class TaskConverter:
    """Steps 1 to 3 for one task at a time: checks, results -> statements, the article it annotates.

    It holds no state across tasks, so tasks convert in parallel worker processes; what is
    global to an import (duplicate tasks, the spill, the rejects file) is :class:`ImportRun`'s.
    """

    def __init__(
        self,
        corpus: Corpus | None,
        *,
        pseudonymizer: Pseudonymizer,
        add_articles: bool = False,
        language: str | None = None,
        instance: str | None = None,
        schema: Schema | None = None,
        require_origin: bool = True,
    ) -> None:
        self.schema = schema or current()
        self.index = InterfaceIndex.of(self.schema.interface)
        self.pseudonymizer = pseudonymizer
        self.instance = instance
        self.require_origin = require_origin and corpus is not None
        self.matcher = ArticleMatcher(corpus, add_articles=add_articles, language=language)
        self._reset()

    def _reset(self) -> None:
        self.issues = Issues()
        self.reconciliation = Reconciliation()
        self.rejects = CollectedRejects()
        self.outcomes: Counter[str] = Counter()
        self.task_key: tuple[Any, int] | None = None
        self.spill: tuple[str, bytes] | None = None
        self._foreign_names: set[str] = set()

    def _result(self) -> TaskResult:
        result = TaskResult(
            self.issues,
            self.reconciliation,
            self.rejects.records,
            self.outcomes,
            self.task_key,
            self.spill,
            self._foreign_names,
        )
        self._reset()
        return result

    def convert(self, export_task: ExportTask) -> TaskResult:
        self._task(export_task)
        return self._result()

    def reject_duplicate(self, export_task: ExportTask, first: tuple[str, int]) -> TaskResult:
        """A second task with the id of one already read: reported and rejected whole, never imported."""
        self.issues.error(
            "duplicate-task",
            (export_task.file, export_task.label),
            f"this task id appears twice; the first copy (task #{first[1]} of {first[0]}) was used, this one is not",
            hint="an export lists each task once: was the file edited or concatenated? Export the project again",
        )
        self._reject_task(export_task, "duplicate-task", "task id seen before in this import")
        return self._result()

    def _reject_task(self, export_task: ExportTask, code: str, reason: str) -> None:
        """Count a rejected task and everything inside it as rejected."""
        where = (export_task.file, export_task.label)
        self.reconciliation.add(TASKS, "rejected")
        self.rejects.write(TASKS, where, code, reason)
        self.outcomes["rejected"] += 1
        task = export_task.task if isinstance(export_task.task, dict) else {}
        annotations = task.get("annotations")
        for index, annotation in enumerate(annotations if isinstance(annotations, list) else []):
            self._reject_annotation(
                annotation, (*where, _annotation_label(annotation, index)), code, f"task rejected: {reason}"
            )
        self._count_side_items(task, where)

    def _reject_annotation(self, annotation: Any, where: tuple[str, ...], code: str, reason: str) -> None:
        """An annotation not imported, with all its results; the rejects file gets it in full (identities scrubbed)."""
        self.reconciliation.add(ANNOTATION_ITEMS, "rejected")
        results = annotation.get("result") if isinstance(annotation, dict) else None
        for result in results if isinstance(results, list) else []:
            self.reconciliation.add(self._kind_of(result), "rejected")
        self.rejects.write(ANNOTATION_ITEMS, where, code, reason, annotation=self.pseudonymizer.scrub(annotation))

    def _kind_of(self, result: Any) -> str:
        if not isinstance(result, dict):
            return OTHER
        kind = result.get("type")
        if kind == "labels":
            return REGION
        if kind == "relation":
            return RELATION
        if kind in ("choices", "textarea"):
            control = self.index.controls.get(str(result.get("from_name")))
            return DOCUMENT if isinstance(control, DocumentChoices) and kind == "choices" else ATTRIBUTE
        return OTHER

    def _count_side_items(self, task: dict[str, Any], where: tuple[str, ...]) -> None:
        """Drafts and predictions are read and reported, never mistaken for gold."""
        for kind, code, reason in (
            (DRAFTS, "draft-not-submitted", "a draft is unfinished work, not an annotation"),
            (PREDICTIONS, "prediction-not-gold", "a prediction is a model's suggestion, not an annotation"),
        ):
            found = task.get(kind)
            if isinstance(found, list) and found:
                self.reconciliation.add(kind, "rejected", len(found))
                for item in found:
                    item_id = item.get("id") if isinstance(item, dict) else item
                    self.rejects.write(kind, (*where, f"{kind[:-1]} {item_id}"), code, reason)

    def _task(self, export_task: ExportTask) -> None:
        where = (export_task.file, export_task.label)
        task = export_task.task
        issues = self.issues
        if not isinstance(task, dict):
            issues.error("wrong-type", where, "a task must be a JSON object", found=json_type(task))
            self._reject_task(export_task, "wrong-type", "not an object")
            return
        data = task.get("data")
        task_id = _int_or_none(task.get("id"))
        if "data" in task and not isinstance(data, dict):
            issues.error("wrong-type", (*where, "data"), "data must be an object", found=json_type(data))
            self._reject_task(export_task, "wrong-type", "data is not an object")
            return
        if not isinstance(data, dict) or "annotations" not in task:
            issues.error(
                "not-a-full-export",
                where,
                "the task lacks 'data' or 'annotations': this is not Label Studio's full JSON export",
                hint="export with 'JSON' (not JSON_MIN), or use `beyan import-labelstudio --url ... --project ...`",
            )
            self._reject_task(export_task, "not-a-full-export", "no data or annotations")
            return
        if task_id is None:
            raw_id = task.get("id")
            if isinstance(raw_id, int) and not isinstance(raw_id, bool):
                code, message = "invalid-id", "the task id does not fit in 64 bits"
            else:
                code, message = "missing-id", "the task has no integer id"
            issues.error(code, where, message, found=repr(raw_id))
            self._reject_task(export_task, code, message)
            return
        project = _int_or_none(task.get("project"))
        self.task_key = (project, task_id)
        text_name = self.schema.interface.text_name
        text = data.get(text_name)
        if not isinstance(text, str):
            other = [key for key in TEXT_KEYS_OF_OTHER_PROJECTS if key in data]
            if text is None and other:
                code, message = (
                    "not-a-text-project",
                    f"the task's data has {other[0]!r}, not {text_name!r}: not a text project",
                )
            elif text is None:
                code, message = "missing-text", "the task has no text"
            else:
                code, message = "wrong-type", "the task's text must be a string"
            issues.error(
                code,
                (*where, f"data.{text_name}"),
                message,
                found=json_type(text) if not other else f"data keys {sorted(data)[:6]}",
                hint="export the text project that uses `beyan labelstudio-config`" if other else None,
            )
            self._reject_task(export_task, code, message)
            return
        annotations = task.get("annotations")
        if not isinstance(annotations, list):
            issues.error(
                "wrong-type", (*where, "annotations"), "annotations must be a list", found=json_type(annotations)
            )
            self._reject_task(export_task, "wrong-type", "annotations is not a list")
            return
        match = self.matcher.match(data, text, where, issues)
        if match is None:
            self._reject_task(export_task, "unmatched", "no matching corpus article")
            return
        self._convert_task(export_task, task, annotations, match, project, task_id, text, where)

    def _convert_task(
        self,
        export_task: ExportTask,
        task: dict[str, Any],
        annotations: list[Any],
        match: Match,
        project: int | None,
        task_id: int,
        text: str,
        where: tuple[str, ...],
    ) -> None:
        task_text = TaskText.of(text)
        converted: list[tuple[Any, tuple[str, ...], Annotation | None, Items | None]] = []
        failed = False
        seen: dict[int, Any] = {}
        for index, annotation in enumerate(annotations):
            at = (*where, _annotation_label(annotation, index))
            annotation_id = _int_or_none(annotation.get("id")) if isinstance(annotation, dict) else None
            if annotation_id is not None and annotation_id in seen:
                if seen[annotation_id] == annotation:
                    self.issues.warning(
                        "duplicate-annotation", at, "the same annotation appears twice in the task; read once"
                    )
                    self._reject_annotation(annotation, at, "duplicate-annotation", "a second copy of an annotation")
                    continue
                self.issues.error(
                    "duplicate-id",
                    at,
                    "two different annotations of the task share this id",
                    hint="export the project again",
                )
                failed = True
                converted.append((annotation, at, None, None))
                continue
            if annotation_id is not None:
                seen[annotation_id] = annotation
            if isinstance(annotation, dict) and annotation.get("was_cancelled"):
                self.issues.info(
                    "cancelled-annotation", at, "the annotator skipped (cancelled) this task; not imported"
                )
                self._reject_annotation(annotation, at, "cancelled-annotation", "cancelled (skipped) by the annotator")
                continue
            result, items = self._annotation(annotation, at, match, project, task_id, task_text)
            if result is None:
                failed = True
            converted.append((annotation, at, result, items))
        self._count_side_items(task, where)
        if failed:
            self.reconciliation.add(TASKS, "rejected")
            self.outcomes["rejected"] += 1
            self.rejects.write(TASKS, where, "task-not-imported", "a result of one of its annotations was rejected")
            for annotation, at, result, items in converted:
                if items is not None:
                    self._write_item_rejects(items, result is not None)
                reason = (
                    "rejected (see its results)" if result is None else "another annotation of the task was rejected"
                )
                self._reject_annotation(
                    annotation, at, "annotation-rejected" if result is None else "task-not-imported", reason
                )
            return
        self.reconciliation.add(TASKS, "imported")
        incoming: list[IncomingAnnotation] = []
        for _annotation, at, result, items in converted:
            assert result is not None and items is not None
            self.reconciliation.add(ANNOTATION_ITEMS, "imported")
            counts = items.counts()
            for kind, n in counts.items():
                self.reconciliation.add(kind, "imported", n)
            incoming.append(
                IncomingAnnotation(
                    key=result.key,
                    line=encode(annotation_to_record(result)),
                    location=list(at),
                    counts=dict(counts),
                    updated=result.updated_at or result.created_at or "",
                    ground_truth=result.ground_truth,
                    statements=len(result.statements),
                )
            )
        if not incoming:
            self.outcomes["nothing to import"] += 1
            return
        task_key = Origin(TOOL, self.instance, project, task_id, None).task_key
        line = IncomingTask(list(where), match.article_id, task_key, match.new_record, incoming).to_line()
        self.spill = (shard_of(match.article_id), line)

    def _annotation(
        self,
        annotation: Any,
        at: tuple[str, ...],
        match: Match,
        project: int | None,
        task_id: int,
        task_text: TaskText,
    ) -> tuple[Annotation | None, Items | None]:
        issues = self.issues
        if not isinstance(annotation, dict):
            issues.error("wrong-type", at, "an annotation must be an object", found=json_type(annotation))
            return None, None
        annotation_id = _int_or_none(annotation.get("id"))
        if annotation_id is None:
            issues.error("missing-id", at, "the annotation has no integer id", found=repr(annotation.get("id")))
            return None, None
        unique_id = annotation.get("unique_id") if isinstance(annotation.get("unique_id"), str) else None
        if unique_id is None and self.instance is None and self.require_origin:
            issues.error(
                "unbound-origin",
                at,
                "the annotation has no unique_id, so it cannot be told apart from another server's annotation "
                f"{annotation_id} of task {task_id}",
                hint="say which Label Studio instance wrote the export: --instance NAME (a name you keep for that "
                "server), or set labelstudio_instance in corpus.json",
            )
            return None, None
        results = annotation.get("result")
        if not isinstance(results, list):
            issues.error("wrong-type", (*at, "result"), "result must be a list", found=json_type(results))
            return None, None
        labels_name = self.schema.interface.labels_name
        self._foreign_names.update(
            str(r.get("from_name"))
            for r in results
            if isinstance(r, dict) and r.get("type") == "labels" and r.get("from_name") != labels_name
        )
        dated = annotation.get("created_at") or annotation.get("updated_at")
        items = Items(at, issues)
        statements, topics = convert_results(
            results,
            schema=self.schema,
            task_text=task_text,
            items=items,
            annotated_at=dated if isinstance(dated, str) else None,
        )
        if items.failed:
            return None, items
        if not results:
            issues.warning("empty-annotation", at, "the annotation is empty: it says the article has no statements")
        identity = annotation.get("completed_by")
        username = annotation.get("created_username")
        if not isinstance(identity, dict) and isinstance(username, str) and "@" in username:
            identity = username
        origin = Origin(TOOL, self.instance, project, task_id, annotation_id, unique_id)
        created, updated = annotation.get("created_at"), annotation.get("updated_at")
        return (
            Annotation(
                key=origin.key,
                article_id=match.article_id,
                annotator=self.pseudonymizer.of_user(identity),
                origin=origin,
                ground_truth=bool(annotation.get("ground_truth", False)),
                created_at=created if isinstance(created, str) else None,
                updated_at=updated if isinstance(updated, str) else None,
                topics=topics,
                statements=tuple(statements),
                text_sha256=match.text_sha256,
            ),
            items,
        )

    def _write_item_rejects(self, items: Items, annotation_ok: bool) -> None:
        """Every result of an annotation that is not imported: its own reason, or that of the annotation."""
        for kind, location, code, reason in items.rejects:
            self.rejects.write(kind, location, code, reason)
        for item, state in enumerate(items.state):
            if state != REJECTED:
                reason = (
                    "another annotation of the task was rejected" if annotation_ok else "its annotation was rejected"
                )
                self.rejects.write(items.kinds[item], items.location(item), "follows-rejection", reason)


class ImportRun:
    """One import over one or more export files into one corpus (or, without one, a check of the files)."""

    def __init__(
        self,
        corpus: Corpus | None,
        *,
        pseudonymizer: Pseudonymizer,
        add_articles: bool = False,
        language: str | None = None,
        instance: str | None = None,
        rejects: RejectsWriter | None = None,
        schema: Schema | None = None,
        require_origin: bool = True,
        workers: int = 1,
        export_format: str = "json",
        progress: Progress | None = None,
    ) -> None:
        self.corpus = corpus
        self.export_format = export_format
        self.converter = TaskConverter(
            corpus,
            pseudonymizer=pseudonymizer,
            add_articles=add_articles,
            language=language,
            instance=instance,
            schema=schema,
            require_origin=require_origin,
        )
        self.schema = self.converter.schema
        self.rejects = rejects or RejectsWriter(None)
        self.workers = workers
        self.progress = progress
        self.issues = Issues()
        self.reconciliation = Reconciliation()
        self.outcomes: Counter[str] = Counter()
        self.tasks_done = 0
        self._seen_tasks: dict[tuple[Any, int], tuple[str, int]] = {}
        self._spill_dir = Path(tempfile.mkdtemp(prefix="beyan-import-"))
        self._spill: dict[str, list[bytes]] = {}
        self._spilled = 0

    def close(self) -> None:
        shutil.rmtree(self._spill_dir, ignore_errors=True)

    # ------------------------------------------------------------ phase one, in parallel: convert every task

    def read(self, path: Path) -> dict[str, Any]:
        state = ReadState()
        before = self.reconciliation.row(REGION)
        foreign_before = self.issues.counts[("error", "unknown-control")]
        foreign_names: set[str] = set()
        for export_task, result in self._converted(path, state):
            key = result.task_key
            if key is not None:
                first = self._seen_tasks.get(key)
                if first is not None:
                    result = self.converter.reject_duplicate(export_task, first)
                else:
                    self._seen_tasks[key] = (export_task.file, export_task.index)
            self._merge(result)
            foreign_names |= result.foreign_names
            self.tasks_done += 1
            if self.progress is not None and self.tasks_done % 500 == 0:
                self.progress(self.tasks_done)
        if state.had_bom:
            self.issues.warning("bom", (str(path),), "the export starts with a byte-order mark; it was skipped")
        if state.compressed:
            self.issues.info("compressed", (str(path),), "the export is gzip-compressed; read as it is")
        read, imported, _ = (now - then for now, then in zip(self.reconciliation.row(REGION), before, strict=True))
        if read and not imported and self.issues.counts[("error", "unknown-control")] > foreign_before:
            # One cause, one report: the per-result errors it explains stay in the rejects file only.
            names = sorted(foreign_names)
            interface = self.schema.interface
            self.issues.drop(lambda issue: issue.location[:1] == (str(path),) and issue.code == "unknown-control")
            self.issues.error(
                "foreign-config",
                (str(path),),
                "no region of this export uses beyan's labeling config: it comes from another project",
                expected=f"labels from '{interface.labels_name}' with roles {interface.roles.names}",
                found="labels from " + ", ".join(repr(n) for n in names) if names else None,
                hint="export the project that uses `beyan labelstudio-config`",
            )
        return {"file": path.name, "sha256": state.sha256}

    def _converted(self, path: Path, state: ReadState) -> Iterator[tuple[ExportTask, TaskResult]]:
        """Every task of the file with its conversion, in file order (converted by worker processes)."""
        where = str(path)
        elements = read_elements(path, state, fmt=self.export_format)
        if self.workers <= 1:
            for index, offset, element in elements:
                export_task = ExportTask(where, index, decode_task(element, path, index, offset, state), offset)
                yield export_task, self.converter.convert(export_task)
            return
        self.converter.matcher.prepare()  # the corpus's text index, read once and shared by the forked workers
        global _WORKER_CONVERTER
        _WORKER_CONVERTER = self.converter
        context = multiprocessing.get_context("fork")
        inflight: deque[tuple[list[tuple[int, int, bytes]], AsyncResult[list[TaskResult]]]] = deque()
        with context.Pool(self.workers) as pool:

            def settle_first() -> Iterator[tuple[ExportTask, TaskResult]]:
                batch, pending = inflight.popleft()
                for (index, offset, element), result in zip(batch, pending.get(), strict=True):
                    export_task = ExportTask(where, index, None, offset)
                    if result.task_key is not None and result.task_key in self._seen_tasks:  # a duplicate: see read
                        export_task.task = decode_task(element, path, index, offset, state)
                    yield export_task, result

            batch: list[tuple[int, int, bytes]] = []
            for item in elements:
                batch.append(item)
                if len(batch) == BATCH_TASKS:
                    inflight.append((batch, pool.apply_async(_convert_batch, (batch, where, state.compressed))))
                    batch = []
                    if len(inflight) > 4 * self.workers:  # bounded: the export is never all in memory
                        yield from settle_first()
            if batch:
                inflight.append((batch, pool.apply_async(_convert_batch, (batch, where, state.compressed))))
            while inflight:
                yield from settle_first()

    def _merge(self, result: TaskResult) -> None:
        self.issues.extend(result.issues)
        self.reconciliation.merge(result.reconciliation)
        self.outcomes.update(result.outcomes)
        for kind, location, code, reason, extra in result.rejects:
            self.rejects.write(kind, location, code, reason, **extra)
        if result.spill is not None:
            self._spill_line(*result.spill)

    def _spill_line(self, shard: str, line: bytes) -> None:
        self._spill.setdefault(shard, []).append(line)
        self._spilled += len(line)
        if self._spilled > SPILL_BYTES:
            self._flush_spill()

    def _flush_spill(self) -> None:
        for shard, lines in self._spill.items():
            with open(self._spill_dir / f"{shard}.jsonl", "ab") as handle:
                handle.writelines(lines)
        self._spill.clear()
        self._spilled = 0

    def spilled_shards(self) -> list[str]:
        self._flush_spill()
        return sorted(p.stem for p in self._spill_dir.glob("*.jsonl"))

    def spilled_tasks(self, shard: str) -> list[IncomingTask]:
        with open(self._spill_dir / f"{shard}.jsonl", "rb") as handle:
            return [IncomingTask.from_line(line) for line in handle]

    # ------------------------------------------------------------ phase two: plan and apply, shard by shard

    def plan_and_stage(
        self, *, replace: bool, dry_run: bool, command: str, sources: list[str]
    ) -> tuple[list[TaskPlan], Changeset]:
        """Plan every shard and stage its changes (none once a plan is refused, none in a dry run)."""
        assert self.corpus is not None
        changeset = self.corpus.changeset(command=command, source=sources)
        plans: list[TaskPlan] = []
        refused = False
        for shard in self.spilled_shards():
            tasks = self.spilled_tasks(shard)
            stored_annotations = read_shard(self.corpus.root, ANNOTATIONS, shard)
            stored_articles = read_shard(self.corpus.root, ARTICLES, shard)
            shard_plans, changes = plan_shard(
                tasks, stored_annotations, stored_articles, replace=replace, issues=self.issues
            )
            plans.extend(shard_plans)
            for annotation in changes.older:
                self.reconciliation.move(ANNOTATION_ITEMS)
                for kind, n in annotation.counts.items():
                    self.reconciliation.move(kind, n)
                self.rejects.write(
                    ANNOTATION_ITEMS,
                    tuple(annotation.location),
                    "older-export",
                    "older than the stored version of this annotation",
                    items=annotation.counts,
                )
            refused = refused or any(p.refused for p in shard_plans)
            if refused or dry_run:
                continue
            changeset.stage_shard(ARTICLES, shard, changes.articles, stored=stored_articles)
            changeset.stage_shard(ANNOTATIONS, shard, changes.annotations, stored=stored_annotations)
        for plan in plans:
            self.outcomes[plan.outcome] += 1
        return plans, changeset


BATCH_TASKS = 32
_WORKER_CONVERTER: TaskConverter | None = None  # set before the worker processes fork


def _convert_batch(batch: list[tuple[int, int, bytes]], where: str, compressed: bool) -> list[TaskResult]:
    """In a worker process: decode and convert a batch of tasks."""
    converter = _WORKER_CONVERTER
    assert converter is not None
    path, state = Path(where), ReadState(compressed=compressed)
    return [
        converter.convert(ExportTask(where, index, decode_task(element, path, index, offset, state), offset))
        for index, offset, element in batch
    ]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _annotation_label(annotation: Any, index: int) -> str:
    annotation_id = _int_or_none(annotation.get("id")) if isinstance(annotation, dict) else None
    return f"annotation {annotation_id}" if annotation_id is not None else f"annotation #{index}"


def _resolve_instance(opened: Corpus, instance: str | None, url: str | None) -> str | None:
    if instance is not None:
        return instance
    if opened.info.labelstudio_instance:
        return opened.info.labelstudio_instance
    if url is not None:
        return url.rstrip("/")
    return None


def import_labelstudio(
    *,
    corpus: Path | str,
    exports: list[Path | str] | None = None,
    url: str | None = None,
    project: int | None = None,
    instance: str | None = None,
    add_articles: bool = False,
    language: str | None = None,
    rejects: Path | str | None = None,
    keep_export: bool = False,
    dry_run: bool = False,
    replace: bool = False,
    workers: int | None = None,
    export_format: str = "json",
    progress: Progress | None = None,
) -> ImportResult:
    """Import Label Studio full JSON exports (files, folders, or pulled from a server) into ``corpus``.

    An annotation is identified by its ``unique_id``, or, in exports without one, by the Label Studio
    ``instance`` (a name for the server; by default the corpus's ``labelstudio_instance``, or the
    ``url`` pulled from) with its project, task and annotation ids. The import's plan is computed
    first; a plan that would remove or replace stored gold is refused (nothing written) unless
    ``replace``. With ``dry_run`` the plan is computed and nothing is written.
    """
    opened = Corpus.open(corpus)
    paths: list[Path] = []
    temporary: Path | None = None
    skipped = Issues()
    if url is not None:
        if project is None:
            raise fail("missing-project", ("--project",), "pulling from a server needs the project id", exit_code=2)
        from beyan.labelstudio.client import download_export

        temporary = download_export(url=url, project=project)
        paths = [temporary]
    for export in exports or []:
        found = export_files(Path(export))
        report_skipped(found, skipped)
        paths.extend(found.files)
    if not paths:
        raise fail("no-exports", (), "nothing to import: give export files or --url and --project", exit_code=2)
    pseudonymizer = Pseudonymizer.from_environment()
    writer = RejectsWriter(None if dry_run or rejects is None else Path(rejects))
    run = ImportRun(
        opened,
        pseudonymizer=pseudonymizer,
        add_articles=add_articles,
        language=language,
        instance=_resolve_instance(opened, instance, url),
        rejects=writer,
        workers=workers or default_workers(),
        export_format=export_format,
        progress=progress,
    )
    run.issues.extend(skipped)
    exports_read: list[dict[str, Any]] = []
    changeset: Changeset | None = None
    entry: JournalEntry | None = None
    plans: list[TaskPlan] = []
    sources = [url if url is not None and path == temporary else str(path) for path in paths]
    try:
        for path in paths:
            exports_read.append(run.read(path))
        plans, changeset = run.plan_and_stage(
            replace=replace, dry_run=dry_run, command="import-labelstudio", sources=sources
        )
        refused = any(plan.refused for plan in plans)
        if not run.reconciliation.balanced():  # pragma: no cover - an internal invariant
            raise BeyanError(f"internal error: the reconciliation does not add up:\n{run.reconciliation.render()}")
        if refused or dry_run:
            changeset.abort()
        else:
            if keep_export:
                for path, info in zip(paths, exports_read, strict=True):
                    archived = pseudonymizer.scrub(json.loads(_read_export_text(path)))
                    name = path.name.removesuffix(".gz").removesuffix(".json")
                    changeset.put_file(f"labelstudio/{name}.{info['sha256'][:12]}.json", _dumps(archived))
            changeset.details = {"tasks": len(plans), **plan_totals(plans)}
            entry = changeset.commit()
    except BaseException:
        if changeset is not None:
            changeset.abort()
        writer.close(keep=False)
        run.close()
        raise
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    writer.close(keep=True)
    run.close()
    opened.forget()
    refused = any(plan.refused for plan in plans)
    added = sorted({plan.article_id for plan in plans if plan.article_added}) if entry is not None else []
    return ImportResult(
        reconciliation=run.reconciliation,
        issues=run.issues,
        plans=plans,
        outcomes=run.outcomes,
        rejects_path=writer.path,
        articles_added=added,
        exports=exports_read,
        journal_entry=entry.id if entry is not None else None,
        changed_records=changeset.changed_records if changeset is not None and entry is not None else 0,
        dry_run=dry_run,
        refused=refused,
    )


def _read_export_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        import gzip

        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig")


def _dumps(value: Any) -> bytes:
    from beyan.jsonio import dumps

    return dumps(value).encode("utf-8")


def check_export(path: Path, *, corpus: Path | str | None, issues: Issues) -> None:
    """Every check of an import, without writing: against ``corpus`` if given, else each task's own text."""
    import secrets

    opened = Corpus.open(corpus) if corpus is not None else None
    run = ImportRun(opened, pseudonymizer=Pseudonymizer(secrets.token_hex(16)), require_origin=False)
    try:
        found = export_files(path)
        report_skipped(found, run.issues)
        for file in found.files:
            run.read(file)
    finally:
        run.close()
    for issue in run.issues.items:
        if issue.severity != "info":
            issues.items.append(issue)
            issues.counts[(issue.severity, issue.code)] += 1
