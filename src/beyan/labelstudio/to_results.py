"""Statements -> Label Studio results: pre-annotations, round-trip tests, synthetic exports.

The inverse of :mod:`beyan.labelstudio.results`. Each distinct (role, span) becomes one
region with a deterministic id, shared by every statement that uses it; relations and
per-region choices and texts follow the annotation interface of the schema.
"""

from __future__ import annotations

import hashlib
from typing import Any

from beyan.labelstudio.results import unknown_speaker_label
from beyan.records import AnnotatedStatement, Span
from beyan.schema.types import AnnotationInterface, RegionChoices, RegionText
from beyan.schema.v1 import INTERFACE


def region_id(role: str, span: Span) -> str:
    return hashlib.sha1(f"{role}:{span.start}:{span.end}".encode()).hexdigest()[:10]


def statements_to_results(
    statements: list[AnnotatedStatement] | tuple[AnnotatedStatement, ...],
    text: str,
    *,
    topics: tuple[str, ...] | list[str] = (),
    interface: AnnotationInterface = INTERFACE,
    offsets: str = "code points",
) -> list[dict[str, Any]]:
    """Label Studio results for ``statements`` over ``text``.

    ``offsets="utf16"`` writes UTF-16 code-unit offsets, as Label Studio did before late 2021.
    """
    roles, relations = interface.roles, interface.relations
    results: list[dict[str, Any]] = []
    regions: dict[tuple[str, Span], str] = {}

    def offset(value: int) -> int:
        if offsets == "utf16":
            return len(text[:value].encode("utf-16-le")) // 2
        return value

    def region(role: str, span: Span) -> str:
        key = (role, span)
        if key not in regions:
            rid = regions[key] = region_id(role, span)
            results.append(
                {
                    "id": rid,
                    "from_name": interface.labels_name,
                    "to_name": interface.text_name,
                    "type": "labels",
                    "origin": "manual",
                    "value": {
                        "start": offset(span.start),
                        "end": offset(span.end),
                        "text": text[span.start : span.end],
                        "labels": [roles.name_of(role)],
                    },
                }
            )
        return regions[key]

    def attribute(control_name: str, rid: str, span: Span, value: str | None) -> None:
        if value is None:
            return
        control = interface.control(control_name)
        span_value: dict[str, Any] = {"start": offset(span.start), "end": offset(span.end)}
        if isinstance(control, RegionChoices):
            span_value["choices"] = [value]
            kind = "choices"
        elif isinstance(control, RegionText):
            span_value["text"] = [value]
            kind = "textarea"
        else:  # pragma: no cover - the interface declares these controls
            raise KeyError(control_name)
        results.append(
            {
                "id": rid,
                "from_name": control_name,
                "to_name": interface.text_name,
                "type": kind,
                "origin": "manual",
                "value": span_value,
            }
        )

    def relation(source: str, target: str, key: str) -> None:
        results.append(
            {
                "from_id": source,
                "to_id": target,
                "type": "relation",
                "direction": "right",
                "labels": [relations.name_of(key)],
            }
        )

    content_ids: dict[tuple[Span, ...], str] = {}
    for statement in statements:
        ids = [region("content", span) for span in statement.content]
        content_ids[statement.content] = ids[0]
        first = statement.content[0]
        attribute("quote_type", ids[0], first, statement.quote_type)
        attribute("stance", ids[0], first, statement.stance)
        attribute("stance_target", ids[0], first, statement.stance_target)
        if statement.speaker_unknown:
            attribute("speaker_marker", ids[0], first, unknown_speaker_label(interface))
        for fragment in ids[1:]:
            relation(fragment, ids[0], "continues")
        for span in statement.speakers:
            sid = region("speaker", span)
            relation(sid, ids[0], "said")
        for span in statement.cues:
            cid = region("cue", span)
            relation(cid, ids[0], "cue")
        for span in statement.addressees:
            aid = region("addressee", span)
            relation(aid, ids[0], "addressed")
    # Entity fields go on the first speaker span, cue lemmas on the first cue span, once per region.
    done: set[tuple[str, str]] = set()
    for statement in statements:
        if statement.speaker is not None and statement.speakers:
            span = statement.speakers[0]
            sid = regions[("speaker", span)]
            for control in interface.region_controls:
                if (
                    isinstance(control, RegionText)
                    and control.fills.startswith("speaker.")
                    and (sid, control.name) not in done
                ):
                    value = getattr(statement.speaker, control.fills.split(".", 1)[1])
                    if value is not None:
                        attribute(control.name, sid, span, value)
                        done.add((sid, control.name))
        if statement.cue_lemma is not None and statement.cues:
            span = statement.cues[0]
            cid = regions[("cue", span)]
            if (cid, "cue_lemma") not in done:
                attribute("cue_lemma", cid, span, statement.cue_lemma)
                done.add((cid, "cue_lemma"))
        if statement.parent is not None and statement.parent in content_ids:
            relation(content_ids[statement.content], content_ids[statement.parent], "nested")
    for document in interface.document_controls:
        if topics:
            results.append(
                {
                    "id": "document-" + document.name,
                    "from_name": document.name,
                    "to_name": interface.text_name,
                    "type": "choices",
                    "origin": "manual",
                    "value": {"choices": list(topics)},
                }
            )
    return results
