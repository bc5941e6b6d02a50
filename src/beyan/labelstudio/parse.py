"""Step 1 of an import: one annotation's ``result`` list -> regions, their attributes, relations, topics.

Every result is checked against the labeling config the schema generates and accounted for in
:class:`~beyan.labelstudio.ledger.Items`. Span text is always re-read from the task text at the
offsets; the export's ``value.text`` is only compared loosely (Label Studio collapses whitespace
and writes line breaks as a literal backslash-n). Offsets counted in UTF-16 code units (exports
made before late 2021) are detected and converted to code points, and offsets into the task's
text (CRLF and all) are mapped onto the article's normalized text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeGuard

from beyan.labelstudio.ledger import ATTRIBUTE, DOCUMENT, OTHER, REGION, REJECTED, RELATION, Items
from beyan.records import Span
from beyan.schema.types import AnnotationInterface, DocumentChoices, RegionChoices, RegionText
from beyan.transforms.offsets import NewlineMap, Utf16Index, has_astral, loose_text

# Label Studio counted offsets in UTF-16 code units until its frontend moved to code points in
# late 2021 (1.4); an annotation made before this date, with nothing else to tell, used UTF-16.
CODE_POINT_ERA = "2021-11-01"

_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}


def json_type(value: Any) -> str:
    """The JSON name of a value's type (what a user of a JSON export recognises)."""
    return "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class InterfaceIndex:
    """Lookups over the annotation interface, built once per import."""

    interface: AnnotationInterface
    role_of: dict[str, str]  # label name -> role key
    relation_of: dict[str, str]  # relation label name -> relation key
    controls: dict[str, RegionChoices | RegionText | DocumentChoices]
    choice_names: dict[str, frozenset[str]]  # control name -> its label names
    patterns: dict[str, re.Pattern[str]]

    @staticmethod
    @cache
    def of(interface: AnnotationInterface) -> InterfaceIndex:
        controls = {c.name: c for c in (*interface.region_controls, *interface.document_controls)}
        return InterfaceIndex(
            interface=interface,
            role_of={label.name: label.key for label in interface.roles.labels},
            relation_of={label.name: label.key for label in interface.relations.labels},
            controls=controls,
            choice_names={
                name: frozenset(c.vocabulary.names)
                for name, c in controls.items()
                if isinstance(c, (RegionChoices, DocumentChoices))
            },
            patterns={
                c.name: re.compile(c.pattern)
                for c in interface.region_controls
                if isinstance(c, RegionText) and c.pattern is not None
            },
        )


@dataclass(slots=True)
class TaskText:
    """The task's text as Label Studio saw it, and how its offsets map onto the article text."""

    text: str
    newline_map: NewlineMap | None
    utf16: Utf16Index | None

    @classmethod
    def of(cls, task_text: str) -> TaskText:
        return cls(
            task_text,
            NewlineMap(task_text) if "\r" in task_text else None,
            Utf16Index(task_text) if has_astral(task_text) else None,
        )


@dataclass(slots=True, eq=False)
class Region:
    """A labeled span of one annotation; attributes map a control name to (value, item)."""

    id: str
    role: str  # span role key
    span: Span  # in article text, code points
    item: int
    attributes: dict[str, tuple[Any, int]] = field(default_factory=dict)


@dataclass(slots=True)
class Link:
    relation: str  # relation key
    source: Region
    target: Region
    item: int


@dataclass(slots=True)
class ParsedAnnotation:
    regions: dict[str, Region]
    links: list[Link]
    topics: tuple[str, ...]
    rejected_regions: set[str]  # ids of regions that were read but rejected
    tainted: set[str]  # regions something attached to was rejected


