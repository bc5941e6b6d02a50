"""Step 4 of an import: the plan of what it changes, task by task, and the guard on stored gold.

For every task, the annotations it brings are compared with those stored for its article:

* **added**: an annotation the corpus does not have (its identity is new);
* **replaced**: a newer version of a stored annotation (same identity, later ``updated_at``);
* **unchanged**: the same annotation, byte for byte;
* **older**: an older version of a stored annotation: the stored one is kept;
* **removed**: a stored annotation of the same task (same Label Studio instance, project and
  task) that the export no longer has: it was deleted in Label Studio.

Statements are compared by their content spans: added, removed, changed, unchanged. A plan
that removes an annotation, drops statements from one, or changes a ground-truth annotation's
statements is refused unless the user passes ``--replace``: stored gold never shrinks by
accident. Planning works one shard at a time (an article's annotations all live in one shard).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson

from beyan.corpus.journal import Change
from beyan.corpus.shards import ShardLine, encode
from beyan.issues import Issues

ADDED, REPLACED, REMOVED, UNCHANGED, OLDER = "added", "replaced", "removed", "unchanged", "older"
ANNOTATION_OUTCOMES = (ADDED, REPLACED, REMOVED, UNCHANGED, OLDER)
STATEMENT_OUTCOMES = ("added", "removed", "changed", "unchanged")
REPLACE_HINT = "if that is what you want, run the import again with --replace (see it first with --dry-run)"


@dataclass(slots=True)
class IncomingAnnotation:
    """An annotation that passed every check, as its stored line; its record is parsed only when needed."""

    key: str
    line: bytes
    location: list[str]
    counts: dict[str, int]  # items of the annotation, by kind (for the reconciliation)
    updated: str
    ground_truth: bool
    statements: int
    _record: dict[str, Any] | None = None

    @property
    def record(self) -> dict[str, Any]:
        if self._record is None:
            self._record = orjson.loads(self.line)
        return self._record

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "line": self.line.decode("utf-8"),
            "location": self.location,
            "counts": self.counts,
            "updated": self.updated,
            "ground_truth": self.ground_truth,
            "statements": self.statements,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> IncomingAnnotation:
        value = dict(value)
        value["line"] = value["line"].encode("utf-8")
        return cls(**value)


@dataclass(slots=True)
class IncomingTask:
    """What phase one made of a task that passed every check: its article and its annotations."""

    location: list[str]
    article_id: str
    task_key: str | None
    new_article: dict[str, Any] | None
    annotations: list[IncomingAnnotation]

    def to_line(self) -> bytes:
        return (
            orjson.dumps(
                {
                    "location": self.location,
                    "article_id": self.article_id,
                    "task_key": self.task_key,
                    "new_article": self.new_article,
                    "annotations": [a.to_json() for a in self.annotations],
                }
            )
            + b"\n"
        )

    @classmethod
    def from_line(cls, line: bytes) -> IncomingTask:
        value = orjson.loads(line)
        return cls(
            location=value["location"],
            article_id=value["article_id"],
            task_key=value["task_key"],
            new_article=value["new_article"],
            annotations=[IncomingAnnotation.from_json(a) for a in value["annotations"]],
        )


@dataclass(slots=True)
class TaskPlan:
    location: list[str]
    article_id: str
    article_added: bool = False
    annotations: Counter[str] = field(default_factory=Counter)
    statements: Counter[str] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)  # codes of the refusals

    @property
    def outcome(self) -> str:
        if self.refused:
            return "refused"
        changes = [o for o in (ADDED, REPLACED, REMOVED) if self.annotations[o]]
        if not changes:
            return "older, kept stored" if self.annotations[OLDER] else "unchanged"
        return "new" if changes == [ADDED] and not self.annotations[UNCHANGED] else "+".join(changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "location": " > ".join(self.location),
            "article_id": self.article_id,
            "outcome": self.outcome,
            "article_added": self.article_added,
            "annotations": {o: self.annotations[o] for o in ANNOTATION_OUTCOMES},
            "statements": {o: self.statements[o] for o in STATEMENT_OUTCOMES},
            "refused": self.refused,
        }


@dataclass(slots=True)
class ShardPlan:
    """The changes to one shard's records: key -> (record, line), or None to delete."""

    annotations: dict[str, Change] = field(default_factory=dict)
    articles: dict[str, Change] = field(default_factory=dict)
    older: list[IncomingAnnotation] = field(default_factory=list)


def _statements(record: dict[str, Any]) -> dict[bytes, bytes]:
    """content spans -> the statement's JSON, for comparing versions of an annotation."""
    return {
        orjson.dumps(s["content_spans"]): orjson.dumps(s, option=orjson.OPT_SORT_KEYS) for s in record["statements"]
    }


