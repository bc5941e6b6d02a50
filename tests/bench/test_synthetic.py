"""The benchmark generators stay in step with the package: what they write validates and loads."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import datasets

from beyan.validation import validate

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench"


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_synthetic_dataset_validates_clean_and_loads(tmp_path: Path) -> None:
    synthetic = load_script("synthetic_dataset")
    out = tmp_path / "synthetic"
    manifest = synthetic.write_dataset(out, statements=300, articles=30, seed=3)
    assert sum(manifest["counts"]["statements"].values()) == 300
    result = validate(out)
    assert [issue.code for issue in result.issues.items] == []
    statements = datasets.load_dataset(str(out), "statements", cache_dir=str(tmp_path / "cache"))
    assert sum(len(split) for split in statements.values()) == 300
    tokens = datasets.load_dataset(str(out), "tokens", cache_dir=str(tmp_path / "cache"))
    assert sum(len(split) for split in tokens.values()) == 30


def test_the_synthetic_dataset_is_deterministic(tmp_path: Path) -> None:
    synthetic = load_script("synthetic_dataset")
    first = synthetic.write_dataset(tmp_path / "a", statements=120, articles=12, seed=5)
    second = synthetic.write_dataset(tmp_path / "b", statements=120, articles=12, seed=5)
    data = {name: entry["sha256"] for name, entry in first["outputs"].items() if name.startswith("data/")}
    assert data == {name: entry["sha256"] for name, entry in second["outputs"].items() if name.startswith("data/")}
