"""Step 2 of an import: regions, attributes and relations -> one annotator's statements.

Walks the schema, not a field list: content regions joined by ``continues`` make one
statement; every relation into its content fills the span field of the source's role
(``said`` from a speaker fills ``speaker_spans``); every per-region control fills the field it
names (``speaker.name`` a member of the ``speaker`` struct; a ``flag`` control a boolean).
The statement rules (:mod:`beyan.rules`) decide what is well formed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from beyan.fields import STRUCT_RECORDS, build
from beyan.labelstudio.ledger import PENDING, REGION, USED, Items
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


def assemble_statements(parsed: ParsedAnnotation, *, schema: Schema, items: Items) -> list[AnnotatedStatement]:
    """The statements of one annotation, sorted by content; problems go to ``items``."""
    plan = AssemblyPlan.of(schema)
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
        statement = _statement(members, linked[root], parsed.tainted, plan, items)
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


@dataclass(frozen=True, slots=True)
class ControlPlan:
    name: str
    role: str
    head: str  # the statement field it fills
    member: str  # the struct member it fills ("" for the field itself)
    flag: str | None  # for a marker: the label that sets the field to true
    required: bool


@dataclass(frozen=True, slots=True)
class AssemblyPlan:
    """What assembling a statement needs of the schema, worked out once per import."""

    span_fields: tuple[tuple[str, str], ...]  # (field name, role)
    controls: tuple[ControlPlan, ...]
    structs: tuple[tuple[str, tuple[str, ...], type | None], ...]  # (field, member names, record type)
    role_order: tuple[str, ...]  # content first, then the other roles in declaration order

    @staticmethod
    def of(schema: Schema) -> AssemblyPlan:
        found = _PLANS.get(id(schema))
        if found is not None and found[0] is schema:
            return found[1]
        interface = schema.interface
        controls = []
        heads: dict[str, None] = {}
        for control in interface.region_controls:
            head, _, member = control.target.partition(".")
            flag = None
            if isinstance(control, RegionChoices) and control.flag is not None:
                flag = control.vocabulary.name_of(control.flag)
            required = isinstance(control, RegionChoices) and control.required
            controls.append(ControlPlan(control.name, control.on_role, head, member, flag, required))
            if member:
                heads[head] = None
        structs = []
        for head in heads:
            kind = schema.statement.field(head).type
            assert isinstance(kind, Struct)
            structs.append((head, tuple(f.name for f in kind.fields), STRUCT_RECORDS.get(kind.name)))
        plan = AssemblyPlan(
            span_fields=tuple((f.name, f.role or "") for f in schema.span_fields),
            controls=tuple(controls),
            structs=tuple(structs),
            role_order=("content", *(label.key for label in interface.roles.labels if label.key != "content")),
        )
        _PLANS[id(schema)] = (schema, plan)
        return plan


_PLANS: dict[int, tuple[Schema, AssemblyPlan]] = {}


def _statement(
    members: list[Region],
    links: list[Link],
    tainted: set[str],
    plan: AssemblyPlan,
    items: Items,
) -> AnnotatedStatement | None:
    by_role: dict[str, list[Region]] = {"content": members}
    for link in links:
        regions = by_role.setdefault(link.source.role, [])
        if link.source not in regions:
            regions.append(link.source)
    for role, regions in by_role.items():
        if len(regions) > 1 and role != "content":
            regions.sort(key=lambda r: r.span)

    values: dict[str, Any] = {name: tuple(r.span for r in by_role.get(role, ())) for name, role in plan.span_fields}
    used_attributes: list[int] = []
    structs: dict[str, dict[str, Any]] = {}
    missing_required: ControlPlan | None = None
    for control in plan.controls:
        value: Any = None
        found = [r.attributes[control.name] for r in by_role.get(control.role, ()) if control.name in r.attributes]
        if found:
            used_attributes.extend(item for _, item in found)
            distinct = list(dict.fromkeys(v for v, _ in found if v is not None))
            if len(distinct) > 1:
                items.issues.warning(
                    "conflicting-attribute",
                    (*items.where, f"statement at region {members[0].id}"),
                    f"the statement's regions disagree on {control.name}; the first is kept",
                    found=repr(distinct),
                )
            value = distinct[0] if distinct else None
        if control.flag is not None:
            value = value == control.flag
        elif value is None and control.required and missing_required is None:
            missing_required = control
        if control.member:
            structs.setdefault(control.head, {})[control.member] = value
        else:
            values[control.head] = value
    for head, member_names, record_type in plan.structs:
        given = structs.get(head, {})
        if all(given.get(name) is None for name in member_names):
            values[head] = None
        else:
            full = {name: given.get(name) for name in member_names}
            values[head] = build(record_type, full) if record_type is not None else full

    problem: Rule | None = None
    if missing_required is not None:
        problem = (
            MISSING_QUOTE_TYPE
            if missing_required.head == "quote_type"
            else Rule(
                f"missing-{missing_required.name.replace('_', '-')}", f"the statement has no {missing_required.name}"
            )
        )
    elif lacks_speaker(values.get("speaker_spans", ()), values.get("speaker_unknown")):
        problem = MISSING_SPEAKER
    if problem is not None:
        location = (*items.where, f"statement at region {members[0].id}")
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
            (*items.where, f"statement at region {members[0].id}"),
            "the statement has a linked speaker but is also marked unknown-speaker; the link wins",
        )
        values["speaker_unknown"] = False
    state = items.state
    for regions in by_role.values():
        for region in regions:
            if state[region.item] == PENDING:
                state[region.item] = USED
    for link in links:
        if state[link.item] == PENDING:
            state[link.item] = USED
    for item in used_attributes:
        if state[item] == PENDING:
            state[item] = USED
    values["parent"] = None
    values["region_ids"] = tuple(r.id for role in plan.role_order for r in by_role.get(role, ()))
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
    statements = assemble_statements(parsed, schema=schema, items=items)
    settle(items, parsed)
    return statements, parsed.topics
