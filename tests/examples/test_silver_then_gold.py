"""examples/silver_then_gold.py: a tagger pre-trained on silver, fine-tuned on the seed's gold, scored by evaluate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from beyan.build import build
from beyan.evaluation import evaluate
from tests.conftest import REPO, SEED_CORPUS
from tests.silver.news import write_jsonl_feeds

EXAMPLE = REPO / "examples" / "silver_then_gold.py"


@pytest.mark.slow
def test_the_example_pretrains_on_silver_fine_tunes_on_gold_and_scores(tmp_path: Path) -> None:
    pytest.importorskip("datatrove")
    from beyan.silver import run_silver

    gold = tmp_path / "dist-silver-then-gold"
    build(corpus=SEED_CORPUS, out=gold)
    write_jsonl_feeds(tmp_path / "news", articles=80, files=1, seed=41, bad_lines=False)
    silver = run_silver(inputs=[tmp_path / "news"], out=tmp_path / "silver-then-gold", workers=1, tasks=1)
    out = tmp_path / "predictions.jsonl"
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--silver", str(silver.out), "--gold", str(gold), "--out", str(out)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    articles = silver.manifest["counts"]["silver_articles"]
    assert f"silver: {articles} articles; gold: 1 training, 1 scored" in done.stdout
    assert "no test split: scoring on train, which measures fit, not generalisation" in done.stdout
    assert "## silver only:" in done.stdout and "## gold only:" in done.stdout
    assert "## silver, then gold:" in done.stdout
    f1 = {}
    for name in ("predictions-silver-only", "predictions-gold-only", "predictions"):
        path = tmp_path / f"{name}.jsonl"
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        assert rows and all(row["article_id"] == "0263f442a811c8ac" for row in rows)
        scores = evaluate(gold=gold, predictions=path, split="train").to_dict()  # valid predictions
        f1[name] = scores["content"]["overlap"]["f1"]
    # fit on the one gold article: gold alone learns its content spans; fine-tuning on it moves
    # the silver model towards them
    assert f1["predictions-gold-only"] >= 0.8
    assert f1["predictions"] > f1["predictions-silver-only"], f1
