"""An annotator's session in the real Label Studio UI, in Chromium, with the mouse.

Label Studio is started on 127.0.0.1 by the fixture, the project is made by
``beyan labelstudio-push``, and one article is annotated by hand: spans selected by
dragging the mouse, labels and fields picked, relations drawn, Submit. The annotation is
pulled with ``import-labelstudio --url`` and built; the statements come out of
``load_dataset`` with every field. On the way, the data-damage cases of issue 10 are
checked: stray keys tick nothing, a marker can be unticked.

``scripts/test`` installs Chromium (Debian's package) and Playwright; these tests are not
skipped in CI. With BEYAN_SCREENSHOTS=DIR the screenshots used in docs/guidelines.md are
written to DIR (``scripts/guideline-screenshots`` does this).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import datasets
import pytest
from click.testing import CliRunner

from beyan.build import build
from beyan.cli import main
from beyan.labelstudio.importer import import_labelstudio
from beyan.labelstudio.server import ADMIN_EMAIL, LabelStudioServer, find_executable
from beyan.schema import INTERFACE, SCHEMA_VERSION, labelstudio_config
from tests.browser.annotator import Annotator, browser, chromium_executable, full_export
from tests.factories import write_article

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser]

BODY = 'ESKAR - Vali Rina Osk, "Bakan Dov Tarr bütçenin gecikeceğini söyledi, ama köprü mayısta açılacak" dedi.'
OUTER = "Bakan Dov Tarr bütçenin gecikeceğini söyledi, ama köprü mayısta açılacak"
INNER = "bütçenin gecikeceğini"
NAME_FIELD = "Canonical name of the speaker (correct misspellings)."
LEMMA_FIELD = "Dictionary form of the cue (demek, belirtmek)."
TARGET_FIELD = "What the stance is about."
# Keys Label Studio would give the choices on its own: 5-0 and q the per-region ones, w... the topics.
STRAY_KEYS = ["w", "e", "d", "j", "5", "6", "8", "q"]


@pytest.fixture(scope="module")
def server() -> Iterator[LabelStudioServer]:
    if os.environ.get("BEYAN_SKIP_LABEL_STUDIO") == "1":
        pytest.skip("BEYAN_SKIP_LABEL_STUDIO=1")
    if find_executable() is None:
        pytest.fail("Label Studio is not installed: run scripts/test, which creates .venv-labelstudio")
    if chromium_executable() is None:
        pytest.fail("Chromium is not installed: run scripts/test, which installs Debian's chromium")
    with LabelStudioServer() as running:
        yield running


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    configured = os.environ.get("BEYAN_SCREENSHOTS")
    return Path(configured) if configured else tmp_path / "screenshots"


def log_in(page: Any, server: LabelStudioServer) -> None:
    Annotator.log_in(page, url=server.url, email=ADMIN_EMAIL, password=server.password)


def test_an_annotation_made_by_hand_comes_out_of_the_dataset(
    server: LabelStudioServer, empty_corpus: Path, tmp_path: Path, screenshots: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = write_article(empty_corpus, "eskar.txt", title="Eskar valisi köprüyü anlattı", body=BODY)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.token)
    pushed = CliRunner().invoke(
        main, ["labelstudio-push", "--corpus", str(empty_corpus), "--url", server.url, "--title", "by hand"]
    )
    assert pushed.exit_code == 0, pushed.output
    created = re.search(r"project (\d+) created", pushed.output)
    assert created is not None
    project = int(created[1])
    client: Any = server.client()
    (task,) = [t.id for t in client.tasks.list(project=project, include="id")]

    with browser() as context:
        page = context.new_page()
        log_in(page, server)
        hand = Annotator(page, article.text, screenshots=screenshots)
        hand.open_task(url=server.url, project=project, task=task)

        # Stray keys with nothing selected tick no topic and make no region.
        for key in STRAY_KEYS:
            page.keyboard.press(key)
        assert page.locator(".lsf-choice input").count() == 29
        assert page.locator(".lsf-choice input:checked").count() == 0
        assert hand.regions().count() == 0

        # The outer statement: content, its fields, a marker ticked by mistake and unticked.
        hand.mark("content", OUTER)
        hand.shot("01-select-span")
        hand.open_region("Bakan")
        hand.tick("direct")
        hand.tick("favor")
        hand.fill(TARGET_FIELD, "köprü")
        hand.tick("unknown-speaker")
        hand.untick("unknown-speaker")
        hand.shot("02-content-fields")
        hand.deselect()

        hand.mark("speaker", "Rina Osk")
        hand.open_region("Rina Osk")
        for key in STRAY_KEYS:  # a speaker is selected: no key may attach a quote type or stance to it
            page.keyboard.press(key)
        hand.fill(NAME_FIELD, "Rina Osk")  # no Enter: leaving the region keeps the value
        hand.shot("03-speaker-fields")
        hand.deselect()
        hand.mark("cue", "dedi")
        hand.open_region("dedi")
        hand.fill(LEMMA_FIELD, "demek")
        hand.deselect()

        # The inner statement, reported inside the outer one.
        hand.mark("content", INNER)
        hand.open_region("bütçenin")
        hand.tick("indirect")
        hand.deselect()
        hand.mark("speaker", "Dov Tarr")
        hand.mark("cue", "söyledi")
        hand.deselect()

        hand.relate("Rina Osk", "Bakan", "said", shot="04-relation-label")
        hand.deselect()
        hand.relate("dedi", "Bakan", "cue-of")
        hand.deselect()
        hand.relate("Dov Tarr", "bütçenin", "said")
        hand.deselect()
        hand.relate("söyledi", "bütçenin", "cue-of")
        hand.deselect()
        hand.relate("bütçenin", "Bakan", "nested-in")
        hand.deselect()
        hand.tick("transportation")
        hand.shot("05-nested-statement")
        hand.submit()

    (exported,) = full_export(client, project)
    (annotation,) = exported["annotations"]
    results = annotation["result"]
    roles = {r["id"]: r["value"]["labels"][0] for r in results if r["type"] == "labels"}
    assert sorted(roles.values()) == ["content", "content", "cue", "cue", "speaker", "speaker"]
    choices = [(roles.get(r["id"]), r["from_name"], r["value"]["choices"]) for r in results if r["type"] == "choices"]
    assert sorted(choices, key=str) == sorted(
        [("content", "quote_type", ["direct"]), ("content", "stance", ["favor"]),
         ("content", "quote_type", ["indirect"]), (None, "topic", ["transportation"])], key=str
    )  # fmt: skip
    relations = sorted(
        (roles[r["from_id"]], roles[r["to_id"]], r["labels"], r["direction"])
        for r in results
        if r["type"] == "relation"
    )
    assert relations == [
        ("content", "content", ["nested-in"], "right"),
        ("cue", "content", ["cue-of"], "right"),
        ("cue", "content", ["cue-of"], "right"),
        ("speaker", "content", ["said"], "right"),
        ("speaker", "content", ["said"], "right"),
    ]

    imported = import_labelstudio(corpus=empty_corpus, url=server.url, project=project, rejects=None)
    assert not imported.issues.has_errors, imported.issues.render()
    assert imported.reconciliation.balanced()
    out = tmp_path / "dist-browser-annotation"
    build(corpus=empty_corpus, out=out)
    rows = [row for split in datasets.load_dataset(str(out), "statements").values() for row in split]
    assert len(rows) == 2
    features = datasets.load_dataset(str(out), "statements")
    names = next(iter(features.values())).features
    by_type = {names["quote_type"].int2str(row["quote_type"]): row for row in rows}
    outer, inner = by_type["direct"], by_type["indirect"]
    assert [s["text"] for s in outer["content_spans"]] == [OUTER]
    assert [s["text"] for s in outer["speaker_spans"]] == ["Rina Osk"]
    assert [s["text"] for s in outer["cue_spans"]] == ["dedi"]
    assert outer["speaker"]["name"] == "Rina Osk" and outer["cue_lemma"] == "demek"
    assert names["stance"].int2str(outer["stance"]) == "favor" and outer["stance_target"] == "köprü"
    assert outer["speaker_unknown"] is False and outer["parent_statement_id"] is None
    assert [names["topics"].feature.int2str(t) for t in outer["topics"]] == ["transportation"]
    assert [s["text"] for s in inner["content_spans"]] == [INNER]
    assert [s["text"] for s in inner["speaker_spans"]] == ["Dov Tarr"]
    assert [s["text"] for s in inner["cue_spans"]] == ["söyledi"]
    assert inner["parent_statement_id"] == outer["statement_id"]
    for row in rows:
        assert row["article_id"] == article.article_id
        for field in ("content_spans", "speaker_spans", "cue_spans"):
            for span in row[field]:
                assert row["article_text"][span["start"] : span["end"]] == span["text"]


def test_without_the_blank_hotkeys_a_stray_key_ticks_a_topic(server: LabelStudioServer) -> None:
    """The control: Label Studio's own key assignment, which the generated config switches off."""
    interface = replace(
        INTERFACE, document_controls=tuple(replace(c, hotkeys=True) for c in INTERFACE.document_controls)
    )
    client: Any = server.client()
    project = client.projects.create(
        title="automatic hotkeys", label_config=labelstudio_config(interface, schema_version=SCHEMA_VERSION)
    )
    (task,) = client.projects.import_tasks(
        id=project.id, request=[{"data": {"text": BODY}}], return_task_ids=True
    ).task_ids
    with browser() as context:
        page = context.new_page()
        log_in(page, server)
        hand = Annotator(page, BODY)
        hand.open_task(url=server.url, project=project.id, task=task)
        page.keyboard.press("5")  # Label Studio's first key after the four span labels: the first topic
        from playwright.sync_api import expect

        expect(hand.choice("macroeconomics")).to_be_checked()
