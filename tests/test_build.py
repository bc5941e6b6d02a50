"""The walking skeleton end to end: corpus -> dist/ -> datasets.load_dataset."""

from __future__ import annotations

import hashlib
from pathlib import Path

import datasets
import pytest

from beyan.build import build
from beyan.issues import BeyanError
from beyan.validation import validate
from tests.conftest import SEED_ARTICLE_ID


@pytest.fixture(scope="module")
def seed_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import SEED_CORPUS

    out = tmp_path_factory.mktemp("build") / "dist"
    build(corpus=SEED_CORPUS, out=out)
    return out


def test_statements_load_with_typed_features(seed_dist: Path) -> None:
    statements = datasets.load_dataset(str(seed_dist), "statements")
    rows = [row for split in statements.values() for row in split]
    assert len(rows) >= 11
    features = next(iter(statements.values())).features
    assert isinstance(features["quote_type"], datasets.ClassLabel)
    assert features["quote_type"].names == ["direct", "indirect", "mixed"]
    speakers = {row["speaker"]["name"] for row in rows if row["speaker"]}
    assert {"Choe Son-hui", "Sergey Lavrov", "Kim Jong-un"} <= speakers
    spans = 0
    for row in rows:
        for field in ("content_spans", "speaker_spans", "cue_spans", "addressee_spans"):
            for span in row[field]:
                assert row["article_text"][span["start"] : span["end"]] == span["text"]
                spans += 1
    assert spans >= 3 * 11  # content, speaker and cue of at least eleven statements


def test_nested_statement_points_at_its_enclosing_statement(seed_dist: Path) -> None:
    statements = datasets.load_dataset(str(seed_dist), "statements")["train"]
    by_id = {row["statement_id"]: row for row in statements}
    nested = [row for row in statements if row["parent_statement_id"]]
    assert len(nested) == 1
    child = nested[0]
    parent = by_id[child["parent_statement_id"]]
    assert child["speaker"]["name"] == "Kim Jong-un"
    assert child["speaker_spans"][0]["text"] == "Kim Yong-un"  # the text keeps the misspelling
    assert parent["speaker"]["name"] == "Choe Son-hui"
    (outer,) = parent["content_spans"]
    assert all(outer["start"] <= s["start"] and s["end"] <= outer["end"] for s in child["content_spans"])


def test_articles_carry_month_precision_date_and_metadata(seed_dist: Path) -> None:
    articles = datasets.load_dataset(str(seed_dist), "articles")
    (row,) = [row for split in articles.values() for row in split]
    features = articles["train"].features
    assert row["article_id"] == SEED_ARTICLE_ID
    assert row["published"]["value"] == "2024-11"
    assert features["published"]["precision"].int2str(row["published"]["precision"]) == "month"
    assert row["section"] == "Güncel"
    assert row["dateline"] == "MOSKOVA"
    assert row["title"].startswith("Kuzey Kore Dışişleri Bakanı Choe:")
    assert row["language"] == "tr"
    assert row["text_sha256"] == hashlib.sha256(row["text"].encode()).hexdigest()
    assert len(row["statements"]) >= 11
    kinds = [features["structure"].feature["kind"].int2str(block["kind"]) for block in row["structure"]]
    assert kinds.count("crosshead") == 1 and "subtitle" in kinds and "dateline" in kinds


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    from tests.conftest import SEED_CORPUS

    first, second = tmp_path / "a", tmp_path / "b"
    build(corpus=SEED_CORPUS, out=first)
    build(corpus=SEED_CORPUS, out=second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert any(str(p).endswith(".parquet") for p in files)
    for relative in files:
        if relative.name == "manifest.json":
            continue
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative
    assert sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file()) == files


def test_build_validates_clean(seed_dist: Path) -> None:
    result = validate(seed_dist)
    assert result.exit_code == 0, result.issues.render()


def test_bad_offsets_in_corpus_are_located_and_nothing_is_written(seed_corpus: Path, tmp_path: Path) -> None:
    path = seed_corpus / "annotations" / f"{SEED_ARTICLE_ID[:2]}.jsonl"
    path.write_text(path.read_text("utf-8").replace('"quote_type":"direct"', '"quote_type":"verbatim"', 1), "utf-8")
    out = tmp_path / "dist"
    with pytest.raises(BeyanError) as raised:
        build(corpus=seed_corpus, out=out)
    codes = {issue.code for issue in raised.value.issues}
    assert codes == {"unknown-label"}
    (issue,) = list(raised.value.issues)
    assert str(path) in issue.where and "quote_type" in issue.where
    assert issue.found == "'verbatim'"
    assert not out.exists()
    assert not any(p.name.startswith(".dist") for p in tmp_path.iterdir())
