"""One declaration, four published forms: a test fails as soon as any of them drifts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pyarrow as pa
from label_studio_sdk.label_interface import LabelInterface

from beyan.schema import INTERFACE, SCHEMA_VERSION, arrow_schema, features, json_schema, labelstudio_config
from beyan.schema.publish import check_schema_files, schema_files
from beyan.schema.types import Categorical, ListOf, Struct
from beyan.schema.v1 import CONFIGS, QUOTE_TYPE, SPAN_ROLE, STATEMENT_ROW, VOCABULARIES

REPO = Path(__file__).resolve().parents[2]


def test_committed_schema_files_match_the_declaration() -> None:
    issues = check_schema_files(directory=REPO / "schemas")
    assert not issues.has_errors, issues.render() + "\nrun `beyan schema --write` and commit schemas/"


def test_arrow_schema_equals_the_features_arrow_schema() -> None:
    for struct in CONFIGS.values():
        derived = arrow_schema(struct)
        from_features = features(struct).arrow_schema.remove_metadata()
        assert derived.equals(from_features), struct.name


def test_json_schema_enums_equal_classlabel_names() -> None:
    for struct in CONFIGS.values():
        document = json_schema(struct, schema_id="x", version=SCHEMA_VERSION)
        feats = features(struct)
        for vocabulary in VOCABULARIES:
            key = f"vocabulary.{vocabulary.name}"
            if key in document["$defs"]:
                assert document["$defs"][key]["enum"] == vocabulary.names
                assert [b["const"] for b in document["$defs"][key]["oneOf"]] == vocabulary.names
        assert feats["quote_type"].names == QUOTE_TYPE.names if "quote_type" in feats else True


def _categoricals(struct: Struct) -> list[str]:
    found = []
    for field in struct.fields:
        kind = field.type
        while isinstance(kind, ListOf):
            kind = kind.item
        if isinstance(kind, Categorical):
            found.append(field.name)
        elif isinstance(kind, Struct):
            found += _categoricals(kind)
    return found


def test_every_field_and_label_has_a_one_line_definition() -> None:
    for struct in CONFIGS.values():
        for field in struct.fields:
            assert field.description and "\n" not in field.description, field.name
    for vocabulary in VOCABULARIES:
        assert vocabulary.description
        for label in vocabulary.labels:
            assert label.definition and "\n" not in label.definition, (vocabulary.name, label.name)
    assert "quote_type" in _categoricals(STATEMENT_ROW)


def test_json_schema_accepts_a_built_row_and_rejects_an_unknown_label() -> None:
    from beyan.configs.statements import rows as statement_rows
    from beyan.records import Article, GoldArticle, Provenance, Rights, Span, Statement

    text = 'Vali Erdo Tamsin: "Köprü mayısta açılacak" dedi.'
    article = Article("0" * 16, "tr", text, "a" * 64, Rights.unknown(), title="t")
    statement = Statement(
        "0" * 16 + "-12345678", "0" * 16, "direct", (Span(19, 41),), (Span(5, 16),), (Span(43, 47),), (), False,
        None, "demek", None, ("other",), None, None, Provenance(("k",), ("a",), "single", 1, 1),
    )  # fmt: skip
    (row,) = statement_rows(GoldArticle(article, ("other",), [statement]), True)
    schema = json_schema(STATEMENT_ROW, schema_id="x", version=SCHEMA_VERSION)
    jsonschema.Draft202012Validator(schema).validate(row)
    row["quote_type"] = "verbatim"
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(row))
    assert errors and "verbatim" in errors[0].message


def test_labelstudio_config_is_accepted_by_the_sdk_parser() -> None:
    config = labelstudio_config(INTERFACE, schema_version=SCHEMA_VERSION)
    interface = LabelInterface(config)
    interface.validate()
    controls = {control.name: control for control in interface.controls}
    assert set(controls) >= {"role", "quote_type", "stance", "topic", "speaker_name", "cue_lemma"}
    assert sorted(controls["role"].labels) == sorted(SPAN_ROLE.names)
    assert sorted(controls["quote_type"].labels) == sorted(QUOTE_TYPE.names)


def test_renaming_a_label_changes_config_schema_and_importer() -> None:
    renamed_roles = SPAN_ROLE.renamed("content", "quote")
    interface = replace(INTERFACE, roles=renamed_roles)
    config = labelstudio_config(interface, schema_version=SCHEMA_VERSION)
    assert 'value="quote"' in config and 'value="content"' not in config
    assert 'whenLabelValue="quote"' in config
    LabelInterface(config).validate()

    renamed_quote_type = QUOTE_TYPE.renamed("direct", "verbatim")
    struct = replace(
        STATEMENT_ROW,
        fields=tuple(
            replace(f, type=Categorical(renamed_quote_type)) if f.name == "quote_type" else f
            for f in STATEMENT_ROW.fields
        ),
    )
    assert features(struct)["quote_type"].names[0] == "verbatim"
    assert json_schema(struct, schema_id="x", version="1")["$defs"]["vocabulary.quote_type"]["enum"][0] == "verbatim"

    # The importer reads the interface it is given: the renamed label is accepted, the old one is not.
    from beyan.issues import Issues
    from beyan.labelstudio.assemble import convert_results
    from beyan.labelstudio.ledger import Items
    from beyan.labelstudio.parse import TaskText
    from beyan.schema import current

    text = "Ali Vey dedi ki: Yarın gel."
    results = [
        {"id": "c", "from_name": "role", "to_name": "text", "type": "labels", "value": {"start": 17, "end": 27, "text": "Yarın gel.", "labels": ["quote"]}},
        {"id": "s", "from_name": "role", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 7, "text": "Ali Vey", "labels": ["speaker"]}},
        {"id": "c", "from_name": "quote_type", "to_name": "text", "type": "choices", "value": {"choices": ["direct"]}},
        {"from_id": "s", "to_id": "c", "type": "relation", "direction": "right", "labels": ["said"]},
    ]  # fmt: skip
    schema = replace(current(), interface=interface)
    statements, _ = convert_results(results, schema=schema, task_text=TaskText.of(text), items=Items(("t",), Issues()))
    assert len(statements) == 1
    issues = Issues()
    results[0]["value"]["labels"] = ["content"]
    items = Items(("t",), issues)
    statements, _ = convert_results(results, schema=schema, task_text=TaskText.of(text), items=items)
    assert not statements and items.failed and "unknown-label" in issues.codes()


def test_schema_files_are_json_and_mention_the_version() -> None:
    files = schema_files()
    for name in ("article.schema.json", "statement.schema.json", "features.json"):
        json.loads(files[name])
    assert f"beyan schema {SCHEMA_VERSION}" in files["labelstudio.xml"]
    assert pa.schema(arrow_schema(STATEMENT_ROW)).names == STATEMENT_ROW.field_names