def parse_results(
    results: list[Any],
    *,
    index: InterfaceIndex,
    task_text: TaskText,
    items: Items,
    annotated_at: str | None = None,
) -> ParsedAnnotation:
    """Regions, attributes, relations and topics of one annotation; problems go to ``items``."""
    interface = index.interface
    regions: dict[str, Region] = {}
    by_span: dict[tuple[str, Span], Region] = {}
    contents: list[Region] = []
    rejected_regions: set[str] = set()
    tainted: set[str] = set()
    attributes: list[tuple[dict[str, Any], int]] = []
    relations: list[tuple[dict[str, Any], int]] = []
    topics: list[str] = []
    labels_name = interface.labels_name
    use_utf16 = task_text.utf16 is not None and _offsets_in_utf16(results, task_text, items, annotated_at)

    for position, result in enumerate(results):
        if not isinstance(result, dict):
            item = items.add(OTHER, f"result #{position}")
            items.reject(item, "wrong-type", "a result must be an object", found=json_type(result))
            continue
        rid = result.get("id")
        label = f"result {rid}" if isinstance(rid, str) and rid else f"result #{position}"
        kind = result.get("type")
        if kind == "labels":
            item = items.add(REGION, label)
            region = _region(result, item, index, task_text, items, use_utf16, labels_name)
            if region is None:
                if isinstance(rid, str):
                    rejected_regions.add(rid)
                continue
            if region.id in regions:
                items.reject(item, "duplicate-id", "two regions of this annotation share an id", found=repr(region.id))
                continue
            twin = by_span.get((region.role, region.span))
            if twin is not None:
                items.reject(
                    item,
                    "duplicate-region",
                    f"the same {interface.roles.name_of(region.role)} span is marked twice",
                    found=f"[{region.span.start}, {region.span.end}) also region {twin.id}",
                    hint="delete one of the two regions in Label Studio (and keep its relations on the other)",
                )
                rejected_regions.add(region.id)
                continue
            if region.role == "content":
                crossing = next(
                    (
                        r
                        for r in contents
                        if r.span.overlaps(region.span)
                        and not (r.span.covers(region.span) or region.span.covers(r.span))
                    ),
                    None,
                )
                if crossing is not None:
                    items.reject(
                        item,
                        "overlapping-regions",
                        "two content regions overlap without one containing the other",
                        found=f"[{region.span.start}, {region.span.end}) overlaps region {crossing.id} "
                        f"[{crossing.span.start}, {crossing.span.end})",
                        hint="one of them is probably a mis-selection: delete it in Label Studio "
                        "or correct its offsets",
                    )
                    rejected_regions.add(region.id)
                    continue
                contents.append(region)
            regions[region.id] = region
            by_span[(region.role, region.span)] = region
        elif kind == "relation":
            relations.append((result, items.add(RELATION, f"relation #{position}")))
        elif kind in ("choices", "textarea"):
            name = result.get("from_name")
            control = index.controls.get(str(name))
            label = f"{label} ({name})"
            if isinstance(control, DocumentChoices) and kind == "choices":
                item = items.add(DOCUMENT, label)
                topics.extend(_document_choices(result, control, item, index, items))
            else:
                attributes.append((result, items.add(ATTRIBUTE, label)))
        else:
            item = items.add(OTHER, label)
            items.reject(
                item,
                "unknown-result-type",
                "beyan's labeling config produces no result of this type",
                expected="labels, relation, choices or textarea",
                found=repr(kind),
                hint="was the export made with beyan's labeling config? (`beyan labelstudio-config`)",
            )

    for result, item in attributes:
        region_id = _attach_attribute(result, item, regions, rejected_regions, index, items)
        if items.state[item] == REJECTED and region_id is not None:
            tainted.add(region_id)  # its statement may fail for this; report it here only
    links: list[Link] = []
    for result, item in relations:
        link = _relation(result, item, regions, rejected_regions, index, items)
        if link is not None:
            links.append(link)
        else:
            tainted.update(end for end in (result.get("from_id"), result.get("to_id")) if isinstance(end, str))
    return ParsedAnnotation(regions, links, tuple(dict.fromkeys(topics)), rejected_regions, tainted)


# ------------------------------------------------------------------ offsets


