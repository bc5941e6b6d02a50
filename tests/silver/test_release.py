"""Silver versioned like the gold: semantic bumps checked against what changed, publishing only the released bytes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest

from beyan.issues import BeyanError
from beyan.silver import run_silver
from beyan.silver.release import publish_silver, release_silver, statements_removed
from tests.publishing.fake_hub import FakeHub
from tests.silver.news import write_jsonl_feeds


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def statement_ids(folder: Path) -> list[str]:
    return [
        statement_id
        for path in sorted((folder / "data" / "silver").glob("*.parquet"))
        for statement_id in pq.read_table(path, columns=["statement_id"]).column("statement_id").to_pylist()
    ]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Silver from one feed (``first``), the same with another card (``recarded``), and with a second feed (``grown``)."""
    root = tmp_path_factory.mktemp("silver-release")
    write_jsonl_feeds(root / "news" / "a", articles=60, files=1, seed=31, bad_lines=False)
    write_jsonl_feeds(root / "news" / "b", articles=60, files=1, seed=32, bad_lines=False)
    first = run_silver(inputs=[root / "news" / "a"], out=root / "silver-first", workers=1, tasks=1).out
    recarded = run_silver(
        inputs=[root / "news" / "a"],
        out=root / "silver-recarded",
        workers=1,
        tasks=1,
        description="The same statements, described better.",
    ).out
    grown = run_silver(inputs=[root / "news" / "a", root / "news" / "b"], out=root / "silver-grown", workers=1, tasks=1)
    return {"first": first, "recarded": recarded, "grown": grown.out}


