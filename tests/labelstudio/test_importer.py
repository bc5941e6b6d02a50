"""Importing Label Studio exports: fidelity, accounting, merging, pseudonyms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from beyan.build import build
from beyan.corpus import Corpus
from beyan.issues import BeyanError
from beyan.labelstudio.importer import import_labelstudio
from beyan.records import Annotation, Span
from beyan.validation import validate
from tests.conftest import SEED_ARTICLE_ID, SEED_CORPUS
from tests.factories import annotation, results_for, statement, task, write_article, write_export

TRICKY = (
    'Vali Erdo Tamsin 😀 🇹🇷 𝒜  dedi ki:\r\n"Köprü  mayısta açılacak."\r\nMeclis üyesi Lin Arvo ise "acele yok" dedi.'
)


def corpus_files(root: Path) -> dict[str, bytes]:
    """Every file of the corpus but its journal (which records each change) and build cache."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] not in ("journal", ".cache")
    }


def stored(corpus: Path, article_id: str | None = None) -> list[Annotation]:
    opened = Corpus.open(corpus)
    return opened.read_annotations(article_id or opened.article_ids()[0])


@pytest.fixture
def tricky_corpus(empty_corpus: Path) -> Path:
    source = empty_corpus.parent / "tricky.txt"
    source.write_bytes(TRICKY.encode("utf-8"))
    from beyan.add_article import add_article

    add_article(corpus=empty_corpus, file=source, language="tr", fmt="plain")
    return empty_corpus


def tricky_statements(text: str) -> list:
    first = statement(
        text,
        "Köprü  mayısta açılacak.",
        speaker="Erdo Tamsin",
        cue="dedi ki",
        name="Erdo Tamsin",
        stance="favor",
        target="köprü",
    )
    second = statement(text, "acele yok", speaker="Lin Arvo", cue="dedi", quote_type="direct", name="Lin Arvo")
    return [first, second]


def test_seed_export_round_trips_without_loss(seed_corpus: Path, tmp_path: Path) -> None:
    (export,) = (SEED_CORPUS / "labelstudio").glob("seed-gold.*.json")
    committed = (seed_corpus / "annotations" / "02.jsonl").read_bytes()
    (seed_corpus / "annotations" / "02.jsonl").unlink()
    rejects = tmp_path / "rejects.jsonl"
    result = import_labelstudio(corpus=seed_corpus, exports=[export], rejects=rejects)
    counts = result.reconciliation.to_dict()
    assert counts["tasks"] == {"read": 1, "imported": 1, "rejected": 0}
    assert counts["regions"]["rejected"] == 0 and counts["relations"]["rejected"] == 0
    assert result.reconciliation.balanced()
    assert rejects.read_text() == ""
    (gold,) = stored(seed_corpus, SEED_ARTICLE_ID)
    assert len(gold.statements) == 13 and gold.ground_truth
    # what beyan imported is what the repository's corpus holds (the pseudonym key differs in tests)
    imported = json.loads((seed_corpus / "annotations" / "02.jsonl").read_bytes())
    expected = json.loads(committed)
    assert {**imported, "annotator": None} == {**expected, "annotator": None}
    before = corpus_files(seed_corpus)
    again = import_labelstudio(corpus=seed_corpus, exports=[export], rejects=None)
    assert dict(again.outcomes) == {"unchanged": 1} and again.journal_entry is None
    assert corpus_files(seed_corpus) == before


