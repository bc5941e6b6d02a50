"""The schema: one declaration (``v1``) and the published forms derived from it.

Pipeline code asks :func:`current` for the schema instead of importing module constants, so a
variant of the declaration (``using(schema.with_statement_field(...))``) flows through every stage.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from beyan.schema.arrow import arrow_schema, features, features_dict, parquet_schema
from beyan.schema.jsonschema import json_schema
from beyan.schema.labelstudio import labelstudio_config
from beyan.schema.types import Schema
from beyan.schema.v1 import (
    ARTICLE_ROW,
    CONFIGS,
    INTERFACE,
    SCHEMA,
    SCHEMA_VERSION,
    SPLITS,
    STATEMENT_ROW,
    VOCABULARIES,
)

__all__ = [
    "ARTICLE_ROW",
    "CONFIGS",
    "INTERFACE",
    "SCHEMA_VERSION",
    "SPLITS",
    "STATEMENT_ROW",
    "VOCABULARIES",
    "Schema",
    "arrow_schema",
    "current",
    "features",
    "features_dict",
    "json_schema",
    "labelstudio_config",
    "parquet_schema",
    "using",
]

_CURRENT: ContextVar[Schema] = ContextVar("beyan_schema", default=SCHEMA)


def current() -> Schema:
    """The schema in force: the v1 declaration unless a caller chose a variant with :func:`using`."""
    return _CURRENT.get()


@contextmanager
def using(schema: Schema) -> Iterator[Schema]:
    """``with using(variant):`` runs the pipeline on a variant of the declaration."""
    token = _CURRENT.set(schema)
    try:
        yield schema
    finally:
        _CURRENT.reset(token)


def current_labelstudio_config() -> str:
    """The Label Studio config of the current schema."""
    schema = current()
    return labelstudio_config(schema.interface, schema_version=schema.version)
