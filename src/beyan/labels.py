"""The ``labels`` config: every label name beside the integer Parquet stores, for any Parquet reader.

``datasets`` restores label names from the ``ClassLabel`` features in each file's metadata;
pyarrow, DuckDB, polars and pandas see bare integers. The ``labels`` config is a small
table (vocabulary, index, name, definition, columns) generated from the schema, so those
readers join instead of decoding Hugging Face metadata by hand (docs/tokens.md shows how).
"""

from __future__ import annotations

from typing import Any

from beyan.schema.types import Categorical, FieldType, ListOf, Struct, Vocabulary


def gold_configs() -> dict[str, Struct]:
    """The row types of the gold build's configs (silver rows are published in datasets of their own)."""
    from beyan.configs import row_types

    return row_types()


def label_columns(configs: dict[str, Struct] | None = None) -> dict[str, tuple[Vocabulary, list[str]]]:
    """Vocabulary name -> (vocabulary, columns holding its indices), in first-use order.

    Columns are ``config.field``, dotted into records, with ``[]`` after each list
    (``statements.topics[]``, ``articles.statements[].quote_type``, ``tokens.content_tags[][]``).
    """
    found: dict[str, tuple[Vocabulary, list[str]]] = {}

    def visit(kind: FieldType, path: str) -> None:
        if isinstance(kind, Categorical):
            entry = found.setdefault(kind.vocabulary.name, (kind.vocabulary, []))
            entry[1].append(path)
        elif isinstance(kind, ListOf):
            visit(kind.item, path + "[]")
        elif isinstance(kind, Struct):
            for member in kind.fields:
                visit(member.type, f"{path}.{member.name}")

    for config, struct in (configs if configs is not None else gold_configs()).items():
        for member in struct.fields:
            visit(member.type, f"{config}.{member.name}")
    return found


def label_rows() -> list[dict[str, Any]]:
    """The rows of config ``labels``: one per label of every vocabulary a column uses."""
    rows: list[dict[str, Any]] = []
    for name, (vocabulary, columns) in label_columns().items():
        for index, label in enumerate(vocabulary.labels):
            rows.append(
                {
                    "vocabulary": name,
                    "index": index,
                    "name": label.name,
                    "definition": label.definition,
                    "columns": list(columns),
                }
            )
    return rows


def nullable_label_columns(configs: dict[str, Struct] | None = None) -> list[str]:
    """Top-level label columns that may be null (null means: not annotated, never a label)."""
    return [
        f"{config}.{member.name}"
        for config, struct in (configs if configs is not None else gold_configs()).items()
        for member in struct.fields
        if member.nullable and isinstance(member.type, Categorical)
    ]