def _offsets_in_utf16(results: list[Any], task_text: TaskText, items: Items, annotated_at: str | None) -> bool:
    """Decide, from the regions' own text, whether this annotation counted UTF-16 units.

    Each region whose two readings give different spans votes for the reading under which its
    ``value.text`` is the text at its offsets: exact matches first, then loose ones (whitespace
    folded). When no region tells them apart, the annotation's date decides: Label Studio
    counted UTF-16 units before late 2021.
    """
    utf16 = task_text.utf16
    assert utf16 is not None
    text = task_text.text
    strong, weak = Counter[str](), Counter[str]()
    ambiguous = 0
    for result in results:
        if not isinstance(result, dict) or result.get("type") != "labels":
            continue
        value = result.get("value")
        if not isinstance(value, dict):
            continue
        start, end, claimed = value.get("start"), value.get("end"), value.get("text")
        if not (_is_int(start) and _is_int(end) and isinstance(claimed, str)):
            continue
        readings = {"code points": (start, end), "utf16": (utf16.to_code_point(start), utf16.to_code_point(end))}
        if readings["code points"] == readings["utf16"]:
            continue  # nothing outside the BMP before this region: both readings agree
        exact, loose = set(), set()
        for name, (s, e) in readings.items():
            if s is None or e is None or not 0 <= s <= e <= len(text):
                continue
            if text[s:e] == claimed:
                exact.add(name)
            if loose_text(text[s:e]) == loose_text(claimed):
                loose.add(name)
        if len(exact) == 1:
            strong[exact.pop()] += 1
        elif len(loose) == 1:
            weak[loose.pop()] += 1
        elif len(loose) == 2:
            ambiguous += 1
    votes = strong if strong else weak
    if votes:
        legacy = votes["utf16"] > votes["code points"]
        reason = f"{votes['utf16']} region(s) fit only as UTF-16, {votes['code points']} only as code points"
    elif ambiguous:
        legacy = (annotated_at or "9999") < CODE_POINT_ERA
        reason = f"{ambiguous} region(s) fit both readings; the annotation's date ({annotated_at}) decides"
        items.issues.info(
            "ambiguous-offsets",
            items.where,
            "the offsets read correctly both as code points and as UTF-16",
            found=reason,
        )
    else:
        return False
    if legacy:
        items.issues.info(
            "legacy-utf16-offsets",
            items.where,
            "offsets were counted in UTF-16 code units (Label Studio before late 2021); converted to code points",
            found=reason,
        )
    return legacy


# ------------------------------------------------------------------ results


def _region(
    result: dict[str, Any],
    item: int,
    index: InterfaceIndex,
    task_text: TaskText,
    items: Items,
    use_utf16: bool,
    labels_name: str,
) -> Region | None:
    rid = result.get("id")
    if not isinstance(rid, str) or not rid:
        items.reject(item, "missing-id", "a region needs an id for relations to point at", found=repr(rid))
        return None
    if result.get("from_name") != labels_name:
        items.reject(
            item,
            "unknown-control",
            "this labels result does not come from beyan's span labels",
            expected=repr(labels_name),
            found=repr(result.get("from_name")),
            hint="was the export made with beyan's labeling config? (`beyan labelstudio-config`)",
        )
        return None
    value = result.get("value")
    if not isinstance(value, dict):
        items.reject(item, "wrong-type", "a region's value must be an object", found=json_type(value))
        return None
    labels = value.get("labels")
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
        items.reject(item, "wrong-type", "value.labels must be a non-empty list of label names", found=repr(labels))
        return None
    role = index.role_of.get(labels[0])
    unknown = [x for x in labels if x not in index.role_of]
    if unknown or role is None:
        items.reject(
            item,
            "unknown-label",
            "the region's label is not in the schema",
            expected=f"one of {index.interface.roles.names}",
            found=repr(unknown[0]),
            hint="the export may come from another project's config; relabel the region or update the schema",
        )
        return None
    if len(labels) > 1 and len(set(labels)) > 1:
        items.reject(
            item,
            "multiple-labels",
            "a region must have exactly one role",
            found=repr(labels),
            hint="mark the text twice, once per role",
        )
        return None
    start, end = value.get("start"), value.get("end")
    if not (_is_int(start) and _is_int(end)):
        items.reject(
            item, "wrong-type", "value.start and value.end must be integers", found=f"start={start!r}, end={end!r}"
        )
        return None
    if use_utf16 and task_text.utf16 is not None:
        cp_start, cp_end = task_text.utf16.to_code_point(start), task_text.utf16.to_code_point(end)
        if cp_start is None or cp_end is None:
            items.reject(
                item,
                "split-surrogate",
                "a UTF-16 offset falls inside a character outside the BMP",
                found=f"[{start}, {end})",
            )
            return None
        start, end = cp_start, cp_end
    text = task_text.text
    limit = len(text)
    if start < 0 or end > limit:
        items.reject(
            item,
            "span-out-of-range",
            "the region lies outside the task text",
            expected=f"0 <= start < end <= {limit}",
            found=f"[{start}, {end})",
        )
        return None
    if end <= start:
        items.reject(
            item, "empty-span", "the region is empty or reversed", expected="start < end", found=f"[{start}, {end})"
        )
        return None
    claimed = value.get("text")
    if claimed is not None:
        actual = text[start:end]
        if claimed != actual and (not isinstance(claimed, str) or loose_text(claimed) != loose_text(actual)):
            items.reject(
                item,
                "span-text-mismatch",
                f"the region's text is not the task text at its offsets [{start}, {end})",
                expected=repr(_clip(actual)),
                found=repr(_clip(str(claimed))),
                hint="the task text was probably edited after annotation; re-annotate or re-import the original task",
            )
            return None
    newline_map = task_text.newline_map
    if newline_map is not None:
        start, end = newline_map.map(start), newline_map.map(end)
    return Region(rid, role, Span(start, end), item)