def test_emoji_flags_non_bmp_double_spaces_and_crlf(tricky_corpus: Path, tmp_path: Path) -> None:
    article = Corpus.open(tricky_corpus).read_article(Corpus.open(tricky_corpus).article_ids()[0])
    assert "\r" not in article.text
    statements = tricky_statements(TRICKY)  # offsets counted on the task text, CRLF and all
    results = results_for(TRICKY, statements, topics=("transportation",))
    for result in results:  # Label Studio's value.text collapses whitespace and escapes line breaks
        if result["type"] == "labels":
            result["value"]["text"] = " ".join(result["value"]["text"].split()).replace("\n", "\\n")
    export = write_export(tmp_path / "export.json", [task(TRICKY, [annotation(results)])])
    result = import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=None)
    assert not result.issues.has_errors, result.issues.render()
    (kept,) = stored(tricky_corpus, article.article_id)
    texts = {
        article.text[s.start : s.end]
        for st in kept.statements
        for s in (*st.content_spans, *st.speaker_spans, *st.cue_spans)
    }
    assert {"Köprü  mayısta açılacak.", "Erdo Tamsin", "dedi ki", "acele yok", "Lin Arvo", "dedi"} == texts
    assert kept.topics == ("transportation",)


def test_legacy_utf16_export_imports_to_the_same_spans(tricky_corpus: Path, tmp_path: Path) -> None:
    statements = tricky_statements(TRICKY)
    modern = write_export(tmp_path / "modern.json", [task(TRICKY, [annotation(results_for(TRICKY, statements))])])
    legacy_results = __import__("beyan.labelstudio.to_results", fromlist=["x"]).statements_to_results(
        statements, TRICKY, offsets="utf16"
    )
    legacy = write_export(tmp_path / "legacy.json", [task(TRICKY, [annotation(legacy_results)], task_id=2)])
    first = import_labelstudio(corpus=tricky_corpus, exports=[modern], rejects=None)
    second = import_labelstudio(corpus=tricky_corpus, exports=[legacy], rejects=None)
    assert "legacy-utf16-offsets" not in first.issues.codes()
    assert "legacy-utf16-offsets" in second.issues.codes()
    by_task = {a.origin.task: a.statements for a in stored(tricky_corpus)}
    assert by_task[1] == by_task[2]


def test_bad_results_are_rejected_with_reasons_and_counted(tricky_corpus: Path, tmp_path: Path) -> None:
    text = TRICKY
    results = results_for(text, tricky_statements(text))
    results.append(
        {
            "id": "x1",
            "from_name": "role",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 0, "end": 4, "text": "Vali", "labels": ["narrator"]},
        }
    )
    results.append(
        {
            "id": "x2",
            "from_name": "role",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 90, "end": 900, "text": "?", "labels": ["speaker"]},
        }
    )
    results.append({"from_id": "x2", "to_id": "nowhere", "type": "relation", "direction": "right", "labels": ["said"]})
    results.append(
        {
            "id": "x3",
            "from_name": "role",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 5, "end": 16, "text": "Erdo Tamsin", "labels": ["speaker"]},
        }
    )
    export = write_export(tmp_path / "export.json", [task(text, [annotation(results)])])
    rejects = tmp_path / "rejects.jsonl"
    result = import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=rejects)
    codes = result.issues.codes()
    assert {"unknown-label", "span-out-of-range", "dangling-relation", "duplicate-region"} <= set(codes)
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    by_code = {line["code"]: line for line in lines}
    assert by_code["unknown-label"]["location"].endswith("task 1 > annotation 1 > result x1")
    assert by_code["dangling-relation"]["kind"] == "relations"
    counts = result.reconciliation.to_dict()
    # A task is imported whole or not at all: every item of the annotation is rejected, the good ones
    # because the annotation is, and the annotation itself goes to the rejects file in full.
    regions = sum(1 for r in results if r.get("type") == "labels")
    assert counts["regions"] == {"read": regions, "imported": 0, "rejected": regions}
    assert counts["tasks"] == {"read": 1, "imported": 0, "rejected": 1}
    assert result.reconciliation.balanced()
    assert sum(c["rejected"] for c in counts.values()) == len(lines)
    (whole,) = [line for line in lines if line["kind"] == "annotations"]
    assert whole["annotation"]["result"] == results and whole["code"] == "annotation-rejected"
    assert stored(tricky_corpus) == []  # nothing half-imported


