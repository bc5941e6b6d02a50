"""One generic path between records and their JSON forms, driven by the schema declaration.

Records name their fields as the schema does, so the stored JSON (corpus files), the published
rows (dataset configs) and the records are converted by walking the declaration, never by a
field list written out again. Two JSON forms exist:

* **stored** (corpus files): spans as ``[start, end]`` pairs, compact and stable;
* **row** (published configs): spans as ``{"start", "end", "text"}`` with the text read from
  the article (``None`` for standoff rows).

A statement field the record class does not name is kept in the record's ``extra``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from typing import Any

from beyan.records import (
    AnnotatedStatement,
    Block,
    GoldArticle,
    Provenance,
    Published,
    Rights,
    Span,
    Speaker,
    Statement,
)
from beyan.schema import current
from beyan.schema.types import Categorical, Field, FieldType, ListOf, Scalar, Schema, Struct

# The record class of each struct of the declaration.
STRUCT_RECORDS: dict[str, type] = {
    "Speaker": Speaker,
    "Provenance": Provenance,
    "Published": Published,
    "Rights": Rights,
    "Block": Block,
}
SPAN_STRUCT = "Span"
# What an annotated statement holds besides schema fields: its parent's content and its regions.
PARENT, REGION_IDS = "parent", "region_ids"


_SLOTS: dict[type, frozenset[str]] = {}


def _slots(record_type: type) -> frozenset[str]:
    found = _SLOTS.get(record_type)
    if found is None:
        found = _SLOTS[record_type] = frozenset(f.name for f in dataclass_fields(record_type))
    return found


def is_spans(kind: FieldType) -> bool:
    return isinstance(kind, ListOf) and isinstance(kind.item, Struct) and kind.item.name == SPAN_STRUCT


def value_of(record: Any, name: str) -> Any:
    """A field of a record, from its slot or from ``extra``; None when the record has neither."""
    if name in _slots(type(record)):
        return getattr(record, name)
    for key, value in getattr(record, "extra", ()):
        if key == name:
            return value
    return None


def build(record_type: type, values: dict[str, Any]) -> Any:
    """A record of ``record_type`` from field values; fields it does not name go to ``extra``."""
    slots = _slots(record_type)
    known = {k: v for k, v in values.items() if k in slots}
    extra = tuple(sorted((k, _frozen(v)) for k, v in values.items() if k not in slots))
    if extra:
        known["extra"] = extra
    return record_type(**known)


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


# ------------------------------------------------------------------ values


def to_stored(value: Any, kind: FieldType) -> Any:
    """A record value in the stored JSON form."""
    if value is None:
        return None
    if is_spans(kind):
        return [[span.start, span.end] for span in value]
    if isinstance(kind, ListOf):
        return [to_stored(item, kind.item) for item in value]
    if isinstance(kind, Struct):
        return {f.name: to_stored(value_of(value, f.name), f.type) for f in kind.fields}
    return value


def from_stored(value: Any, kind: FieldType) -> Any:
    """A record value from the stored JSON form (the inverse of :func:`to_stored`)."""
    if value is None:
        return None
    if is_spans(kind):
        return tuple(Span(int(start), int(end)) for start, end in value)
    if isinstance(kind, ListOf):
        return tuple(from_stored(item, kind.item) for item in value)
    if isinstance(kind, Struct):
        record_type = STRUCT_RECORDS.get(kind.name)
        values = {f.name: from_stored(value.get(f.name), f.type) for f in kind.fields}
        return values if record_type is None else build(record_type, values)
    return value


def to_row(value: Any, kind: FieldType, text: str | None) -> Any:
    """A record value in the published row form; span texts are read from ``text`` (None: standoff)."""
    if value is None:
        return None
    if is_spans(kind):
        return [
            {"start": s.start, "end": s.end, "text": None if text is None else text[s.start : s.end]} for s in value
        ]
    if isinstance(kind, ListOf):
        return [to_row(item, kind.item, text) for item in value]
    if isinstance(kind, Struct):
        return {f.name: to_row(value_of(value, f.name), f.type, text) for f in kind.fields}
    if isinstance(kind, (Scalar, Categorical)):
        return value
    return value  # pragma: no cover - every kind is handled above


def from_row(value: Any, kind: FieldType) -> Any:
    """A record value from a published row (predictions are read this way)."""
    if value is None:
        return None
    if is_spans(kind):
        return tuple(Span(int(s["start"]), int(s["end"])) for s in value)
    if isinstance(kind, ListOf):
        return tuple(from_row(item, kind.item) for item in value)
    if isinstance(kind, Struct):
        record_type = STRUCT_RECORDS.get(kind.name)
        values = {f.name: from_row(value.get(f.name), f.type) for f in kind.fields}
        return values if record_type is None else build(record_type, values)
    return value


# ------------------------------------------------------------------ statements


_ANNOTATED: dict[int, tuple[Schema, tuple[Field, ...]]] = {}


def annotated_fields(schema: Schema | None = None) -> tuple[Field, ...]:
    """The schema's annotated fields (worked out once per schema: this runs for every statement)."""
    schema = schema or current()
    found = _ANNOTATED.get(id(schema))
    if found is None or found[0] is not schema:
        found = _ANNOTATED[id(schema)] = (schema, schema.annotated_fields)
    return found[1]


