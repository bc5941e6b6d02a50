"""``beyan labelstudio-push`` against a real Label Studio (started by the fixture, as in test_real_server)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from beyan.cli import main
from beyan.corpus import Corpus
from beyan.labelstudio.push import GUIDELINES_URL, config_removals, labelstudio_push
from beyan.labelstudio.server import LabelStudioServer, find_executable
from beyan.schema import current_labelstudio_config

# A config as an older schema might have generated it: one more span role, "source".
OLD_CONFIG = current_labelstudio_config().replace(
    '<Label value="addressee"', '<Label value="source" background="#D55E00"/>\n    <Label value="addressee"'
)


def test_config_removals_names_each_dropped_value() -> None:
    old = (
        '<View><Labels name="role" toName="text"><Label value="speaker"/><Label value="source"/></Labels>'
        '<Text name="text" value="$text"/><Relations><Relation value="said"/><Relation value="cue"/></Relations>'
        '<Choices name="stance" toName="text"><Choice value="favor"/></Choices>'
        '<TextArea name="note" toName="text"/></View>'
    )
    new = (
        '<View><Labels name="role" toName="text"><Label value="speaker"/><Label value="addressee"/></Labels>'
        '<Text name="text" value="$text"/><Relations><Relation value="said"/><Relation value="cue-of"/></Relations>'
        '<Choices name="stance" toName="text"><Choice value="favor"/><Choice value="against"/></Choices></View>'
    )
    assert config_removals(old, new) == {"role": ["source"], "Relations": ["cue"], "note": []}
    assert config_removals(new, new) == {}
    assert config_removals(OLD_CONFIG, current_labelstudio_config()) == {"role": ["source"]}


def test_push_needs_the_api_key(seed_corpus: Path) -> None:
    result = CliRunner().invoke(main, ["labelstudio-push", "--corpus", str(seed_corpus), "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 2 and "missing-api-key" in result.output and "Traceback" not in result.output


@pytest.fixture(scope="module")
def server() -> Iterator[LabelStudioServer]:
    if os.environ.get("BEYAN_SKIP_LABEL_STUDIO") == "1":
        pytest.skip("BEYAN_SKIP_LABEL_STUDIO=1")
    if find_executable() is None:
        pytest.fail("Label Studio is not installed: run scripts/test, which creates .venv-labelstudio")
    # A password that begins with "-" (one random password in 64 does): argparse must not take it for an option.
    with LabelStudioServer(password="-starts-with-a-dash") as running:
        assert "starts-with-a-dash" not in repr(running) and running.token not in repr(running)
        yield running


@pytest.fixture
def api_key(server: LabelStudioServer, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.token)
    return server.token


def project_tasks(server: LabelStudioServer, project: int) -> list[Any]:
    client: Any = server.client()
    return list(client.tasks.list(project=project, fields="all"))


@pytest.mark.labelstudio
def test_push_twice_uploads_nothing_new(server: LabelStudioServer, api_key: str, seed_corpus: Path) -> None:
    runner = CliRunner()
    args = ["labelstudio-push", "--corpus", str(seed_corpus), "--url", server.url, "--title", "twice", "--predictions", "gold"]  # fmt: skip
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "created (config created)" in first.output and "1 uploaded + 0 already" in first.output
    assert "predictions uploaded: 1" in first.output and api_key not in first.output

    client: Any = server.client()
    project = next(p for p in client.projects.list() if p.title == "twice")
    stored = client.projects.get(id=project.id)
    assert stored.label_config.strip() == current_labelstudio_config().strip()
    assert GUIDELINES_URL in stored.expert_instruction and stored.show_instruction is True
    tasks = project_tasks(server, project.id)
    article = Corpus.open(seed_corpus).read_article("0263f442a811c8ac")
    assert [(t.data["article_id"], t.data["text_sha256"]) for t in tasks] == [(article.article_id, article.text_sha256)]
    assert (
        len(tasks[0].predictions) == 1
        and tasks[0].predictions[0].model_version == f"beyan-gold-{Corpus.open(seed_corpus).info.version}"
    )

    second = runner.invoke(main, args)  # found by its title, config unchanged, nothing uploaded
    assert second.exit_code == 0, second.output
    assert f"project {project.id} updated (config unchanged)" in second.output
    assert "0 uploaded + 1 already in the project + 0 skipped; predictions uploaded: 0" in second.output
    assert len(project_tasks(server, project.id)) == 1


@pytest.mark.labelstudio
def test_push_uploads_in_batches_and_reports_progress(
    server: LabelStudioServer, api_key: str, small_corpus: Path
) -> None:
    calls: list[tuple[int, int | None]] = []
    ids = Corpus.open(small_corpus).article_ids()
    result = labelstudio_push(
        corpus=small_corpus, url=server.url, title="batches", article_ids=ids[:2], batch_size=2, progress=lambda d, t: calls.append((d, t))
    )  # fmt: skip
    assert (result.uploaded, result.already_present, result.project_created) == (2, 0, True)
    more = labelstudio_push(
        corpus=small_corpus, url=server.url, project=result.project, batch_size=2, progress=lambda d, t: calls.append((d, t))
    )  # fmt: skip
    assert (more.uploaded, more.already_present, more.config) == (1, 2, "unchanged") and more.reconciles()
    assert calls == [(0, 2), (2, 2), (0, 1), (1, 1)]
    assert sorted(t.data["article_id"] for t in project_tasks(server, result.project)) == ids


@pytest.mark.labelstudio
def test_a_task_with_another_text_is_skipped_with_a_reason(
    server: LabelStudioServer, api_key: str, small_corpus: Path
) -> None:
    client: Any = server.client()
    ids = Corpus.open(small_corpus).article_ids()
    project = client.projects.create(title="stale", label_config=current_labelstudio_config())
    old = {"text": "An older text.", "article_id": ids[0], "text_sha256": "0" * 64}
    client.projects.import_tasks(id=project.id, request=[{"data": old}], return_task_ids=True)
    result = labelstudio_push(corpus=small_corpus, url=server.url, project=project.id)
    assert (result.uploaded, result.already_present, list(result.skipped)) == (2, 0, [ids[0]])
    assert result.reconciles() and result.articles == 3
    assert [i.code for i in result.issues] == ["stale-task"]


@pytest.mark.labelstudio
def test_a_removed_label_is_refused_unless_forced(server: LabelStudioServer, api_key: str, small_corpus: Path) -> None:
    client: Any = server.client()
    project = client.projects.create(title="old schema", label_config=OLD_CONFIG)
    text = "Councillor Mira Tolv said the vote was postponed."
    (task_id,) = client.projects.import_tasks(
        id=project.id, request=[{"data": {"text": text}}], return_task_ids=True
    ).task_ids
    speaker = {"id": "s1", "from_name": "role", "to_name": "text", "type": "labels", "value": {"start": 11, "end": 20, "text": "Mira Tolv", "labels": ["speaker"]}}  # fmt: skip
    client.annotations.create(id=task_id, result=[speaker])

    runner = CliRunner()
    args = ["labelstudio-push", "--corpus", str(small_corpus), "--url", server.url, "--project", str(project.id)]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 2 and "config-would-orphan" in refused.output, refused.output
    assert "role: source" in refused.output and "--force" in refused.output and "Traceback" not in refused.output
    assert client.projects.get(id=project.id).label_config.strip() == OLD_CONFIG.strip()  # nothing changed
    assert len(project_tasks(server, project.id)) == 1  # nothing uploaded either

    forced = runner.invoke(main, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "(config updated)" in forced.output and "3 uploaded" in forced.output
    assert client.projects.get(id=project.id).label_config.strip() == current_labelstudio_config().strip()


@pytest.mark.labelstudio
def test_forcing_orphans_annotations_which_the_import_then_rejects(
    server: LabelStudioServer, api_key: str, empty_corpus: Path, tmp_path: Path
) -> None:
    """Label Studio 1.23.2 itself accepts a config that orphans annotations: the refusal is beyan's alone."""
    client: Any = server.client()
    project = client.projects.create(title="label in use", label_config=OLD_CONFIG)
    text = "Councillor Mira Tolv said the vote was postponed."
    (task_id,) = client.projects.import_tasks(
        id=project.id, request=[{"data": {"text": text}}], return_task_ids=True
    ).task_ids
    source = {"id": "s1", "from_name": "role", "to_name": "text", "type": "labels", "value": {"start": 11, "end": 20, "text": "Mira Tolv", "labels": ["source"]}}  # fmt: skip
    client.annotations.create(id=task_id, result=[source])
    args = ["labelstudio-push", "--corpus", str(empty_corpus), "--url", server.url, "--project", str(project.id)]
    assert CliRunner().invoke(main, args).exit_code == 2
    forced = CliRunner().invoke(main, [*args, "--force"])
    assert forced.exit_code == 0 and "(config updated)" in forced.output, forced.output

    from beyan.labelstudio.importer import import_labelstudio

    result = import_labelstudio(
        corpus=empty_corpus, url=server.url, project=project.id, add_articles=True, language="en", dry_run=True
    )
    unknown = [i for i in result.issues if i.code == "unknown-label"]
    assert len(unknown) == 1 and unknown[0].found == "'source'" and f"task {task_id}" in unknown[0].where