def _compare(before: dict[str, Any] | None, after: dict[str, Any] | None) -> Counter[str]:
    old = _statements(before) if before is not None else {}
    new = _statements(after) if after is not None else {}
    counts: Counter[str] = Counter()
    for content, statement in new.items():
        if content not in old:
            counts["added"] += 1
        else:
            counts["changed" if old[content] != statement else "unchanged"] += 1
    counts["removed"] += sum(1 for content in old if content not in new)
    return counts


def _recency(record: dict[str, Any]) -> str:
    return str(record.get("updated_at") or record.get("created_at") or "")


def plan_shard(
    tasks: list[IncomingTask],
    stored_annotations: list[ShardLine],
    stored_articles: list[ShardLine],
    *,
    replace: bool,
    issues: Issues,
) -> tuple[list[TaskPlan], ShardPlan]:
    """The plans of the tasks of one shard and the record changes they make (refused ones excluded)."""
    stored = {line.key: line for line in stored_annotations}
    by_task_key: dict[str, list[ShardLine]] = {}
    for line in stored_annotations:
        origin = line.record.get("origin") or {}
        task_key = _task_key(origin)
        if task_key is not None:
            by_task_key.setdefault(task_key, []).append(line)
    articles = {line.key for line in stored_articles}
    shard = ShardPlan()
    plans: list[TaskPlan] = []
    for task in tasks:
        plan = TaskPlan(task.location, task.article_id)
        changes: dict[str, Change] = {}
        incoming_keys = {a.key for a in task.annotations}
        for annotation in task.annotations:
            current = stored.get(annotation.key)
            if current is None:
                plan.annotations[ADDED] += 1
                plan.statements["added"] += annotation.statements
                changes[annotation.key] = (task.article_id, annotation.line)
                continue
            if current.article_id != task.article_id:  # pragma: no cover - ids are article-local
                issues.error("origin-conflict", annotation.location, "this annotation is stored for another article")
                plan.refused.append("origin-conflict")
                continue
            if current.line == annotation.line:
                plan.annotations[UNCHANGED] += 1
                continue
            if annotation.updated < _recency(current.record):
                issues.warning(
                    "older-export",
                    annotation.location,
                    "the corpus holds a newer version of this annotation; this export's is not imported",
                    expected=f"updated at or after {_recency(current.record)}",
                    found=annotation.updated,
                )
                plan.annotations[OLDER] += 1
                shard.older.append(annotation)
                continue
            counts = _compare(current.record, annotation.record)
            plan.annotations[REPLACED] += 1
            plan.statements.update(counts)
            changes[annotation.key] = (task.article_id, annotation.line)
            if replace:
                continue
            if counts["removed"]:
                plan.refused.append("would-drop-statements")
                issues.error(
                    "would-drop-statements",
                    annotation.location,
                    f"this newer version of a stored annotation drops {counts['removed']} of its statements",
                    hint=REPLACE_HINT,
                )
            elif current.record.get("ground_truth") and (
                counts["changed"] or not annotation.record.get("ground_truth")
            ):
                plan.refused.append("would-change-ground-truth")
                issues.error(
                    "would-change-ground-truth",
                    annotation.location,
                    "this would change a stored ground-truth annotation"
                    + ("" if annotation.ground_truth else " and unflag it"),
                    found=f"{counts['changed']} statement(s) changed",
                    hint=REPLACE_HINT,
                )
        for line in by_task_key.get(task.task_key, []) if task.task_key is not None else []:
            if line.key in incoming_keys:
                continue
            plan.annotations[REMOVED] += 1
            plan.statements.update({"removed": len(line.record.get("statements", []))})
            changes[line.key] = None
            if not replace:
                plan.refused.append("would-remove-annotation")
                issues.error(
                    "would-remove-annotation",
                    (*task.location, f"stored annotation {line.key}"),
                    "the export no longer has this annotation of the task (deleted in Label Studio?): importing "
                    "would remove it from the corpus"
                    + (" (it is a ground-truth annotation)" if line.record.get("ground_truth") else ""),
                    hint=REPLACE_HINT,
                )
        if (
            task.new_article is not None
            and task.article_id not in articles
            and any(v is not None for v in changes.values())
        ):
            plan.article_added = True
            articles.add(task.article_id)
            shard.articles[task.article_id] = (task.article_id, encode(task.new_article))
        if not plan.refused:
            shard.annotations.update(changes)
            for key, change in changes.items():
                if change is not None:  # a later task of this import sees it
                    stored[key] = ShardLine(key, change[0], change[1])
        plans.append(plan)
    return plans, shard


def _task_key(origin: dict[str, Any]) -> str | None:
    instance = origin.get("instance")
    if instance is None:
        return None
    project = origin.get("project")
    return f"{instance}/{project if project is not None else 'default'}/{origin.get('task')}"