Encoder = Callable[[Any], Any]


def stored_encoder(kind: FieldType) -> Encoder:
    """:func:`to_stored` for one type, compiled once: the import runs it for every statement."""
    if is_spans(kind):
        return lambda value: None if value is None else [[s.start, s.end] for s in value]
    if isinstance(kind, (Scalar, Categorical)):
        return lambda value: value
    return lambda value: to_stored(value, kind)


_STORED: dict[int, tuple[Schema, list[tuple[str, bool, Encoder]]]] = {}


def annotated_to_stored(statement: AnnotatedStatement, schema: Schema | None = None) -> dict[str, Any]:
    """One annotator's statement as stored in the corpus: its annotated fields, parent and regions."""
    schema = schema or current()
    found = _STORED.get(id(schema))
    if found is None or found[0] is not schema:
        slots = _slots(AnnotatedStatement)
        plan = [(f.name, f.name in slots, stored_encoder(f.type)) for f in annotated_fields(schema)]
        found = _STORED[id(schema)] = (schema, plan)
    out = {
        name: encode(getattr(statement, name) if slotted else value_of(statement, name))
        for name, slotted, encode in found[1]
    }
    out[PARENT] = None if statement.parent is None else [[s.start, s.end] for s in statement.parent]
    out[REGION_IDS] = list(statement.region_ids)
    return out


def annotated_from_stored(value: dict[str, Any], schema: Schema | None = None) -> AnnotatedStatement:
    values: dict[str, Any] = {}
    for f in annotated_fields(schema):
        stored = value.get(f.name)
        if stored is None and isinstance(f.type, ListOf):
            stored = []
        if stored is None and isinstance(f.type, Scalar) and f.type.kind == "bool":
            stored = False
        values[f.name] = from_stored(stored, f.type)
    parent = value.get(PARENT)
    values[PARENT] = None if parent is None else tuple(Span(int(s), int(e)) for s, e in parent)
    values[REGION_IDS] = tuple(value.get(REGION_IDS, ()))
    record: AnnotatedStatement = build(AnnotatedStatement, values)
    return record


RowEncoder = Callable[[Any, str | None], Any]


def row_encoder(kind: FieldType) -> RowEncoder:
    """:func:`to_row` for one type, compiled once: builds run it for every field of every statement."""
    if is_spans(kind):

        def spans(value: Any, text: str | None) -> Any:
            if value is None:
                return None
            if text is None:
                return [{"start": s.start, "end": s.end, "text": None} for s in value]
            return [{"start": s.start, "end": s.end, "text": text[s.start : s.end]} for s in value]

        return spans
    if isinstance(kind, (Scalar, Categorical)) or (
        isinstance(kind, ListOf) and isinstance(kind.item, (Scalar, Categorical))
    ):
        if isinstance(kind, ListOf):
            return lambda value, text: None if value is None else list(value)
        return lambda value, text: value
    if isinstance(kind, Struct):
        members = [(f.name, row_encoder(f.type)) for f in kind.fields]
        record_type = STRUCT_RECORDS.get(kind.name)
        slots = _slots(record_type) if record_type is not None else frozenset()

        def struct(value: Any, text: str | None) -> Any:
            if value is None:
                return None
            if isinstance(value, dict):
                return {name: encode(value.get(name), text) for name, encode in members}
            return {
                name: encode(getattr(value, name) if name in slots else value_of(value, name), text)
                for name, encode in members
            }

        return struct
    return lambda value, text: to_row(value, kind, text)


def gold_statement_rows(gold: GoldArticle, text: str | None) -> list[dict[str, Any]]:
    """The published rows of a gold article's statements, made once per article and text policy.

    The rows are shared between the configs that use them: callers copy before they change one.
    """
    key = ("statement_rows", text is not None)
    found: list[dict[str, Any]] | None = gold.memo.get(key)
    if found is None:
        found = gold.memo[key] = [statement_row(statement, text) for statement in gold.statements]
    return found


_STATEMENT_ROWS: dict[int, tuple[Schema, list[tuple[str, bool, RowEncoder]]]] = {}


def statement_row(statement: Statement, text: str | None, schema: Schema | None = None) -> dict[str, Any]:
    """A gold statement's own fields in the published row form."""
    schema = schema or current()
    found = _STATEMENT_ROWS.get(id(schema))
    if found is None or found[0] is not schema:
        slots = _slots(Statement)
        plan = [(f.name, f.name in slots, row_encoder(f.type)) for f in schema.statement.fields]
        found = _STATEMENT_ROWS[id(schema)] = (schema, plan)
    return {
        name: encode(getattr(statement, name) if slotted else value_of(statement, name), text)
        for name, slotted, encode in found[1]
    }
