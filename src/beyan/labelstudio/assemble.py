"""Step 2 of an import: regions, attributes and relations -> one annotator's statements.

Walks the schema, not a field list: content regions joined by ``continues`` make one
statement; every relation into its content fills the span field of the source's role
(``said`` from a speaker fills ``speaker_spans``); every per-region control fills the field it
names (``speaker.name`` a member of the ``speaker`` struct; a ``flag`` control a boolean).
The statement rules (:mod:`beyan.rules`) decide what is well formed.
"""

from __future__ import annotations

from typing import Any

from beyan.fields import STRUCT_RECORDS, build
from beyan.labelstudio.ledger import PENDING, REGION, REJECTED, Items
from beyan.labelstudio.parse import InterfaceIndex, Link, ParsedAnnotation, Region, TaskText, parse_results
from beyan.records import AnnotatedStatement, Span
from beyan.rules import (
    MISSING_QUOTE_TYPE,
    MISSING_SPEAKER,
    MULTIPLE_PARENTS,
    NESTING_CYCLE,
    PARENT_NOT_COVERING,
    SELF_NESTING,
    Rule,
    cycle_member,
    format_spans,
    lacks_speaker,
    spans_cover,
)
from beyan.schema.types import RegionChoices, Schema, Struct
from beyan.transforms.groups import UnionFind

CONTINUES, NESTED = "continues", "nested"


def assemble_statements(
    parsed: ParsedAnnotation, *, schema: Schema, index: InterfaceIndex, items: Items
) -> list[AnnotatedStatement]:
    """The statements of one annotation, sorted by content; problems go to ``items``."""
    contents = [r for r in parsed.regions.values() if r.role == "content"]
    position = {r.id: i for i, r in enumerate(contents)}
    groups = UnionFind(len(contents))
    for link in parsed.links:
        if link.relation == CONTINUES:
            groups.union(position[link.source.id], position[link.target.id])
            items.use(link.item)
    members_of = {root: [contents[i] for i in members] for root, members in groups.groups().items()}
    linked: dict[int, list[Link]] = {root: [] for root in members_of}
    nestings: list[tuple[int, int, Link]] = []  # child group, parent group
    for link in parsed.links:
        if link.relation == CONTINUES:
            continue
        target = groups.find(position[link.target.id])
        if link.relation == NESTED:
            nestings.append((groups.find(position[link.source.id]), target, link))
        else:
            linked[target].append(link)

    built: dict[int, AnnotatedStatement] = {}
    for root, members in members_of.items():
        members.sort(key=lambda r: r.span)
        statement = _statement(members, linked[root], parsed.tainted, schema, index, items)
        if statement is not None:
            built[root] = statement

    parents: dict[int, tuple[int, Link]] = {}
    for child, parent, link in nestings:
        if child == parent:
            _reject_rule(items, link.item, SELF_NESTING)
        elif child in parents:
            _reject_rule(items, link.item, MULTIPLE_PARENTS)
        else:
            parents[child] = (parent, link)
    result = dict(built)
    cyclic = cycle_member({child: parent for child, (parent, _) in parents.items()})
    for child, (parent, link) in sorted(parents.items()):
        nested, outer = built.get(child), built.get(parent)
        if nested is None or outer is None:
            items.reject(
                link.item, "follows-rejection", "not imported: it nests a statement that was rejected", severity="info"
            )
            continue
        if not spans_cover(outer.content_spans, nested.content_spans):
            _reject_rule(
                items,
                link.item,
                PARENT_NOT_COVERING,
                expected=format_spans(outer.content_spans),
                found=format_spans(nested.content_spans),
            )
            continue
        if cyclic is not None and _on_cycle(child, parents):
            _reject_rule(items, link.item, NESTING_CYCLE)
            continue
        items.use(link.item)
        result[child] = _with_parent(nested, outer.content_spans)
    return sorted(result.values(), key=lambda s: s.content_spans)


def _on_cycle(start: int, parents: dict[int, tuple[int, Link]]) -> bool:
    seen = {start}
    node = parents.get(start)
    while node is not None:
        if node[0] == start:
            return True
        if node[0] in seen:
            return False
        seen.add(node[0])
        node = parents.get(node[0])
    return False


def _reject_rule(items: Items, item: int, rule: Rule, *, expected: str | None = None, found: str | None = None) -> None:
    items.reject(item, rule.code, rule.message, hint=rule.hint, expected=expected, found=found)


def _with_parent(statement: AnnotatedStatement, parent: tuple[Span, ...]) -> AnnotatedStatement:
    from dataclasses import replace

    return replace(statement, parent=parent)


