"""``beyan silver``: machine-annotated statements from raw news at scale, in the gold dataset's schema.

Raw news (WARC, JSON Lines, HTML, Parquet; local or fsspec URLs) is read, its language
detected, exact and near-duplicate articles removed with datatrove's multi-stage MinHash,
and statements found by the rule extractor or any ``module:function`` predictor; the rows
(config ``silver``) carry the extractor, its version and hash, and the run id, so silver is
never mistaken for gold. The steps run on datatrove's executors: on this machine's processes
(``engine="local"``, the default) or on a Ray cluster (``engine="ray"``). See docs/silver.md.

The pipeline needs the ``silver`` extra (``pip install 'beyan[silver]'``); this package imports
it only when a run starts.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "run_silver": "beyan.silver.pipeline",
    "SilverResult": "beyan.silver.pipeline",
    "Reconciliation": "beyan.silver.pipeline",
    "score_silver": "beyan.silver.evaluate",
    "load_extractor": "beyan.silver.extractors",
    "ENGINES": "beyan.silver.engines",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'beyan.silver' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = list(_LAZY)
