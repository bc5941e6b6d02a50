"""Tasks out: import JSON for Label Studio, with pre-annotations from gold or a pre-annotator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from label_studio_sdk.label_interface import LabelInterface

from beyan.issues import BeyanError
from beyan.labelstudio.tasks import labelstudio_tasks
from beyan.records import AnnotatedStatement, Article
from beyan.schema import current_labelstudio_config
from tests.conftest import SEED_ARTICLE_ID, SEED_CORPUS
from tests.factories import span_of


def test_tasks_carry_text_id_and_hash() -> None:
    (item,) = json.loads(labelstudio_tasks(corpus=SEED_CORPUS))
    data = item["data"]
    assert data["article_id"] == SEED_ARTICLE_ID and data["language"] == "tr" and data["published"] == "2024-11"
    assert data["text"].startswith("Kuzey Kore") and len(data["text_sha256"]) == 64
    assert "predictions" not in item


def test_gold_predictions_are_valid_for_the_config_and_round_trip() -> None:
    (item,) = json.loads(labelstudio_tasks(corpus=SEED_CORPUS, predictions="gold"))
    (prediction,) = item["predictions"]
    assert prediction["model_version"].startswith("beyan-gold-")
    interface = LabelInterface(current_labelstudio_config())
    assert interface.validate_prediction({"result": prediction["result"]}, return_errors=True) in (True, [], None)
    contents = [r for r in prediction["result"] if r["type"] == "labels" and r["value"]["labels"] == ["content"]]
    assert len(contents) == 13
    assert any(r["type"] == "relation" and r["labels"] == ["nested-in"] for r in prediction["result"])


def preannotate_first_quote(article: Article) -> list[AnnotatedStatement]:
    """A pluggable pre-annotator: the first quoted stretch as a direct statement of unknown speaker."""
    start = article.text.index('"') + 1
    end = article.text.index('"', start)
    return [AnnotatedStatement((span_of(article.text, article.text[start:end]),), "direct", speaker_unknown=True)]


def test_pluggable_preannotator() -> None:
    (item,) = json.loads(labelstudio_tasks(corpus=SEED_CORPUS, predictions=f"{__name__}:preannotate_first_quote"))
    results = item["predictions"][0]["result"]
    assert [r["value"]["text"] for r in results if r["type"] == "labels"] == [
        "Zafer gününe kadar Rus yoldaşlarımızın yanındayız"
    ]
    assert any(r["from_name"] == "speaker_marker" for r in results)


def test_bad_preannotator_name_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BeyanError) as raised:
        labelstudio_tasks(corpus=SEED_CORPUS, predictions="no_such_module:function")
    assert raised.value.issues.codes() == ["bad-preannotator"]


def test_the_extractor_pre_annotates_tasks_that_import_back_as_its_statements(seed_corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The rule extractor as pre-annotator: its predictions are valid results, importable as statements."""
    import json as _json

    from beyan.corpus import Corpus
    from beyan.labelstudio.importer import import_labelstudio
    from beyan.labelstudio.tasks import labelstudio_tasks
    from tests.conftest import SEED_ARTICLE_ID
    from tests.factories import annotation, task, write_export

    (made,) = _json.loads(labelstudio_tasks(corpus=seed_corpus, predictions="extract"))
    (prediction,) = made["predictions"]
    assert prediction["model_version"] == "beyan-extract-rules" and prediction["result"]
    # What an annotator who accepts every prediction submits imports cleanly, as the extractor's statements.
    export = write_export(
        tmp_path / "accepted.json",
        [task(made["data"]["text"], [annotation(prediction["result"], updated_at="2026-12-01T00:00:00Z")],
              article_id=SEED_ARTICLE_ID, server="accepting-annotator")],
    )  # fmt: skip
    result = import_labelstudio(corpus=seed_corpus, exports=[export], rejects=None)
    assert not result.issues.has_errors, result.issues.render()
    stored = Corpus.open(seed_corpus).read_annotations(SEED_ARTICLE_ID)
    accepted = next(a for a in stored if not a.ground_truth)
    assert len(accepted.statements) == 13