def _statement(
    members: list[Region],
    links: list[Link],
    tainted: set[str],
    schema: Schema,
    index: InterfaceIndex,
    items: Items,
) -> AnnotatedStatement | None:
    interface = index.interface
    location = (*items.where, f"statement at region {members[0].id}")
    by_role: dict[str, list[Region]] = {"content": members}
    for link in links:
        by_role.setdefault(link.source.role, [])
        if link.source not in by_role[link.source.role]:
            by_role[link.source.role].append(link.source)
    for regions in by_role.values():
        regions.sort(key=lambda r: r.span)

    values: dict[str, Any] = {}
    for span_field in schema.span_fields:
        values[span_field.name] = tuple(r.span for r in by_role.get(span_field.role or "", []))
    used_attributes: list[int] = []
    structs: dict[str, dict[str, Any]] = {}
    for control in interface.region_controls:
        regions = by_role.get(control.on_role, [])
        found = [r.attributes[control.name] for r in regions if control.name in r.attributes]
        used_attributes.extend(item for _, item in found)
        distinct = list(dict.fromkeys(v for v, _ in found if v is not None))
        if len(distinct) > 1:
            items.issues.warning(
                "conflicting-attribute",
                location,
                f"the statement's regions disagree on {control.name}; the first is kept",
                found=repr(distinct),
            )
        value: Any = distinct[0] if distinct else None
        if isinstance(control, RegionChoices) and control.flag is not None:
            value = value == control.vocabulary.name_of(control.flag)
        head, _, member = control.target.partition(".")
        if member:
            structs.setdefault(head, {})[member] = value
        else:
            values[head] = value
    for name, members_values in structs.items():
        kind = schema.statement.field(name).type
        assert isinstance(kind, Struct)
        full = {f.name: members_values.get(f.name) for f in kind.fields}
        record_type = STRUCT_RECORDS.get(kind.name)
        values[name] = (
            None if all(v is None for v in full.values()) else (build(record_type, full) if record_type else full)
        )

    problem: Rule | None = None
    required = next(
        (
            c
            for c in interface.region_controls
            if isinstance(c, RegionChoices) and c.required and values.get(c.target) is None
        ),
        None,
    )
    if required is not None:
        problem = (
            MISSING_QUOTE_TYPE
            if required.target == "quote_type"
            else Rule(f"missing-{required.name.replace('_', '-')}", f"the statement has no {required.name}")
        )
    elif lacks_speaker(values.get("speaker_spans", ()), values.get("speaker_unknown")):
        problem = MISSING_SPEAKER
    if problem is not None:
        if any(region.id in tainted for region in members):
            # The cause (a rejected choice, relation or region) is reported already.
            items.issues.info(
                problem.code, location, f"{problem.message}, because of a rejection reported at its cause"
            )
        else:
            items.issues.error(problem.code, location, problem.message, hint=problem.hint)
        for region in members:
            items.reject(region.item, problem.code, f"part of a rejected statement: {problem.message}", severity="info")
        for link in links:
            items.follow_on[link.item] = True
            items.follow_on[link.source.item] = True
        for item in used_attributes:
            items.follow_on[item] = True
        return None
    if values.get("speaker_spans") and values.get("speaker_unknown"):
        items.issues.warning(
            "speaker-marked-unknown",
            location,
            "the statement has a linked speaker but is also marked unknown-speaker; the link wins",
        )
        values["speaker_unknown"] = False
    for regions in by_role.values():
        for region in regions:
            items.use(region.item)
    for link in links:
        items.use(link.item)
    for item in used_attributes:
        if items.state[item] != REJECTED:
            items.use(item)
    values["parent"] = None
    order = ["content", *(label.key for label in interface.roles.labels if label.key != "content")]
    values["region_ids"] = tuple(r.id for role in order for r in by_role.get(role, []))
    record: AnnotatedStatement = build(AnnotatedStatement, values)
    return record


def settle(items: Items, parsed: ParsedAnnotation) -> None:
    """Give every result still undecided its outcome: part of no statement, or left out after a rejection."""
    region_of = {region.item: region.id for region in parsed.regions.values()}
    for region in parsed.regions.values():
        if items.state[region.item] == PENDING:  # an unlinked region: its fields are reported with it
            for _, attribute_item in region.attributes.values():
                items.follow_on[attribute_item] = True
    for item, state in enumerate(items.state):
        if state != PENDING:
            continue
        if items.follow_on[item] or region_of.get(item) in parsed.tainted:
            items.reject(item, "follows-rejection", "not imported: it belongs with a rejected item", severity="info")
        else:
            code = "unlinked-region" if items.kinds[item] == REGION else "unused-result"
            items.reject(
                item,
                code,
                "not part of any statement",
                hint="link it to a content span with a relation, or delete it in Label Studio",
            )


def convert_results(
    results: list[Any],
    *,
    schema: Schema,
    task_text: TaskText,
    items: Items,
    annotated_at: str | None = None,
) -> tuple[list[AnnotatedStatement], tuple[str, ...]]:
    """Steps 1 and 2 together: one annotation's results -> its statements and topics (problems in ``items``)."""
    index = InterfaceIndex.of(schema.interface)
    parsed = parse_results(results, index=index, task_text=task_text, items=items, annotated_at=annotated_at)
    statements = assemble_statements(parsed, schema=schema, index=index, items=items)
    settle(items, parsed)
    return statements, parsed.topics