def _document_choices(
    result: dict[str, Any], control: DocumentChoices, item: int, index: InterfaceIndex, items: Items
) -> list[str]:
    value = result.get("value")
    choices = value.get("choices") if isinstance(value, dict) else None
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        items.reject(item, "wrong-type", "value.choices must be a list of strings", found=repr(choices))
        return []
    known = index.choice_names[control.name]
    unknown = [c for c in choices if c not in known]
    if unknown:
        items.reject(
            item,
            "unknown-label",
            f"unknown {control.name}",
            expected=f"one of {control.vocabulary.names}",
            found=repr(unknown[0]),
        )
        return []
    items.use(item)
    return list(choices)


def _attach_attribute(
    result: dict[str, Any],
    item: int,
    regions: dict[str, Region],
    rejected_regions: set[str],
    index: InterfaceIndex,
    items: Items,
) -> str | None:
    """Attach a per-region choice or text to its region; returns the region id it belongs to."""
    name = result.get("from_name")
    control = index.controls.get(str(name))
    if control is None or isinstance(control, DocumentChoices):
        items.reject(
            item,
            "unknown-control",
            "this result comes from a control beyan's labeling config does not have",
            found=repr(name),
            hint="was the export made with beyan's labeling config? (`beyan labelstudio-config`)",
        )
        return None
    region_id = result.get("id")
    region = regions.get(region_id) if isinstance(region_id, str) else None
    if region is None:
        if isinstance(region_id, str) and region_id in rejected_regions:
            items.reject(
                item, "follows-rejection", f"not imported: its region {region_id} was rejected", severity="info"
            )
            return region_id
        items.reject(
            item,
            "dangling-region-result",
            f"this {control.name} belongs to a region that does not exist",
            found=repr(region_id),
        )
        return None
    roles = index.interface.roles
    if region.role != control.on_role:
        items.reject(
            item,
            "attribute-on-wrong-role",
            f"{control.name} applies to {roles.name_of(control.on_role)} regions",
            found=roles.name_of(region.role),
        )
        return region.id
    value = result.get("value")
    if isinstance(control, RegionChoices):
        choices = value.get("choices") if isinstance(value, dict) else None
        if not isinstance(choices, list) or len(choices) != 1 or not isinstance(choices[0], str):
            items.reject(item, "wrong-type", "a per-region choice must be one label", found=repr(choices))
            return region.id
        if choices[0] not in index.choice_names[control.name]:
            items.reject(
                item,
                "unknown-label",
                f"unknown {control.name}",
                expected=f"one of {control.vocabulary.names}",
                found=repr(choices[0]),
            )
            return region.id
        region.attributes[control.name] = (choices[0], item)
        return region.id
    texts = value.get("text") if isinstance(value, dict) else None
    if isinstance(texts, str):
        texts = [texts]
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        items.reject(item, "wrong-type", "a per-region text must be a list of strings", found=json_type(texts))
        return region.id
    joined = " ".join(t.strip() for t in texts if t.strip()) or None
    pattern = index.patterns.get(control.name)
    if joined is not None and pattern is not None and not pattern.match(joined):
        items.reject(
            item, "invalid-value", f"{control.name} has the wrong form", expected=pattern.pattern, found=repr(joined)
        )
        return region.id
    region.attributes[control.name] = (joined, item)
    return region.id


