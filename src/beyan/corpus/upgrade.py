"""``beyan upgrade-corpus``: move a corpus from beyan 0.1's folder-per-article layout to layout 2.

Nothing is lost: every raw file is kept byte for byte inside its article record, every
annotation keeps its statements (field names follow the schema now: ``content`` became
``content_spans``), and the change is one journal entry whose ``before`` holds every old file,
so ``beyan undo`` puts the old layout back byte for byte.

Annotations of layout 1 were keyed ``label-studio/<project>/<task>/<annotation>``, with nothing
naming the server. Where a kept export (``labelstudio/*.json``) holds the same annotation, its
``unique_id`` becomes the annotation's identity; otherwise the ids are bound to ``instance``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from beyan import atomic
from beyan.corpus.annotations import origin_to_json
from beyan.corpus.articles import article_from_raw, raw_fields
from beyan.corpus.shards import ANNOTATIONS, ARTICLES
from beyan.corpus.store import CORPUS_FILE, LAYOUT, Corpus, CorpusInfo, default_corpus_info
from beyan.issues import BeyanError, Issues, fail
from beyan.jsonio import dumps, read_json
from beyan.records import Origin

OLD_ARTICLE_FILE = "article.json"
OLD_ANNOTATIONS_FILE = "annotations.json"
RENAMED = {
    "content": "content_spans",
    "speakers": "speaker_spans",
    "cues": "cue_spans",
    "addressees": "addressee_spans",
}
DEFAULT_INSTANCE = "legacy"


@dataclass(slots=True)
class UpgradeResult:
    articles: int = 0
    annotations: int = 0
    unique_ids_found: int = 0
    bound_to_instance: int = 0
    journal_entry: str | None = None
    already_current: bool = False
    notes: list[str] = field(default_factory=list)


def _unique_ids(root: Path) -> dict[tuple[Any, Any, Any], str]:
    """(project, task, annotation) -> unique_id, from the exports kept in the corpus."""
    found: dict[tuple[Any, Any, Any], set[str]] = {}
    folder = root / "labelstudio"
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            tasks = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError:
            continue
        for task in tasks if isinstance(tasks, list) else []:
            if not isinstance(task, dict):
                continue
            for annotation in task.get("annotations") or []:
                if isinstance(annotation, dict) and isinstance(annotation.get("unique_id"), str):
                    key = (task.get("project"), task.get("id"), annotation.get("id"))
                    found.setdefault(key, set()).add(annotation["unique_id"])
    return {key: next(iter(ids)) for key, ids in found.items() if len(ids) == 1}


def _statement(old: dict[str, Any]) -> dict[str, Any]:
    return {RENAMED.get(key, key): value for key, value in old.items()}


def upgrade_corpus(*, corpus: Path | str, instance: str = DEFAULT_INSTANCE) -> UpgradeResult:
    """Rewrite a layout-1 corpus in layout 2, journaled; a corpus already in layout 2 is left alone."""
    root = Path(corpus)
    info_path = root / CORPUS_FILE
    if not info_path.is_file():
        raise fail("not-a-corpus", (str(root),), f"no {CORPUS_FILE} here: this is not a beyan corpus", exit_code=2)
    atomic.recover(root)
    info = read_json(info_path, what="corpus file")
    result = UpgradeResult()
    if info.get("layout") == LAYOUT:
        result.already_current = True
        return result
    defaults = default_corpus_info()
    merged = {**defaults, **{k: v for k, v in info.items() if k in defaults}}
    merged.pop("layout")
    opened = Corpus(root, CorpusInfo(**merged), [])
    unique_ids = _unique_ids(root)
    changeset = opened.changeset(command="upgrade-corpus", source=[str(root)])
    issues = Issues()
    articles_dir = root / ARTICLES
    folders = sorted(p for p in articles_dir.iterdir() if p.is_dir()) if articles_dir.is_dir() else []
    for folder in folders:
        where = str(folder / OLD_ARTICLE_FILE)
        try:
            meta = read_json(folder / OLD_ARTICLE_FILE, what="article metadata")
            raw_path = folder / str(meta["source_file"])
            raw = raw_path.read_bytes()
            record = {**meta, **raw_fields(raw), "article_id": folder.name}
            article = article_from_raw(folder.name, raw, record, where=where)
        except (BeyanError, KeyError, OSError) as error:
            if isinstance(error, BeyanError):
                issues.extend(error.issues)
            else:
                issues.error("unreadable-article", (where,), f"cannot read the article: {error}")
            continue
        record["text_sha256"] = article.text_sha256
        changeset.put(ARTICLES, record)
        changeset.put_file(f"{ARTICLES}/{folder.name}/{OLD_ARTICLE_FILE}", None)
        changeset.put_file(f"{ARTICLES}/{folder.name}/{raw_path.name}", None)
        result.articles += 1
        annotations_path = folder / OLD_ANNOTATIONS_FILE
        if not annotations_path.is_file():
            continue
        stored = read_json(annotations_path, what="annotations file")
        for old in stored.get("annotations", []):
            origin = old["origin"]
            unique_id = unique_ids.get((origin.get("project"), origin.get("task"), origin.get("annotation")))
            new_origin = Origin(
                tool=origin.get("tool", "label-studio"),
                instance=None if unique_id else instance,
                project=origin.get("project"),
                task=origin["task"],
                annotation=origin.get("annotation"),
                unique_id=unique_id,
            )
            result.unique_ids_found += unique_id is not None
            result.bound_to_instance += unique_id is None
            changeset.put(
                ANNOTATIONS,
                {
                    "article_id": folder.name,
                    "key": new_origin.key,
                    "origin": origin_to_json(new_origin),
                    "annotator": old["annotator"],
                    "ground_truth": bool(old.get("ground_truth", False)),
                    "created_at": old.get("created_at"),
                    "updated_at": old.get("updated_at"),
                    "text_sha256": stored.get("text_sha256"),
                    "topics": old.get("topics", []),
                    "statements": [_statement(s) for s in old.get("statements", [])],
                },
            )
            result.annotations += 1
        changeset.put_file(f"{ARTICLES}/{folder.name}/{OLD_ANNOTATIONS_FILE}", None)
    if issues.has_errors:
        changeset.abort()
        raise BeyanError(issues)
    changeset.put_file(CORPUS_FILE, dumps({**info, "layout": LAYOUT}).encode("utf-8"))
    changeset.details = {"instance": instance, "unique_ids_found": result.unique_ids_found}
    entry = changeset.commit()
    result.journal_entry = entry.id if entry is not None else None
    if result.bound_to_instance:
        result.notes.append(
            f"{result.bound_to_instance} annotation(s) had no unique id in a kept export: bound to instance "
            f"{instance!r} (re-exports of them from that server must be imported with --instance {instance})"
        )
    return result
