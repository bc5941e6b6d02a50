"""``beyan release``, ``beyan diff`` and ``beyan rebuild``: immutable, versioned releases.

A release builds the corpus in its published form (rights-aware: standoff rows for text
that may not be redistributed), compares it with the previous release, and refuses a
version bump smaller than the change requires. It writes ``releases/vX.Y.Z/manifest.json``
(the build manifest with the sha256 of every input and output, split assignment,
adjudication policy, build environment, and the record index), locks the split of every
article in ``corpus/splits.json``, sets the corpus version and adds a ``CHANGELOG.md``
entry. With ``commit=True`` it commits all of that and tags the commit ``vX.Y.Z``, so
``beyan rebuild vX.Y.Z`` can later rebuild the release from the repository at that tag
and check the data files are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beyan import atomic
from beyan.build import SPLITS_FILE, build
from beyan.corpus import CORPUS_FILE, Corpus
from beyan.issues import fail
from beyan.jsonio import dumps, read_json
from beyan.publishing.git import git, repository_root
from beyan.publishing.records import BUMPS, Diff, compare, record_index
from beyan.transforms.splits import SPLIT_RULE

RELEASES_DIR = Path("releases")
RELEASE_BUILDS = Path("dist") / "releases"
CHANGELOG = Path("CHANGELOG.md")
_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")


def parse_version(text: str) -> tuple[int, int, int]:
    match = _VERSION.match(text)
    if match is None:
        raise fail(
            "invalid-version", ("version",), "not a semantic version", expected="X.Y.Z", found=repr(text), exit_code=2
        )
    return int(match[1]), int(match[2]), int(match[3])


def format_version(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


def bump_version(version: tuple[int, int, int], bump: str) -> tuple[int, int, int]:
    major, minor, patch = version
    if bump == "major":
        return major + 1, 0, 0
    if bump == "minor":
        return major, minor + 1, 0
    return major, minor, patch + 1


def bump_between(old: tuple[int, int, int], new: tuple[int, int, int]) -> str | None:
    """Which part of the version changed, or None if ``new`` does not come after ``old``."""
    if new <= old:
        return None
    if new[0] != old[0]:
        return "major"
    return "minor" if new[1] != old[1] else "patch"


def released_versions(releases: Path) -> list[tuple[int, int, int]]:
    if not releases.is_dir():
        return []
    found = []
    for entry in releases.iterdir():
        match = _VERSION.match(entry.name)
        if match and (entry / "manifest.json").is_file():
            found.append((int(match[1]), int(match[2]), int(match[3])))
    return sorted(found)


def release_manifest(releases: Path, version: str) -> dict[str, Any]:
    path = releases / f"v{format_version(parse_version(version))}" / "manifest.json"
    if not path.is_file():
        raise fail(
            "unknown-release",
            (str(path),),
            f"there is no release {version}",
            hint=f"releases: {', '.join('v' + format_version(v) for v in released_versions(releases)) or 'none yet'}",
            exit_code=2,
        )
    manifest: dict[str, Any] = read_json(path, what="release manifest")
    return manifest


@dataclass(slots=True)
class ReleaseResult:
    version: str
    previous: str | None
    bump: str
    required_bump: str | None
    diff: Diff
    manifest_path: Path
    build_dir: Path
    committed: bool


def release(
    *,
    corpus: Path | str = "corpus",
    releases: Path | str = RELEASES_DIR,
    bump: str = "auto",
    version: str | None = None,
    datasheet: Path | str | None = "DATASHEET.md",
    changelog: Path | str = CHANGELOG,
    builds: Path | str = RELEASE_BUILDS,
    commit: bool = False,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ReleaseResult:
    """Cut the next release of ``corpus``; see the module docstring."""
    corpus, releases, builds, changelog = Path(corpus), Path(releases), Path(builds), Path(changelog)
    opened = Corpus.open(corpus)
    if bump not in ("auto", *BUMPS):
        raise fail(
            "invalid-bump",
            ("--bump",),
            "unknown bump",
            expected="auto, patch, minor or major",
            found=repr(bump),
            exit_code=2,
        )
    history = released_versions(releases)
    previous = history[-1] if history else None
    repo = repository_root(corpus) if commit else None
    if commit:
        if repo is None:
            raise fail(
                "not-a-repository", (str(corpus),), "--commit needs the corpus inside a git repository", exit_code=2
            )
        dirty = git(repo, "status", "--porcelain", "--", str(corpus.resolve()), str(releases.resolve()))
        if dirty:
            raise fail(
                "uncommitted-changes",
                (str(corpus),),
                "commit the corpus first: a release must be rebuildable from the repository",
                found=dirty.splitlines()[0],
                exit_code=2,
            )

    with tempfile.TemporaryDirectory(prefix="beyan-release-") as scratch:
        candidate = Path(scratch) / "candidate"
        build(corpus=corpus, out=candidate, datasheet=datasheet, text="rights")
        new_index = record_index(candidate)
    if previous is not None:
        old_manifest = release_manifest(releases, format_version(previous))
        diff = compare(old_manifest["records"], new_index)
    else:
        diff = compare({"features": {}, "articles": {}, "files": {}}, new_index)
    required = diff.required_bump
    if previous is not None and required is None:
        raise fail(
            "nothing-to-release",
            (str(corpus),),
            f"the corpus gives exactly release v{format_version(previous)}",
            hint="change the corpus, or rebuild the existing release with `beyan rebuild`",
        )
    target, chosen = choose_version(last=previous, required=required, version=version, bump=bump)
    if previous is not None and required is not None and BUMPS.index(chosen) < BUMPS.index(required):
        raise fail(
            "bump-too-small",
            ("--bump" if version is None else "--version",),
            f"the change needs a {required} release; a {chosen} release would break users who pin versions",
            expected=f"{required} (v{format_version(bump_version(previous, required))})",
            found=f"{chosen} (v{format_version(target)})",
            hint="; ".join(diff.reasons()[:3]),
        )
    version_text = format_version(target)
    folder = releases / f"v{version_text}"
    if folder.exists():
        raise fail("release-exists", (str(folder),), "this release exists already: releases are immutable", exit_code=2)
    if dry_run:
        return ReleaseResult(
            version_text,
            _v(previous),
            chosen,
            required,
            diff,
            folder / "manifest.json",
            builds / f"v{version_text}",
            False,
        )

    # Lock every article's split, set the version, then build the release itself from that state.
    with atomic.transaction(corpus) as txn:
        txn.write_bytes(corpus / CORPUS_FILE, opened.corpus_file_with(version=version_text))
    final = builds / f"v{version_text}"
    result = build(corpus=corpus, out=final, datasheet=datasheet, update_datasheet=datasheet is not None, text="rights")
    lock = {"rule": SPLIT_RULE, "articles": result.manifest["splits"]["articles"]}
    atomic.write_text_atomic(corpus / SPLITS_FILE, dumps(lock))
    manifest = dict(result.manifest)
    manifest["release"] = {
        "version": version_text,
        "previous": _v(previous),
        "bump": chosen,
        "required_bump": required,
        "date": (today or dt.datetime.now(dt.UTC).date()).isoformat(),
        "changes": diff.reasons(),
        "rebuild": f"beyan rebuild v{version_text}",
    }
    manifest["records"] = record_index(final)
    atomic.write_text_atomic(folder / "manifest.json", dumps(manifest))
    _changelog(changelog, version_text, manifest["release"], diff)
    committed = False
    if commit and repo is not None:
        paths = [str(p.resolve()) for p in (corpus, folder, changelog) if p.exists()]
        if datasheet is not None and Path(datasheet).exists():
            paths.append(str(Path(datasheet).resolve()))
        git(repo, "add", "--", *paths)
        git(repo, "commit", "-q", "-m", f"Release v{version_text}\n\n" + "\n".join(diff.reasons()))
        git(repo, "tag", "-a", f"v{version_text}", "-m", f"beyan dataset release v{version_text}")
        committed = True
    return ReleaseResult(version_text, _v(previous), chosen, required, diff, folder / "manifest.json", final, committed)


def choose_version(
    *, last: tuple[int, int, int] | None, required: str | None, version: str | None, bump: str
) -> tuple[tuple[int, int, int], str]:
    """The version to release and its bump: ``version`` if given (after ``last``), else ``last`` bumped.

    The first release is 1.0.0 (major); ``bump="auto"`` takes the bump the change requires.
    Whether the bump is large enough is the caller's check: each explains it in its own terms.
    """
    if version is not None:
        target = parse_version(version)
        chosen = bump_between(last, target) if last is not None else "major"
        if chosen is None:
            raise fail(
                "invalid-version",
                ("--version",),
                "a release must come after the previous one",
                expected=f"> {format_version(last or (0, 0, 0))}",
                found=version,
                exit_code=2,
            )
        return target, chosen
    if last is None:
        return (1, 0, 0), "major"
    chosen = required if bump == "auto" else bump
    assert chosen is not None
    return bump_version(last, chosen), chosen


def _v(version: tuple[int, int, int] | None) -> str | None:
    return None if version is None else format_version(version)


def _changelog(path: Path, version: str, info: dict[str, Any], diff: Diff) -> None:
    header = "# Changelog\n\nEvery release of the dataset, newest first (written by `beyan release`).\n"
    existing = path.read_text("utf-8") if path.is_file() else header
    if not existing.startswith("# Changelog"):
        existing = header + "\n" + existing
    lines = [f"## v{version} ({info['date']})", ""]
    lines.append(
        f"{info['bump'].capitalize()} release"
        + (f" after v{info['previous']}." if info["previous"] else ", the first.")
    )
    lines.append("")
    lines += [f"- {reason}" for reason in diff.reasons()] or ["- no record changes"]
    entry = "\n".join(lines) + "\n"
    head, _, rest = existing.partition("\n## ")
    body = head.rstrip("\n") + "\n\n" + entry + ("\n## " + rest if rest else "")
    atomic.write_text_atomic(path, body)


# ------------------------------------------------------------------ diff


def _index_of(spec: str, *, releases: Path, corpus: Path, datasheet: Path | None) -> dict[str, Any]:
    """The record index of a release (``v1.2.0``), a built folder, or ``current`` (the working corpus)."""
    if spec == "current":
        with tempfile.TemporaryDirectory(prefix="beyan-diff-") as scratch:
            out = Path(scratch) / "current"
            build(corpus=corpus, out=out, datasheet=datasheet, text="rights")
            return record_index(out)
    if Path(spec).is_dir() and (Path(spec) / "data").is_dir():
        return record_index(Path(spec))
    records: dict[str, Any] = release_manifest(releases, spec)["records"]
    return records


def diff_versions(
    *,
    old: str,
    new: str,
    releases: Path | str = RELEASES_DIR,
    corpus: Path | str = "corpus",
    datasheet: Path | str | None = None,
) -> Diff:
    """Articles and statements added, removed and changed between two releases (or ``current``)."""
    releases, corpus = Path(releases), Path(corpus)
    sheet = Path(datasheet) if datasheet is not None else None
    return compare(
        _index_of(old, releases=releases, corpus=corpus, datasheet=sheet),
        _index_of(new, releases=releases, corpus=corpus, datasheet=sheet),
    )


# ------------------------------------------------------------------ rebuild


@dataclass(slots=True)
class RebuildResult:
    version: str
    out: Path
    identical: list[str]
    differing: list[str]
    missing: list[str]
    environment_differs: dict[str, tuple[str, str]]

    @property
    def ok(self) -> bool:
        return not self.differing and not self.missing


def rebuild(
    *,
    version: str,
    repo: Path | str = ".",
    releases: Path | str = RELEASES_DIR,
    out: Path | str | None = None,
) -> RebuildResult:
    """Rebuild release ``version`` from the repository at tag ``vX.Y.Z`` and compare its data files."""
    repo = Path(repo)
    version_text = format_version(parse_version(version))
    tag = f"v{version_text}"
    root = repository_root(repo)
    if root is None:
        raise fail(
            "not-a-repository",
            (str(repo),),
            "rebuilding a release needs the git repository it was tagged in",
            exit_code=2,
        )
    if not git(root, "tag", "--list", tag):
        raise fail(
            "unknown-release",
            (str(root), tag),
            "no such tag",
            hint="tags are made by `beyan release --commit`",
            exit_code=2,
        )
    try:
        releases_rel = Path(releases).resolve().relative_to(root.resolve())
    except ValueError:
        raise fail(
            "not-a-repository", (str(releases),), "the releases folder is not inside the repository", exit_code=2
        ) from None
    manifest = json.loads(git(root, "show", f"{tag}:{(releases_rel / tag / 'manifest.json').as_posix()}"))
    target = Path(out) if out is not None else RELEASE_BUILDS / f"{tag}-rebuilt"
    with tempfile.TemporaryDirectory(prefix="beyan-rebuild-") as scratch:
        tree = Path(scratch) / "tree"
        tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", "--format=tar", tag], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        corpus_rel = _corpus_path(tree)
        sheet = tree / "DATASHEET.md"
        built = build(
            corpus=tree / corpus_rel,
            out=Path(scratch) / "out",
            datasheet=sheet if sheet.is_file() else None,
            adjudication=manifest.get("adjudication"),
            text=manifest.get("text_policy", "rights"),
        )
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(Path(scratch) / "out", target)
    expected = {k: v["sha256"] for k, v in manifest["outputs"].items() if k.startswith("data/")}
    actual = {k: v["sha256"] for k, v in built.manifest["outputs"].items() if k.startswith("data/")}
    environment = {
        k: (str(manifest.get("environment", {}).get(k)), str(v))
        for k, v in built.manifest["environment"].items()
        if manifest.get("environment", {}).get(k) != v
    }
    return RebuildResult(
        version=version_text,
        out=target,
        identical=sorted(k for k in expected if actual.get(k) == expected[k]),
        differing=sorted(k for k in expected if k in actual and actual[k] != expected[k]),
        missing=sorted(set(expected) ^ set(actual)),
        environment_differs=environment,
    )


def _corpus_path(tree: Path) -> Path:
    """The corpus folder inside an archived repository tree (the one holding corpus.json)."""
    candidates = sorted(p.parent.relative_to(tree) for p in tree.rglob(CORPUS_FILE) if ".venv" not in p.parts)
    if not candidates:
        raise fail("not-a-corpus", (str(tree),), "the tagged tree holds no corpus.json", exit_code=2)
    return candidates[0]
