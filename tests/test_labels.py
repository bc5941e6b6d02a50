"""Config ``labels``: label names for Parquet readers without ``datasets``; a missing stance stays missing."""

from __future__ import annotations

from pathlib import Path

import datasets
import pandas as pd
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from beyan.build import build
from beyan.labels import label_columns, label_rows
from beyan.publishing.hydrate import hydrate
from beyan.schema.v1 import QUOTE_TYPE, STANCE
from beyan.validation import validate
from tests.conftest import SEED_ARTICLE_ID, SEED_CORPUS


@pytest.fixture(scope="module")
def seed_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("labels") / "dist-labels-seed"
    build(corpus=SEED_CORPUS, out=out)
    return out


def test_every_label_column_of_every_config_is_listed() -> None:
    columns = {name: cols for name, (_, cols) in label_columns().items()}
    assert columns["quote_type"] == ["statements.quote_type", "articles.statements[].quote_type"]
    assert columns["content_tag"] == ["tokens.content_tags[][]"]
    assert columns["span_role"] == ["tokens.spans[].role"]
    stance = [row for row in label_rows() if row["vocabulary"] == "stance"]
    assert [(row["index"], row["name"]) for row in stance] == list(enumerate(STANCE.names))


def test_pyarrow_reader_joins_names_without_hugging_face_metadata(seed_dist: Path) -> None:
    labels = ds.dataset(seed_dist / "data" / "labels").to_table()
    statements = ds.dataset(seed_dist / "data" / "statements").to_table(columns=["statement_id", "quote_type"])
    quote_types = labels.filter(pc.equal(labels["vocabulary"], "quote_type")).select(["index", "name"])
    joined = statements.join(quote_types, keys="quote_type", right_keys="index")
    names = dict(zip(joined["statement_id"].to_pylist(), joined["name"].to_pylist(), strict=True))
    assert len(names) == 13
    assert sorted(set(names.values())) == ["direct", "indirect"]
    assert names[f"{SEED_ARTICLE_ID}-a7512bb6"] == "indirect"  # the nested statement


def test_pandas_keeps_a_missing_stance_missing_not_neutral(seed_dist: Path) -> None:
    statements = pd.read_parquet(seed_dist / "data" / "statements", dtype_backend="pyarrow")
    labels = pd.read_parquet(seed_dist / "data" / "labels", dtype_backend="pyarrow")
    stance = labels[labels["vocabulary"] == "stance"].set_index("index")["name"]
    statements["stance_name"] = statements["stance"].map(stance)
    counts = statements["stance_name"].value_counts(dropna=False).to_dict()
    assert counts == {"favor": 9, "against": 2, pd.NA: 2}
    assert "neutral" not in counts
    assert str(statements["stance"].dtype) == "int64[pyarrow]"  # not float with NaN


def test_datasets_and_the_labels_config_name_alike(seed_dist: Path) -> None:
    statements = datasets.load_dataset(str(seed_dist), "statements")["train"]
    labels = datasets.load_dataset(str(seed_dist), "labels")["train"]
    table = {(row["vocabulary"], row["index"]): row["name"] for row in labels}
    feature = statements.features["quote_type"]
    for row in statements:
        assert table[("quote_type", row["quote_type"])] == feature.int2str(row["quote_type"])
    assert [table[("quote_type", i)] for i in range(3)] == QUOTE_TYPE.names


def test_a_renamed_label_in_the_table_is_reported(seed_dist: Path, tmp_path: Path) -> None:
    path = next((seed_dist / "data" / "labels").glob("*.parquet"))
    table = pq.read_table(path)
    rows = table.to_pylist()
    rows[0]["name"] = "verbatim"
    target = tmp_path / "labels.parquet"
    pq.write_table(type(table).from_pylist(rows, schema=table.schema), target)
    result = validate(target)
    assert result.issues.codes() == ["labels-mismatch"]
    (issue,) = list(result.issues)
    assert issue.found == "verbatim" and issue.expected == "direct"


def test_standoff_build_hydrates_to_the_full_build(tmp_path: Path) -> None:
    full, standoff = tmp_path / "dist-full", tmp_path / "dist-standoff"
    build(corpus=SEED_CORPUS, out=full)
    build(corpus=SEED_CORPUS, out=standoff, text="rights")
    (row,) = pq.read_table(next((standoff / "data" / "tokens").glob("*.parquet"))).to_pylist()
    assert row["tokens"] is None and row["token_starts"]
    assert validate(standoff).exit_code == 0
    own_copy = tmp_path / "my-copy.txt"  # the user's own copy of the article
    own_copy.write_bytes(
        __import__("beyan.corpus", fromlist=["Corpus"]).Corpus.open(SEED_CORPUS).raw_bytes(SEED_ARTICLE_ID)
    )
    hydrated = tmp_path / "dist-hydrated"
    hydrate(dataset=standoff, sources=[own_copy], out=hydrated)
    for config in ("tokens", "labels", "statements", "articles"):
        for path in (full / "data" / config).glob("*.parquet"):
            assert (hydrated / "data" / config / path.name).read_bytes() == path.read_bytes(), config
