"""Gold and silver side by side: the gold build leaves silver out, silver is scored on the gold it overlaps,
predictors' mistakes are rejected with reasons, and the silver rows pass their checks."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from beyan.build import build
from beyan.cli import main
from beyan.configs import CONFIGS, config_names
from beyan.evaluation import evaluate
from beyan.extract import extract
from beyan.issues import Issues
from beyan.labelstudio.importer import import_labelstudio
from beyan.silver import run_silver
from beyan.silver.checks import check_silver_nesting, check_silver_rows
from beyan.validation.tables import RowChecker, check_schema
from tests.factories import annotation, results_for, statement, task, write_article, write_export
from tests.silver.conftest import Raw
from tests.silver.news import write_jsonl_feeds

BODY = (
    'ESKAR - Belediye Başkanı Nurkan Zerdağ, dün akşam yapılan toplantıda "Köprü mayısta açılacak, '
    'ihale tamamlandı" dedi. Meclis Üyesi Ayla Tepeli ise bütçenin bu yıl yetersiz kaldığını belirtti. '
    "Toplantıda liman projesi ve yeni okul binası da konuşuldu."
)


@pytest.fixture(scope="module")
def gold_and_raw(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A gold dataset of one invented, annotated article; and raw news holding that article's file and a feed."""
    root = tmp_path_factory.mktemp("gold-silver")
    from beyan.corpus import Corpus

    corpus = root / "corpus"
    Corpus.init(corpus, name="gold-silver")
    article = write_article(corpus, "kopru.txt", title="Köprü mayısta açılıyor", body=BODY)
    text = article.text
    statements = [
        statement(text, "Köprü mayısta açılacak, ihale tamamlandı", speaker="Nurkan Zerdağ", cue="dedi"),
        statement(
            text, "bütçenin bu yıl yetersiz kaldığını", speaker="Ayla Tepeli", cue="belirtti", quote_type="indirect"
        ),
    ]
    export = write_export(
        root / "export.json",
        [task(text, [annotation(results_for(text, statements))], article_id=article.article_id)],
    )
    imported = import_labelstudio(corpus=corpus, exports=[export], rejects=None)
    assert not imported.issues.has_errors, imported.issues.render()
    dist = root / "dist-gold-silver"
    build(corpus=corpus, out=dist)
    write_jsonl_feeds(root / "incoming", articles=40, files=1, seed=5, bad_lines=False)
    return dist, root / "incoming"  # incoming/ holds kopru.txt (the gold article's raw file) and the feed


def test_the_gold_build_leaves_the_silver_config_out(gold_and_raw: tuple[Path, Path]) -> None:
    dist, _ = gold_and_raw
    assert config_names() == ["statements", "articles", "tokens", "labels"]
    assert config_names(built_by="silver") == ["silver"] and CONFIGS["silver"].built_by == "silver"
    assert not (dist / "data" / "silver").exists()
    card = (dist / "README.md").read_text("utf-8")
    assert "config_name: silver" not in card and "Config `silver`" not in card
    manifest = json.loads((dist / "manifest.json").read_text("utf-8"))
    assert not any(path.startswith("data/silver/") for path in manifest["outputs"])


def test_silver_is_scored_on_the_gold_it_overlaps_as_extract_and_evaluate_would(
    gold_and_raw: tuple[Path, Path], tmp_path: Path
) -> None:
    dist, incoming = gold_and_raw
    result = run_silver(inputs=[incoming], out=tmp_path / "silver-scored", gold=dist, workers=1)
    evaluation = result.manifest["evaluation"]
    assert evaluation["counts"]["articles"] == 1  # the one gold article; the feed's 40 are not gold
    # the same rules on the same text: the scores `beyan extract` + `beyan evaluate` give on the gold
    expected = evaluate(gold=dist, predictions=extract(dataset=dist).rows).to_dict()
    assert {k: v for k, v in evaluation.items() if k != "counts"} == {
        k: v for k, v in expected.items() if k != "counts"
    }
    assert evaluation["counts"]["gold_statements"] == 2
    card = (result.out / "README.md").read_text("utf-8")
    assert "## Scores on gold" in card and "that are also in the gold dataset `dist-gold-silver`" in card
    cli = CliRunner().invoke(
        main, ["evaluate", "--gold", str(dist), "--predictions", str(result.out), "--format", "json"]
    )
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output)["content"] == evaluation["content"]


