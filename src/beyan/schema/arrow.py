"""Derive the Arrow schema and the ``datasets.Features`` from the declaration.

Both are derived independently (not one from the other) so that the drift test
compares two real derivations: ``features(root).arrow_schema`` must equal
``arrow_schema(root)``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from beyan.schema.types import Categorical, FieldType, ListOf, Scalar, Struct

if TYPE_CHECKING:
    import datasets

HF_METADATA_KEY = b"huggingface"

_ARROW_SCALARS: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "bool": pa.bool_(),
}


def arrow_type(kind: FieldType) -> pa.DataType:
    if isinstance(kind, Scalar):
        return _ARROW_SCALARS[kind.kind]
    if isinstance(kind, Categorical):
        return pa.int64()  # ClassLabel storage: the label's index
    if isinstance(kind, ListOf):
        return pa.list_(arrow_type(kind.item))
    return pa.struct([pa.field(field.name, arrow_type(field.type)) for field in kind.fields])


def arrow_schema(root: Struct) -> pa.Schema:
    """The Arrow schema of a config's rows, without metadata."""
    return pa.schema([pa.field(field.name, arrow_type(field.type)) for field in root.fields])


def feature_dict(kind: FieldType) -> dict[str, Any]:
    """The ``datasets`` serialisation of a type (what ``Features.to_dict`` gives)."""
    if isinstance(kind, Scalar):
        dtype = {"bool": "bool"}.get(kind.kind, kind.kind)
        return {"dtype": dtype, "_type": "Value"}
    if isinstance(kind, Categorical):
        return {"names": kind.vocabulary.names, "_type": "ClassLabel"}
    if isinstance(kind, ListOf):
        return {"feature": feature_dict(kind.item), "_type": "List"}
    return {field.name: feature_dict(field.type) for field in kind.fields}


def features_dict(root: Struct) -> dict[str, Any]:
    return {field.name: feature_dict(field.type) for field in root.fields}


def features(root: Struct) -> datasets.Features:
    """The ``datasets.Features`` of a config (imports ``datasets`` lazily: it is slow to load)."""
    import datasets

    return datasets.Features.from_dict(features_dict(root))


def parquet_schema(root: Struct) -> pa.Schema:
    """Arrow schema plus the features under the ``huggingface`` metadata key, as ``datasets`` writes it.

    With the features in the file, ``load_dataset`` restores ``ClassLabel`` names.
    """
    metadata = json.dumps({"info": {"features": features_dict(root)}}, ensure_ascii=False)
    return arrow_schema(root).with_metadata({HF_METADATA_KEY: metadata.encode("utf-8")})