def test_cancelled_drafts_and_predictions_are_counted_never_gold(tricky_corpus: Path, tmp_path: Path) -> None:
    results = results_for(TRICKY, tricky_statements(TRICKY))
    item = task(TRICKY, [annotation(results, annotation_id=1), annotation([], annotation_id=2, user=2, cancelled=True)])
    item["predictions"] = [7, 8]
    item["drafts"] = [{"id": 3, "user": "someone@example.org", "result": results}]
    export = write_export(tmp_path / "export.json", [item])
    result = import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=None)
    counts = result.reconciliation.to_dict()
    assert counts["annotations"] == {"read": 2, "imported": 1, "rejected": 1}
    assert counts["predictions"] == {"read": 2, "imported": 0, "rejected": 2}
    assert counts["drafts"] == {"read": 1, "imported": 0, "rejected": 1}
    assert "cancelled-annotation" in result.issues.codes()
    text = "".join(p.read_text() for p in tricky_corpus.rglob("*.jsonl"))
    assert "someone@example.org" not in text


def test_annotators_are_pseudonymized_stably(tricky_corpus: Path, tmp_path: Path) -> None:
    results = results_for(TRICKY, tricky_statements(TRICKY))
    item = task(
        TRICKY,
        [
            annotation(results, annotation_id=1, user={"id": 4, "email": "Real.Person@example.org"}),
            annotation(results, annotation_id=2, user=9),
        ],
    )  # type: ignore[arg-type]
    export = write_export(tmp_path / "export.json", [item])
    import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=None, keep_export=True)
    files = "".join(p.read_text() for p in tricky_corpus.rglob("*.json*"))
    assert "Real.Person" not in files and "example.org" not in files
    names = sorted(a.annotator for a in stored(tricky_corpus))
    assert all(name.startswith("annotator-") and len(name) == 22 for name in names)
    from beyan.transforms.pseudonymize import Pseudonymizer
    from tests.conftest import TEST_PSEUDONYM_KEY

    assert Pseudonymizer(TEST_PSEUDONYM_KEY).pseudonym("email:real.person@example.org") in names
    assert Pseudonymizer("another-key-0123456789").pseudonym("email:real.person@example.org") not in names


def test_import_without_key_refuses(tricky_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BEYAN_PSEUDONYM_KEY")
    export = write_export(tmp_path / "e.json", [task(TRICKY, [])])
    with pytest.raises(BeyanError) as raised:
        import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=None)
    assert raised.value.issues.codes() == ["missing-pseudonym-key"] and raised.value.exit_code == 2


def test_newer_export_replaces_older_is_ignored_same_is_unchanged(tricky_corpus: Path, tmp_path: Path) -> None:
    statements = tricky_statements(TRICKY)
    old = write_export(
        tmp_path / "old.json",
        [task(TRICKY, [annotation(results_for(TRICKY, statements[:1]), updated_at="2026-01-01T00:00:00Z")])],
    )
    new = write_export(
        tmp_path / "new.json",
        [task(TRICKY, [annotation(results_for(TRICKY, statements), updated_at="2026-02-01T00:00:00Z")])],
    )
    assert dict(import_labelstudio(corpus=tricky_corpus, exports=[old], rejects=None).outcomes) == {"new": 1}
    replaced = import_labelstudio(corpus=tricky_corpus, exports=[new], rejects=None)
    assert dict(replaced.outcomes) == {"replaced": 1}
    assert replaced.plan_totals()["statements"] == {"added": 1, "unchanged": 1}
    older = import_labelstudio(corpus=tricky_corpus, exports=[old], rejects=None)
    assert dict(older.outcomes) == {"older, kept stored": 1} and "older-export" in older.issues.codes()
    assert older.reconciliation.to_dict()["annotations"] == {"read": 1, "imported": 0, "rejected": 1}
    assert older.reconciliation.balanced()
    (kept,) = stored(tricky_corpus)
    assert len(kept.statements) == 2


