"""Against a real Label Studio (PyPI ``label-studio``, SQLite, 127.0.0.1), started by the fixture.

``scripts/test`` installs it in ``.venv-labelstudio``; these tests are not skipped in CI.
Set BEYAN_SKIP_LABEL_STUDIO=1 to skip them in a quick local run.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datasets
import pytest
from click.testing import CliRunner

from beyan.build import build
from beyan.cli import main
from beyan.corpus import Corpus
from beyan.labelstudio.client import create_annotator, create_project, export_full, import_tasks
from beyan.labelstudio.gold import annotate_from_specs
from beyan.labelstudio.importer import import_labelstudio
from beyan.labelstudio.server import LabelStudioServer, find_executable
from beyan.labelstudio.tasks import labelstudio_tasks
from beyan.labelstudio.to_results import statements_to_results
from beyan.schema import current_labelstudio_config
from beyan.validation import validate
from tests.conftest import REPO, SEED_ARTICLE_ID, SEED_CORPUS
from tests.factories import statement, write_article

pytestmark = pytest.mark.labelstudio

# Text loaded into Label Studio directly (as many teams do), with the characters that break
# naive converters: emoji, a flag (two code points), a letter outside the BMP, double spaces, CRLF.
DIRECT_TEXT = (
    "Belediye Başkanı Tarn Olvey 🙂 🇹🇷 dün 𝒜-blok için  konuştu:\r\n"
    '"Köprü  mayısta açılacak," dedi Olvey.\r\n'
    "Muhalefet lideri Sefa Irun ise projeye karşı çıktığını belirtti."
)


@pytest.fixture(scope="module")
def server() -> Iterator[LabelStudioServer]:
    if os.environ.get("BEYAN_SKIP_LABEL_STUDIO") == "1":
        pytest.skip("BEYAN_SKIP_LABEL_STUDIO=1")
    if find_executable() is None:
        pytest.fail("Label Studio is not installed: run scripts/test, which creates .venv-labelstudio")
    with LabelStudioServer() as running:
        yield running


def direct_statements() -> list[Any]:
    text = DIRECT_TEXT
    quote = statement(
        text, "Köprü  mayısta açılacak,", speaker="Olvey", cue="dedi", name="Tarn Olvey", stance="favor", target="köprü"
    )
    indirect = statement(
        text,
        "projeye karşı çıktığını",
        speaker="Sefa Irun",
        cue="belirtti",
        quote_type="indirect",
        name="Sefa Irun",
        stance="against",
        target="köprü projesi",
    )
    return [quote, indirect]


def test_generated_config_is_accepted_by_the_server(server: LabelStudioServer) -> None:
    client: Any = server.client()
    project = create_project(client, title="config check")
    stored = client.projects.get(id=project).label_config
    assert stored.strip() == current_labelstudio_config().strip()


def test_two_annotators_round_trip_through_a_real_server(
    server: LabelStudioServer, empty_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client: Any = server.client()
    invented = write_article(
        empty_corpus,
        "meclis.txt",
        title="Eskar valisi bütçeyi anlattı",
        body='ESKAR - Vali Rina Osk, "Bütçe yarın açıklanacak" dedi. Meclis Başkanı Dov Tarr ise bütçenin gecikeceğini söyledi.',
    )
    project = create_project(client, title="round trip")
    beyan_tasks = json.loads(labelstudio_tasks(corpus=empty_corpus))
    beyan_task_id, direct_task_id = import_tasks(
        client, project, [*beyan_tasks, {"data": {"text": DIRECT_TEXT, "title": "Köprü"}}]
    )
    second = create_annotator(client, email="annotator-two@beyan.invalid", username="annotator-two")
    me = client.users.whoami().id

    text = invented.text
    quote = statement(text, "Bütçe yarın açıklanacak", speaker="Rina Osk", cue="dedi", name="Rina Osk")
    report = statement(
        text, "bütçenin gecikeceğini", speaker="Dov Tarr", cue="söyledi", quote_type="indirect", name="Dov Tarr"
    )
    client.annotations.create(
        id=beyan_task_id,
        result=statements_to_results([quote, report], text, topics=("macroeconomics",)),
        completed_by=me,
    )
    client.annotations.create(
        id=beyan_task_id, result=statements_to_results([quote], text, topics=("macroeconomics",)), completed_by=second
    )
    client.annotations.create(
        id=direct_task_id,
        result=statements_to_results(direct_statements(), DIRECT_TEXT),
        completed_by=me,
        ground_truth=True,
    )
    client.annotations.create(
        id=direct_task_id, result=statements_to_results(direct_statements()[:1], DIRECT_TEXT), completed_by=second
    )
    client.annotations.create(id=direct_task_id, result=[], was_cancelled=True, completed_by=second)
    client.predictions.create(
        task=direct_task_id, result=statements_to_results(direct_statements(), DIRECT_TEXT), model_version="test"
    )

    # Pull the export through the SDK with the key from the environment, as a user would.
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.token)
    runner = CliRunner()
    rejects = tmp_path / "rejects.jsonl"
    outcome = runner.invoke(
        main,
        ["import-labelstudio", "--url", server.url, "--project", str(project), "--corpus", str(empty_corpus),
         "--add-articles", "--language", "tr", "--rejects", str(rejects)],
    )  # fmt: skip
    assert outcome.exit_code == 0, outcome.output
    assert server.token not in outcome.output and server.token not in rejects.read_text()
    assert "tasks                        2         2         0" in outcome.output
    rejected = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert {r["code"] for r in rejected} == {"cancelled-annotation", "prediction-not-gold"}

    opened = Corpus.open(empty_corpus)
    assert len(opened.article_ids()) == 2
    for article_id in opened.article_ids():
        article = opened.read_article(article_id)
        annotations = opened.read_annotations(article_id)
        assert len(annotations) == 2
        for annotation in annotations:
            for st in annotation.statements:
                for span in (*st.content_spans, *st.speaker_spans, *st.cue_spans):
                    assert article.text[span.start : span.end].strip() == article.text[span.start : span.end]
    direct = next(opened.read_article(i) for i in opened.article_ids() if i != invented.article_id)
    raw = opened.raw_bytes(direct.article_id)
    assert raw == DIRECT_TEXT.encode("utf-8")  # kept byte for byte, CRLF included
    assert "\r" not in direct.text
    annotations = opened.read_annotations(direct.article_id)
    spans = {
        direct.text[s.start : s.end]
        for a in annotations
        for st in a.statements
        for s in (*st.content_spans, *st.speaker_spans, *st.cue_spans)
    }
    assert spans == {"Köprü  mayısta açılacak,", "Olvey", "dedi", "projeye karşı çıktığını", "Sefa Irun", "belirtti"}
    assert "annotator-two" not in json.dumps([a.annotator for a in annotations])

    out = tmp_path / "dist"
    build(corpus=empty_corpus, out=out)
    rows = [row for split in datasets.load_dataset(str(out), "statements").values() for row in split]
    assert rows
    for row in rows:
        for field in ("content_spans", "speaker_spans", "cue_spans"):
            for span in row[field]:
                assert row["article_text"][span["start"] : span["end"]] == span["text"]
    assert validate(out).exit_code == 0 and validate(empty_corpus).exit_code == 0
    readme = (out / "README.md").read_text()
    assert "Over 2 article(s) with two or more annotations" in readme


def test_seed_gold_is_reproduced_by_its_script(server: LabelStudioServer, tmp_path: Path) -> None:
    """scripts/make-seed-gold's steps, on this server: the committed gold comes back unchanged."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    shard = corpus / "annotations" / f"{SEED_ARTICLE_ID[:2]}.jsonl"
    committed = [json.loads(line) for line in shard.read_text().splitlines()]
    shard.unlink()
    export = annotate_from_specs(
        server.client(), corpus=corpus, specs=sorted((REPO / "scripts" / "seed_gold").glob("*.json"))
    )
    path = tmp_path / "seed-gold.json"
    path.write_bytes(export)
    result = import_labelstudio(corpus=corpus, exports=[path], rejects=None)
    assert result.reconciliation.balanced() and not result.issues.has_errors
    fresh = [json.loads(line) for line in shard.read_text().splitlines()]
    assert [a["statements"] for a in fresh] == [a["statements"] for a in committed]
    assert [a["topics"] for a in fresh] == [a["topics"] for a in committed]
    # a fresh server gives the annotation a new unique id, so it can never be taken for the stored one
    assert fresh[0]["key"] != committed[0]["key"]
    assert export_full  # the same call the script uses
