"""``beyan silver`` end to end on invented raw news: counts that reconcile, the Hub layout, the same bytes however run."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from beyan.schema.v1 import QUOTE_TYPE
from beyan.silver import run_silver
from beyan.silver.pipeline import SilverResult
from tests.silver.conftest import Raw, data_files


@pytest.fixture(scope="module")
def local_run(raw: Raw, tmp_path_factory: pytest.TempPathFactory) -> SilverResult:
    out = tmp_path_factory.mktemp("silver-local") / "silver-local"
    return run_silver(inputs=[raw.folder], out=out, workers=1, tasks=1)


def rows_of(folder: Path) -> list[dict]:
    return [
        row
        for path in sorted((folder / "data" / "silver").glob("*.parquet"))
        for row in pq.read_table(path).to_pylist()
    ]


def test_every_record_read_is_extracted_or_dropped_with_its_reason(local_run: SilverResult, raw: Raw) -> None:
    rec = local_run.reconciliation
    assert rec.balanced
    assert rec.records == raw.records  # every record of every feed and every HTML response of the archive
    expected_drops = {
        "invalid-json": 3,  # one cut-short line per feed
        "no-text": 3,  # one record without a body per feed
        "no-article": 1,  # the archive's section front
    }
    assert {code: rec.dropped[code] for code in expected_drops} == expected_drops
    duplicates = raw.feeds.exact_duplicates + raw.warc.exact_duplicates + raw.feeds.near_duplicates
    duplicates += raw.warc.near_duplicates
    foreign = raw.feeds.foreign + raw.warc.foreign
    # English stories are near-copies of each other: the first of them is kept, and has no rules
    assert rec.dropped["unsupported-language"] == 1
    assert rec.dropped["exact-duplicate"] + rec.dropped["near-duplicate"] == duplicates + foreign - 1
    assert rec.articles == raw.feeds.articles + raw.warc.articles
    assert rec.statements_predicted == rec.statements_written > 0 and not rec.statements_rejected
    rejects = [json.loads(line) for line in local_run.rejects.read_text("utf-8").splitlines()]
    assert Counter(r["code"] for r in rejects) == rec.dropped
    near = next(r for r in rejects if r["code"] == "near-duplicate")
    assert near["location"].startswith(str(raw.folder)) and near["duplicate_of"] and near["article_id"]


def test_rows_are_silver_statements_sorted_with_machine_provenance(local_run: SilverResult) -> None:
    rows = rows_of(local_run.out)
    assert len(rows) == local_run.reconciliation.statements_written
    keys = [(row["article_id"], row["statement_id"]) for row in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for row in rows:
        assert row["statement_id"].startswith(row["article_id"] + "-")
        for name in ("content_spans", "speaker_spans", "cue_spans", "addressee_spans"):
            for span in row[name]:
                assert row["article_text"][span["start"] : span["end"]] == span["text"]
        provenance = row["machine_provenance"]
        assert provenance["extractor"] == "beyan-rules" and provenance["run_id"] == local_run.run_id
        assert len(provenance["extractor_sha256"]) == 64 and " > " in provenance["input_location"]
        assert "provenance" not in row  # no gold provenance: silver is never taken for gold
    assert {QUOTE_TYPE.names[row["quote_type"]] for row in rows} >= {"direct", "indirect"}


def test_hub_layout_card_croissant_manifest(local_run: SilverResult) -> None:
    folder = local_run.out
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "croissant.json", "data", "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    shards = sorted((folder / "data" / "silver").glob("*.parquet"))
    assert [p.name for p in shards] == [f"train-{i:05d}-of-{len(shards):05d}.parquet" for i in range(len(shards))]
    assert manifest["kind"] == "silver" and manifest["counts"]["silver"] == {"train": len(rows_of(folder))}
    assert (
        manifest["run"]["run_id"] == local_run.run_id
        and manifest["reconciliation"]["records"] == local_run.reconciliation.records
    )
    assert set(manifest["outputs"]) == {f"data/silver/{p.name}" for p in shards} | {"README.md", "croissant.json"}
    card = (folder / "README.md").read_text("utf-8")
    assert "config_name: silver" in card and "Silver, not gold" in card and local_run.run_id in card
    croissant = json.loads((folder / "croissant.json").read_text("utf-8"))
    assert [record["@id"] for record in croissant["recordSet"]] == ["silver"]
    assert croissant["rai:dataAnnotationPlatform"][0].startswith("beyan-rules")


def test_load_dataset_streams_the_silver_statements(local_run: SilverResult, tmp_path: Path) -> None:
    import shutil

    from datasets import load_dataset

    folder = tmp_path / "silver-streamed"  # a name of its own: datasets caches local folders by name
    shutil.copytree(local_run.out, folder)
    streamed = load_dataset(str(folder), "silver", split="train", streaming=True)
    seen = 0
    for row in streamed:
        span = row["content_spans"][0]
        assert row["article_text"][span["start"] : span["end"]] == span["text"]
        seen += 1
    assert seen == local_run.reconciliation.statements_written
    assert streamed.features["quote_type"].names == QUOTE_TYPE.names


def test_same_bytes_whatever_the_number_of_workers_and_tasks(local_run: SilverResult, raw: Raw, tmp_path: Path) -> None:
    again = run_silver(inputs=[raw.folder], out=tmp_path / "silver-two-workers", workers=2, tasks=4)
    assert data_files(again.out) == data_files(local_run.out)
    assert again.rejects.read_bytes() == local_run.rejects.read_bytes()


def test_no_input_is_a_located_error(tmp_path: Path) -> None:
    from beyan.issues import BeyanError

    with pytest.raises(BeyanError) as error:
        run_silver(inputs=[tmp_path / "nothing-here"], out=tmp_path / "silver-none")
    assert error.value.issues.items[0].code == "no-input"
    assert "no such file or folder" in (error.value.issues.items[0].found or "")
