"""A statement field declared once flows through import, build, ``load_dataset`` and ``validate``.

The test adds a field and the Label Studio control that fills it to a copy of the schema
declaration (nothing else is changed), then runs the whole pipeline on that variant. In
beyan's own code, adding a field is the same one declaration in ``schema/v1.py`` (plus a
typed attribute on the record in ``records.py``, optional: without it the value travels in
the record's ``extra``).
"""

from __future__ import annotations

import json
from pathlib import Path

import datasets

from beyan.build import build
from beyan.corpus import Corpus
from beyan.labelstudio.importer import import_labelstudio
from beyan.labelstudio.to_results import statements_to_results
from beyan.records import AnnotatedStatement
from beyan.schema import current, labelstudio_config, using
from beyan.schema.types import Categorical, Field, Label, RegionChoices, Vocabulary
from beyan.validation import validate
from tests.factories import annotation, span_of, task, write_article, write_export

CERTAINTY = Vocabulary(
    "certainty",
    "How sure the speaker sounds.",
    (
        Label("certain", "certain", "Stated as fact."),
        Label("hedged", "hedged", "Hedged: may, perhaps, it seems."),
    ),
)
FIELD = Field("certainty", Categorical(CERTAINTY), "How sure the speaker sounds.", nullable=True)
CONTROL = RegionChoices("certainty", CERTAINTY, "content", "Is the statement certain or hedged?")


def test_a_field_declared_once_comes_out_of_import_build_load_and_validate(empty_corpus: Path, tmp_path: Path) -> None:
    variant = current().with_statement_field(FIELD, control=CONTROL)
    assert 'name="certainty"' in labelstudio_config(variant.interface, schema_version=variant.version)
    article = write_article(
        empty_corpus,
        "hedge.txt",
        title="Bütçe tartışması",
        body='ESKAR - Vali Rina Osk, "Bütçe belki gecikebilir" dedi. Meclis Başkanı Dov Tarr "Bütçe hazır" dedi.',
    )
    text = article.text
    hedged = AnnotatedStatement(
        content_spans=(span_of(text, "Bütçe belki gecikebilir"),),
        quote_type="direct",
        speaker_spans=(span_of(text, "Rina Osk"),),
        extra=(("certainty", "hedged"),),
    )
    certain = AnnotatedStatement(
        content_spans=(span_of(text, "Bütçe hazır"),),
        quote_type="direct",
        speaker_spans=(span_of(text, "Dov Tarr"),),
        extra=(("certainty", "certain"),),
    )
    with using(variant):
        results = statements_to_results([hedged, certain], text)
        assert sum(r.get("from_name") == "certainty" for r in results) == 2
        export = write_export(
            tmp_path / "export.json", [task(text, [annotation(results)], article_id=article.article_id)]
        )
        imported = import_labelstudio(corpus=empty_corpus, exports=[export], rejects=None)
        assert not imported.issues.has_errors, imported.issues.render()
        assert imported.reconciliation.to_dict()["region attributes"]["rejected"] == 0
        (stored,) = Corpus.open(empty_corpus).read_annotations(article.article_id)
        assert sorted(dict(s.extra)["certainty"] for s in stored.statements) == ["certain", "hedged"]

        dist = build(corpus=empty_corpus, out=tmp_path / "dist-certainty").out
        loaded = datasets.load_dataset(str(dist), "statements")
        rows = [row for split in loaded.values() for row in split]
        feature = next(iter(loaded.values())).features["certainty"]
        by_text = {row["content_spans"][0]["text"]: feature.int2str(row["certainty"]) for row in rows}
        assert by_text == {"Bütçe belki gecikebilir": "hedged", "Bütçe hazır": "certain"}
        articles = datasets.load_dataset(str(dist), "articles")
        nested = next(iter(articles.values()))[0]["statements"]
        assert sorted(s["certainty"] for s in nested) == [0, 1]
        result = validate(dist, empty_corpus)
        assert result.exit_code == 0, result.issues.render()
        schema_of_file = json.loads((dist / "croissant.json").read_text())
        assert any("certainty" in json.dumps(record) for record in schema_of_file["recordSet"])

    # Outside the variant, the same dataset does not match the declaration: validate says so.
    assert validate(dist).exit_code == 1
