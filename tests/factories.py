"""Small builders for invented test data: articles, statements, Label Studio tasks and exports.

Every name in here is invented; no statement is attributed to a real person.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from beyan.add_article import add_article
from beyan.labelstudio.to_results import statements_to_results
from beyan.records import AnnotatedStatement, Article, Span, Speaker


def news_file(
    *, title: str, body: str, date: str = "2025-03", section: str = "Politika", subtitle: str | None = None
) -> str:
    parts = [f" date {date} {section}", "", f"- {title}", ""]
    if subtitle:
        parts += [subtitle, ""]
    parts.append(body)
    return "\n".join(parts)


def write_article(corpus: Path, name: str, *, title: str, body: str, language: str = "tr", **kwargs: Any) -> Article:
    """Add an invented article in the seed's format to ``corpus``; returns it parsed."""
    source = corpus.parent / "incoming" / name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(news_file(title=title, body=body, **kwargs), "utf-8")
    return add_article(corpus=corpus, file=source, language=language).article


def span_of(text: str, needle: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle))


def statement(
    text: str,
    content: str,
    *,
    speaker: str | None = None,
    cue: str | None = None,
    addressee: str | None = None,
    quote_type: str = "direct",
    name: str | None = None,
    stance: str | None = None,
    target: str | None = None,
    parent: AnnotatedStatement | None = None,
    unknown: bool = False,
) -> AnnotatedStatement:
    return AnnotatedStatement(
        content_spans=(span_of(text, content),),
        quote_type=quote_type,
        speaker_spans=(span_of(text, speaker),) if speaker else (),
        cue_spans=(span_of(text, cue),) if cue else (),
        addressee_spans=(span_of(text, addressee),) if addressee else (),
        speaker_unknown=unknown,
        speaker=Speaker(name=name) if name else None,
        stance=stance,
        stance_target=target,
        parent=parent.content_spans if parent is not None else None,
    )


def task(
    text: str,
    annotations: list[dict[str, Any]],
    *,
    task_id: int = 1,
    project: int = 1,
    article_id: str | None = None,
    server: str | None = "test-server",
    **data: Any,
) -> dict[str, Any]:
    """A task of a full JSON export. Its annotations get the ``unique_id`` a server ``server`` would
    give them (stable for the same task and annotation ids); ``server=None`` makes an old-style export
    without unique ids."""
    payload = {"text": text, **({"article_id": article_id} if article_id else {}), **data}
    if server is not None:
        for item in annotations:
            if isinstance(item, dict) and "unique_id" not in item and isinstance(item.get("id"), int):
                item["unique_id"] = unique_id(item["id"], task_id, server)
    return {
        "id": task_id,
        "project": project,
        "data": payload,
        "annotations": annotations,
        "predictions": [],
        "drafts": [],
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    }


def unique_id(annotation_id: int, task_id: int = 1, server: str = "test-server") -> str:
    """A stable stand-in for the UUID Label Studio gives every annotation (kept across edits)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{server}/{task_id}/{annotation_id}"))


def annotation(
    results: list[dict[str, Any]],
    *,
    annotation_id: int = 1,
    user: int = 1,
    updated_at: str = "2026-01-02T00:00:00Z",
    ground_truth: bool = False,
    cancelled: bool = False,
) -> dict[str, Any]:
    """An annotation as Label Studio exports it (its ``unique_id`` is added by :func:`task`)."""
    return {
        "id": annotation_id,
        "completed_by": user,
        "result": results,
        "was_cancelled": cancelled,
        "ground_truth": ground_truth,
        "created_at": updated_at,
        "updated_at": updated_at,
        "lead_time": 1.0,
    }


def results_for(text: str, statements: list[AnnotatedStatement], topics: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return statements_to_results(statements, text, topics=topics)


def write_export(path: Path, tasks: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(tasks, ensure_ascii=False), "utf-8")
    return path
