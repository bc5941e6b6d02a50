"""Turn one Label Studio annotation (its ``result`` list) into statements.

Every result is accounted for: it ends up in a statement or is rejected with a coded,
located reason. Span text is always re-read from the article at the offsets; the
export's ``value.text`` is only compared loosely (Label Studio collapses whitespace and
writes line breaks as a literal backslash-n). Offsets are converted from UTF-16 code
units when the export counted in them (exports made before late 2021).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from beyan.issues import Issues
from beyan.records import AnnotatedStatement, Span, Speaker
from beyan.schema.types import AnnotationInterface, DocumentChoices, RegionChoices, RegionText
from beyan.transforms.offsets import NewlineMap, Utf16Index, has_astral, loose_text

# Kinds of items counted in the reconciliation.
REGION = "regions"
RELATION = "relations"
ATTRIBUTE = "region attributes"
DOCUMENT = "document choices"
OTHER = "other results"


@dataclass(slots=True)
class TaskText:
    """The task's text as Label Studio saw it, and how its offsets map onto the article text."""

    text: str
    newline_map: NewlineMap
    utf16: Utf16Index | None

    @classmethod
    def of(cls, task_text: str) -> TaskText:
        return cls(task_text, NewlineMap(task_text), Utf16Index(task_text) if has_astral(task_text) else None)


@dataclass(slots=True, eq=False)
class Region:
    """A labeled span of one annotation (identity-hashed: regions are compared by id)."""

    id: str
    role: str  # span role key
    span: Span  # in article text, code points
    index: int  # position in the result list
    attributes: dict[str, Any] = field(default_factory=dict)  # control key -> value


@dataclass(slots=True)
class ItemOutcome:
    """Per-item bookkeeping: kind, label for the location, and whether it was used.

    ``follow_on`` marks an item that is only left out because something it belongs with was
    rejected: it is reported at info level, so each problem is reported once, at its root.
    """

    kind: str
    location: tuple[str, ...]
    used: bool = False
    rejected: bool = False
    follow_on: bool = False
    region_id: str | None = None


@dataclass(slots=True)
class Conversion:
    statements: list[AnnotatedStatement]
    topics: tuple[str, ...]
    counts: Counter[tuple[str, str]]  # (kind, "read"|"imported"|"rejected")
    rejects: list[tuple[str, tuple[str, ...], str, str]]  # kind, location, code, reason


# Label Studio counted offsets in UTF-16 code units until its frontend moved to code points in
# late 2021 (1.4); an annotation made before this date, with nothing else to tell, used UTF-16.
CODE_POINT_ERA = "2021-11-01"


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


