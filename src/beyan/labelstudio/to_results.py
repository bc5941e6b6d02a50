"""Statements -> Label Studio results: pre-annotations, round-trip tests, synthetic exports.

The inverse of the import (:mod:`~beyan.labelstudio.parse`, :mod:`~beyan.labelstudio.assemble`),
walking the same schema: each distinct (role, span) becomes one region with a deterministic id,
shared by every statement that uses it; every span field's regions are linked to the content by
the relation whose rule connects their role to content; every per-region control's value goes
on the first region of its role.
"""

from __future__ import annotations

import hashlib
from typing import Any

from beyan.fields import value_of
from beyan.records import AnnotatedStatement, Span
from beyan.schema import current
from beyan.schema.types import AnnotationInterface, RegionChoices, RegionText

CONTINUES, NESTED = "continues", "nested"


def region_id(role: str, span: Span) -> str:
    return hashlib.sha1(f"{role}:{span.start}:{span.end}".encode()).hexdigest()[:10]


def statements_to_results(
    statements: list[AnnotatedStatement] | tuple[AnnotatedStatement, ...],
    text: str,
    *,
    topics: tuple[str, ...] | list[str] = (),
    interface: AnnotationInterface | None = None,
    offsets: str = "code points",
) -> list[dict[str, Any]]:
    """Label Studio results for ``statements`` over ``text``.

    ``offsets="utf16"`` writes UTF-16 code-unit offsets, as Label Studio did before late 2021.
    """
    schema = current()
    interface = interface or schema.interface
    roles, relations = interface.roles, interface.relations
    results: list[dict[str, Any]] = []
    regions: dict[tuple[str, Span], str] = {}
    link_of_role = {
        rule.source_role: rule.relation
        for rule in interface.relation_rules
        if rule.target_role == "content" and rule.source_role != "content"
    }

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
        ids = [region("content", span) for span in statement.content_spans]
        content_ids[statement.content_spans] = ids[0]
        for fragment in ids[1:]:
            relation(fragment, ids[0], CONTINUES)
        for field in schema.span_fields:
            if field.role == "content" or field.role not in link_of_role:
                continue
            for span in value_of(statement, field.name):
                relation(region(field.role, span), ids[0], link_of_role[field.role])
    done: set[tuple[str, str]] = set()  # (region, control): a value once per region
    for statement in statements:
        first_of_role = {"content": statement.content_spans[0]}
        for field in schema.span_fields:
            spans = value_of(statement, field.name)
            if field.role is not None and spans:
                first_of_role.setdefault(field.role, spans[0])
        for control in interface.region_controls:
            span = first_of_role.get(control.on_role)
            if span is None:
                continue
            head, _, member = control.target.partition(".")
            value = value_of(statement, head)
            if member:
                value = None if value is None else value_of(value, member)
            if isinstance(control, RegionChoices) and control.flag is not None:
                value = control.vocabulary.name_of(control.flag) if value else None
            rid = regions[(control.on_role, span)]
            if value is None or (rid, control.name) in done:
                continue
            done.add((rid, control.name))
            results.append(_attribute(control, interface, rid, offset(span.start), offset(span.end), value))
        if statement.parent is not None and statement.parent in content_ids:
            relation(content_ids[statement.content_spans], content_ids[statement.parent], NESTED)
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


def _attribute(
    control: RegionChoices | RegionText, interface: AnnotationInterface, rid: str, start: int, end: int, value: Any
) -> dict[str, Any]:
    span_value: dict[str, Any] = {"start": start, "end": end}
    if isinstance(control, RegionChoices):
        span_value["choices"] = [value]
        kind = "choices"
    else:
        span_value["text"] = [value]
        kind = "textarea"
    return {
        "id": rid,
        "from_name": control.name,
        "to_name": interface.text_name,
        "type": kind,
        "origin": "manual",
        "value": span_value,
    }
