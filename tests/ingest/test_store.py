"""``beyan ingest`` end to end: raw inputs -> corpus -> Label Studio tasks -> annotation -> build -> load_dataset."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
from click.testing import CliRunner

from beyan.build import build
from beyan.cli import main
from beyan.corpus import Corpus
from beyan.corpus.journal import undo
from beyan.labelstudio.importer import import_labelstudio
from beyan.labelstudio.tasks import labelstudio_tasks
from tests.factories import annotation, results_for, statement, task, write_export
from tests.ingest.fixtures import SECOND, Page, gzip_bytes, index_page, jsonl, write_warc

SOURCES = """\
sources:
  - name: Ovakent Haber
    domains: [ovakenthaber.example]
    license: CC-BY-4.0
    redistribution: text
    holder: Ovakent Medya
"""


def corpus_state(corpus: Path) -> dict[str, bytes]:
    return {
        p.relative_to(corpus).as_posix(): p.read_bytes()
        for p in sorted(corpus.rglob("*"))
        if p.is_file() and p.relative_to(corpus).parts[0] not in ("journal", ".cache")
    }


def inputs(folder: Path) -> Path:
    """A page, a web archive with two responses and an image, and a gzipped feed with a duplicate and a bad line."""
    folder.mkdir()
    (folder / "metro.html").write_bytes(Page().bytes())
    write_warc(
        folder / "crawl.warc.gz",
        [
            ("https://www.ovakenthaber.example/gundem/kopru-9", "text/html", Page(title="Kuzeyova'da köprü tartışması",
             url="https://www.ovakenthaber.example/gundem/kopru-9", paragraphs=(SECOND,)).bytes()),
            ("https://www.ovakenthaber.example/", "text/html", index_page()),
            ("https://www.ovakenthaber.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ],
    )  # fmt: skip
    records = [
        {"headline": "Yeşilköy'de su kesintisi", "body": 'YEŞİLKÖY - Vali Oya Tarlan "Su yarın gelecek" dedi.',
         "date": "2025-03", "link": "https://haber.example/su"},
        {"headline": "Yeşilköy'de su kesintisi", "body": 'YEŞİLKÖY - Vali Oya Tarlan "Su yarın gelecek" dedi.',
         "date": "2025-03", "link": "https://haber.example/su-kopya"},
        {"headline": "Boş haber", "body": ""},
    ]  # fmt: skip
    (folder / "feed.jsonl.gz").write_bytes(gzip_bytes(jsonl(records) + b"{not json\n"))
    return folder


def test_ingest_stores_articles_with_metadata_rights_and_rejects(empty_corpus: Path, tmp_path: Path) -> None:
    (empty_corpus / "sources.yaml").write_text(SOURCES, "utf-8")
    folder = inputs(tmp_path / "incoming")
    rejects = tmp_path / "rejects.jsonl"
    before = corpus_state(empty_corpus)
    runner = CliRunner()
    outcome = runner.invoke(
        main,
        ["ingest", str(folder), "--corpus", str(empty_corpus), "--map", "title=headline,text=body,url=link",
         "--rejects", str(rejects), "--language", "tr", "--report", "json"],
    )  # fmt: skip
    assert outcome.exit_code == 1, outcome.output  # a bad line and an empty text are rejected
    report = json.loads(outcome.output)
    assert report["read"] == report["added"] + report["duplicate"] + report["rejected"]
    assert (report["added"], report["duplicate"]) == (3, 1)
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert len(lines) == report["rejected"] == 3
    where = sorted(r["location"].split("/")[-1] for r in lines)
    assert [w.split(" > ")[0] for w in where] == [
        "crawl.warc.gz",
        "feed.jsonl.gz",
        "feed.jsonl.gz",
    ]  # page without article
    assert all(r["reason"] for r in lines)

    opened = Corpus.open(empty_corpus)
    articles = {opened.read_article(i).title: opened.read_article(i) for i in opened.article_ids()}
    metro = articles["Kuzeyova'da yeni metro hattı tartışması"]
    assert metro.source == "Ovakent Haber" and metro.rights.license == "CC-BY-4.0"
    assert metro.rights.redistribution == "text" and metro.published is not None
    assert (metro.published.value, metro.published.precision) == ("2024-11-05T09:30:00+03:00", "time")
    for block in metro.structure:
        piece = metro.text[block.start : block.end]
        assert piece and piece == piece.strip()
    record = opened.record(metro.article_id)
    assert record["derived"]["extractor"]["name"] == "trafilatura"
    assert opened.raw_bytes(metro.article_id) == (folder / "metro.html").read_bytes()  # kept byte for byte
    water = articles["Yeşilköy'de su kesintisi"]
    assert water.rights.redistribution == "standoff" and water.url == "https://haber.example/su"
    assert (water.published.value, water.published.precision) == ("2025-03", "month")  # type: ignore[union-attr]

    # Journaled: undone, the corpus is what it was.
    undo(opened)
    assert corpus_state(empty_corpus) == before


def test_ingested_articles_go_to_label_studio_and_come_out_of_load_dataset(empty_corpus: Path, tmp_path: Path) -> None:
    (empty_corpus / "sources.yaml").write_text(SOURCES, "utf-8")
    page = tmp_path / "metro.html"
    page.write_bytes(Page().bytes())
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(page), "--corpus", str(empty_corpus)]).exit_code == 0

    (data,) = [t["data"] for t in json.loads(labelstudio_tasks(corpus=empty_corpus))]
    assert data["title"] == "Kuzeyova'da yeni metro hattı tartışması"
    assert data["url"] == "https://www.ovakenthaber.example/gundem/metro-hatti-123"
    assert (data["published"], data["published_precision"]) == ("2024-11-05T09:30:00+03:00", "time")
    assert data["language"] == "tr" and data["source"] == "Ovakent Haber"
    assert "Ovakent Haber" in data["meta"] and "(time)" in data["meta"]

    text = data["text"]
    quote = statement(
        text, "Yeni hat, günde yüz bin yolcuya hizmet verecek. Bütçemiz hazır, ihale tamamlandı", speaker="Tepeli",
        cue="dedi", name="Nurhan Tepeli",
    )  # fmt: skip
    fields = {key: value for key, value in data.items() if key != "text"}
    export = write_export(tmp_path / "export.json", [task(text, [annotation(results_for(text, [quote]))], **fields)])
    result = import_labelstudio(corpus=empty_corpus, exports=[export], rejects=None)
    assert not result.issues.has_errors, result.issues.render()

    dist = build(corpus=empty_corpus, out=tmp_path / "dist-ingested").out
    loaded = datasets.load_dataset(str(dist), "articles")
    (row,) = [row for split in loaded.values() for row in split]
    assert row["url"] == data["url"] and row["source"] == "Ovakent Haber"
    assert row["published"]["value"] == data["published"]
    assert row["rights"]["license"] == "CC-BY-4.0" and row["text"] == text
    kinds = loaded[next(iter(loaded))].features["structure"].feature["kind"]
    paragraphs = [b for b in row["structure"] if kinds.int2str(b["kind"]) == "paragraph"]
    assert paragraphs and all(row["text"][b["start"] : b["end"]].strip() for b in paragraphs)
    assert any("Bütçemiz hazır" in row["text"][b["start"] : b["end"]] for b in paragraphs)
    (statement_row,) = row["statements"]
    assert statement_row["speaker"]["name"] == "Nurhan Tepeli"