def test_edited_task_text_is_an_error_and_nothing_is_written(tricky_corpus: Path, tmp_path: Path) -> None:
    edited = TRICKY.replace("mayısta", "haziranda")
    article_id = Corpus.open(tricky_corpus).article_ids()[0]
    export = write_export(tmp_path / "export.json", [task(edited, [annotation([])], article_id=article_id)])
    before = corpus_files(tricky_corpus)
    result = import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=None)
    assert result.issues.codes() == ["task-text-mismatch"]
    (issue,) = [i for i in result.issues if i.code == "task-text-mismatch"]
    assert "haziranda" in (issue.found or "") and "mayısta" in (issue.expected or "")
    assert corpus_files(tricky_corpus) == before


def test_unknown_article_is_rejected_with_hint_or_added(empty_corpus: Path, tmp_path: Path) -> None:
    text = 'Bakan Oru Delk: "Bütçe hazır" dedi.'
    st = statement(text, "Bütçe hazır", speaker="Oru Delk", cue="dedi", name="Oru Delk")
    export = write_export(
        tmp_path / "e.json",
        [task(text, [annotation(results_for(text, [st]))], title="Bütçe", url="https://example.org/butce")],
    )
    refused = import_labelstudio(corpus=empty_corpus, exports=[export], rejects=None)
    (issue,) = [i for i in refused.issues if i.code == "unknown-article"]
    assert "--add-articles" in (issue.hint or "")
    assert Corpus.open(empty_corpus).article_ids() == []
    added = import_labelstudio(corpus=empty_corpus, exports=[export], rejects=None, add_articles=True, language="tr")
    (article_id,) = added.articles_added
    article = Corpus.open(empty_corpus).read_article(article_id)
    assert article.text == text and article.title == "Bütçe" and article.rights.license == "unknown"
    assert article.url == "https://example.org/butce"
    assert article.rights.redistribution == "standoff"
    assert validate(empty_corpus).exit_code == 0


def test_two_annotators_majority_and_ground_truth(tricky_corpus: Path, tmp_path: Path) -> None:
    first, second = tricky_statements(TRICKY)
    a1 = annotation(results_for(TRICKY, [first, second]), annotation_id=1, user=1, updated_at="2026-01-01T00:00:00Z")
    a2 = annotation(results_for(TRICKY, [first]), annotation_id=2, user=2, updated_at="2026-01-02T00:00:00Z")
    a3 = annotation(results_for(TRICKY, [first, second]), annotation_id=3, user=3, updated_at="2026-01-03T00:00:00Z")
    export = write_export(tmp_path / "e.json", [task(TRICKY, [a1, a2, a3])])
    import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=None)
    out = tmp_path / "dist"
    result = build(corpus=tricky_corpus, out=out)
    assert result.stats.adjudication == {"majority": 2}
    import pyarrow.parquet as pq

    rows = [r for p in (out / "data" / "statements").glob("*.parquet") for r in pq.read_table(p).to_pylist()]
    support = sorted(r["provenance"]["support"] for r in rows)
    assert support == [2, 3] and all(r["provenance"]["annotations_total"] == 3 for r in rows)
    # a ground-truth annotation wins over the majority
    a2["ground_truth"] = True
    write_export(tmp_path / "e.json", [task(TRICKY, [a1, a2, a3], task_id=1)])
    a2["updated_at"] = "2026-01-04T00:00:00Z"
    write_export(tmp_path / "e.json", [task(TRICKY, [a1, a2, a3], task_id=1)])
    import_labelstudio(corpus=tricky_corpus, exports=[tmp_path / "e.json"], rejects=None)
    result = build(corpus=tricky_corpus, out=out)
    assert result.stats.adjudication == {"ground_truth": 1}