def _relation(
    result: dict[str, Any],
    item: int,
    regions: dict[str, Region],
    rejected_regions: set[str],
    index: InterfaceIndex,
    items: Items,
) -> Link | None:
    from_id, to_id = result.get("from_id"), result.get("to_id")
    if not (isinstance(from_id, str) and isinstance(to_id, str)):
        items.reject(
            item,
            "wrong-type",
            "from_id and to_id must be region ids (strings)",
            found=f"from_id={from_id!r}, to_id={to_id!r}",
        )
        return None
    a, b = regions.get(from_id), regions.get(to_id)
    if a is None or b is None:
        absent = [end for end, region in ((from_id, a), (to_id, b)) if region is None]
        unknown = [end for end in absent if end not in rejected_regions]
        missing = unknown[0] if unknown else absent[0]  # an id that never existed is the root cause
        if missing in rejected_regions:
            items.reject(item, "follows-rejection", f"not imported: region {missing} was rejected", severity="info")
            return None
        items.reject(
            item, "dangling-relation", "the relation points at a region that does not exist", found=repr(missing)
        )
        return None
    items.labels[item] = f"relation {from_id}->{to_id}"
    direction = result.get("direction", "right")
    if direction not in ("right", "left", "bi"):
        items.reject(
            item, "wrong-type", "unknown relation direction", expected="right, left or bi", found=repr(direction)
        )
        return None
    labels = result.get("labels") or []
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        items.reject(item, "wrong-type", "relation labels must be a list of strings", found=json_type(labels))
        return None
    interface = index.interface
    relations = interface.relations
    keys = [index.relation_of.get(x) for x in labels]
    if None in keys:
        bad = labels[keys.index(None)]
        items.reject(
            item, "unknown-label", "unknown relation label", expected=f"one of {relations.names}", found=repr(bad)
        )
        return None
    if len(set(keys)) > 1:
        items.reject(
            item,
            "multiple-labels",
            "a relation must have at most one label",
            found=repr(labels),
            hint="a link means one thing: delete the extra label in the relation's panel",
        )
        return None
    orientations = {"right": [(a, b)], "left": [(b, a)], "bi": [(a, b), (b, a)]}[direction]
    candidates = [
        (rule.relation, src, tgt)
        for src, tgt in orientations
        for rule in interface.relation_rules
        if (not keys or rule.relation == keys[0]) and (rule.source_role, rule.target_role) == (src.role, tgt.role)
    ]
    if not candidates:
        # Drawn backwards between two different roles (content -> speaker): the roles still say what it
        # means, so it is read the right way round. Between two contents the direction is the meaning.
        reversed_candidates = [
            (rule.relation, tgt, src)
            for src, tgt in orientations
            for rule in interface.relation_rules
            if (not keys or rule.relation == keys[0])
            and rule.source_role != rule.target_role
            and (rule.source_role, rule.target_role) == (tgt.role, src.role)
        ]
        if len(reversed_candidates) == 1:
            candidates = reversed_candidates
            items.issues.info(
                "relation-reversed",
                items.location(item),
                "the relation was drawn from the content to the "
                f"{interface.roles.name_of(candidates[0][1].role)}; read the right way round",
            )
    if not candidates:
        roles = interface.roles
        items.reject(
            item,
            "relation-role-mismatch",
            "this relation does not connect these roles",
            expected=", ".join(
                f"{relations.name_of(r.relation)}: {roles.name_of(r.source_role)} -> {roles.name_of(r.target_role)}"
                for r in interface.relation_rules
            ),
            found=f"{labels[0] if labels else '(no label)'}: {roles.name_of(a.role)} -> {roles.name_of(b.role)} "
            f"({direction})",
        )
        return None
    if len(candidates) > 1:
        items.reject(
            item,
            "ambiguous-relation",
            "the relation's meaning is ambiguous between two spans of the same role",
            found=f"{', '.join(sorted({relations.name_of(c[0]) for c in candidates}))} ({direction})",
            hint="give content -> content relations a label (nested-in or continues) and a direction",
        )
        return None
    relation, source, target = candidates[0]
    return Link(relation, source, target, item)
