"""Versioned releases: semantic bumps, immutability, byte-identical rebuilds, stable splits, publishing."""

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

from beyan.build import build
from beyan.corpus import Corpus
from beyan.issues import BeyanError
from beyan.labelstudio.importer import import_labelstudio
from beyan.publishing.hydrate import hydrate
from beyan.publishing.publish import publish
from beyan.publishing.release import diff_versions, rebuild, release
from beyan.transforms.splits import hash_split
from tests.conftest import REPO, SEED_ARTICLE_ID, SEED_CORPUS
from tests.factories import annotation, results_for, statement, task, write_article, write_export
from tests.publishing.fake_hub import FakeHub


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A dataset repository: the seed corpus and the datasheet, committed."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(SEED_CORPUS, root / "corpus")
    shutil.copyfile(REPO / "DATASHEET.md", root / "DATASHEET.md")
    for key, value in {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
    }.items():
        monkeypatch.setenv(key, value)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "corpus")
    monkeypatch.chdir(root)
    return root


def cut(root: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    return release(
        corpus=root / "corpus",
        releases=root / "releases",
        datasheet=root / "DATASHEET.md",
        changelog=root / "CHANGELOG.md",
        builds=root / "dist" / "releases",
        **kwargs,
    )  # type: ignore[arg-type]


def add_annotated_article(
    root: Path, name: str, body: str, content: str, speaker: str, cue: str, *, task_id: int
) -> str:
    corpus = root / "corpus"
    article = write_article(corpus, name, title=f"{speaker} konuştu", body=body)
    st = statement(article.text, content, speaker=speaker, cue=cue, name=speaker)
    export = write_export(
        root.parent / f"export-{task_id}.json",
        [
            task(
                article.text,
                [annotation(results_for(article.text, [st]))],
                task_id=task_id,
                article_id=article.article_id,
            )
        ],
    )
    result = import_labelstudio(corpus=corpus, exports=[export], rejects=None)
    assert not result.issues.has_errors, result.issues.render()
    shutil.rmtree(root / "corpus" / ".." / "incoming", ignore_errors=True)
    git(root, "add", "-A")
    git(root, "commit", "-qm", f"add {name}")
    return article.article_id


def statement_rows(folder: Path) -> list[dict]:  # type: ignore[type-arg]
    return [
        row
        for path in sorted((folder / "data" / "statements").glob("*.parquet"))
        for row in pq.read_table(path).to_pylist()
    ]


def test_minor_then_major_and_old_release_rebuilds_byte_identical(repo: Path) -> None:
    first = cut(repo, commit=True)
    assert (first.version, first.bump, first.committed) == ("1.0.0", "major", True)
    assert git(repo, "tag", "--list") == "v1.0.0"
    assert json.loads((repo / "corpus" / "corpus.json").read_text())["version"] == "1.0.0"
    lock = json.loads((repo / "corpus" / "splits.json").read_text())["articles"]
    assert lock == {SEED_ARTICLE_ID: "train"}

    with pytest.raises(BeyanError) as raised:
        cut(repo)
    assert raised.value.issues.codes() == ["nothing-to-release"]

    new_article = add_annotated_article(
        repo,
        "velmora.txt",
        'VELMORA - Belediye Başkanı Ilsa Varn, "Köprü mayısta açılacak" dedi.',
        "Köprü mayısta açılacak",
        "Ilsa Varn",
        "dedi",
        task_id=2,
    )
    proposal = cut(repo, dry_run=True)
    assert (proposal.version, proposal.required_bump) == ("1.1.0", "minor")
    assert proposal.diff.articles_added == [new_article] and len(proposal.diff.statements_added) == 1
    second = cut(repo, commit=True)
    assert second.version == "1.1.0" and second.previous == "1.0.0"
    changelog = (repo / "CHANGELOG.md").read_text()
    assert changelog.index("## v1.1.0") < changelog.index("## v1.0.0")
    assert "minor: articles added (1)" in changelog

    # A changed label is a breaking change: a minor release is refused, a major one proposed.
    path = repo / "corpus" / "annotations" / f"{SEED_ARTICLE_ID[:2]}.jsonl"
    path.write_text(path.read_text().replace('"quote_type":"indirect"', '"quote_type":"mixed"', 1))
    git(repo, "commit", "-qam", "relabel")
    with pytest.raises(BeyanError) as raised:
        cut(repo, bump="minor")
    (issue,) = list(raised.value.issues)
    assert (
        issue.code == "bump-too-small"
        and "major" in (issue.expected or "")
        and "statements changed" in (issue.hint or "")
    )
    assert cut(repo, dry_run=True).required_bump == "major"

    rebuilt = rebuild(version="v1.0.0", repo=repo, releases=repo / "releases", out=repo.parent / "rebuilt")
    assert rebuilt.ok and rebuilt.identical and not rebuilt.environment_differs
    manifest = json.loads((repo / "releases" / "v1.0.0" / "manifest.json").read_text())
    for name in rebuilt.identical:
        assert (repo.parent / "rebuilt" / name).read_bytes() == (
            repo / "dist" / "releases" / "v1.0.0" / name
        ).read_bytes()
    assert manifest["splits"]["articles"] == {SEED_ARTICLE_ID: "train"}
    assert manifest["adjudication"] == "majority" and manifest["environment"]["pyarrow"]
    assert set(manifest["inputs"]) >= {"corpus.json", f"annotations/{SEED_ARTICLE_ID[:2]}.jsonl"}

    diff = diff_versions(old="v1.0.0", new="v1.1.0", releases=repo / "releases", corpus=repo / "corpus")
    assert diff.required_bump == "minor" and diff.articles_added == [new_article]


def test_a_release_is_immutable_and_versions_must_increase(repo: Path) -> None:
    cut(repo, commit=True)
    add_annotated_article(
        repo,
        "dornsk.txt",
        'DORNSK - Bakan Arto Keld, "Vergi düşecek" dedi.',
        "Vergi düşecek",
        "Arto Keld",
        "dedi",
        task_id=3,
    )
    with pytest.raises(BeyanError) as raised:
        cut(repo, version="1.0.0")
    assert raised.value.issues.codes() == ["invalid-version"]
    assert cut(repo, version="2.0.0").version == "2.0.0"  # larger than required is allowed


def test_split_lock_and_near_duplicates(repo: Path) -> None:
    cut(repo, commit=True)
    seed_text = Corpus.open(repo / "corpus").read_article(SEED_ARTICLE_ID).text
    # A corrected re-publication of the seed: another id, whose own hash would put it elsewhere.
    variants = (seed_text + f"\n\nDüzeltme {n}: bir ifade düzeltildi." for n in range(50))
    source = next(
        v
        for v in variants
        if hash_split(__import__("beyan.corpus", fromlist=["x"]).article_id_for(v.encode())) != "train"
    )
    path = repo.parent / "republished.txt"
    path.write_text(source)
    from beyan.add_article import add_article

    republished = add_article(corpus=repo / "corpus", file=path, language="tr", fmt="plain").article.article_id
    assert hash_split(republished) != "train"
    out = repo.parent / "dist"
    result = build(corpus=repo / "corpus", out=out)
    assert result.manifest["splits"]["articles"][republished] == "train"
    assert result.manifest["splits"]["near_duplicate_groups"] == {
        SEED_ARTICLE_ID: SEED_ARTICLE_ID,
        republished: SEED_ARTICLE_ID,
    }
    # Adding articles never moves an old one.
    for n in range(5):
        write_article(
            repo / "corpus",
            f"extra-{n}.txt",
            title=f"Haber {n}",
            body=f"ESKAR - Yeni bir haber metni {n} burada yer alıyor.",
        )
    again = build(corpus=repo / "corpus", out=out)
    assert again.manifest["splits"]["articles"][SEED_ARTICLE_ID] == "train"
    assert again.manifest["splits"]["articles"][republished] == "train"


def test_publish_local_repository_each_tag_loads_its_release(repo: Path) -> None:
    cut(repo, commit=True)
    target = repo.parent / "published"
    (result,) = publish(
        version="1.0.0", to=target, releases=repo / "releases", builds=repo / "dist" / "releases", repo=repo
    )
    assert result.tag == "v1.0.0" and "croissant.json" in result.files
    add_annotated_article(
        repo,
        "eskar.txt",
        'ESKAR - Meclis üyesi Mira Tolv, "Oylama ertelendi" dedi.',
        "Oylama ertelendi",
        "Mira Tolv",
        "dedi",
        task_id=4,
    )
    cut(repo, commit=True)
    publish(version="1.1.0", to=target, releases=repo / "releases", builds=repo / "dist" / "releases", repo=repo)
    assert git(target, "tag", "--list").split() == ["v1.0.0", "v1.1.0"]
    latest = datasets.load_dataset(str(target), "statements")
    assert sum(len(split) for split in latest.values()) == 14
    old = repo.parent / "published-v1.0.0"
    git(target, "worktree", "add", "-q", str(old), "v1.0.0")
    first = datasets.load_dataset(str(old), "statements")
    assert sum(len(split) for split in first.values()) == 13
    rows = [row for split in first.values() for row in split]
    assert all(row["article_text"] is None for row in rows)  # the seed's rights: standoff
    assert all(span["text"] is None for row in rows for span in row["content_spans"])
    with pytest.raises(BeyanError) as raised:
        publish(version="1.0.0", to=target, releases=repo / "releases", builds=repo / "dist" / "releases", repo=repo)
    assert raised.value.issues.codes() == ["release-exists"]


def test_croissant_of_a_release_validates_and_loads(repo: Path) -> None:
    import mlcroissant as mlc

    cut(repo, commit=True)
    folder = repo / "dist" / "releases" / "v1.0.0"
    dataset = mlc.Dataset(jsonld=str(folder / "croissant.json"))
    records = list(dataset.records(record_set="statements"))
    assert len(records) == 13
    metadata = json.loads((folder / "croissant.json").read_text())
    assert metadata["conformsTo"] == "http://mlcommons.org/croissant/1.1" and metadata["version"] == "1.0.0"
    for key in (
        "rai:dataCollection",
        "rai:dataAnnotationProtocol",
        "rai:annotationsPerItem",
        "rai:annotatorDemographics",
        "rai:personalSensitiveInformation",
    ):
        assert metadata[key]


def test_standoff_round_trip_through_hydrate(repo: Path, tmp_path: Path) -> None:
    cut(repo, commit=True)
    published = repo / "dist" / "releases" / "v1.0.0"
    assert all(row["article_text"] is None for row in statement_rows(published))
    full = tmp_path / "full"
    build(corpus=repo / "corpus", out=full, text="full")
    own_copy = tmp_path / "my-copy.txt"  # the user's own copy of the article, as published
    own_copy.write_bytes(Corpus.open(repo / "corpus").raw_bytes(SEED_ARTICLE_ID))
    hydrated = hydrate(dataset=published, sources=[own_copy], out=tmp_path / "hydrated")
    assert hydrated.hydrated and not hydrated.still_standoff
    assert statement_rows(tmp_path / "hydrated") == statement_rows(full)
    for name in ("statements", "articles"):
        for path in (full / "data" / name).glob("*.parquet"):
            assert (tmp_path / "hydrated" / "data" / name / path.name).read_bytes() == path.read_bytes()
    wrong = tmp_path / "edited.txt"
    wrong.write_bytes(own_copy.read_bytes().replace(b"Moskova", b"Moskva", 1))
    with pytest.raises(BeyanError) as raised:
        hydrate(dataset=published, sources=[wrong], out=tmp_path / "refused")
    (issue,) = list(raised.value.issues)
    assert issue.code == "hash-mismatch" and str(wrong) in issue.where
    assert not (tmp_path / "refused").exists()


def test_publish_to_the_hub_up_to_its_http_requests(repo: Path, tmp_path: Path) -> None:
    """The Hub is unreachable here: huggingface_hub talks to a local fake that records every request."""
    cut(repo, commit=True)
    hub = FakeHub().start()
    token = "hf_fake_publish_token_0123456789"
    env = {key: value for key, value in os.environ.items() if key not in ("HF_HUB_OFFLINE",)}
    env.update(
        {
            "HF_TOKEN": token,
            "HF_ENDPOINT": hub.url,
            "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        }
    )
    command = [
        sys.executable,
        "-m",
        "beyan.cli",
        "publish",
        "v1.0.0",
        "--hub",
        "beyan-org/beyan",
        "--releases",
        str(repo / "releases"),
        "--repo",
        str(repo),
    ]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, env=env, cwd=repo, check=False)
        again = subprocess.run(command, capture_output=True, text=True, env=env, cwd=repo, check=False)
    finally:
        hub.stop()
    assert completed.returncode == 0, completed.stderr
    assert "published v1.0.0 to hub:beyan-org/beyan" in completed.stdout
    assert token not in completed.stdout + completed.stderr
    routes = [(r.method, r.path.split("?")[0]) for r in hub.requests]
    assert routes[0] == ("POST", "/api/repos/create")
    assert ("POST", "/api/datasets/beyan-org/beyan/preupload/main") in routes
    assert ("POST", "/datasets/beyan-org/beyan.git/info/lfs/objects/batch") in routes  # Parquet goes through LFS
    assert ("POST", "/api/datasets/beyan-org/beyan/commit/main") in routes
    assert routes.index(("POST", "/api/datasets/beyan-org/beyan/commit/main")) < routes.index(
        next(r for r in routes if "/tag/" in r[1])
    )
    assert sum(1 for r in routes if r[1].endswith("/commit/main")) == 1  # one commit per release
    for request in hub.requests:
        leaked = [k for k, v in request.headers.items() if token in v and k.lower() != "authorization"]
        assert not leaked and token.encode() not in request.body and token not in request.path
    release_dir = repo / "dist" / "releases" / "v1.0.0"
    tagged = hub.commits[hub.tags["v1.0.0"]]
    assert (
        tagged["data/statements/train-00000-of-00001.parquet"]
        == (release_dir / "data/statements/train-00000-of-00001.parquet").read_bytes()
    )
    assert tagged["README.md"] == (release_dir / "README.md").read_bytes()
    assert set(tagged) == {
        "README.md",
        "DATASHEET.md",
        "croissant.json",
        "manifest.json",
        *(p.relative_to(release_dir).as_posix() for p in release_dir.rglob("*.parquet")),
    }
    assert again.returncode == 1 and "release-exists" in again.stderr  # a published version never changes