def test_relations_and_per_region_choices_survive_into_statements(tricky_corpus: Path, tmp_path: Path) -> None:
    text = TRICKY
    outer = statement(
        text,
        '"Köprü  mayısta açılacak."\r\nMeclis üyesi Lin Arvo ise "acele yok"',
        speaker="Erdo Tamsin",
        cue="dedi ki",
        quote_type="mixed",
        name="Erdo Tamsin",
        stance="against",
        target="acele",
    )
    inner = statement(
        text,
        "acele yok",
        speaker="Lin Arvo",
        cue="dedi",
        addressee="Erdo Tamsin",
        quote_type="direct",
        name="Lin Arvo",
        parent=outer,
    )
    export = write_export(
        tmp_path / "e.json",
        [task(text, [annotation(results_for(text, [outer, inner], topics=("transportation", "other")))])],
    )
    result = import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=None)
    assert not result.issues.has_errors, result.issues.render()
    out = tmp_path / "dist"
    build(corpus=tricky_corpus, out=out)
    import datasets

    rows = list(next(iter(datasets.load_dataset(str(out), "statements").values())))
    by_text = {row["content_spans"][0]["text"]: row for row in rows}
    child = by_text["acele yok"]
    parent = next(r for r in rows if r["statement_id"] == child["parent_statement_id"])
    assert parent["stance_target"] == "acele" and child["addressee_spans"][0]["text"] == "Erdo Tamsin"
    assert [s["text"] for s in child["cue_spans"]] == ["dedi"]
    features = datasets.load_dataset(str(out), "statements")[
        "train"
        if "train" in datasets.load_dataset(str(out), "statements")
        else next(iter(datasets.load_dataset(str(out), "statements")))
    ].features
    assert features["quote_type"].int2str(parent["quote_type"]) == "mixed"
    assert [features["topics"].feature.int2str(t) for t in child["topics"]] == ["transportation", "other"]
    assert Span(child["content_spans"][0]["start"], child["content_spans"][0]["end"]) != Span(0, 0)


def test_interrupted_import_leaves_the_corpus_as_it_was(
    tricky_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = write_export(
        tmp_path / "e.json", [task(TRICKY, [annotation(results_for(TRICKY, tricky_statements(TRICKY)))])]
    )
    before = corpus_files(tricky_corpus)
    from beyan import atomic

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic, "_apply", crash)
    with pytest.raises(KeyboardInterrupt):
        import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=None)
    monkeypatch.undo()
    # The commit record was written before the crash: opening the corpus completes the import.
    assert validate(tricky_corpus).exit_code == 0
    after = corpus_files(tricky_corpus)
    assert after != before and any(name.startswith("annotations/") for name in after)


def test_write_article_factory_makes_valid_articles(small_corpus: Path) -> None:
    assert len(Corpus.open(small_corpus).article_ids()) == 3
    assert validate(small_corpus).exit_code == 0
    assert write_article  # used by the fixture


# ---------------------------------------------------------------- regressions found by the fuzz harness


@pytest.mark.parametrize(
    ("text", "content", "expected"),
    [("😀 Vali", "😀", "😀"), ("😀aaa", "a", "a"), ("😀", "😀", "😀")],
)
def test_legacy_offsets_that_fit_both_readings_follow_the_annotation_date(
    empty_corpus: Path, tmp_path: Path, text: str, content: str, expected: str
) -> None:
    from beyan.labelstudio.to_results import statements_to_results
    from beyan.records import AnnotatedStatement

    start = text.index(content) if content != "a" else 1
    st = AnnotatedStatement((Span(start, start + len(content)),), "direct", speaker_unknown=True)
    legacy = statements_to_results([st], text, offsets="utf16")
    export = write_export(tmp_path / "e.json", [task(text, [annotation(legacy, updated_at="2021-03-01T00:00:00Z")])])
    result = import_labelstudio(corpus=empty_corpus, exports=[export], rejects=None, add_articles=True, language="tr")
    assert not result.issues.has_errors, result.issues.render()
    (kept,) = stored(empty_corpus)
    (span,) = kept.statements[0].content_spans
    assert (span.start, span.end) == (st.content_spans[0].start, st.content_spans[0].end)
    assert text[span.start : span.end] == expected


