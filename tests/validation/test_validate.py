"""validate() on every kind of artifact, including a dataset loaded with `datasets`."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pyarrow.parquet as pq
from click.testing import CliRunner

from beyan.build import build
from beyan.cli import main
from beyan.validation import detect_kind, validate
from tests.conftest import SEED_CORPUS


def test_a_loaded_dataset_validates_and_a_tampered_one_does_not(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(corpus=SEED_CORPUS, out=out)
    loaded = datasets.load_dataset(str(out), "statements")
    assert detect_kind(loaded) == "datasets-object"
    result = validate(loaded)
    assert result.exit_code == 0, result.issues.render()
    assert result.spans_checked >= 30

    def shift(row: dict) -> dict:  # type: ignore[type-arg]
        row["content_spans"] = [{**span, "start": span["start"] + 1} for span in row["content_spans"]]
        return row

    tampered = loaded["train"].map(shift)
    result = validate(tampered)
    assert result.exit_code == 1
    assert set(result.issues.codes()) == {"span-text-mismatch"}


def test_json_report_for_machines(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(corpus=SEED_CORPUS, out=out)
    path = out / "data" / "statements" / "train-00000-of-00001.parquet"
    table = pq.read_table(path)
    rows = table.to_pylist()
    rows[0]["speaker_spans"] = []
    rows[0]["speaker_unknown"] = False
    pq.write_table(table.from_pylist(rows, schema=table.schema), tmp_path / "broken.parquet")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "broken.parquet"), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["errors"] == 1 and report["warnings"] == 0
    (issue,) = report["issues"]
    assert issue["code"] == "missing-speaker" and "row 0" in issue["location"] and issue["hint"]