def test_first_release_is_major_and_writes_a_manifest_and_changelog(runs: dict[str, Path], tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    dry = release_silver(silver=runs["first"], releases=releases, dry_run=True)
    assert (dry.version, dry.bump, dry.written) == ("1.0.0", "major", False) and not releases.exists()
    result = release_silver(silver=runs["first"], releases=releases)
    assert (result.version, result.previous, result.required_bump, result.written) == ("1.0.0", None, "major", True)
    released = json.loads(result.manifest_path.read_text("utf-8"))
    silver = json.loads((runs["first"] / "manifest.json").read_text("utf-8"))
    assert released["outputs"] == silver["outputs"] and released["run"] == silver["run"]
    assert released["release"]["version"] == "1.0.0" and released["release"]["changes"] == ["the first silver release"]
    assert "## v1.0.0" in (releases / "CHANGELOG.md").read_text("utf-8")
    with pytest.raises(BeyanError) as raised:
        release_silver(silver=runs["first"], releases=releases, version="1.0.0")
    assert raised.value.issues.codes() == ["invalid-version"]  # releases are immutable and must increase


def test_bumps_follow_the_change_and_too_small_ones_are_refused(runs: dict[str, Path], tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    release_silver(silver=runs["first"], releases=releases)
    # another card over the same data files: a patch
    patch = release_silver(silver=runs["recarded"], releases=releases, dry_run=True)
    assert (patch.version, patch.required_bump) == ("1.0.1", "patch")
    # inputs added: without the previous folder to compare, a major release is needed ...
    assert statements_removed(runs["first"], runs["grown"]) == 0
    assert set(statement_ids(runs["first"])) < set(statement_ids(runs["grown"]))
    with pytest.raises(BeyanError) as raised:
        release_silver(silver=runs["grown"], releases=releases, bump="minor")
    (issue,) = raised.value.issues.items
    assert issue.code == "bump-too-small" and issue.expected == "major" and "input file(s) added" in (issue.hint or "")
    with pytest.raises(BeyanError) as raised:
        release_silver(silver=runs["grown"], releases=releases, version="1.1.0")
    assert raised.value.issues.codes() == ["bump-too-small"]
    # ... with it, every earlier statement is found still there: a minor one
    minor = release_silver(silver=runs["grown"], releases=releases, previous=runs["first"])
    assert (minor.version, minor.bump, minor.required_bump) == ("1.1.0", "minor", "minor")
    assert "1 input file(s) added" in minor.reasons[0]
    # going back to the first feed alone drops an input and statements: major, and patch is refused
    with pytest.raises(BeyanError) as raised:
        release_silver(silver=runs["first"], releases=releases, bump="patch")
    assert raised.value.issues.codes() == ["bump-too-small"]
    assert statements_removed(runs["grown"], runs["first"]) == len(statement_ids(runs["grown"])) - len(
        statement_ids(runs["first"])
    )


def test_previous_must_be_the_released_folder_and_edits_are_caught(runs: dict[str, Path], tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    release_silver(silver=runs["first"], releases=releases)
    with pytest.raises(BeyanError) as raised:
        release_silver(silver=runs["grown"], releases=releases, previous=runs["recarded"])
    assert raised.value.issues.codes() == ["not-the-release"]
    edited = tmp_path / "silver-edited"
    shutil.copytree(runs["first"], edited)
    (edited / "README.md").write_text("edited by hand\n", "utf-8")
    with pytest.raises(BeyanError) as raised:
        release_silver(silver=edited, releases=releases)
    assert raised.value.issues.codes() == ["checksum-mismatch"]
    with pytest.raises(BeyanError) as raised:
        publish_silver(version="1.0.0", silver=runs["recarded"], releases=releases, to=tmp_path / "pub")
    assert raised.value.issues.codes() == ["release-not-reproducible"]


def test_publish_to_a_local_repository_each_tag_loads_its_release(
    runs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(key, "t")
    for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(key, "t@x")
    releases = tmp_path / "releases"
    target = tmp_path / "published-silver-local"
    release_silver(silver=runs["first"], releases=releases)
    (first,) = publish_silver(version="v1.0.0", silver=runs["first"], releases=releases, to=target)
    release_silver(silver=runs["grown"], releases=releases, previous=runs["first"])
    publish_silver(version="1.1.0", silver=runs["grown"], releases=releases, to=target)
    old = tmp_path / "published-silver-v1.0.0"
    git(target, "worktree", "add", "-q", str(old), "v1.0.0")
    assert first.tag == "v1.0.0" and "croissant.json" in first.files and "manifest.json" in first.files
    assert git(target, "tag", "--list").split() == ["v1.0.0", "v1.1.0"]
    published = json.loads((old / "manifest.json").read_text("utf-8"))
    assert published["release"]["version"] == "1.0.0"  # the release manifest, with what changed
    assert (old / "data").exists() and not (old / "rejects.jsonl").exists()
    tagged = datasets.load_dataset(str(old), "silver", split="train", revision="v1.0.0")
    assert tagged["statement_id"] == statement_ids(runs["first"])
    latest = datasets.load_dataset(str(target), "silver", split="train", revision="v1.1.0")
    assert latest["statement_id"] == statement_ids(runs["grown"])
    with pytest.raises(BeyanError) as raised:
        publish_silver(version="1.0.0", silver=runs["first"], releases=releases, to=target)
    assert raised.value.issues.codes() == ["release-exists"]


def test_publish_to_the_hub_up_to_its_http_requests(runs: dict[str, Path], tmp_path: Path) -> None:
    """The Hub is unreachable here: the command talks to a local fake that records every request."""
    releases = tmp_path / "releases"
    release_silver(silver=runs["first"], releases=releases)
    hub = FakeHub().start()
    token = "hf_fake_silver_token_0123456789"
    env = {key: value for key, value in os.environ.items() if key != "HF_HUB_OFFLINE"}
    env.update(
        {
            "HF_TOKEN": token,
            "HF_ENDPOINT": hub.url,
            "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
            "PYTHONPATH": os.pathsep.join(sys.path),
        }
    )
    command = [sys.executable, "-m", "beyan.cli", "silver-publish", "v1.0.0", "--silver", str(runs["first"])]
    command += ["--hub", "beyan-org/beyan-silver", "--releases", str(releases)]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    finally:
        hub.stop()
    assert completed.returncode == 0, completed.stderr
    assert "published silver v1.0.0 to hub:beyan-org/beyan-silver" in completed.stdout
    assert token not in completed.stdout + completed.stderr
    routes = [(r.method, r.path.split("?")[0]) for r in hub.requests]
    assert routes[0] == ("POST", "/api/repos/create")
    assert sum(1 for r in routes if r[1].endswith("/commit/main")) == 1  # one commit per release
    tagged = hub.commits[hub.tags["v1.0.0"]]
    for relative in json.loads((runs["first"] / "manifest.json").read_text("utf-8"))["outputs"]:
        assert tagged[relative] == (runs["first"] / relative).read_bytes()
    assert json.loads(tagged["manifest.json"])["release"]["version"] == "1.0.0"
