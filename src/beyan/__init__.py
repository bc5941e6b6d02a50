"""beyan: annotated political statements, from Label Studio to versioned Hugging Face datasets.

The Python API mirrors the command line; every function takes keyword arguments only::

    from beyan import build, validate, import_labelstudio

    import_labelstudio(corpus="corpus", exports=["export.json"])
    build(corpus="corpus", out="dist")
    result = validate("dist")
    print(result.issues.render())
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

try:
    __version__ = metadata.version("beyan")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

_LAZY = {
    "build": "beyan.build",
    "validate": "beyan.validation",
    "import_labelstudio": "beyan.labelstudio.importer",
    "labelstudio_tasks": "beyan.labelstudio.tasks",
    "add_article": "beyan.add_article",
    "agreement_report": "beyan.agreement",
}


def __getattr__(name: str) -> Any:
    """Import the public functions on first use: ``import beyan`` stays fast (``datasets`` is slow to load)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'beyan' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = ["__version__", *_LAZY]
