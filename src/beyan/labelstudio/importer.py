"""``beyan import-labelstudio``: merge Label Studio exports into the corpus.

The export is streamed task by task. Each task is matched to its corpus article (by
``data.article_id`` and the text's SHA-256); its annotations are converted to statements
(:mod:`beyan.labelstudio.results`), annotator identities replaced by pseudonyms, and the
article's ``annotations.json`` staged. Everything lands in one transaction at the end,
so a failed or interrupted import changes nothing. A reconciliation counts every task,
annotation, region, relation and attribute read, imported and rejected; rejects go to a
JSON Lines file with their reasons.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from beyan import atomic
from beyan.corpus import (
    ANNOTATIONS_FILE,
    ARTICLE_FILE,
    Corpus,
    annotation_from_json,
    annotation_to_json,
    annotations_document,
    article_from_raw,
    article_id_for,
    article_meta,
)
from beyan.issues import BeyanError, Issues, fail
from beyan.jsonio import dumps
from beyan.labelstudio.export_reader import ExportTask, ReadState, export_files, read_export
from beyan.labelstudio.results import (
    ATTRIBUTE,
    DOCUMENT,
    OTHER,
    REGION,
    RELATION,
    AnnotationConverter,
    TaskText,
    json_type,
)
from beyan.readers.news_text import parse_published, sha256_hex
from beyan.records import Annotation, Article, Origin, Rights
from beyan.schema.types import AnnotationInterface, DocumentChoices
from beyan.schema.v1 import INTERFACE
from beyan.transforms.offsets import normalize_newlines
from beyan.transforms.pseudonymize import Pseudonymizer

TASKS = "tasks"
ANNOTATIONS = "annotations"
DRAFTS = "drafts"
PREDICTIONS = "predictions"
KINDS = (TASKS, ANNOTATIONS, REGION, RELATION, ATTRIBUTE, DOCUMENT, OTHER, DRAFTS, PREDICTIONS)

Progress = Callable[[int], None]


@dataclass(slots=True)
class Reconciliation:
    """For every kind of item: read = imported + rejected."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts[(kind, "read")] += n
        self.counts[(kind, outcome)] += n

    def merge(self, counts: Counter[tuple[str, str]]) -> None:
        self.counts.update(counts)

    def row(self, kind: str) -> tuple[int, int, int]:
        return self.counts[(kind, "read")], self.counts[(kind, "imported")], self.counts[(kind, "rejected")]

    def balanced(self) -> bool:
        return all(read == imported + rejected for read, imported, rejected in map(self.row, KINDS))

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {
            kind: dict(zip(("read", "imported", "rejected"), self.row(kind), strict=True))
            for kind in KINDS
            if self.row(kind)[0]
        }

    def render(self) -> str:
        lines = [f"{'':20} {'read':>9} {'imported':>9} {'rejected':>9}"]
        for kind, row in self.to_dict().items():
            lines.append(f"{kind:20} {row['read']:>9} {row['imported']:>9} {row['rejected']:>9}")
        return "\n".join(lines)


@dataclass(slots=True)
class ImportResult:
    reconciliation: Reconciliation
    issues: Issues
    outcomes: Counter[str]
    rejects_path: Path | None
    articles_added: list[str]
    exports: list[dict[str, Any]]
    changed_files: int

    def summary(self) -> str:
        parts = [f"{n} {outcome}" for outcome, n in sorted(self.outcomes.items())]
        return "tasks: " + (", ".join(parts) if parts else "none")


