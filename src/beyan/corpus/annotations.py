"""Annotation records: one stored line per annotation, converted by walking the schema."""

from __future__ import annotations

from typing import Any

from beyan.fields import annotated_from_stored, annotated_to_stored
from beyan.issues import fail
from beyan.records import Annotation, Origin


def origin_to_json(origin: Origin) -> dict[str, Any]:
    return {
        "tool": origin.tool,
        "instance": origin.instance,
        "project": origin.project,
        "task": origin.task,
        "annotation": origin.annotation,
        "unique_id": origin.unique_id,
    }


def origin_from_json(value: dict[str, Any]) -> Origin:
    return Origin(
        tool=value["tool"],
        instance=value.get("instance"),
        project=value.get("project"),
        task=value["task"],
        annotation=value.get("annotation"),
        unique_id=value.get("unique_id"),
    )


def annotation_to_record(annotation: Annotation) -> dict[str, Any]:
    return {
        "article_id": annotation.article_id,
        "key": annotation.key,
        "origin": origin_to_json(annotation.origin),
        "annotator": annotation.annotator,
        "ground_truth": annotation.ground_truth,
        "created_at": annotation.created_at,
        "updated_at": annotation.updated_at,
        "text_sha256": annotation.text_sha256,
        "topics": list(annotation.topics),
        "statements": [annotated_to_stored(s) for s in sorted(annotation.statements, key=lambda s: s.content_spans)],
    }


def annotation_from_record(value: dict[str, Any], *, where: str) -> Annotation:
    try:
        return Annotation(
            key=value["key"],
            article_id=value["article_id"],
            annotator=value["annotator"],
            origin=origin_from_json(value["origin"]),
            ground_truth=bool(value.get("ground_truth", False)),
            created_at=value.get("created_at"),
            updated_at=value.get("updated_at"),
            topics=tuple(value.get("topics", [])),
            statements=tuple(annotated_from_stored(s) for s in value.get("statements", [])),
            text_sha256=value.get("text_sha256"),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise fail(
            "corrupt-annotations",
            (where,),
            f"the annotation record does not have beyan's layout ({type(error).__name__}: {error})",
            hint="annotations are written only by `beyan import-labelstudio`: undo the change that broke it "
            "(`beyan log`, `beyan undo`) or restore the file from version control",
        ) from None
