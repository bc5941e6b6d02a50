"""Tokens never leak; text is escaped where rendered; no path leaves its folder; no code runs from data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from beyan.build import build
from beyan.cli import main
from beyan.labelstudio.importer import import_labelstudio
from beyan.secrets import redact
from beyan.validation import validate
from tests.conftest import REPO, SEED_CORPUS
from tests.factories import annotation, results_for, statement, task, write_export

SECRETS = {
    "HF_TOKEN": "hf_SECRETtoken4242424242",
    "LABEL_STUDIO_API_KEY": "lsSECRETkey1717171717",
    "BEYAN_PSEUDONYM_KEY": "pseudoSECRETkey99999999",
}


def all_text(root: Path) -> str:
    return "".join(p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file())


def test_tokens_never_reach_output_files_or_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    runner = CliRunner()
    outputs = []
    text = 'Vali Rina Osk: "Bütçe hazır" dedi.'
    st = statement(text, "Bütçe hazır", speaker="Rina Osk", cue="dedi", name="Rina Osk")
    export = write_export(
        tmp_path / "export.json",
        [task(text, [annotation(results_for(text, [st]), user={"id": 3, "email": "rina@example.org"})])],
    )  # type: ignore[arg-type]
    for args in (
        [
            "import-labelstudio",
            str(export),
            "--corpus",
            str(corpus),
            "--add-articles",
            "--language",
            "tr",
            "--keep-export",
            "--rejects",
            str(tmp_path / "r.jsonl"),
        ],
        [
            "import-labelstudio",
            "--url",
            "http://127.0.0.1:9",
            "--project",
            "1",
            "--corpus",
            str(corpus),
        ],  # nothing listens there
        [
            "build",
            "--corpus",
            str(corpus),
            "--out",
            str(tmp_path / "dist"),
            "--datasheet",
            str(tmp_path / "DATASHEET.md"),
        ],
        ["validate", str(tmp_path / "dist"), str(corpus), "--format", "json"],
        ["publish", "v9.9.9", "--hub", "org/name", "--releases", str(tmp_path / "none")],
    ):
        result = runner.invoke(main, args)
        outputs.append(
            result.output
            + (str(result.exception) if result.exception and not isinstance(result.exception, SystemExit) else "")
        )
    assert "export-download-failed" in outputs[1]
    everything = "\n".join(outputs) + all_text(tmp_path)
    for name, value in SECRETS.items():
        assert value not in everything, f"{name} leaked"
    assert "rina@example.org" not in all_text(corpus)


def test_redact_replaces_secret_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", SECRETS["HF_TOKEN"])
    assert redact(f"Authorization: Bearer {SECRETS['HF_TOKEN']}") == "Authorization: Bearer <HF_TOKEN>"


def test_article_text_is_escaped_in_card_and_datasheet(empty_corpus: Path, tmp_path: Path) -> None:
    text = 'Bakan <script>alert("x")</script> | dedi ki: "Vergi düşecek".'
    source = tmp_path / "hostile.txt"
    source.write_text(text)
    from beyan.add_article import add_article

    add_article(corpus=empty_corpus, file=source, language="tr", fmt="plain")
    st = statement(
        text,
        "Vergi düşecek",
        speaker='<script>alert("x")</script>',
        cue="dedi ki",
        name='<img src=x onerror="steal()">',
    )
    export = write_export(tmp_path / "e.json", [task(text, [annotation(results_for(text, [st]))])])
    import_labelstudio(corpus=empty_corpus, exports=[export], rejects=None)
    out = tmp_path / "dist"
    build(corpus=empty_corpus, out=out, datasheet=REPO / "DATASHEET.md")
    for name in ("README.md", "DATASHEET.md"):
        rendered = (out / name).read_text()
        assert "<img" not in rendered and "<script" not in rendered, name
        assert "&lt;img src=x onerror=&quot;steal()&quot;&gt;" in rendered, name


def test_card_paths_outside_the_dataset_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(corpus=SEED_CORPUS, out=out)
    (tmp_path / "outside.parquet").write_bytes(
        (out / "data" / "statements" / "train-00000-of-00001.parquet").read_bytes()
    )
    card = out / "README.md"
    card.write_text(
        card.read_text().replace("path: data/statements/train-00000-of-00001.parquet", "path: ../outside.parquet")
    )
    result = validate(out)
    assert "unsafe-path" in result.issues.codes()


def test_task_ids_cannot_place_files_outside_the_corpus(empty_corpus: Path, tmp_path: Path) -> None:
    text = 'Vali Rina Osk: "Bütçe hazır" dedi.'
    st = statement(text, "Bütçe hazır", speaker="Rina Osk", cue="dedi")
    export = write_export(
        tmp_path / "e.json", [task(text, [annotation(results_for(text, [st]))], article_id="../../../escaped")]
    )
    result = import_labelstudio(corpus=empty_corpus, exports=[export], rejects=None, add_articles=True, language="tr")
    assert not result.issues.has_errors
    assert not list(tmp_path.rglob("*escaped*.txt")) or all(
        empty_corpus in p.parents for p in tmp_path.rglob("*escaped*.txt")
    )
    assert validate(empty_corpus).exit_code == 0


def test_a_built_dataset_holds_no_code() -> None:
    for path in (REPO / "src" / "beyan").rglob("*.py"):
        source = path.read_text()
        assert "pickle" not in source and "eval(" not in source and "exec(" not in source, path
    manifest = json.loads((REPO / "schemas" / "features.json").read_text())
    assert set(manifest) == {"statements", "articles", "tokens", "labels", "silver"}


def test_built_folder_has_only_data_and_documents(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(corpus=SEED_CORPUS, out=out)
    suffixes = {p.suffix for p in out.rglob("*") if p.is_file()}
    assert suffixes <= {".parquet", ".md", ".json"}
