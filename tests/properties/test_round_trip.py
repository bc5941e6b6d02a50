"""Property: what an annotator marked comes out of import -> build -> load_dataset unchanged.

Hypothesis invents an article (ASCII, Turkish letters, emoji, flags, mathematical
letters outside the BMP, double spaces, CRLF breaks) and a valid set of statements over
it (see ``strategies.py``), writes a Label Studio full export with one annotation, and
checks every step: the corpus holds exactly the statements that went in, a second
import of the same export changes no file, a legacy UTF-16 export gives the same
corpus as a code-point one, and ``datasets.load_dataset(folder, "statements")`` gives
back the same spans, texts, labels, speakers, nesting and topics.

Bounded for CI: ``derandomize=True`` makes every run try the same examples (a red CI
is reproducible with the same command, and no example database is read or written in
the shared tree); set ``BEYAN_PROPERTY_EXAMPLES`` to search more widely by hand.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import datasets
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from beyan.add_article import add_article
from beyan.build import build
from beyan.corpus import Corpus
from beyan.labelstudio.importer import import_labelstudio
from beyan.labelstudio.ledger import KINDS
from beyan.labelstudio.to_results import statements_to_results
from beyan.records import AnnotatedStatement, Span, Speaker
from beyan.validation import validate
from tests.factories import annotation, task, write_export
from tests.properties.strategies import Example, examples, to_raw

EXAMPLES = int(os.environ.get("BEYAN_PROPERTY_EXAMPLES", "0"))
ROUND_TRIP = settings(
    max_examples=EXAMPLES or 20,
    deadline=None,
    derandomize=not EXAMPLES,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    # no "explain" phase: its line tracing makes a failing run minutes long; shrinking stays
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
CHEAP = settings(ROUND_TRIP, max_examples=EXAMPLES or 40)


# ------------------------------------------------------------------ helpers


def corpus_files(root: Path) -> dict[str, bytes]:
    """Every file of the corpus (the build cache aside): what a change must or must not touch."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] != ".cache"
    }


def make_corpus(root: Path, example: Example) -> str:
    """A corpus holding the example's article (plain format, file bytes as generated); its id."""
    Corpus.init(root, name="property")
    source = root.parent / "incoming" / "article.txt"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(example.raw.encode("utf-8"))
    added = add_article(corpus=root, file=source, language="tr", fmt="plain").article
    assert added.text == example.text
    return added.article_id


def write_example_export(
    path: Path, example: Example, *, offsets: str, crlf_task: bool, updated_at: str = "2026-01-02T00:00:00Z"
) -> Path:
    """A full export of one task with one annotation of ``example``.

    With ``crlf_task`` the task's text is the raw file (CRLF kept, as Label Studio would
    hold a task made from it) and the offsets count in that text.
    """
    if crlf_task:
        text = example.raw
        statements = [to_raw(s, example.raw) for s in example.statements]
    else:
        text, statements = example.text, list(example.statements)
    results = statements_to_results(statements, text, topics=example.topics, offsets=offsets)
    item = annotation(results, annotation_id=7, user=3, updated_at=updated_at)
    return write_export(path, [task(text, [item], task_id=11, project=5)])


def import_clean(corpus: Path, export: Path, rejects: Path) -> Any:
    result = import_labelstudio(corpus=corpus, exports=[export], rejects=rejects)
    assert result.reconciliation.balanced(), result.reconciliation.render()
    rejected = {kind: result.reconciliation.row(kind)[2] for kind in KINDS if result.reconciliation.row(kind)[2]}
    problems = [i.render() for i in result.issues if i.severity != "info"]
    assert not rejected and not problems, (rejected, problems, rejects.read_text("utf-8"))
    return result


def stored(corpus: Path, article_id: str) -> tuple[tuple[str, ...], list[AnnotatedStatement]]:
    annotations = Corpus.open(corpus).read_annotations(article_id)
    (only,) = annotations
    return only.topics, sorted((replace(s, region_ids=()) for s in only.statements), key=lambda s: s.content_spans)