class _RejectsWriter:
    """Rejects streamed to a JSON Lines file beside the target, moved into place at the end."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None
        self._tmp: Path | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic.remove_stale_siblings(path)
            self._tmp = atomic.temporary_sibling(path)
            self._handle = open(self._tmp, "w", encoding="utf-8")

    def write(self, kind: str, location: tuple[str, ...], code: str, reason: str) -> None:
        self.count += 1
        if self._handle is not None:
            record = {"kind": kind, "location": " > ".join(location), "code": code, "reason": reason}
            self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self, *, keep: bool) -> None:
        if self._handle is None or self._tmp is None or self.path is None:
            return
        self._handle.close()
        if keep:
            os.replace(self._tmp, self.path)
        else:
            self._tmp.unlink(missing_ok=True)


def _kind_of(result: Any, interface: AnnotationInterface) -> str:
    if not isinstance(result, dict):
        return OTHER
    kind = result.get("type")
    if kind == "labels":
        return REGION
    if kind == "relation":
        return RELATION
    if kind in ("choices", "textarea"):
        control = interface.control(str(result.get("from_name")))
        return DOCUMENT if isinstance(control, DocumentChoices) else ATTRIBUTE
    return OTHER


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class LabelStudioImport:
    """One import run over one or more export files into one corpus."""

    def __init__(
        self,
        corpus: Corpus | None,
        *,
        pseudonymizer: Pseudonymizer,
        add_articles: bool,
        language: str | None,
        rejects: _RejectsWriter,
        interface: AnnotationInterface = INTERFACE,
        progress: Progress | None = None,
    ) -> None:
        self.corpus = corpus
        self.pseudonymizer = pseudonymizer
        self.add_articles = add_articles
        self.language = language
        self.rejects = rejects
        self.interface = interface
        self.progress = progress
        self.issues = Issues()
        self.reconciliation = Reconciliation()
        self.outcomes: Counter[str] = Counter()
        # Without a corpus (validating an export on its own), each task is checked against its own text.
        self.txn = corpus.transaction() if corpus is not None else None
        self.articles_added: list[str] = []
        self._added: set[str] = set()
        self._by_text: dict[str, str] | None = None
        self._articles: dict[str, Article] = {}
        self._staged: set[str] = set()
        self._seen_tasks: dict[tuple[Any, int], tuple[str, int]] = {}
        self._foreign_names: set[str] = set()  # label controls of another config seen in this file
        self.tasks_done = 0

    # ------------------------------------------------------------ articles

    def _text_index(self) -> dict[str, str]:
        """text_sha256 -> article id over the corpus, built on first need."""
        if self._by_text is None:
            self._by_text = {}
            assert self.corpus is not None
            for article_id in self.corpus.article_ids():
                article = self._article(article_id)
                self._by_text.setdefault(article.text_sha256, article_id)
        return self._by_text

    def _article(self, article_id: str) -> Article:
        article = self._articles.get(article_id)
        if article is None:
            assert self.corpus is not None
            if article_id in self._added:  # created by this import: read back from the staging area
                staged = self.corpus.articles_dir / article_id / ARTICLE_FILE
                assert self.txn is not None
                meta = json.loads(self.txn.staged_path(self._relative(staged)).read_text("utf-8"))
                raw = self.txn.staged_path(self._relative(staged.parent / meta["source_file"])).read_bytes()
                article = article_from_raw(article_id, raw, meta, meta_where=str(staged), raw_where=str(staged))
            else:
                article = self.corpus.read_article(article_id)
            self._remember(article)
        return article

    def _remember(self, article: Article) -> None:
        """A small cache: tasks of one article usually follow each other; memory must not grow with the export."""
        if len(self._articles) >= 256:
            self._articles.pop(next(iter(self._articles)))
        self._articles[article.article_id] = article

    def _relative(self, path: Path) -> str:
        assert self.corpus is not None
        return path.relative_to(self.corpus.root).as_posix()

    def _match(self, data: dict[str, Any], text: str, where: tuple[str, ...]) -> Article | None:
        """The corpus article this task annotates, or None (rejected, issue recorded)."""
        declared = data.get("article_id")
        normalized_sha = sha256_hex(normalize_newlines(text).encode("utf-8"))
        if self.corpus is None:
            return _standalone_article(text)
        article: Article | None = None
        if isinstance(declared, str) and self.corpus.has_article(declared):
            article = self._article(declared)
        else:
            article_id = self._text_index().get(normalized_sha)
            if article_id is not None:
                article = self._article(article_id)
        if article is None:
            if self.add_articles:
                return self._new_article(data, text, where)
            self.issues.error(
                "unknown-article",
                where,
                "the task's article is not in the corpus",
                found=f"data.article_id={declared!r}, text sha256 {normalized_sha[:16]}…",
                hint="add the article first (`beyan add-article`), or pass --add-articles to create it from the task",
            )
            return None
        if normalize_newlines(text) != article.text:
            first = next(
                (i for i, (a, b) in enumerate(zip(normalize_newlines(text), article.text, strict=False)) if a != b),
                min(len(text), len(article.text)),
            )
            self.issues.error(
                "task-text-mismatch",
                where,
                f"the task's text differs from corpus article {article.article_id} (first at character {first})",
                expected=repr(article.text[max(0, first - 20) : first + 20]),
                found=repr(normalize_newlines(text)[max(0, first - 20) : first + 20]),
                hint="the text was edited in Label Studio after import; beyan never re-anchors spans silently. "
                "Restore the task text, or add the edited text as a new article",
            )
            return None
        declared_sha = data.get("text_sha256")
        if isinstance(declared_sha, str) and declared_sha not in (
            article.text_sha256,
            sha256_hex(text.encode("utf-8")),
        ):
            self.issues.warning(
                "text-hash-mismatch",
                (*where, "data.text_sha256"),
                "the task's declared text hash does not match its text; the text itself matches the corpus",
                expected=article.text_sha256,
                found=declared_sha,
            )
        return article

    def _new_article(self, data: dict[str, Any], text: str, where: tuple[str, ...]) -> Article | None:
        raw = text.encode("utf-8")
        article_id = article_id_for(raw)
        if article_id in self._added:
            return self._article(article_id)
        language = data.get("language") if isinstance(data.get("language"), str) else self.language
        if language is None:
            self.issues.error(
                "missing-language",
                where,
                "a new article needs a language",
                hint="give data.language in the task, or pass --language",
            )
            return None
        extra: dict[str, Any] = {}
        for key in ("title", "section"):
            if isinstance(data.get(key), str):
                extra[key] = data[key]
        if data.get("published") is not None:
            try:
                extra["published"] = parse_published(str(data["published"]), where=(*where, "data.published")).value
            except BeyanError as error:
                self.issues.extend(error.issues)
                return None
        source_file = f"{article_id}.txt"  # never a name taken from the task: it could be anything
        meta = article_meta(
            article_id=article_id,
            source_file=source_file,
            fmt="plain",
            language=language,
            rights=Rights.unknown("Created from a Label Studio task by --add-articles; rights not yet cleared."),
            source=data.get("source") if isinstance(data.get("source"), str) else None,
            source_id=data.get("article_id") if isinstance(data.get("article_id"), str) else None,
            url=data.get("url") if isinstance(data.get("url"), str) else None,
            extra=extra,
        )
        try:
            article = article_from_raw(article_id, raw, meta, meta_where=" > ".join(where), raw_where=" > ".join(where))
        except BeyanError as error:
            self.issues.extend(error.issues)
            return None
        assert self.corpus is not None and self.txn is not None
        folder = self.corpus.articles_dir / article_id
        self.txn.write_bytes(folder / meta["source_file"], raw)
        self.txn.write_text(folder / ARTICLE_FILE, dumps(meta))
        self._remember(article)
        self._text_index()[article.text_sha256] = article_id
        self.articles_added.append(article_id)
        self._added.add(article_id)
        self.issues.info("article-added", where, f"created corpus article {article_id} from the task (rights unknown)")
        return article

    # ------------------------------------------------------------ stored annotations

    def _stored(self, article_id: str) -> list[Annotation]:
        if self.corpus is None or self.txn is None:
            return []
        if article_id in self._staged:
            staged = self.txn.staged_path(self._relative(self.corpus.articles_dir / article_id / ANNOTATIONS_FILE))
            data = json.loads(staged.read_text("utf-8"))
            return [annotation_from_json(a, article_id=article_id) for a in data["annotations"]]
        _, annotations = self.corpus.read_annotations(article_id)
        return annotations

    # ------------------------------------------------------------ tasks

    def run(self, path: Path) -> dict[str, Any]:
        state = ReadState()
        before = self.reconciliation.row(REGION)
        foreign_before = self.issues.counts[("error", "unknown-control")]
        self._foreign_names.clear()
        for export_task in read_export(path, state):
            self._task(export_task)
            self.tasks_done += 1
            if self.progress is not None and self.tasks_done % 500 == 0:
                self.progress(self.tasks_done)
        if state.had_bom:
            self.issues.warning("bom", (str(path),), "the export starts with a byte-order mark; it was skipped")
        read, imported, _ = (now - then for now, then in zip(self.reconciliation.row(REGION), before, strict=True))
        if read and not imported and self.issues.counts[("error", "unknown-control")] > foreign_before:
            # One cause, one report: the per-result errors it explains stay in the rejects file only.
            names = sorted(self._foreign_names)
            self.issues.drop(
                lambda issue: (
                    issue.location[:1] == (str(path),) and issue.code in ("unknown-control", "annotation-unusable")
                )
            )
            self.issues.error(
                "foreign-config",
                (str(path),),
                "no region of this export uses beyan's labeling config: it comes from another project",
                expected=f"labels from '{self.interface.labels_name}' with roles {self.interface.roles.names}",
                found="labels from " + ", ".join(repr(n) for n in names) if names else None,
                hint="export the project that uses `beyan labelstudio-config`",
            )
        self._foreign_names.clear()
        return {"file": path.name, "sha256": state.sha256}

    def _reject_task(self, export_task: ExportTask, code: str, reason: str) -> None:
        """Count a rejected task and everything inside it as rejected."""
        where = (export_task.file, export_task.label)
        self.reconciliation.add(TASKS, "rejected")
        self.rejects.write(TASKS, where, code, reason)
        self.outcomes["rejected"] += 1
        task = export_task.task if isinstance(export_task.task, dict) else {}
        annotations = task.get("annotations")
        for annotation in annotations if isinstance(annotations, list) else []:
            self._reject_annotation_items(annotation, (*where, "annotation"), code, f"task rejected: {reason}")
        self._count_side_items(task, where)

    def _reject_annotation_items(self, annotation: Any, where: tuple[str, ...], code: str, reason: str) -> None:
        self.reconciliation.add(ANNOTATIONS, "rejected")
        self.rejects.write(ANNOTATIONS, where, code, reason)
        results = annotation.get("result") if isinstance(annotation, dict) else None
        for result in results if isinstance(results, list) else []:
            self.reconciliation.add(_kind_of(result, self.interface), "rejected")

    def _count_side_items(self, task: dict[str, Any], where: tuple[str, ...]) -> None:
        """Drafts and predictions are read and reported, never mistaken for gold."""
        for kind, code, reason in (
            (DRAFTS, "draft-not-submitted", "a draft is unfinished work, not an annotation"),
            (PREDICTIONS, "prediction-not-gold", "a prediction is a model's suggestion, not an annotation"),
        ):
            items = task.get(kind)
            if isinstance(items, list) and items:
                self.reconciliation.add(kind, "rejected", len(items))
                for item in items:
                    item_id = item.get("id") if isinstance(item, dict) else item
                    self.rejects.write(kind, (*where, f"{kind[:-1]} {item_id}"), code, reason)

    def _task(self, export_task: ExportTask) -> None:
        where = (export_task.file, export_task.label)
        task = export_task.task
        if not isinstance(task, dict):
            self.issues.error("wrong-type", where, "a task must be a JSON object", found=json_type(task))
            self._reject_task(export_task, "wrong-type", "not an object")
            return
        data = task.get("data")
        task_id = _int_or_none(task.get("id"))
        if "data" in task and not isinstance(data, dict):
            self.issues.error("wrong-type", (*where, "data"), "data must be an object", found=json_type(data))
            self._reject_task(export_task, "wrong-type", "data is not an object")
            return
        if not isinstance(data, dict) or "annotations" not in task:
            self.issues.error(
                "not-a-full-export",
                where,
                "the task lacks 'data' or 'annotations': this is not Label Studio's full JSON export",
                hint="export with 'JSON' (not JSON_MIN), or use `beyan import-labelstudio --url ... --project ...`",
            )
            self._reject_task(export_task, "not-a-full-export", "no data or annotations")
            return
        if task_id is None:
            self.issues.error("missing-id", where, "the task has no integer id", found=repr(task.get("id")))
            self._reject_task(export_task, "missing-id", "no task id")
            return
        project = _int_or_none(task.get("project"))
        first = self._seen_tasks.get((project, task_id))
        if first is not None:
            self.issues.error(
                "duplicate-task",
                where,
                f"this task id appears twice; the first copy (task #{first[1]} of {first[0]}) was used, "
                "this one is not",
                hint="an export lists each task once: was the file edited or concatenated? Export the project again",
            )
            self._reject_task(export_task, "duplicate-task", "task id seen before in this import")
            return
        self._seen_tasks[(project, task_id)] = (export_task.file, export_task.index)  # one shared file name
        text = data.get(self.interface.text_name)
        if not isinstance(text, str):
            code, message = (
                ("missing-text", "the task has no text")
                if text is None
                else ("wrong-type", "the task's text must be a string")
            )
            self.issues.error(code, (*where, f"data.{self.interface.text_name}"), message, found=json_type(text))
            self._reject_task(export_task, code, message)
            return
        annotations = task.get("annotations")
        if not isinstance(annotations, list):
            self.issues.error(
                "wrong-type", (*where, "annotations"), "annotations must be a list", found=json_type(annotations)
            )
            self._reject_task(export_task, "wrong-type", "annotations is not a list")
            return
        article = self._match(data, text, where)
        if article is None:
            self._reject_task(export_task, "unmatched", "no matching corpus article")
            return
        self.reconciliation.add(TASKS, "imported")
        self._count_side_items(task, where)
        task_text = TaskText.of(text)
        incoming: list[Annotation] = []
        seen_ids: set[int] = set()
        for index, annotation in enumerate(annotations):
            annotation_id = _int_or_none(annotation.get("id")) if isinstance(annotation, dict) else None
            if annotation_id is not None and annotation_id in seen_ids:
                at = (*where, f"annotation {annotation_id}")
                self.issues.error(
                    "duplicate-id", at, "this annotation id appears twice in the task; the second copy is not imported"
                )
                self._reject_annotation_items(annotation, at, "duplicate-id", "annotation id seen before in this task")
                continue
            if annotation_id is not None:
                seen_ids.add(annotation_id)
            converted = self._annotation(annotation, index, project, task_id, article, task_text, where)
            if converted is not None:
                incoming.append(converted)
        self._merge(article, project, task_id, incoming, where)

    def _annotation(
        self,
        annotation: Any,
        index: int,
        project: int | None,
        task_id: int,
        article: Article,
        task_text: TaskText,
        where: tuple[str, ...],
    ) -> Annotation | None:
        if not isinstance(annotation, dict):
            self.issues.error(
                "wrong-type",
                (*where, f"annotation #{index}"),
                "an annotation must be an object",
                found=json_type(annotation),
            )
            self._reject_annotation_items(annotation, (*where, f"annotation #{index}"), "wrong-type", "not an object")
            return None
        annotation_id = _int_or_none(annotation.get("id"))
        at = (*where, f"annotation {annotation_id if annotation_id is not None else '#' + str(index)}")
        if annotation_id is None:
            self.issues.error("missing-id", at, "the annotation has no integer id", found=repr(annotation.get("id")))
            self._reject_annotation_items(annotation, at, "missing-id", "no annotation id")
            return None
        if annotation.get("was_cancelled"):
            self.issues.info("cancelled-annotation", at, "the annotator skipped (cancelled) this task; not imported")
            self._reject_annotation_items(
                annotation, at, "cancelled-annotation", "cancelled (skipped) by the annotator"
            )
            return None
        results = annotation.get("result")
        if not isinstance(results, list):
            self.issues.error("wrong-type", (*at, "result"), "result must be a list", found=json_type(results))
            self._reject_annotation_items(annotation, at, "wrong-type", "result is not a list")
            return None
        self._foreign_names.update(
            str(r.get("from_name"))
            for r in results
            if isinstance(r, dict) and r.get("type") == "labels" and r.get("from_name") != self.interface.labels_name
        )
        dated = annotation.get("created_at") or annotation.get("updated_at")
        converter = AnnotationConverter(
            self.interface,
            task_text,
            article.text,
            self.issues,
            at,
            annotated_at=dated if isinstance(dated, str) else None,
        )
        conversion = converter.convert(results)
        self.reconciliation.merge(conversion.counts)
        for kind, location, code, reason in conversion.rejects:
            self.rejects.write(kind, location, code, reason)
        if results and not conversion.statements and not conversion.topics:
            self.issues.error(
                "annotation-unusable",
                at,
                "nothing in this annotation could be imported",
                hint="see the errors below for each result",
            )
            self.reconciliation.add(ANNOTATIONS, "rejected")
            self.rejects.write(ANNOTATIONS, at, "annotation-unusable", "no result could be imported")
            return None
        if not results:
            self.issues.warning(
                "empty-annotation", at, "the annotation is empty: it says the article has no statements"
            )
        self.reconciliation.add(ANNOTATIONS, "imported")
        identity = annotation.get("completed_by")
        username = annotation.get("created_username")
        if not isinstance(identity, dict) and isinstance(username, str) and "@" in username:
            identity = username
        origin = Origin("label-studio", project, task_id, annotation_id)
        return Annotation(
            key=origin.key,
            article_id=article.article_id,
            annotator=self.pseudonymizer.of_user(identity),
            origin=origin,
            ground_truth=bool(annotation.get("ground_truth", False)),
            created_at=annotation.get("created_at") if isinstance(annotation.get("created_at"), str) else None,
            updated_at=annotation.get("updated_at") if isinstance(annotation.get("updated_at"), str) else None,
            topics=conversion.topics,
            statements=tuple(conversion.statements),
        )

    def _merge(
        self, article: Article, project: int | None, task_id: int, incoming: list[Annotation], where: tuple[str, ...]
    ) -> None:
        """Replace this task's stored annotations by the incoming ones when they are as new or newer."""
        stored = self._stored(article.article_id)
        prefix = Origin("label-studio", project, task_id, None).task_key + "/"
        same_task = [a for a in stored if a.key.startswith(prefix)]
        others = [a for a in stored if not a.key.startswith(prefix)]
        if not incoming:
            self.outcomes["nothing to import"] += 1
            return

        def as_json(items: list[Annotation]) -> list[dict[str, Any]]:
            return [annotation_to_json(a) for a in sorted(items, key=lambda a: a.key)]

        if as_json(same_task) == as_json(incoming):
            self.outcomes["unchanged"] += 1
            return
        if same_task:
            newest_stored = max(a.updated_at or a.created_at or "" for a in same_task)
            newest_incoming = max(a.updated_at or a.created_at or "" for a in incoming)
            if newest_incoming < newest_stored:
                self.issues.warning(
                    "older-export",
                    where,
                    "the corpus holds newer annotations of this task; this export's are not imported",
                    expected=f"updated at or after {newest_stored}",
                    found=newest_incoming,
                )
                self.reconciliation.counts[(ANNOTATIONS, "imported")] -= len(incoming)
                self.reconciliation.counts[(ANNOTATIONS, "rejected")] += len(incoming)
                for annotation in incoming:
                    self.rejects.write(
                        ANNOTATIONS,
                        (*where, f"annotation {annotation.origin.annotation}"),
                        "older-export",
                        "older than the stored annotation",
                    )
                self.outcomes["older, kept stored"] += 1
                return
            self.issues.info(
                "task-replaced",
                where,
                f"replaced {len(same_task)} stored annotation(s) of this task with {len(incoming)} from this export",
            )
            self.outcomes["replaced"] += 1
        else:
            self.outcomes["new"] += 1
        if self.corpus is None or self.txn is None:
            return
        path = self.corpus.articles_dir / article.article_id / ANNOTATIONS_FILE
        self.txn.write_text(path, annotations_document(article.article_id, article.text_sha256, others + incoming))
        self._staged.add(article.article_id)


