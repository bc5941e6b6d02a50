"""examples/train_crf.py: a CRF tagger trained on config ``tokens`` of the seed, scored by ``beyan evaluate``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from beyan.build import build
from beyan.evaluation import evaluate
from tests.conftest import REPO, SEED_CORPUS

EXAMPLE = REPO / "examples" / "train_crf.py"


def test_the_example_trains_predicts_and_scores_on_the_seed(tmp_path: Path) -> None:
    dist = tmp_path / "dist-crf-example"
    build(corpus=SEED_CORPUS, out=dist)
    out = tmp_path / "crf-predictions.jsonl"
    environment = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), str(dist), "--out", str(out)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "no test split: scoring on train, which measures fit, not generalisation" in done.stdout
    assert "| content |" in done.stdout
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert rows and all(row["article_id"] == "0263f442a811c8ac" for row in rows)
    scores = evaluate(gold=dist, predictions=out, split="train").to_dict()  # the file is valid predictions
    # Fit on its own training article: the content and cue tags are learnt; linking is the weak part.
    assert scores["content"]["overlap"]["f1"] >= 0.9
    assert scores["cue"]["exact"]["f1"] >= 0.8
    assert 0 < scores["attribution"]["overlap"]["f1"] <= 1
