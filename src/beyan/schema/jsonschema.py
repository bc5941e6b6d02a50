"""Derive JSON Schema (draft 2020-12) documents from the declaration."""

from __future__ import annotations

from typing import Any

from beyan.schema.types import Categorical, Field, FieldType, ListOf, Scalar, Struct, Vocabulary

DRAFT = "https://json-schema.org/draft/2020-12/schema"
INT32_MAX = 2**31 - 1


def json_schema(root: Struct, *, schema_id: str, version: str) -> dict[str, Any]:
    """A self-contained JSON Schema for records of ``root``, nested types under ``$defs``."""
    defs: dict[str, Any] = {}
    body = _struct(root, defs)
    return {
        "$schema": DRAFT,
        "$id": schema_id,
        "title": root.name,
        "x-beyan-schema-version": version,
        **body,
        "$defs": dict(sorted(defs.items())),
    }


def _struct(struct: Struct, defs: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": struct.description,
        "type": "object",
        "properties": {field.name: _field(field, defs) for field in struct.fields},
        "required": [field.name for field in struct.fields],
        "additionalProperties": False,
    }


def _field(field: Field, defs: dict[str, Any]) -> dict[str, Any]:
    schema = _type(field.type, defs)
    if field.pattern is not None:
        schema["pattern"] = field.pattern
    if field.minimum is not None:
        schema["minimum"] = field.minimum
    if field.nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return {"description": field.description, **schema}


def _type(kind: FieldType, defs: dict[str, Any]) -> dict[str, Any]:
    if isinstance(kind, Scalar):
        if kind.kind == "string":
            return {"type": "string"}
        if kind.kind == "bool":
            return {"type": "boolean"}
        maximum = INT32_MAX if kind.kind == "int32" else 2**63 - 1
        return {"type": "integer", "maximum": maximum}
    if isinstance(kind, Categorical):
        defs.setdefault(_vocabulary_ref(kind.vocabulary), vocabulary_schema(kind.vocabulary))
        return {"$ref": f"#/$defs/{_vocabulary_ref(kind.vocabulary)}"}
    if isinstance(kind, ListOf):
        schema: dict[str, Any] = {"type": "array", "items": _type(kind.item, defs)}
        if kind.min_items:
            schema["minItems"] = kind.min_items
        return schema
    if kind.name not in defs:
        defs[kind.name] = {}  # reserve the name first: structs may be shared
        defs[kind.name] = _struct(kind, defs)
    return {"$ref": f"#/$defs/{kind.name}"}


def _vocabulary_ref(vocabulary: Vocabulary) -> str:
    return f"vocabulary.{vocabulary.name}"


def vocabulary_schema(vocabulary: Vocabulary) -> dict[str, Any]:
    """A string enum whose ``oneOf`` branches carry each label's one-line definition."""
    return {
        "description": vocabulary.description,
        "type": "string",
        "enum": vocabulary.names,
        "oneOf": [{"const": label.name, "description": label.definition} for label in vocabulary.labels],
    }
