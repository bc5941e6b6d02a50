"""Statements written by hand against an article's text, with spans given by their words.

An anchored annotation names each span by its text instead of offsets, which is how a
person writes gold down and reviews it::

    {"content": ["Zafer gününe kadar ..."],              # text that occurs once
     "cue": [{"text": "dedi", "occurrence": 1}],          # the second "dedi"
     "speaker": [{"text": "Choe", "in": "söyleyen Choe,"}]}  # "Choe" inside a unique context

It is resolved to offsets against the article, and every ambiguity is an error, so the
offsets never depend on a guess. ``scripts/make-seed-gold`` posts the result to Label
Studio as an annotation.
"""

from __future__ import annotations

from typing import Any

from beyan.issues import BeyanError, Issues
from beyan.records import AnnotatedStatement, Span, Speaker

ROLES = ("content", "speaker", "cue", "addressee")


def _occurrences(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


def resolve_span(text: str, anchor: Any, issues: Issues, where: tuple[str, ...]) -> Span | None:
    """Offsets of one anchored span, or None with an issue saying why."""
    if isinstance(anchor, str):
        anchor = {"text": anchor}
    needle = anchor.get("text") if isinstance(anchor, dict) else None
    if not isinstance(needle, str) or not needle:
        issues.error("wrong-type", where, "a span is a string or an object with 'text'", found=repr(anchor))
        return None
    if "in" in anchor:
        context = anchor["in"]
        places = _occurrences(text, context)
        if len(places) != 1:
            issues.error(
                "ambiguous-anchor",
                where,
                f"the context must occur exactly once; it occurs {len(places)} times",
                found=repr(context),
            )
            return None
        inner = _occurrences(context, needle)
        if len(inner) != 1:
            issues.error(
                "ambiguous-anchor",
                where,
                f"the text must occur once in its context; it occurs {len(inner)} times",
                found=repr(needle),
            )
            return None
        start = places[0] + inner[0]
    else:
        places = _occurrences(text, needle)
        occurrence = anchor.get("occurrence")
        if occurrence is None:
            if len(places) != 1:
                issues.error(
                    "ambiguous-anchor",
                    where,
                    f"the text occurs {len(places)} times",
                    found=repr(needle),
                    hint="add 'occurrence' (0-based) or 'in' (a unique context)",
                )
                return None
            start = places[0]
        elif not isinstance(occurrence, int) or not 0 <= occurrence < len(places):
            issues.error(
                "ambiguous-anchor",
                where,
                f"there is no occurrence {occurrence!r}",
                found=f"{len(places)} occurrence(s) of {needle!r}",
            )
            return None
        else:
            start = places[occurrence]
    return Span(start, start + len(needle))


def resolve_anchored(
    spec: dict[str, Any], text: str, *, where: str
) -> tuple[list[AnnotatedStatement], tuple[str, ...]]:
    """Statements and topics of an anchored annotation, resolved against ``text``."""
    issues = Issues()
    entities = spec.get("entities", {})
    resolved: dict[str, dict[str, Any]] = {}
    for number, item in enumerate(spec.get("statements", [])):
        sid = str(item.get("id", f"#{number}"))
        at = (where, f"statement {sid}")
        fields: dict[str, Any] = {}
        for role in ROLES:
            spans = [
                resolve_span(text, anchor, issues, (*at, role, str(i))) for i, anchor in enumerate(item.get(role, []))
            ]
            fields[f"{role}_spans"] = tuple(sorted(s for s in spans if s is not None))
        entity = item.get("entity")
        if entity is not None and entity not in entities:
            issues.error("unknown-entity", (*at, "entity"), "no such entity in 'entities'", found=repr(entity))
        resolved[sid] = {**item, **fields, "speaker": Speaker(**entities[entity]) if entity in entities else None}
    statements: list[AnnotatedStatement] = []
    for sid, item in resolved.items():
        parent = item.get("parent")
        if parent is not None and parent not in resolved:
            issues.error(
                "dangling-parent",
                (where, f"statement {sid}", "parent"),
                "no statement with this id",
                found=repr(parent),
            )
            continue
        statements.append(
            AnnotatedStatement(
                content_spans=item["content_spans"],
                quote_type=item["quote_type"],
                speaker_spans=item["speaker_spans"],
                cue_spans=item["cue_spans"],
                addressee_spans=item["addressee_spans"],
                speaker_unknown=bool(item.get("speaker_unknown", False)),
                speaker=item["speaker"],
                cue_lemma=item.get("cue_lemma"),
                stance=item.get("stance"),
                stance_target=item.get("stance_target"),
                parent=resolved[parent]["content_spans"] if parent is not None else None,
            )
        )
    if issues.has_errors:
        raise BeyanError(issues)
    return statements, tuple(spec.get("topics", []))