def spans_of(values: list[dict[str, Any]], text: str) -> tuple[Span, ...]:
    spans = []
    for value in values:
        span = Span(value["start"], value["end"])
        assert 0 <= span.start < span.end <= len(text)
        assert value["text"] == text[span.start : span.end]
        spans.append(span)
    return tuple(spans)


def statements_from_dataset(
    folder: Path, cache: Path, text: str
) -> tuple[set[tuple[str, ...]], list[AnnotatedStatement]]:
    loaded = datasets.load_dataset(str(folder), "statements", cache_dir=str(cache))
    rows = [row for split in loaded.values() for row in split]
    features = next(iter(loaded.values())).features
    quote_type, stance, topic = features["quote_type"], features["stance"], features["topics"].feature
    contents = {row["statement_id"]: spans_of(row["content_spans"], text) for row in rows}
    out: list[AnnotatedStatement] = []
    topics: set[tuple[str, ...]] = set()
    for row in rows:
        assert row["article_text"] == text
        speaker = row["speaker"]
        out.append(
            AnnotatedStatement(
                content_spans=contents[row["statement_id"]],
                quote_type=quote_type.int2str(row["quote_type"]),
                speaker_spans=spans_of(row["speaker_spans"], text),
                cue_spans=spans_of(row["cue_spans"], text),
                addressee_spans=spans_of(row["addressee_spans"], text),
                speaker_unknown=row["speaker_unknown"],
                speaker=None if speaker is None else Speaker(**speaker),
                cue_lemma=row["cue_lemma"],
                stance=None if row["stance"] is None else stance.int2str(row["stance"]),
                stance_target=row["stance_target"],
                parent=None if row["parent_statement_id"] is None else contents[row["parent_statement_id"]],
            )
        )
        topics.add(tuple(topic.int2str(t) for t in row["topics"]))
    return topics, sorted(out, key=lambda s: s.content_spans)


# ------------------------------------------------------------------ properties


@ROUND_TRIP
@given(example=examples(), crlf_task=st.booleans())
def test_statements_survive_import_build_and_load(example: Example, crlf_task: bool) -> None:
    expected = sorted(example.statements, key=lambda s: s.content_spans)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        article_id = make_corpus(corpus, example)
        export = write_example_export(root / "export.json", example, offsets="code points", crlf_task=crlf_task)

        import_clean(corpus, export, root / "rejects.jsonl")
        topics, statements = stored(corpus, article_id)
        assert statements == expected
        assert topics == example.topics
        assert validate(corpus).exit_code == 0

        # importing the same export again changes nothing
        before = corpus_files(corpus)
        again = import_clean(corpus, export, root / "rejects-again.jsonl")
        assert again.journal_entry is None and dict(again.outcomes) == {"unchanged": 1}
        assert corpus_files(corpus) == before

        build(corpus=corpus, out=root / "dist")
        loaded_topics, loaded = statements_from_dataset(root / "dist", root / "hf-cache", example.text)
        assert loaded == expected
        assert loaded_topics == {example.topics}


@CHEAP
@given(example=examples(), crlf_task=st.booleans())
def test_utf16_export_gives_the_same_corpus_as_code_points(example: Example, crlf_task: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        by_code_points, by_utf16 = root / "a" / "corpus", root / "b" / "corpus"
        article_id = make_corpus(by_code_points, example)
        shutil.copytree(by_code_points, by_utf16)
        export_cp = write_example_export(root / "cp.json", example, offsets="code points", crlf_task=crlf_task)
        # Legacy exports are old: where no region tells the readings apart, the date decides.
        export_16 = write_example_export(
            root / "utf16.json", example, offsets="utf16", crlf_task=crlf_task, updated_at="2021-03-01T00:00:00Z"
        )
        import_clean(by_code_points, export_cp, root / "rejects-cp.jsonl")
        import_clean(by_utf16, export_16, root / "rejects-16.jsonl")
        assert stored(by_utf16, article_id) == stored(by_code_points, article_id)
        for statement in stored(by_utf16, article_id)[1]:
            for span in (
                *statement.content_spans,
                *statement.speaker_spans,
                *statement.cue_spans,
                *statement.addressee_spans,
            ):
                assert 0 <= span.start < span.end <= len(example.text)
