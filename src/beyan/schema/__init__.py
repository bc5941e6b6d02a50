"""The schema: one declaration (``v1``) and the published forms derived from it."""

from beyan.schema.arrow import arrow_schema, features, features_dict, parquet_schema
from beyan.schema.jsonschema import json_schema
from beyan.schema.labelstudio import labelstudio_config
from beyan.schema.v1 import (
    ARTICLE_ROW,
    CONFIGS,
    INTERFACE,
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
    "arrow_schema",
    "features",
    "features_dict",
    "json_schema",
    "labelstudio_config",
    "parquet_schema",
]


def current_labelstudio_config() -> str:
    """The Label Studio config of the current schema."""
    return labelstudio_config(INTERFACE, schema_version=SCHEMA_VERSION)
