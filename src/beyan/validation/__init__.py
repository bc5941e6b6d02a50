"""``beyan validate``: one validator for every artifact beyan reads or writes.

:func:`validate` detects what each target is (a Label Studio export, a corpus folder, a
built dataset folder, a Parquet file, or a ``datasets`` object), checks its schema and
its meaning, and returns every issue found, sorted, each with a code and a location.
The caller chooses what to do; the CLI exits 0 (clean), 1 (invalid) or 2 (unreadable).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beyan.issues import BeyanError, Issues
from beyan.validation.background import worker_thread

KINDS = ("labelstudio-export", "corpus", "dataset", "parquet", "datasets-object")


@dataclass(slots=True)
class ValidationResult:
    issues: Issues
    kinds: dict[str, str] = field(default_factory=dict)
    unreadable: bool = False
    spans_checked: int = 0

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        return 1 if self.issues.has_errors else 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def detect_kind(target: Any) -> str | None:
    """What a target is, from its shape, never from its name alone."""
    if not isinstance(target, (str, Path)):
        module = type(target).__module__
        return "datasets-object" if module.startswith("datasets") else None
    path = Path(target)
    if path.is_dir():
        if (path / "corpus.json").is_file():
            return "corpus"
        if (path / "manifest.json").is_file() or ((path / "README.md").is_file() and (path / "data").is_dir()):
            return "dataset"
        if any(p.suffix == ".json" for p in path.iterdir()):
            return "labelstudio-export"
        return None
    if not path.is_file():
        return None
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head == b"PAR1":
        return "parquet"
    if path.suffix.lower() == ".json" or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return "labelstudio-export"
    return None


def validate(*targets: Any, corpus: Path | str | None = None) -> ValidationResult:
    """Validate each target and return every problem found (never raises on bad data)."""
    result = ValidationResult(Issues())
    # Checking makes millions of short-lived objects that hold no cycles: the cycle collector
    # would only rescan them (a quarter of the time on a million statements).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with worker_thread():  # array work beside the checks (see beyan.validation.background)
            _validate_each(targets, corpus, result)
    finally:
        if collecting:
            gc.enable()
    return result


def _validate_each(targets: tuple[Any, ...], corpus: Path | str | None, result: ValidationResult) -> None:
    from beyan.validation.checks import (
        validate_corpus,
        validate_dataset,
        validate_datasets_object,
        validate_export,
        validate_parquet,
    )

    for target in targets:
        name = str(target) if isinstance(target, (str, Path)) else type(target).__name__
        kind = detect_kind(target)
        if kind is None:
            exists = not isinstance(target, (str, Path)) or Path(target).exists()
            result.issues.error(
                "unknown-artifact" if exists else "not-found",
                (name,),
                "not something beyan can validate" if exists else "no such file or folder",
                expected="a Label Studio export, a corpus or dataset folder, a .parquet file, a datasets object",
            )
            result.unreadable = True
            continue
        result.kinds[name] = kind
        try:
            if kind == "labelstudio-export":
                validate_export(Path(target), corpus=corpus, issues=result.issues)
            elif kind == "corpus":
                validate_corpus(Path(target), issues=result.issues)
            elif kind == "dataset":
                result.spans_checked += validate_dataset(Path(target), issues=result.issues)
            elif kind == "parquet":
                result.spans_checked += validate_parquet(Path(target), issues=result.issues)
            else:
                result.spans_checked += validate_datasets_object(target, name=name, issues=result.issues)
        except BeyanError as error:
            result.issues.extend(error.issues)
            if error.exit_code == 2:
                result.unreadable = True
