"""``beyan publish``: put a release where ``load_dataset`` finds it, one commit and one tag per version.

Targets:

* a local folder, made a git repository in the Hub layout (README card, data files,
  DATASHEET, croissant.json, manifest); each version is a commit tagged ``vX.Y.Z``;
* the Hugging Face Hub (``huggingface_hub``, ``repo_type="dataset"``, token from
  ``HF_TOKEN``): one commit per release and a tag ``vX.Y.Z``, so that
  ``load_dataset("org/name", "statements", revision="v1.0.0")`` gives exactly that release.

A published version is immutable: publishing a version whose tag exists is refused.
The files come from the release build (``dist/releases/vX.Y.Z``) when its checksums match
the release manifest, otherwise from a rebuild of the release's tag.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beyan.issues import fail
from beyan.publishing.git import git
from beyan.publishing.release import (
    RELEASE_BUILDS,
    RELEASES_DIR,
    format_version,
    parse_version,
    rebuild,
    release_manifest,
)
from beyan.secrets import redact, require_secret
from beyan.writers.manifest import file_sha256

PUBLISHED_FILES = ("README.md", "DATASHEET.md", "croissant.json", "manifest.json")


@dataclass(slots=True)
class PublishResult:
    version: str
    target: str
    files: list[str] = field(default_factory=list)
    commit: str | None = None
    tag: str = ""


def release_files(
    version: str, *, releases: Path = RELEASES_DIR, builds: Path = RELEASE_BUILDS, repo: Path = Path(".")
) -> Path:
    """The folder holding release ``version``'s files, checked against its manifest."""
    manifest = release_manifest(releases, version)
    version_text = format_version(parse_version(version))
    folder = builds / f"v{version_text}"
    if _matches(folder, manifest):
        return folder
    result = rebuild(version=version_text, repo=repo, releases=releases, out=builds / f"v{version_text}-rebuilt")
    if not result.ok or not _matches(result.out, manifest, data_only=True):
        raise fail(
            "release-not-reproducible",
            (f"v{version_text}",),
            "the release's data files could not be reproduced byte for byte",
            found=f"differing: {result.differing}, missing: {result.missing}",
            hint=f"build environment differences: {result.environment_differs}" if result.environment_differs else None,
        )
    return result.out


def _matches(folder: Path, manifest: dict[str, Any], *, data_only: bool = False) -> bool:
    if not folder.is_dir():
        return False
    for relative, expected in manifest["outputs"].items():
        if data_only and not relative.startswith("data/"):
            continue
        path = folder / relative
        if not path.is_file() or file_sha256(path) != expected["sha256"]:
            return False
    return True


def _files(folder: Path) -> list[str]:
    names = [name for name in PUBLISHED_FILES if (folder / name).is_file()]
    names += sorted(p.relative_to(folder).as_posix() for p in (folder / "data").rglob("*.parquet"))
    return names


def publish_local(source: Path, target: Path, version: str) -> PublishResult:
    """Commit the release's files into the git repository ``target`` (made if needed) and tag it."""
    tag = f"v{version}"
    if not (target / ".git").exists():
        target.mkdir(parents=True, exist_ok=True)
        git(target, "init", "-q", "-b", "main")
    if git(target, "tag", "--list", tag):
        raise fail(
            "release-exists",
            (str(target), tag),
            "this version is published already; published versions never change",
            hint="cut a new release with `beyan release`",
        )
    for entry in target.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    files = _files(source)
    for name in files:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, destination)
    (target / ".gitattributes").write_text("*.parquet binary\n", "utf-8")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", f"beyan dataset {tag}")
    git(target, "tag", "-a", tag, "-m", f"beyan dataset {tag}")
    return PublishResult(version, str(target), files, git(target, "rev-parse", "HEAD"), tag)


def publish_hub(
    source: Path, repo_id: str, version: str, *, endpoint: str | None = None, private: bool = False
) -> PublishResult:
    """One commit with the release's files, then the tag ``vX.Y.Z`` on the Hub."""
    token = require_secret(
        "HF_TOKEN",
        code="missing-token",
        message="publishing to the Hub needs a token in HF_TOKEN",
        hint="export HF_TOKEN=hf_...",
    )
    try:
        from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
        from huggingface_hub.errors import HfHubHTTPError
    except ImportError:  # pragma: no cover - a declared dependency
        raise fail(
            "missing-dependency",
            (),
            "publishing to the Hub needs huggingface_hub",
            hint="pip install huggingface_hub",
            exit_code=2,
        ) from None
    tag = f"v{version}"
    api = HfApi(endpoint=endpoint, token=token)
    files = _files(source)
    try:
        api.create_repo(repo_id, repo_type="dataset", exist_ok=True, private=private)
        refs = api.list_repo_refs(repo_id, repo_type="dataset")
        if any(ref.name == tag for ref in refs.tags):
            raise fail(
                "release-exists",
                (repo_id, tag),
                "this version is published already; published versions never change",
                hint="cut a new release with `beyan release`",
            )
        existing = [p for p in api.list_repo_files(repo_id, repo_type="dataset") if p.startswith("data/")]
        operations: list[Any] = [CommitOperationDelete(path_in_repo=p) for p in existing if p not in files]
        operations += [CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(source / name)) for name in files]
        commit = api.create_commit(
            repo_id, operations=operations, commit_message=f"beyan dataset {tag}", repo_type="dataset"
        )
        api.create_tag(repo_id, tag=tag, revision=commit.oid, repo_type="dataset", tag_message=f"beyan dataset {tag}")
    except HfHubHTTPError as error:
        raise fail(
            "hub-request-failed",
            (repo_id,),
            redact(f"the Hub refused the request: {error}")[:400],
            hint="check HF_TOKEN's write permission for this repository",
            exit_code=2,
        ) from None
    return PublishResult(version, f"hub:{repo_id}", files, commit.oid, tag)


def publish(
    *,
    version: str,
    to: Path | str | None = None,
    hub: str | None = None,
    releases: Path | str = RELEASES_DIR,
    builds: Path | str = RELEASE_BUILDS,
    repo: Path | str = ".",
    endpoint: str | None = None,
    private: bool = False,
) -> list[PublishResult]:
    """Publish release ``version`` to a local repository (``to``) and/or the Hub (``hub``)."""
    if to is None and hub is None:
        raise fail("no-target", (), "say where to publish: --to FOLDER and/or --hub ORG/NAME", exit_code=2)
    version_text = format_version(parse_version(version))
    source = release_files(version_text, releases=Path(releases), builds=Path(builds), repo=Path(repo))
    results = []
    if to is not None:
        results.append(publish_local(source, Path(to), version_text))
    if hub is not None:
        results.append(publish_hub(source, hub, version_text, endpoint=endpoint, private=private))
    return results
