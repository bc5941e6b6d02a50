"""A dataset config added as one module and one registry line comes out of build, load, Croissant and validate.

The config here (``speakers``: one row per statement, its speaker's words) is declared in a
variant of the schema and registered for the test; no other code knows about it. Its row
check is a function of its own module (``ConfigSpec.check``), not a method of the validator.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from beyan import configs
from beyan.build import build
from beyan.configs import ConfigSpec
from beyan.fields import gold_statement_rows
from beyan.records import GoldArticle
from beyan.schema import current, using
from beyan.schema.types import STRING, Field, ListOf, Struct
from beyan.validation import validate
from tests.conftest import SEED_CORPUS

SPEAKER_ROW = Struct(
    "SpeakerRow",
    "One statement's speaker, as the words of the text (config `speakers`).",
    (
        Field("statement_id", STRING, "The statement."),
        Field("article_id", STRING, "Its article."),
        Field("speaker_words", ListOf(STRING), "The text of each speaker span."),
    ),
)


def speaker_rows(gold: GoldArticle, include_text: bool) -> list[dict[str, Any]]:
    return [
        {
            "statement_id": row["statement_id"],
            "article_id": row["article_id"],
            "speaker_words": [span["text"] for span in row["speaker_spans"]] if include_text else [],
        }
        for row in gold_statement_rows(gold, gold.article.text if include_text else None)
    ]


def check_speakers(checker: Any, table: pa.Table, where: tuple[str, ...]) -> None:
    """A speaker's words are never an empty string."""
    words = pc.list_flatten(table.column("speaker_words"))
    if pc.any(pc.equal(words, "")).as_py():
        checker.issues.error("empty-speaker", where, "a speaker span without words")
    checker.statement_ids |= set(table.column("statement_id").to_pylist())


SPEC = ConfigSpec(
    name="speakers",
    rows=speaker_rows,
    check=check_speakers,
    batch_rows=1_000,
    description="one row per statement: the words of its speaker spans",
)


@pytest.fixture
def with_speakers(monkeypatch: pytest.MonkeyPatch) -> Any:
    variant = dataclasses.replace(current(), configs={**current().configs, "speakers": SPEAKER_ROW})
    monkeypatch.setitem(configs.CONFIGS, "speakers", SPEC)  # the registry line
    with using(variant):
        yield variant


def test_a_config_registered_once_is_built_loaded_described_and_validated(with_speakers: Any, tmp_path: Path) -> None:
    dist = build(corpus=SEED_CORPUS, out=tmp_path / "dist-speakers", workers=1).out
    statements = pq.read_table(next((dist / "data" / "statements").glob("*.parquet")))
    loaded = datasets.load_dataset(str(dist), "speakers")
    rows = [row for split in loaded.values() for row in split]
    expected = {row["statement_id"]: [span["text"] for span in row["speaker_spans"]] for row in statements.to_pylist()}
    assert {row["statement_id"]: row["speaker_words"] for row in rows} == expected
    assert sum(1 for words in expected.values() if words) >= 10  # the seed names most speakers

    manifest = json.loads((dist / "manifest.json").read_text())
    assert any(name.startswith("data/speakers/") for name in manifest["outputs"])
    croissant = json.loads((dist / "croissant.json").read_text())
    assert "speakers" in {record["@id"] for record in croissant["recordSet"]}
    assert "config_name: speakers" in (dist / "README.md").read_text()
    result = validate(dist)
    assert result.exit_code == 0, result.issues.render()

    # The config's own check runs, and its statements are compared with the statements config.
    path = next((dist / "data" / "speakers").glob("*.parquet"))
    table = pq.read_table(path)
    tampered = table.to_pylist()[1:]
    tampered[0]["speaker_words"] = [""]
    pq.write_table(pa.Table.from_pylist(tampered, schema=table.schema), path)
    codes = validate(dist).issues.codes()
    assert {"empty-speaker", "config-mismatch", "checksum-mismatch"} <= set(codes)