def test_a_predictors_mistakes_are_rejected_with_reasons_and_its_errors_are_drops(tmp_path: Path) -> None:
    feeds = write_jsonl_feeds(tmp_path / "in", articles=30, files=1, seed=9, bad_lines=False)
    result = run_silver(
        inputs=list(feeds.files), out=tmp_path / "silver-sloppy", extractor="tests.silver.predictors:sloppy", workers=1
    )
    rec = result.reconciliation
    assert rec.balanced and rec.dropped["extractor-failed"] > 0
    per_article = {
        "unknown-label": 1,
        "span-out-of-range": 1,
        "missing-content": 1,
        "missing-speaker": 1,
        "duplicate-statement": 1,
        "dangling-parent": 1,
    }
    assert rec.statements_rejected == Counter({code: n * rec.articles for code, n in per_article.items()})
    assert rec.statements_written == rec.articles  # the one good statement of each article
    lines = [json.loads(line) for line in result.rejects.read_text("utf-8").splitlines()]
    failed = next(line for line in lines if line["code"] == "extractor-failed")
    assert failed["reason"] == "RuntimeError: the model ran out of memory on this one"
    unknown = next(line for line in lines if line["code"] == "unknown-label")
    assert "'sarcastic'" in unknown["reason"] and unknown["location"].endswith("> statement 2")
    provenance = pq.read_table(next((result.out / "data" / "silver").glob("*.parquet"))).column("machine_provenance")
    assert {p["extractor"] for p in provenance.to_pylist()} == {"tests.silver.predictors:sloppy"}


def _check(path: Path) -> Issues:
    """The silver checks over one file, as `beyan validate` runs them once the hook is in (see docs/silver.md)."""
    issues = Issues()
    table = pq.read_table(path)
    assert check_schema(table.schema, "silver", issues, (str(path),))
    checker = RowChecker(issues)
    check_silver_rows(checker, table, (str(path),))
    check_silver_nesting(checker, table, (str(path),))
    return issues


def test_silver_rows_pass_their_checks_and_broken_ones_are_located(raw: Raw, tmp_path: Path) -> None:
    result = run_silver(inputs=[raw.folder], out=tmp_path / "silver-checked", workers=1)
    (path,) = sorted((result.out / "data" / "silver").glob("*.parquet"))
    assert _check(path).render() == ""
    rows = pq.read_table(path).to_pylist()
    rows.append(dict(rows[0]))  # a statement twice
    rows[2]["content_spans"][0]["text"] = "başka bir metin"  # a span whose text is not the article's
    rows[3]["text_sha256"] = "0" * 64
    rows[4]["speaker_spans"], rows[4]["speaker_unknown"] = [], False
    rows[5]["quote_type"] = 7  # outside the vocabulary
    broken = tmp_path / "broken.parquet"
    schema = pq.read_schema(path)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), broken)
    issues = _check(broken)
    codes = Counter(issue.code for issue in issues.items)
    assert codes == Counter(
        {"duplicate-id": 1, "span-text-mismatch": 1, "text-hash-mismatch": 1, "missing-speaker": 1, "unknown-label": 1}
    )
    located = next(issue for issue in issues.items if issue.code == "text-hash-mismatch")
    assert located.location == (str(broken), f"row 3 ({rows[3]['statement_id']})", "text_sha256")


def test_beyan_validate_passes_on_silver(raw: Raw, tmp_path: Path) -> None:
    from beyan.validation import validate

    result = run_silver(inputs=[raw.folder], out=tmp_path / "silver-validated", workers=1)
    validated = validate(result.out)
    assert validated.ok, validated.issues.render()
    assert validated.kinds == {str(result.out): "dataset"} and validated.spans_checked > 0