@pytest.mark.parametrize(
    "tasks",
    [
        [{"id": 1, "data": {"text": "Vali dedi", "article_id": "a" * 300}, "annotations": []}],
        [{"id": 1, "data": {"text": "Vali dedi", "article_id": "a\x00b"}, "annotations": []}],
        [{"id": 1, "data": {"text": "Vali dedi"}, "annotations": 1}],
        [
            {
                "id": 1,
                "data": {"text": "Vali dedi"},
                "annotations": [
                    {
                        "id": 1,
                        "result": [
                            {"id": [], "from_name": "quote_type", "type": "choices", "value": {"choices": ["direct"]}}
                        ],
                    }
                ],
            }
        ],
    ],
)
@pytest.mark.parametrize("add_articles", [False, True])
def test_hostile_tasks_are_reports_not_crashes(
    empty_corpus: Path, tmp_path: Path, tasks: list, add_articles: bool
) -> None:  # type: ignore[type-arg]
    export = write_export(tmp_path / "e.json", tasks)
    result = import_labelstudio(
        corpus=empty_corpus, exports=[export], rejects=None, add_articles=add_articles, language="tr"
    )
    assert result.reconciliation.balanced()
    assert validate(empty_corpus).exit_code == 0
    assert validate(export).exit_code in (0, 1)
    for path in empty_corpus.rglob("*"):
        assert empty_corpus in path.resolve().parents or path.resolve() == empty_corpus


def test_the_same_annotation_twice_is_imported_once(tricky_corpus: Path, tmp_path: Path) -> None:
    item = annotation(results_for(TRICKY, tricky_statements(TRICKY)))
    export = write_export(tmp_path / "e.json", [task(TRICKY, [item, item])])
    result = import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=None)
    assert "duplicate-annotation" in result.issues.codes()
    assert result.reconciliation.to_dict()["annotations"] == {"read": 2, "imported": 1, "rejected": 1}
    assert validate(tricky_corpus).exit_code == 0


def test_a_relation_drawn_backwards_between_two_roles_is_read_the_right_way(
    tricky_corpus: Path, tmp_path: Path
) -> None:
    results = results_for(TRICKY, tricky_statements(TRICKY))
    said = next(r for r in results if r.get("type") == "relation" and r["labels"] == ["said"])
    said["from_id"], said["to_id"] = said["to_id"], said["from_id"]  # content -> speaker
    export = write_export(tmp_path / "e.json", [task(TRICKY, [annotation(results)])])
    result = import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=None)
    assert not result.issues.has_errors, result.issues.render()
    assert "relation-reversed" in result.issues.codes()
    assert all(s.speaker_spans for s in stored(tricky_corpus)[0].statements)


def test_a_nesting_drawn_backwards_is_still_refused(tricky_corpus: Path, tmp_path: Path) -> None:
    text = TRICKY
    outer = statement(
        text, '"Köprü  mayısta açılacak."\r\nMeclis üyesi Lin Arvo ise "acele yok"', speaker="Erdo Tamsin"
    )
    inner = statement(text, "acele yok", speaker="Lin Arvo", parent=outer)
    results = results_for(text, [outer, inner])
    nested = next(r for r in results if r.get("type") == "relation" and r["labels"] == ["nested-in"])
    nested["from_id"], nested["to_id"] = nested["to_id"], nested["from_id"]
    export = write_export(tmp_path / "e.json", [task(text, [annotation(results)])])
    result = import_labelstudio(corpus=tricky_corpus, exports=[export], rejects=None)
    assert "parent-not-covering" in result.issues.codes() and stored(tricky_corpus) == []
