"""croissant.json: generated from the declaration, valid for mlcroissant, readable, deterministic."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from beyan.build import build
from beyan.configs import config_names
from beyan.schema.types import Categorical, ListOf, Struct
from beyan.schema.v1 import ARTICLE_ROW, CONFIGS, QUOTE_TYPE, STATEMENT_ROW
from beyan.writers.croissant import (
    CONFORMS_TO,
    CONTEXT,
    croissant_metadata,
    dumps_croissant,
    verify_croissant,
    write_croissant,
)
from tests.conftest import SEED_CORPUS

DATE = "2025-01-15"

# Noise from mlcroissant's dependencies (rdflib, pandas), not from beyan.
pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index"),
]


def describe(folder: Path, *, date_published: str | None = DATE) -> dict[str, Any]:
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    return croissant_metadata(
        folder=folder,
        manifest=manifest,
        pretty_name="Beyan: attributed statements",
        description="Attributed statements in Turkish political news.",
        license_note="Per-article rights; see DATASHEET.md.",
        annotation_protocol="Annotators mark speaker, cue, content and addressee spans following guideline v1.",
        annotators=1,
        annotations_per_item="1 (one annotation per article in this version)",
        url="https://huggingface.co/datasets/example/beyan",
        date_published=date_published,
    )


def load(folder: Path) -> mlc.Dataset:
    return mlc.Dataset(jsonld=str(folder / "croissant.json"))


def text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("utf-8")


def parquet_rows(folder: Path, config: str) -> list[dict[str, Any]]:
    return [
        row for path in sorted((folder / "data" / config).glob("*.parquet")) for row in pq.read_table(path).to_pylist()
    ]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("croissant") / "dist"
    build(corpus=SEED_CORPUS, out=out)
    write_croissant(out, describe(out))
    return out


@pytest.fixture(scope="module")
def dataset(dist: Path) -> mlc.Dataset:
    return load(dist)


@pytest.fixture(scope="module")
def statement_records(dataset: mlc.Dataset) -> list[dict[str, Any]]:
    return list(dataset.records(record_set="statements"))


@pytest.fixture(scope="module")
def article_records(dataset: mlc.Dataset) -> list[dict[str, Any]]:
    return list(dataset.records(record_set="articles"))


def test_context_is_the_one_mlcroissant_writes_for_1_1() -> None:
    from mlcroissant._src.core.context import Context, CroissantVersion
    from mlcroissant._src.core.rdf import make_context

    assert make_context(Context(conforms_to=CroissantVersion.V_1_1)) == CONTEXT
    assert CONFORMS_TO == "http://mlcommons.org/croissant/1.1"


def test_mlcroissant_validates_without_errors_or_warnings(dataset: mlc.Dataset) -> None:
    issues = dataset.metadata.ctx.issues
    assert not issues.errors and not issues.warnings, issues.report()
    assert dataset.metadata.ctx.is_v1_1()
    assert dataset.metadata.version == json.loads((SEED_CORPUS / "corpus.json").read_text())["version"]
    # The RAI properties are parsed (a misspelt one would be kept silently, but not parsed).
    assert dataset.metadata.data_annotation_protocol[0].startswith("Annotators mark")
    assert dataset.metadata.annotations_per_item.startswith("1")
    assert dataset.metadata.annotator_demographics[0].startswith("1 annotator.")
    assert "public figures" in dataset.metadata.personal_sensitive_information[0]
    assert dataset.metadata.data_collection


def test_date_published_only_when_given(dist: Path, tmp_path: Path) -> None:
    metadata = describe(dist, date_published=None)
    assert "datePublished" not in metadata
    assert describe(dist)["datePublished"] == DATE
    (tmp_path / "croissant.json").write_text(dumps_croissant(metadata), "utf-8")
    issues = mlc.Dataset(jsonld=str(tmp_path / "croissant.json")).metadata.ctx.issues
    assert not issues.errors
    assert all("datePublished" in warning for warning in issues.warnings), issues.report()


def test_statement_records_match_the_parquet_rows(dist: Path, statement_records: list[dict[str, Any]]) -> None:
    rows = {row["statement_id"]: row for row in parquet_rows(dist, "statements")}
    assert len(statement_records) == len(rows) >= 11
    spans = 0
    speakers = set()
    for record in statement_records:
        row = rows[text(record["statements/statement_id"])]
        assert text(record["statements/split"]) == "train"
        assert record["statements/quote_type"] == row["quote_type"]
        assert QUOTE_TYPE.names[record["statements/quote_type"]] in ("direct", "indirect", "mixed")
        assert record["statements/topics"] == row["topics"]
        assert record["statements/provenance"]["statements/provenance/support"] == row["provenance"]["support"]
        article_text = text(record["statements/article_text"])
        assert article_text is not None
        for name in ("content_spans", "speaker_spans", "cue_spans", "addressee_spans"):
            got = record[f"statements/{name}"]
            assert len(got) == len(row[name])
            for span in got:
                start, end = span[f"statements/{name}/start"], span[f"statements/{name}/end"]
                assert text(span[f"statements/{name}/text"]) == article_text[start:end]
                spans += 1
        assert record["statements/content_spans"], "every statement has content"
        speakers.add(text(record["statements/speaker"]["statements/speaker/name"]))
    assert spans >= 3 * 11
    assert {"Sergey Lavrov", "Choe Son-hui", "Kim Jong-un"} <= speakers


def test_article_records_match_the_parquet_rows(dist: Path, article_records: list[dict[str, Any]]) -> None:
    rows = parquet_rows(dist, "articles")
    assert len(article_records) == len(rows) == 1
    (record,) = article_records
    (row,) = rows
    assert text(record["articles/article_id"]) == row["article_id"]
    article_text = text(record["articles/text"])
    assert article_text is not None and len(article_text) == record["articles/text_length"]
    assert hashlib.sha256(article_text.encode("utf-8")).hexdigest() == text(record["articles/text_sha256"])
    assert record["articles/published"]["articles/published/value"] == b"2024-11"
    assert record["articles/rights"]["articles/rights/redistribution"] == row["rights"]["redistribution"]
    blocks = record["articles/structure"]
    assert [b["articles/structure/kind"] for b in blocks] == [b["kind"] for b in row["structure"]]
    title = blocks[0]
    assert article_text[title["articles/structure/start"] : title["articles/structure/end"]] == row["title"]
    # Nested statements: their scalar members, one entry per statement...
    statements = record["articles/statements"]
    assert [text(s["articles/statements/statement_id"]) for s in statements] == [
        s["statement_id"] for s in row["statements"]
    ]
    # ...while mlcroissant returns a record member of a list as a dict of lists keyed by the member.
    names = record["articles/statements/speaker"]["articles/statements/speaker/name"]
    assert [text(n) for n in names] == [s["speaker"]["name"] for s in row["statements"]]
    assert "Sergey Lavrov" in {text(n) for n in names}


def test_record_sets_follow_the_declaration(dist: Path) -> None:
    metadata = describe(dist)
    record_sets = {rs["@id"]: rs for rs in metadata["recordSet"]}
    assert list(record_sets) == config_names()
    for config, struct in ((name, CONFIGS[name]) for name in config_names()):
        fields = {f["name"]: f for f in record_sets[config]["field"]}
        assert list(fields) == [*struct.field_names, "split"]
        for declared in struct.fields:
            assert fields[declared.name]["description"].startswith(declared.description)
    statements = {f["name"]: f for f in record_sets["statements"]["field"]}
    assert record_sets["statements"]["key"] == {"@id": "statements/statement_id"}
    assert statements["quote_type"]["dataType"] == "sc:Integer"
    assert "0 = direct, 1 = indirect, 2 = mixed" in statements["quote_type"]["description"]
    assert statements["speaker_unknown"]["dataType"] == "sc:Boolean"
    spans = statements["content_spans"]
    assert spans["isArray"] is True
    assert [s["name"] for s in spans["subField"]] == ["start", "end", "text"]
    assert spans["subField"][0]["source"]["transform"] == {"jsonPath": "start"}
    topics = statements["topics"]
    assert topics["isArray"] is True and topics["dataType"] == "sc:Integer"
    speaker_type = STATEMENT_ROW.field("speaker").type
    assert isinstance(speaker_type, Struct)
    assert [s["name"] for s in statements["speaker"]["subField"]] == speaker_type.field_names
    nested = {f["name"]: f for f in record_sets["articles"]["field"]}["statements"]
    inner = [s["name"] for s in nested["subField"]]
    statement_type = ARTICLE_ROW.field("statements").type
    assert isinstance(statement_type, ListOf) and isinstance(statement_type.item, Struct)
    left_out = [
        f.name for f in statement_type.item.fields if isinstance(f.type, ListOf) and isinstance(f.type.item, Struct)
    ]
    assert left_out == ["content_spans", "speaker_spans", "cue_spans", "addressee_spans"]
    assert inner == [f.name for f in statement_type.item.fields if f.name not in left_out]
    assert all(f"`{name}`" in nested["description"] for name in left_out)
    assert "record set `statements`" in nested["description"]
    provenance = {s["name"]: s for s in nested["subField"]}["provenance"]
    adjudication = {s["name"]: s for s in provenance["subField"]}["adjudication"]
    assert adjudication["source"]["transform"] == {"jsonPath": "provenance.adjudication"}
    provenance_type = statement_type.item.field("provenance").type
    assert isinstance(provenance_type, Struct)
    vocabulary = provenance_type.field("adjudication").type
    assert isinstance(vocabulary, Categorical)
    assert ", ".join(f"{i} = {n}" for i, n in enumerate(vocabulary.vocabulary.names)) in adjudication["description"]


def test_dataset_level_properties(dist: Path) -> None:
    metadata = describe(dist)
    manifest = json.loads((dist / "manifest.json").read_text("utf-8"))
    assert metadata["@context"] == CONTEXT
    assert metadata["conformsTo"] == CONFORMS_TO
    assert metadata["name"] == manifest["dataset"]
    assert metadata["version"] == manifest["dataset_version"]
    assert metadata["license"] == "Per-article rights; see DATASHEET.md."
    assert metadata["citeAs"].startswith("@misc{")
    assert metadata["inLanguage"] == ["tr"]
    for key in (
        "rai:dataCollection",
        "rai:dataAnnotationProtocol",
        "rai:annotationsPerItem",
        "rai:annotatorDemographics",
        "rai:personalSensitiveInformation",
        "rai:dataUseCases",
        "rai:dataLimitations",
    ):
        assert metadata[key], key
    assert "rai:annotationProtocol" not in metadata  # the misspelling mlcroissant accepts silently
    assert any("majority" in line for line in metadata["rai:dataAnnotationProtocol"])
    assert any("do not publish" in line for line in metadata["rai:dataLimitations"])


def test_file_objects_carry_the_real_sha256(dist: Path) -> None:
    metadata = json.loads((dist / "croissant.json").read_text("utf-8"))
    objects = [d for d in metadata["distribution"] if d["@type"] == "cr:FileObject"]
    on_disk = sorted(p.relative_to(dist).as_posix() for p in dist.glob("data/*/*.parquet"))
    assert sorted(d["contentUrl"] for d in objects) == on_disk
    for entry in objects:
        data = (dist / entry["contentUrl"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["contentSize"] == f"{len(data)} B"
    file_sets = {d["@id"]: d["includes"] for d in metadata["distribution"] if d["@type"] == "cr:FileSet"}
    assert sorted(file_sets.values()) == sorted(f"data/{config}/*.parquet" for config in config_names())
    assert verify_croissant(dist) == []


def test_same_inputs_give_the_same_bytes(dist: Path) -> None:
    first = dumps_croissant(describe(dist))
    assert dumps_croissant(describe(dist)) == first
    assert (dist / "croissant.json").read_text("utf-8") == first
    assert first.endswith("}\n")
    # Hashes are computed when the manifest lacks them, with the same result.
    manifest = json.loads((dist / "manifest.json").read_text("utf-8"))
    bare = copy.deepcopy(manifest)
    bare["outputs"] = {}
    computed = croissant_metadata(
        folder=dist,
        manifest=bare,
        pretty_name="Beyan: attributed statements",
        description="Attributed statements in Turkish political news.",
        license_note="Per-article rights; see DATASHEET.md.",
        annotation_protocol="Annotators mark speaker, cue, content and addressee spans following guideline v1.",
        annotators=1,
        annotations_per_item="1 (one annotation per article in this version)",
        url="https://huggingface.co/datasets/example/beyan",
        date_published=DATE,
    )
    assert dumps_croissant(computed) == first


def test_a_file_changed_after_writing_is_reported(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(corpus=SEED_CORPUS, out=out)
    write_croissant(out, describe(out))
    assert verify_croissant(out) == []
    (path,) = (out / "data" / "statements").glob("*.parquet")
    table = pq.read_table(path)
    pq.write_table(table.slice(1), path)  # still valid Parquet, one row fewer
    problems = verify_croissant(out)
    assert problems and all(p.startswith(path.relative_to(out).as_posix()) for p in problems)
    assert any("sha256" in p for p in problems)
    path.unlink()
    assert verify_croissant(out) == [f"{path.relative_to(out).as_posix()}: missing"]


def test_standoff_build_reads_with_null_texts(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(corpus=SEED_CORPUS, out=out, text="rights")
    write_croissant(out, describe(out))
    dataset = load(out)
    assert not dataset.metadata.ctx.issues.errors and not dataset.metadata.ctx.issues.warnings
    records = list(dataset.records(record_set="statements"))
    assert len(records) == len(parquet_rows(out, "statements"))
    for record in records:
        assert record["statements/article_text"] is None
        assert record["statements/content_spans"]
        assert all(span["statements/content_spans/text"] is None for span in record["statements/content_spans"])
    limitations = json.loads((out / "croissant.json").read_text("utf-8"))["rai:dataLimitations"]
    assert any("standoff" in line for line in limitations)