def _standalone_article(text: str) -> Article:
    """A task's own text as an article, for checking an export without a corpus."""
    normalized = normalize_newlines(text)
    return Article(
        article_id=article_id_for(text.encode("utf-8")),
        language="und",
        text=normalized,
        text_sha256=sha256_hex(normalized.encode("utf-8")),
        rights=Rights.unknown(),
    )


def import_labelstudio(
    *,
    corpus: Path | str,
    exports: list[Path | str] | None = None,
    url: str | None = None,
    project: int | None = None,
    add_articles: bool = False,
    language: str | None = None,
    rejects: Path | str | None = None,
    keep_export: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import Label Studio full JSON exports (files, folders, or pulled from a server) into ``corpus``.

    Nothing is written unless the whole run succeeds; with ``dry_run`` nothing is written at all.
    """
    opened = Corpus.open(corpus)
    paths: list[Path] = []
    temporary: Path | None = None
    if url is not None:
        if project is None:
            raise fail("missing-project", ("--project",), "pulling from a server needs the project id", exit_code=2)
        from beyan.labelstudio.client import download_export

        temporary = download_export(url=url, project=project)
        paths = [temporary]
    for export in exports or []:
        paths.extend(export_files(Path(export)))
    if not paths:
        raise fail("no-exports", (), "nothing to import: give export files or --url and --project", exit_code=2)
    pseudonymizer = Pseudonymizer.from_environment()
    writer = _RejectsWriter(None if dry_run or rejects is None else Path(rejects))
    run = LabelStudioImport(
        opened,
        pseudonymizer=pseudonymizer,
        add_articles=add_articles,
        language=language,
        rejects=writer,
        progress=progress,
    )
    exports_read: list[dict[str, Any]] = []
    assert run.txn is not None
    try:
        for path in paths:
            exports_read.append(run.run(path))
            if keep_export and not dry_run:
                archived = pseudonymizer.scrub(json.loads(path.read_bytes().decode("utf-8-sig")))
                target = opened.root / "labelstudio" / f"{path.stem}.{exports_read[-1]['sha256'][:12]}.json"
                run.txn.write_text(target, dumps(archived))
        if not run.reconciliation.balanced():  # pragma: no cover - an internal invariant
            raise BeyanError(f"internal error: the reconciliation does not add up:\n{run.reconciliation.render()}")
        changed = run.txn.changes
        if dry_run:
            run.txn.abort()
        else:
            run.txn.commit()
    except BaseException:
        run.txn.abort()
        writer.close(keep=False)
        raise
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    writer.close(keep=True)
    return ImportResult(
        reconciliation=run.reconciliation,
        issues=run.issues,
        outcomes=run.outcomes,
        rejects_path=writer.path,
        articles_added=run.articles_added,
        exports=exports_read,
        changed_files=changed,
    )
