"""``beyan evaluate``: gold against itself is perfect, a known perturbation gives hand-computed scores,
bad predictions are located errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from beyan.build import build
from beyan.cli import main
from beyan.evaluation import evaluate
from beyan.issues import BeyanError
from beyan.schema.v1 import QUOTE_TYPE, STANCE
from tests.conftest import SEED_ARTICLE_ID, SEED_CORPUS

ROLES = ("content", "speaker", "cue", "addressee")


@pytest.fixture(scope="module")
def seed_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("evaluate") / "dist-evaluate-seed"
    build(corpus=SEED_CORPUS, out=out)
    return out


def gold_rows(dist: Path) -> list[dict[str, Any]]:
    """The statements config as JSON rows (labels as names), the shape predictions take."""
    rows = pq.read_table(next((dist / "data" / "statements").glob("*.parquet"))).to_pylist()
    for row in rows:
        row["quote_type"] = QUOTE_TYPE.names[row["quote_type"]]
        row["stance"] = None if row["stance"] is None else STANCE.names[row["stance"]]
        row.pop("article_text")
    return rows


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["evaluate", *args], catch_exceptions=False)


def perfect() -> dict[str, float]:
    return {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_gold_against_itself_is_one_everywhere(seed_dist: Path, tmp_path: Path) -> None:
    predictions = write_jsonl(tmp_path / "gold.jsonl", gold_rows(seed_dist))
    result = run("--gold", str(seed_dist), "--predictions", str(predictions), "--format", "json")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert list(scores) == [*ROLES, "attribution", "quote_type", "counts"]
    for role in ROLES:
        assert scores[role] == {"exact": perfect(), "overlap": perfect()}
    assert scores["attribution"] == {mode: {**perfect(), "accuracy": 1.0} for mode in ("exact", "overlap")}
    assert scores["quote_type"] == {"exact": {"accuracy": 1.0}, "overlap": {"accuracy": 1.0}}
    assert scores["counts"]["gold_statements"] == scores["counts"]["predicted_statements"] == 13
    assert scores["counts"]["gold_spans"] == {"content": 13, "speaker": 9, "cue": 12, "addressee": 1}
    text = run("--gold", str(seed_dist), "--predictions", str(predictions)).output
    assert "| content | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 |" in text


def by_id(rows: list[dict[str, Any]], suffix: str) -> dict[str, Any]:
    (row,) = [row for row in rows if row["statement_id"] == f"{SEED_ARTICLE_ID}-{suffix}"]
    return row


def test_a_known_perturbation_gives_hand_computed_scores(seed_dist: Path, tmp_path: Path) -> None:
    rows = gold_rows(seed_dist)
    rows.remove(by_id(rows, "feaa1347"))  # (1) drop the thanks: its content, speaker mention, cue and the addressee
    by_id(rows, "c9034fcb")["content_spans"][0].update(end=400, text=None)  # (2) content cut short: overlaps only
    choe = {"start": 166, "end": 178, "text": "Choe Son-hui"}
    by_id(rows, "4577f0b8")["speaker_spans"] = [choe]  # (3) Lavrov's quote given to Choe (a gold mention)
    by_id(rows, "2a42b698")["quote_type"] = "direct"  # (4) an indirect statement typed direct
    spurious = {"article_id": SEED_ARTICLE_ID, "content_spans": [{"start": 447, "end": 500}], "quote_type": "direct"}
    rows.append(spurious)  # (5) narration taken for a statement, without speaker or cue
    scores = evaluate(gold=seed_dist, predictions=write_jsonl(tmp_path / "p.jsonl", rows)).to_dict()

    def prf(p: float, r: float) -> dict[str, float]:
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0, 4)}

    # content: 13 gold, 13 predicted; exact hits 11 (not 1, 2); overlap hits 12 each way (2 overlaps; 1 and 5 do not)
    assert scores["content"] == {"exact": prf(11 / 13, 11 / 13), "overlap": prf(12 / 13, 12 / 13)}
    # speaker mentions: 9 gold; predicted lose Lavrov@1708 (1) and Lavrov@875 (3) -> 7, all right
    assert scores["speaker"] == {"exact": prf(7 / 7, 7 / 9), "overlap": prf(7 / 7, 7 / 9)}
    assert scores["cue"] == {"exact": prf(11 / 11, 11 / 12), "overlap": prf(11 / 11, 11 / 12)}
    assert scores["addressee"] == {"exact": prf(0, 0), "overlap": prf(0, 0)}
    # statements paired: exact 11 (all but 1, 2), of which 10 rightly attributed (not 3); overlap 12 and 11
    assert scores["attribution"] == {
        "exact": {**prf(10 / 13, 10 / 13), "accuracy": round(10 / 11, 4)},
        "overlap": {**prf(11 / 13, 11 / 13), "accuracy": round(11 / 12, 4)},
    }
    assert scores["quote_type"] == {
        "exact": {"accuracy": round(10 / 11, 4)},
        "overlap": {"accuracy": round(11 / 12, 4)},
    }
    assert scores["counts"] == {
        "articles": 1,
        "gold_statements": 13,
        "predicted_statements": 13,
        "paired_statements": {"exact": 11, "overlap": 12},
        "gold_spans": {"content": 13, "speaker": 9, "cue": 12, "addressee": 1},
        "predicted_spans": {"content": 13, "speaker": 7, "cue": 11, "addressee": 0},
        "split": None,
    }


def test_no_predictions_scores_zero_and_nothing_to_find_scores_one(seed_dist: Path, tmp_path: Path) -> None:
    empty = write_jsonl(tmp_path / "empty.jsonl", [])
    scores = evaluate(gold=seed_dist, predictions=empty).to_dict()
    assert scores["content"]["exact"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert scores["counts"]["predicted_statements"] == 0
    # the validation split has no articles: nothing to find and nothing predicted
    scores = evaluate(gold=seed_dist, predictions=empty, split="validation").to_dict()
    assert scores["content"]["exact"] == perfect()
    assert scores["counts"]["articles"] == 0 and scores["counts"]["split"] == "validation"


def test_bad_predictions_are_located_errors_and_nothing_is_scored(seed_dist: Path, tmp_path: Path) -> None:
    good = gold_rows(seed_dist)[0]
    lines = [
        json.dumps(good, ensure_ascii=False),
        '{"article_id": "0263f442a811c8ac", "content_spans": [',
        json.dumps({"article_id": "ffffffffffffffff", "content_spans": [{"start": 0, "end": 5}]}),
        json.dumps({"article_id": SEED_ARTICLE_ID, "content_spans": [{"start": 3280, "end": 3400}]}),
        json.dumps({"article_id": SEED_ARTICLE_ID, "content_spans": [{"start": "35", "end": 84}]}),
        json.dumps({**good, "quote_type": "verbatim"}, ensure_ascii=False),
        json.dumps([good["article_id"]]),
        json.dumps({"article_id": SEED_ARTICLE_ID, "content_spans": [{"start": 35, "end": 84, "text": "Zafer"}]}),
        json.dumps({"article_id": SEED_ARTICLE_ID, "content_spans": []}),
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(BeyanError) as raised:
        evaluate(gold=seed_dist, predictions=path)
    found = {(issue.code, " > ".join(issue.location[1:])) for issue in raised.value.issues}
    assert found == {
        ("invalid-json", "line 2"),
        ("unknown-article", "line 3 > article_id"),
        ("span-out-of-range", "line 4 > content_spans[0]"),
        ("wrong-type", "line 5 > content_spans[0]"),
        ("unknown-label", "line 6 > quote_type"),
        ("wrong-type", "line 7"),
        ("span-text-mismatch", "line 8 > content_spans[0]"),
        ("missing-content", "line 9 > content_spans"),
    }
    assert all(issue.location[0] == str(path) for issue in raised.value.issues)
    out_of_range = next(i for i in raised.value.issues if i.code == "span-out-of-range")
    assert out_of_range.expected == "0 <= start < end <= 3288" and out_of_range.found == "[3280, 3400)"
    result = run("--gold", str(seed_dist), "--predictions", str(path))
    assert result.exit_code == 1
    assert "error[unknown-article]" in result.output and "Traceback" not in result.output


def test_an_article_of_another_split_is_named(seed_dist: Path, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", gold_rows(seed_dist)[:1])
    with pytest.raises(BeyanError) as raised:
        evaluate(gold=seed_dist, predictions=path, split="test")
    (issue,) = list(raised.value.issues)
    assert issue.code == "unknown-article" and "it is in train" in issue.message
    result = run("--gold", str(tmp_path), "--predictions", str(path))
    assert result.exit_code == 2 and "not-a-dataset" in result.output