class AnnotationConverter:
    """Converts the results of one annotation; collects issues and rejects as it goes."""

    def __init__(
        self,
        interface: AnnotationInterface,
        task_text: TaskText,
        article_text: str,
        issues: Issues,
        where: tuple[str, ...],
        annotated_at: str | None = None,
    ) -> None:
        self.annotated_at = annotated_at
        self.interface = interface
        self.task_text = task_text
        self.article_text = article_text
        self.issues = issues
        self.where = where
        self.items: list[ItemOutcome] = []
        self.rejects: list[tuple[str, tuple[str, ...], str, str]] = []
        self.rejected_regions: set[str] = set()  # ids of regions that were read but rejected
        self.tainted: set[str] = set()  # regions something attached to was rejected

    # ------------------------------------------------------------ bookkeeping

    def _item(self, kind: str, location: tuple[str, ...]) -> ItemOutcome:
        item = ItemOutcome(kind, location)
        self.items.append(item)
        return item

    def _reject(
        self,
        item: ItemOutcome,
        code: str,
        message: str,
        *,
        severity: str = "error",
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> None:
        item.rejected = True
        item.used = False
        add: Callable[..., Any] = {"error": self.issues.error, "warning": self.issues.warning}.get(
            severity, self.issues.info
        )
        add(code, item.location, message, expected=expected, found=found, hint=hint)
        self.rejects.append((item.kind, item.location, code, message))

    # ------------------------------------------------------------ entry point

    def convert(self, results: list[Any]) -> Conversion:
        regions: dict[str, Region] = {}
        region_items: dict[str, ItemOutcome] = {}
        pending_attributes: list[tuple[dict[str, Any], ItemOutcome]] = []
        pending_relations: list[tuple[dict[str, Any], ItemOutcome]] = []
        topics: list[str] = []
        document_items: list[ItemOutcome] = []

        labeled = [r for r in results if isinstance(r, dict) and r.get("type") == "labels"]
        use_utf16 = self._offsets_in_utf16(labeled)

        for index, result in enumerate(results):
            rid = result.get("id") if isinstance(result, dict) else None
            label = f"result {rid}" if isinstance(rid, str) and rid else f"result #{index}"
            location = (*self.where, label)
            if not isinstance(result, dict):
                item = self._item(OTHER, location)
                self._reject(item, "wrong-type", "a result must be an object", found=json_type(result))
                continue
            kind = result.get("type")
            if kind == "relation":
                item = self._item(RELATION, (*self.where, f"relation #{index}"))
                pending_relations.append((result, item))
            elif kind == "labels":
                item = self._item(REGION, location)
                region = self._region(result, index, item, use_utf16)
                if region is None:
                    if isinstance(rid, str):
                        self.rejected_regions.add(rid)
                    continue
                item.region_id = region.id
                if region.id in regions:
                    self._reject(
                        item, "duplicate-id", "two regions of this annotation share an id", found=repr(region.id)
                    )
                    continue
                twin = next((r for r in regions.values() if r.span == region.span and r.role == region.role), None)
                if twin is not None:
                    self._reject(
                        item,
                        "duplicate-region",
                        f"the same {region.role} span is marked twice",
                        found=f"[{region.span.start}, {region.span.end}) also region {twin.id}",
                        severity="warning",
                    )
                    self.rejected_regions.add(region.id)
                    continue
                crossing = next(
                    (
                        r
                        for r in regions.values()
                        if r.role == region.role == "content"
                        and r.span.overlaps(region.span)
                        and not (r.span.covers(region.span) or region.span.covers(r.span))
                    ),
                    None,
                )
                if crossing is not None:
                    self._reject(
                        item,
                        "overlapping-regions",
                        "two content regions overlap without one containing the other",
                        found=f"[{region.span.start}, {region.span.end}) overlaps region {crossing.id} "
                        f"[{crossing.span.start}, {crossing.span.end})",
                        hint="one of them is probably a mis-selection: delete it in Label Studio "
                        "or correct its offsets",
                    )
                    self.rejected_regions.add(region.id)
                    continue
                regions[region.id] = region
                region_items[region.id] = item
            elif kind in ("choices", "textarea"):
                location = (*self.where, f"{label} ({result.get('from_name')})")
                control = self.interface.control(str(result.get("from_name")))
                if isinstance(control, DocumentChoices) and kind == "choices":
                    item = self._item(DOCUMENT, location)
                    document_items.append(item)
                    topics.extend(self._document_choices(result, control, item))
                else:
                    pending_attributes.append((result, self._item(ATTRIBUTE, location)))
            else:
                item = self._item(OTHER, location)
                self._reject(
                    item,
                    "unknown-result-type",
                    "beyan's labeling config produces no result of this type",
                    expected="labels, relation, choices or textarea",
                    found=repr(kind),
                    hint="was the export made with beyan's labeling config? (`beyan labelstudio-config`)",
                )

        for result, item in pending_attributes:
            self._attach_attribute(result, item, regions)
            if item.rejected and item.region_id is not None:
                self.tainted.add(item.region_id)  # its statement may fail for this; report it here only
        links = []
        for result, item in pending_relations:
            link = self._relation(result, item, regions)
            if link is not None:
                links.append(link)
            else:
                self.tainted.update(end for end in (result.get("from_id"), result.get("to_id")) if isinstance(end, str))
        statements = self._assemble(regions, region_items, links)

        for item in self.items:
            if item.used or item.rejected:
                continue
            if item.follow_on or (item.region_id is not None and item.region_id in self.tainted):
                self._reject(
                    item, "follows-rejection", "not imported: it belongs with a rejected item", severity="info"
                )
            else:  # valid, but not part of any statement
                code = "unlinked-region" if item.kind == REGION else "unused-result"
                self._reject(
                    item,
                    code,
                    "not part of any imported statement",
                    severity="warning",
                    hint="link it to a content span with a relation, or delete it in Label Studio",
                )
        counts: Counter[tuple[str, str]] = Counter()
        for item in self.items:
            counts[(item.kind, "read")] += 1
            counts[(item.kind, "imported" if item.used and not item.rejected else "rejected")] += 1
        return Conversion(statements, tuple(dict.fromkeys(topics)), counts, self.rejects)

    # ------------------------------------------------------------ offsets

    def _offsets_in_utf16(self, labeled: list[dict[str, Any]]) -> bool:
        """Decide, from the regions' own text, whether this annotation counted UTF-16 units.

        Each region whose two readings give different spans votes for the reading under which
        its ``value.text`` is the text at its offsets: exact matches first, then loose ones
        (whitespace folded). When no region tells them apart (both readings fit everywhere),
        the annotation's date decides: Label Studio counted UTF-16 units before late 2021.
        """
        utf16 = self.task_text.utf16
        if utf16 is None:
            return False
        text = self.task_text.text
        strong, weak = Counter[str](), Counter[str]()
        ambiguous = 0
        for result in labeled:
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
            legacy = (self.annotated_at or "9999") < CODE_POINT_ERA
            reason = f"{ambiguous} region(s) fit both readings; the annotation's date ({self.annotated_at}) decides"
            self.issues.info(
                "ambiguous-offsets",
                self.where,
                "the offsets read correctly both as code points and as UTF-16",
                found=reason,
            )
        else:
            return False
        if legacy:
            self.issues.info(
                "legacy-utf16-offsets",
                self.where,
                "offsets were counted in UTF-16 code units (Label Studio before late 2021); converted to code points",
                found=reason,
            )
        return legacy

    def _region(self, result: dict[str, Any], index: int, item: ItemOutcome, use_utf16: bool) -> Region | None:
        rid = result.get("id")
        if not isinstance(rid, str) or not rid:
            self._reject(item, "missing-id", "a region needs an id for relations to point at", found=repr(rid))
            return None
        if result.get("from_name") != self.interface.labels_name:
            self._reject(
                item,
                "unknown-control",
                "this labels result does not come from beyan's span labels",
                expected=repr(self.interface.labels_name),
                found=repr(result.get("from_name")),
                hint="was the export made with beyan's labeling config? (`beyan labelstudio-config`)",
            )
            return None
        value = result.get("value")
        if not isinstance(value, dict):
            self._reject(item, "wrong-type", "a region's value must be an object", found=json_type(value))
            return None
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
            self._reject(item, "wrong-type", "value.labels must be a non-empty list of label names", found=repr(labels))
            return None
        roles = self.interface.roles
        unknown = [x for x in labels if roles.key_of(x) is None]
        if unknown:
            self._reject(
                item,
                "unknown-label",
                "the region's label is not in the schema",
                expected=f"one of {roles.names}",
                found=repr(unknown[0]),
                hint="the export may come from another project's config; relabel the region or update the schema",
            )
            return None
        if len(set(labels)) > 1:
            self._reject(
                item,
                "multiple-labels",
                "a region must have exactly one role",
                found=repr(labels),
                hint="mark the text twice, once per role",
            )
            return None
        start, end = value.get("start"), value.get("end")
        if not (_is_int(start) and _is_int(end)):
            self._reject(
                item,
                "wrong-type",
                "value.start and value.end must be integers",
                found=f"start={start!r}, end={end!r}",
            )
            return None
        assert isinstance(start, int) and isinstance(end, int)
        task_text = self.task_text
        if use_utf16 and task_text.utf16 is not None:
            cp_start, cp_end = task_text.utf16.to_code_point(start), task_text.utf16.to_code_point(end)
            if cp_start is None or cp_end is None:
                self._reject(
                    item,
                    "split-surrogate",
                    "a UTF-16 offset falls inside a character outside the BMP",
                    found=f"[{start}, {end})",
                )
                return None
            start, end = cp_start, cp_end
        limit = len(task_text.text)
        if start < 0 or end > limit:
            self._reject(
                item,
                "span-out-of-range",
                "the region lies outside the task text",
                expected=f"0 <= start < end <= {limit}",
                found=f"[{start}, {end})",
            )
            return None
        if end <= start:
            self._reject(
                item, "empty-span", "the region is empty or reversed", expected="start < end", found=f"[{start}, {end})"
            )
            return None
        claimed = value.get("text")
        actual = task_text.text[start:end]
        if claimed is not None and (not isinstance(claimed, str) or loose_text(claimed) != loose_text(actual)):
            self._reject(
                item,
                "span-text-mismatch",
                f"the region's text is not the task text at its offsets [{start}, {end})",
                expected=repr(_clip(actual)),
                found=repr(_clip(str(claimed))),
                hint="the task text was probably edited after annotation; re-annotate or re-import the original task",
            )
            return None
        newline_map = task_text.newline_map
        span = Span(newline_map.map(start), newline_map.map(end))
        if span.text_in(self.article_text) != task_text.text[start:end].replace("\r\n", "\n").replace("\r", "\n"):
            # Cannot happen when the texts matched; guards the mapping itself.
            self._reject(
                item, "span-text-mismatch", "the region does not map onto the article text", found=f"[{start}, {end})"
            )
            return None
        role = roles.key_of(labels[0])
        assert role is not None
        return Region(rid, role, span, index)

    # ------------------------------------------------------------ attributes

    def _document_choices(self, result: dict[str, Any], control: DocumentChoices, item: ItemOutcome) -> list[str]:
        value = result.get("value")
        choices = value.get("choices") if isinstance(value, dict) else None
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            self._reject(item, "wrong-type", "value.choices must be a list of strings", found=repr(choices))
            return []
        unknown = [c for c in choices if c not in control.vocabulary.names]
        if unknown:
            self._reject(
                item,
                "unknown-label",
                f"unknown {control.name}",
                expected=f"one of {control.vocabulary.names}",
                found=repr(unknown[0]),
            )
            return []
        item.used = True
        return list(choices)

    def _attach_attribute(self, result: dict[str, Any], item: ItemOutcome, regions: dict[str, Region]) -> None:
        name = result.get("from_name")
        control = self.interface.control(str(name))
        if control is None or isinstance(control, DocumentChoices):
            self._reject(
                item,
                "unknown-control",
                "this result comes from a control beyan's labeling config does not have",
                found=repr(name),
                hint="was the export made with beyan's labeling config? (`beyan labelstudio-config`)",
            )
            return
        region_id = result.get("id")
        region = regions.get(region_id) if isinstance(region_id, str) else None
        if region is None:
            if isinstance(region_id, str) and region_id in self.rejected_regions:
                self._reject(
                    item, "follows-rejection", f"not imported: its region {region_id} was rejected", severity="info"
                )
                return
            self._reject(
                item,
                "dangling-region-result",
                f"this {control.name} belongs to a region that does not exist",
                found=repr(region_id),
            )
            return
        item.region_id = region.id
        if region.role != control.on_role:
            self._reject(
                item,
                "attribute-on-wrong-role",
                f"{control.name} applies to {self.interface.roles.name_of(control.on_role)} regions",
                found=self.interface.roles.name_of(region.role),
            )
            return
        value = result.get("value")
        if isinstance(control, RegionChoices):
            choices = value.get("choices") if isinstance(value, dict) else None
            if not isinstance(choices, list) or len(choices) != 1 or not isinstance(choices[0], str):
                self._reject(item, "wrong-type", "a per-region choice must be one label", found=repr(choices))
                return
            if choices[0] not in control.vocabulary.names:
                self._reject(
                    item,
                    "unknown-label",
                    f"unknown {control.name}",
                    expected=f"one of {control.vocabulary.names}",
                    found=repr(choices[0]),
                )
                return
            region.attributes[control.name] = (choices[0], item)
            return
        assert isinstance(control, RegionText)
        texts = value.get("text") if isinstance(value, dict) else None
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            self._reject(item, "wrong-type", "a per-region text must be a list of strings", found=json_type(texts))
            return
        joined = " ".join(t.strip() for t in texts if t.strip()) or None
        if joined is not None and control.pattern is not None:
            import re

            if not re.match(control.pattern, joined):
                self._reject(
                    item,
                    "invalid-value",
                    f"{control.name} has the wrong form",
                    expected=control.pattern,
                    found=repr(joined),
                )
                return
        region.attributes[control.name] = (joined, item)

    # ------------------------------------------------------------ relations

    def _relation(
        self, result: dict[str, Any], item: ItemOutcome, regions: dict[str, Region]
    ) -> tuple[str, Region, Region, ItemOutcome] | None:
        from_id, to_id = result.get("from_id"), result.get("to_id")
        ends = [end for end in (from_id, to_id) if isinstance(end, str)]
        if len(ends) != 2:
            self._reject(
                item,
                "wrong-type",
                "from_id and to_id must be region ids (strings)",
                found=f"from_id={from_id!r}, to_id={to_id!r}",
            )
            return None
        assert isinstance(from_id, str) and isinstance(to_id, str)
        a, b = regions.get(from_id), regions.get(to_id)
        if a is None or b is None:
            absent = [end for end, region in ((from_id, a), (to_id, b)) if region is None]
            unknown = [end for end in absent if end not in self.rejected_regions]
            missing = unknown[0] if unknown else absent[0]  # an id that never existed is the root cause
            if missing in self.rejected_regions:
                self._reject(item, "follows-rejection", f"not imported: region {missing} was rejected", severity="info")
                return None
            self._reject(
                item,
                "dangling-relation",
                "the relation points at a region that does not exist",
                found=repr(missing),
            )
            return None
        item.location = (*self.where, f"relation {from_id}->{to_id}")
        direction = result.get("direction", "right")
        if direction not in ("right", "left", "bi"):
            self._reject(
                item, "wrong-type", "unknown relation direction", expected="right, left or bi", found=repr(direction)
            )
            return None
        labels = result.get("labels") or []
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            self._reject(item, "wrong-type", "relation labels must be a list of strings", found=json_type(labels))
            return None
        relations = self.interface.relations
        keys = [relations.key_of(x) for x in labels]
        if None in keys:
            bad = labels[keys.index(None)]
            self._reject(
                item, "unknown-label", "unknown relation label", expected=f"one of {relations.names}", found=repr(bad)
            )
            return None
        if len(set(keys)) > 1:
            self._reject(item, "multiple-labels", "a relation must have at most one label", found=repr(labels))
            return None
        orientations = {"right": [(a, b)], "left": [(b, a)], "bi": [(a, b), (b, a)]}[direction]
        candidates = [
            (rule.relation, src, tgt)
            for src, tgt in orientations
            for rule in self.interface.relation_rules
            if (not keys or rule.relation == keys[0]) and (rule.source_role, rule.target_role) == (src.role, tgt.role)
        ]
        if not candidates:
            roles = self.interface.roles
            self._reject(
                item,
                "relation-role-mismatch",
                "this relation does not connect these roles",
                expected=", ".join(
                    f"{relations.name_of(r.relation)}: {roles.name_of(r.source_role)} -> {roles.name_of(r.target_role)}"
                    for r in self.interface.relation_rules
                ),
                found=f"{labels[0] if labels else '(no label)'}: "
                f"{roles.name_of(a.role)} -> {roles.name_of(b.role)} ({direction})",
            )
            return None
        if len(candidates) > 1:
            self._reject(
                item,
                "ambiguous-relation",
                "the relation's meaning is ambiguous between two spans of the same role",
                found=f"{', '.join(sorted({relations.name_of(c[0]) for c in candidates}))} ({direction})",
                hint="give content -> content relations a label (nested-in or continues) and a direction",
            )
            return None
        relation, source, target = candidates[0]
        return relation, source, target, item

    # ------------------------------------------------------------ statements

    def _assemble(
        self,
        regions: dict[str, Region],
        region_items: dict[str, ItemOutcome],
        links: list[tuple[str, Region, Region, ItemOutcome]],
    ) -> list[AnnotatedStatement]:
        contents = [r for r in regions.values() if r.role == "content"]
        group_of = {r.id: r.id for r in contents}

        def find(x: str) -> str:
            while group_of[x] != x:
                group_of[x] = group_of[group_of[x]]
                x = group_of[x]
            return x

        for relation, source, target, item in links:
            if relation == "continues":
                group_of[find(source.id)] = find(target.id)
                item.used = True
        groups: dict[str, list[Region]] = {}
        for region in contents:
            groups.setdefault(find(region.id), []).append(region)

        by_group: dict[str, dict[str, list[tuple[Region, ItemOutcome]]]] = {
            g: {"said": [], "cue": [], "addressed": [], "nested": []} for g in groups
        }
        for relation, source, target, item in links:
            if relation == "continues":
                continue
            by_group[find(target.id)][relation].append((source, item))

        built: dict[str, AnnotatedStatement] = {}
        parents: dict[str, tuple[str, ItemOutcome]] = {}
        for group, members in groups.items():
            members.sort(key=lambda r: r.span)
            linked = by_group[group]
            statement = self._statement(group, members, linked, region_items)
            if statement is None:
                continue
            built[group] = statement
            for child, item in linked["nested"]:
                child_group = find(child.id)
                if child_group == group:
                    self._reject(item, "nesting-cycle", "a statement cannot be nested in itself")
                elif child_group in parents:
                    self._reject(item, "multiple-parents", "a statement can be nested in only one other statement")
                else:
                    parents[child_group] = (group, item)

        # Resolve parents once all statements exist; drop nestings that break the rules.
        result: dict[str, AnnotatedStatement] = dict(built)
        for child_group, (parent_group, item) in sorted(parents.items()):
            nested, parent = built.get(child_group), built.get(parent_group)
            if nested is None or parent is None:
                self._reject(item, "dangling-relation", "the nesting links a statement that was rejected")
                continue
            if not all(any(p.covers(c) for p in parent.content) for c in nested.content):
                self._reject(
                    item,
                    "parent-not-covering",
                    "a nested statement's content must lie inside its parent's content",
                    expected=_fmt(parent.content),
                    found=_fmt(nested.content),
                )
                continue
            if self._creates_cycle(child_group, parent_group, {c: p for c, (p, _) in parents.items()}):
                self._reject(item, "nesting-cycle", "statements are nested in each other in a cycle")
                continue
            item.used = True
            result[child_group] = _with_parent(nested, parent.content)
        return sorted(result.values(), key=lambda s: s.content)

    @staticmethod
    def _creates_cycle(child: str, parent: str, parents: dict[str, str]) -> bool:
        seen = {child}
        node: str | None = parent
        while node is not None:
            if node in seen:
                return True
            seen.add(node)
            node = parents.get(node)
        return False

    def _statement(
        self,
        group: str,
        members: list[Region],
        linked: dict[str, list[tuple[Region, ItemOutcome]]],
        region_items: dict[str, ItemOutcome],
    ) -> AnnotatedStatement | None:
        first = members[0]
        location = (*self.where, f"statement at region {first.id}")

        def attribute(regions: list[Region], name: str) -> tuple[Any, list[ItemOutcome]]:
            values = [(r.attributes[name][0], r.attributes[name][1]) for r in regions if name in r.attributes]
            distinct = list(dict.fromkeys(v for v, _ in values if v is not None))
            if len(distinct) > 1:
                self.issues.warning(
                    "conflicting-attribute",
                    location,
                    f"the statement's regions disagree on {name}; the first is kept",
                    found=repr(distinct),
                )
            return (distinct[0] if distinct else None), [i for _, i in values]

        quote_type, quote_items = attribute(members, "quote_type")
        marker, marker_items = attribute(members, "speaker_marker")
        speakers = sorted({source for source, _ in linked["said"]}, key=lambda r: r.span)
        speaker_unknown = marker == unknown_speaker_label(self.interface)
        problem: tuple[str, str, str] | None = None
        if quote_type is None:
            problem = (
                "missing-quote-type",
                "the statement has no quote type",
                "select the content region and pick direct, indirect or mixed",
            )
        elif not speakers and not speaker_unknown:
            problem = (
                "missing-speaker",
                "the statement has no speaker and is not marked unknown-speaker",
                "link a speaker span with a 'said' relation, or tick unknown-speaker",
            )
        if problem is not None:
            code, message, hint = problem
            if any(region.id in self.tainted for region in members):
                # The cause (a rejected choice, relation or region) is reported already.
                self.issues.info(code, location, f"{message}, because of a rejection reported at its cause")
            else:
                self.issues.error(code, location, message, hint=hint)
            for region in members:
                item = region_items[region.id]
                self._reject(item, code, f"part of a rejected statement: {message}", severity="info")
            for kind in ("said", "cue", "addressed", "nested"):
                for source, link_item in linked[kind]:
                    link_item.follow_on = True
                    region_items[source.id].follow_on = True
            for region in members:
                for _, attribute_item in region.attributes.values():
                    attribute_item.follow_on = True
            return None
        if speakers and speaker_unknown:
            self.issues.warning(
                "speaker-marked-unknown",
                location,
                "the statement has a linked speaker but is also marked unknown-speaker; the link wins",
            )
            speaker_unknown = False

        used_items: list[ItemOutcome] = [*quote_items, *marker_items]
        stance, items = attribute(members, "stance")
        used_items += items
        stance_target, items = attribute(members, "stance_target")
        used_items += items
        cues = sorted({source for source, _ in linked["cue"]}, key=lambda r: r.span)
        addressees = sorted({source for source, _ in linked["addressed"]}, key=lambda r: r.span)
        cue_lemma, items = attribute(cues, "cue_lemma")
        used_items += items
        speaker_fields: dict[str, Any] = {}
        for control in self.interface.region_controls:
            if isinstance(control, RegionText) and control.fills.startswith("speaker."):
                value, items = attribute(speakers, control.name)
                used_items += items
                speaker_fields[control.fills.split(".", 1)[1]] = value
        speaker = Speaker(**speaker_fields)
        for region in (*members, *speakers, *cues, *addressees):
            region_items[region.id].used = True
        for kind in ("said", "cue", "addressed"):
            for _, item in linked[kind]:
                item.used = True
        for item in used_items:
            item.used = True
        return AnnotatedStatement(
            content=tuple(r.span for r in members),
            quote_type=quote_type,
            speakers=tuple(r.span for r in speakers),
            cues=tuple(r.span for r in cues),
            addressees=tuple(r.span for r in addressees),
            speaker_unknown=speaker_unknown,
            speaker=None if speaker.is_empty() else speaker,
            cue_lemma=cue_lemma,
            stance=stance,
            stance_target=stance_target,
            parent=None,
            region_ids=tuple(r.id for r in (*members, *speakers, *cues, *addressees)),
        )


_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}


def json_type(value: Any) -> str:
    """The JSON name of a value's type (what a user of a JSON export recognises)."""
    return "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)


def unknown_speaker_label(interface: AnnotationInterface) -> str:
    """The published name of the unknown-speaker mark."""
    control = interface.control("speaker_marker")
    assert isinstance(control, RegionChoices)
    return control.vocabulary.name_of("unknown")


def _with_parent(statement: AnnotatedStatement, parent: tuple[Span, ...]) -> AnnotatedStatement:
    from dataclasses import replace

    return replace(statement, parent=parent)


def _fmt(spans: tuple[Span, ...]) -> str:
    return ", ".join(f"[{s.start}, {s.end})" for s in spans)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
