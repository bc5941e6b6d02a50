"""Stored gold is never lost: the scenarios of issue 8, on a copy of the seed corpus.

Each test changes the corpus the way a user did (a fresh server's export, a re-export with a
bad region, another project's export, a re-export that drops statements) and checks what the
import did to the stored gold, byte for byte, and what it said.
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from beyan.build import build
from beyan.cli import main
from beyan.corpus import Corpus
from beyan.issues import BeyanError
from beyan.labelstudio.importer import import_labelstudio
from tests.conftest import SEED_ARTICLE_ID, SEED_CORPUS
from tests.factories import annotation, results_for, statement, task, write_export

SHARD = f"{SEED_ARTICLE_ID[:2]}.jsonl"


def gold_files(corpus: Path) -> dict[str, bytes]:
    """The stored articles and annotations: what an import may never shrink."""
    return {f"{kind}/{SHARD}": (corpus / kind / SHARD).read_bytes() for kind in ("articles", "annotations")}


def corpus_state(corpus: Path) -> dict[str, bytes]:
    """Every file but the journal and the build cache."""
    return {
        p.relative_to(corpus).as_posix(): p.read_bytes()
        for p in sorted(corpus.rglob("*"))
        if p.is_file() and p.relative_to(corpus).parts[0] not in ("journal", ".cache")
    }


def seed_export() -> list[dict[str, Any]]:
    (path,) = (SEED_CORPUS / "labelstudio").glob("seed-gold.*.json")
    tasks: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return tasks


def seed_text() -> str:
    return Corpus.open(SEED_CORPUS).read_article(SEED_ARTICLE_ID).text


def gold_statements(dist: Path) -> int:
    return json.loads((dist / "manifest.json").read_text())["counts"]["statements"]["train"]


def test_a_fresh_servers_export_is_added_beside_the_gold_never_over_it(seed_corpus: Path, tmp_path: Path) -> None:
    """A new local server numbers project 1, task 1, annotation 1 again; its unique_id tells them apart."""
    text = seed_text()
    one = statement(text, "Zafer gününe kadar Rus yoldaşlarımızın yanındayız", speaker="Choe", cue=":")
    fresh = task(text, [annotation(results_for(text, [one]), updated_at="2026-12-01T10:00:00Z")], server="fresh")
    export = write_export(tmp_path / "fresh.json", [fresh])
    before = gold_files(seed_corpus)

    result = import_labelstudio(corpus=seed_corpus, exports=[export], rejects=None)
    assert not result.issues.has_errors and not result.refused
    assert result.plan_totals()["annotations"] == {"added": 1}
    stored = Corpus.open(seed_corpus).read_annotations(SEED_ARTICLE_ID)
    assert len(stored) == 2
    gold = next(a for a in stored if a.ground_truth)
    assert len(gold.statements) == 13
    assert (seed_corpus / "articles" / SHARD).read_bytes() == before[f"articles/{SHARD}"]
    # the stored gold line is still there, byte for byte
    assert before[f"annotations/{SHARD}"].strip() in (seed_corpus / "annotations" / SHARD).read_bytes()
    dist = build(corpus=seed_corpus, out=tmp_path / "dist-fresh").out
    assert gold_statements(dist) == 13  # the ground-truth annotation is still the gold


def test_an_export_without_unique_ids_must_name_its_server(seed_corpus: Path, tmp_path: Path) -> None:
    text = seed_text()
    one = statement(text, "Zafer gününe kadar Rus yoldaşlarımızın yanındayız", speaker="Choe", cue=":")
    export = write_export(tmp_path / "old.json", [task(text, [annotation(results_for(text, [one]))], server=None)])
    before = corpus_state(seed_corpus)
    refused = import_labelstudio(corpus=seed_corpus, exports=[export], rejects=None)
    (issue,) = [i for i in refused.issues if i.code == "unbound-origin"]
    assert "--instance" in (issue.hint or "")
    assert corpus_state(seed_corpus) == before
    named = import_labelstudio(corpus=seed_corpus, exports=[export], rejects=None, instance="laptop-2026")
    assert not named.issues.has_errors
    keys = sorted(a.key for a in Corpus.open(seed_corpus).read_annotations(SEED_ARTICLE_ID))
    assert "label-studio/laptop-2026/1/1/1" in keys and len(keys) == 2


def test_the_same_server_name_for_another_server_cannot_remove_the_gold(seed_corpus: Path, tmp_path: Path) -> None:
    """Gold pulled from a server, then a fresh server at the same address: the old annotation looks deleted."""
    text = seed_text()
    stored_export = seed_export()
    export = write_export(tmp_path / "gold.json", stored_export)
    (seed_corpus / "annotations" / SHARD).unlink()
    import_labelstudio(corpus=seed_corpus, exports=[export], rejects=None, instance="http://127.0.0.1:8080")
    before = corpus_state(seed_corpus)
    one = statement(text, "Zafer gününe kadar Rus yoldaşlarımızın yanındayız", speaker="Choe", cue=":")
    fresh = write_export(
        tmp_path / "fresh.json", [task(text, [annotation(results_for(text, [one]))], server="fresh-at-same-url")]
    )
    result = import_labelstudio(corpus=seed_corpus, exports=[fresh], rejects=None, instance="http://127.0.0.1:8080")
    assert result.refused and result.journal_entry is None
    (issue,) = [i for i in result.issues if i.code == "would-remove-annotation"]
    assert "ground-truth" in issue.message and "--replace" in (issue.hint or "")
    assert corpus_state(seed_corpus) == before


def test_one_bad_region_in_a_re_export_leaves_the_task_as_it_was(seed_corpus: Path, tmp_path: Path) -> None:
    tasks = seed_export()
    bad = copy.deepcopy(tasks)
    gold = bad[0]["annotations"][0]
    gold["updated_at"] = "2026-12-01T10:00:00Z"
    region = next(r for r in gold["result"] if r.get("type") == "labels")
    region["value"]["labels"] = ["Quote"]
    export = write_export(tmp_path / "bad.json", bad)
    rejects = tmp_path / "rejects.jsonl"
    before = corpus_state(seed_corpus)

    runner = CliRunner()
    outcome = runner.invoke(
        main, ["import-labelstudio", str(export), "--corpus", str(seed_corpus), "--rejects", str(rejects)]
    )
    assert outcome.exit_code == 1
    assert "error[unknown-label]" in outcome.output and f"result {region['id']}" in outcome.output
    assert corpus_state(seed_corpus) == before  # 13 statements, byte for byte
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    (whole,) = [line for line in lines if line["kind"] == "annotations"]
    assert whole["annotation"]["result"] == gold["result"]  # the rejected annotation in full
    assert len(Corpus.open(seed_corpus).read_annotations(SEED_ARTICLE_ID)[0].statements) == 13


def test_another_projects_export_adds_no_article(empty_corpus: Path, tmp_path: Path) -> None:
    text = "VELMORA - Mayor Ilsa Varn said the bridge would open in May."
    foreign = {
        "id": 1,
        "project": 9,
        "data": {"text": text},
        "annotations": [
            {
                "id": 1,
                "unique_id": str(uuid.uuid4()),
                "result": [
                    {"id": "p1", "from_name": "ner", "to_name": "text", "type": "labels",
                     "value": {"start": 10, "end": 19, "text": "Ilsa Varn", "labels": ["PER"]}},
                    {"id": "s1", "from_name": "sentiment", "to_name": "text", "type": "choices",
                     "value": {"choices": ["positive"]}},
                ],
            }
        ],
    }  # fmt: skip
    export = write_export(tmp_path / "foreign.json", [foreign])
    result = import_labelstudio(corpus=empty_corpus, exports=[export], rejects=None, add_articles=True, language="en")
    assert "foreign-config" in result.issues.codes()
    assert result.articles_added == [] and Corpus.open(empty_corpus).article_ids() == []
    assert not (empty_corpus / "articles").exists()


def _drop_first_statement(tasks: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """The seed export re-exported after the annotator deleted one statement (its content region and links)."""
    changed = copy.deepcopy(tasks)
    gold = changed[0]["annotations"][0]
    gold["updated_at"] = "2026-12-01T10:00:00Z"
    results = gold["result"]
    content = next(r for r in results if r.get("type") == "labels" and r["value"]["labels"] == ["content"])
    linked = {r["from_id"] for r in results if r.get("type") == "relation" and r.get("to_id") == content["id"]}
    # remove the content region, its attributes and relations, and the regions only it used
    others = {r["from_id"] for r in results if r.get("type") == "relation" and r.get("to_id") != content["id"]} | {
        r.get("to_id") for r in results if r.get("type") == "relation" and r.get("to_id") != content["id"]
    }
    gone = {content["id"]} | (linked - others)
    gold["result"] = [
        r for r in results if r.get("id") not in gone and r.get("from_id") not in gone and r.get("to_id") not in gone
    ]
    return changed, len(results) - len(gold["result"])


def test_a_replacement_that_drops_statements_needs_replace_and_undo_restores_it(
    seed_corpus: Path, tmp_path: Path
) -> None:
    changed, _ = _drop_first_statement(seed_export())
    export = write_export(tmp_path / "fewer.json", changed)
    before = corpus_state(seed_corpus)
    runner = CliRunner()

    dry = runner.invoke(
        main, ["import-labelstudio", str(export), "--corpus", str(seed_corpus), "--dry-run", "--format", "json"]
    )
    plan = json.loads(dry.output)
    (entry,) = plan["plan"]["tasks"]
    assert entry["annotations"]["replaced"] == 1 and entry["statements"]["removed"] == 1
    assert entry["refused"] == ["would-drop-statements"] and corpus_state(seed_corpus) == before

    refused = runner.invoke(main, ["import-labelstudio", str(export), "--corpus", str(seed_corpus)])
    assert refused.exit_code == 1
    assert "error[would-drop-statements]" in refused.output and "--replace" in refused.output
    assert "nothing written" in refused.output
    assert corpus_state(seed_corpus) == before

    applied = runner.invoke(main, ["import-labelstudio", str(export), "--corpus", str(seed_corpus), "--replace"])
    assert applied.exit_code == 0, applied.output
    assert len(Corpus.open(seed_corpus).read_annotations(SEED_ARTICLE_ID)[0].statements) == 12
    after_import = corpus_state(seed_corpus)

    undone = runner.invoke(main, ["undo", "--corpus", str(seed_corpus)])
    assert undone.exit_code == 0, undone.output
    assert corpus_state(seed_corpus) == before  # byte for byte
    log = runner.invoke(main, ["log", "--corpus", str(seed_corpus)])
    lines = log.output.splitlines()
    imports = [line for line in lines if "import-labelstudio" in line]
    undos = [line for line in lines if " undo " in line]
    assert len(imports) == 1 and "[undone by" in imports[0] and len(undos) == 1
    # an undo is journaled too: undoing it redoes the import
    redo = runner.invoke(main, ["undo", "--corpus", str(seed_corpus), undos[0].split()[0]])
    assert redo.exit_code == 0, redo.output
    assert corpus_state(seed_corpus) == after_import


def test_undo_refuses_when_a_later_change_depends_on_it(seed_corpus: Path, tmp_path: Path) -> None:
    changed, _ = _drop_first_statement(seed_export())
    first = import_labelstudio(
        corpus=seed_corpus, exports=[write_export(tmp_path / "a.json", changed)], rejects=None, replace=True
    )
    again = copy.deepcopy(changed)
    again[0]["annotations"][0]["updated_at"] = "2026-12-02T10:00:00Z"
    second = import_labelstudio(
        corpus=seed_corpus, exports=[write_export(tmp_path / "b.json", again)], rejects=None, replace=True
    )
    assert first.journal_entry and second.journal_entry
    with pytest.raises(BeyanError) as raised:
        __import__("beyan.corpus.journal", fromlist=["undo"]).undo(
            Corpus.open(seed_corpus), entry_id=first.journal_entry
        )
    (issue,) = list(raised.value.issues)
    assert issue.code == "undo-conflict" and second.journal_entry in issue.message


def test_add_article_is_journaled_and_undone(empty_corpus: Path, tmp_path: Path) -> None:
    from beyan.add_article import add_article

    source = tmp_path / "note.txt"
    source.write_text("Vali Erdo Tamsin dedi ki: yarın.", "utf-8")
    before = corpus_state(empty_corpus)
    added = add_article(corpus=empty_corpus, file=source, language="tr", fmt="plain")
    assert added.journal_entry == "000001" and Corpus.open(empty_corpus).article_ids()
    __import__("beyan.corpus.journal", fromlist=["undo"]).undo(Corpus.open(empty_corpus))
    assert corpus_state(empty_corpus) == before


# ------------------------------------------------------------------ files that are not exports say why


@pytest.mark.parametrize(
    ("write", "code", "words"),
    [
        (lambda p: p.write_text(json.dumps({"data": {"text": "x"}}), "utf-8"), "single-task", "array"),
        (lambda p: p.write_text('{"id": 1}\n{"id": 2}\n', "utf-8"), "jsonl-export", "JSON Lines"),
        (lambda p: p.write_bytes("[]".encode("utf-16")), "utf16-export", "UTF-16"),
    ],
)
def test_common_mistakes_are_named(tmp_path: Path, empty_corpus: Path, write: Any, code: str, words: str) -> None:
    path = tmp_path / "export.json"
    write(path)
    with pytest.raises(BeyanError) as raised:
        import_labelstudio(corpus=empty_corpus, exports=[path], rejects=None)
    (issue,) = list(raised.value.issues)
    assert issue.code == code and words in issue.message and issue.hint


def test_a_fifo_is_refused_and_a_gzip_export_is_read(tmp_path: Path, tricky_export: Path, empty_corpus: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(BeyanError) as raised:
        import_labelstudio(corpus=empty_corpus, exports=[fifo], rejects=None)
    assert raised.value.issues.codes() == ["not-a-file"]
    packed = tmp_path / "export.json.gz"
    packed.write_bytes(gzip.compress(tricky_export.read_bytes()))
    result = import_labelstudio(corpus=empty_corpus, exports=[packed], rejects=None, add_articles=True, language="tr")
    assert not result.issues.has_errors and result.articles_added and "compressed" in result.issues.codes()


def test_a_folders_other_files_are_listed_not_skipped(tmp_path: Path, tricky_export: Path, empty_corpus: Path) -> None:
    folder = tmp_path / "exports"
    (folder / "old").mkdir(parents=True)
    (folder / "a.json").write_bytes(tricky_export.read_bytes())
    (folder / "notes.txt").write_text("not an export")
    result = import_labelstudio(corpus=empty_corpus, exports=[folder], rejects=None, add_articles=True, language="tr")
    skipped = sorted(Path(i.location[0]).name for i in result.issues if i.code == "file-not-read")
    assert skipped == ["notes.txt", "old"]


def test_an_image_project_says_it_is_not_a_text_project(tmp_path: Path, empty_corpus: Path) -> None:
    image = {
        "id": 3,
        "data": {"image": "/data/upload/1/photo.jpg"},
        "annotations": [{"id": 1, "result": [{"type": "rectanglelabels", "value": {"x": 1, "y": 2}}]}],
    }
    result = import_labelstudio(
        corpus=empty_corpus, exports=[write_export(tmp_path / "img.json", [image])], rejects=None
    )
    (issue,) = [i for i in result.issues if i.severity == "error"]
    assert issue.code == "not-a-text-project" and "'image'" in issue.message


@pytest.fixture
def tricky_export(tmp_path: Path) -> Path:
    text = 'Bakan Oru Delk: "Bütçe hazır" dedi.'
    one = statement(text, "Bütçe hazır", speaker="Oru Delk", cue="dedi", name="Oru Delk")
    return write_export(tmp_path / "tricky.json", [task(text, [annotation(results_for(text, [one]))])])


def test_json_lines_is_named_and_read_when_asked_for(tmp_path: Path, tricky_export: Path, empty_corpus: Path) -> None:
    lines = tmp_path / "tasks.jsonl"
    lines.write_text("".join(json.dumps(t) + "\n" for t in json.loads(tricky_export.read_text())), "utf-8")
    lines.write_text(lines.read_text() + json.dumps({"id": 99, "data": {"text": "x"}, "annotations": []}) + "\n")
    with pytest.raises(BeyanError) as raised:
        import_labelstudio(corpus=empty_corpus, exports=[lines], rejects=None)
    (issue,) = list(raised.value.issues)
    assert issue.code == "jsonl-export" and "--export-format jsonl" in (issue.hint or "")
    result = import_labelstudio(
        corpus=empty_corpus, exports=[lines], rejects=None, add_articles=True, language="tr", export_format="jsonl"
    )
    assert result.reconciliation.to_dict()["tasks"]["read"] == 2 and len(result.articles_added) == 1
