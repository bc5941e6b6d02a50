"""``beyan silver-release`` and ``beyan silver-publish``: silver versioned like the gold, semantically.

A silver folder is released as ``releases/silver/vX.Y.Z/manifest.json``: its manifest, the
checksum of every file, and what changed since the previous release. A bump smaller than the
change requires is refused:

* **major**: the first release; or the extractor (name, version, hash), the schema's major
  version or the run's settings changed; or an input of the previous release is gone or
  changed; or a statement of the previous release is gone (when its folder is given to
  compare, ``previous``); without the previous folder, new inputs alone count as major too,
  since an article kept before may now be the later copy of a new one;
* **minor**: only inputs added, and every statement of the previous release still there;
* **patch**: the same data files, other documents (card, version).

Silver cannot be rebuilt from the repository (its inputs live elsewhere), so the release
keeps the checksums and ``silver-publish`` publishes a folder only if its files are the
released ones, to a local git repository or the Hugging Face Hub, tagged ``vX.Y.Z``, with
:mod:`beyan.publishing.publish`'s own functions.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from beyan import atomic
from beyan.issues import fail
from beyan.jsonio import dumps, read_json
from beyan.publishing.publish import PublishResult, publish_hub, publish_local
from beyan.publishing.records import BUMPS
from beyan.publishing.release import (
    choose_version,
    format_version,
    parse_version,
    released_versions,
)
from beyan.writers.manifest import file_sha256

SILVER_RELEASES = Path("releases") / "silver"
SETTINGS_THAT_CHANGE_ROWS = ("fmt", "mapping", "language", "sources", "text", "extractor")


@dataclass(slots=True)
class SilverRelease:
    version: str
    previous: str | None
    bump: str
    required_bump: str
    reasons: list[str]
    manifest_path: Path
    written: bool = False
    changes: dict[str, Any] = field(default_factory=dict)


def read_silver_manifest(folder: Path) -> dict[str, Any]:
    """A silver folder's manifest, its files checked against it (a release is of exactly these bytes)."""
    path = folder / "manifest.json"
    if not path.is_file():
        raise fail("not-a-dataset", (str(folder),), "not a silver dataset folder: no manifest.json", exit_code=2)
    manifest: dict[str, Any] = read_json(path, what="silver manifest")
    if manifest.get("kind") != "silver":
        raise fail(
            "not-silver",
            (str(path),),
            "this is not a silver dataset (beyan silver writes kind: silver)",
            hint="release the gold with `beyan release`",
            exit_code=2,
        )
    for relative, expected in sorted(manifest["outputs"].items()):
        target = folder / relative
        if not target.is_file() or file_sha256(target) != expected["sha256"]:
            raise fail(
                "checksum-mismatch",
                (str(target),),
                "the file is missing or changed since the run wrote it",
                hint="run `beyan silver` again rather than editing its output",
            )
    return manifest


def _statement_ids(folder: Path) -> Iterator[str]:
    """Every statement id of a silver folder, in order (shards are sorted, and in id order)."""
    for path in sorted((folder / "data" / "silver").glob("*.parquet")):
        handle = pq.ParquetFile(path)
        for batch in handle.iter_batches(columns=["statement_id"], batch_size=50_000):
            yield from batch.column("statement_id").to_pylist()


def statements_removed(previous: Path, current: Path) -> int:
    """How many statement ids of ``previous`` are not in ``current``: one merge walk, memory flat."""
    removed = 0
    new = _statement_ids(current)
    candidate = next(new, None)
    for old in _statement_ids(previous):
        while candidate is not None and candidate < old:
            candidate = next(new, None)
        if candidate != old:
            removed += 1
    return removed


def required_bump(
    old: dict[str, Any], new: dict[str, Any], *, previous_folder: Path | None, folder: Path
) -> tuple[str, list[str]]:
    """The smallest bump the change from ``old`` to ``new`` allows, and why."""
    reasons: list[str] = []
    if old["run"]["extractor"] != new["run"]["extractor"]:
        reasons.append(f"extractor changed: {old['run']['extractor']} -> {new['run']['extractor']}")
    if str(old["schema_version"]).split(".")[0] != str(new["schema_version"]).split(".")[0]:
        reasons.append(f"schema {old['schema_version']} -> {new['schema_version']}")
    for key in SETTINGS_THAT_CHANGE_ROWS:
        if old["run"]["settings"].get(key) != new["run"]["settings"].get(key):
            reasons.append(
                f"setting {key} changed: {old['run']['settings'].get(key)!r} -> {new['run']['settings'].get(key)!r}"
            )
    old_inputs, new_inputs = Counter(old["inputs"].values()), Counter(new["inputs"].values())
    gone = old_inputs - new_inputs
    if gone:
        reasons.append(f"{sum(gone.values())} input file(s) of the previous release are gone or changed")
    if reasons:
        return "major", reasons
    added = sum((new_inputs - old_inputs).values())
    old_data = {k: v for k, v in old["outputs"].items() if k.startswith("data/")}
    new_data = {k: v for k, v in new["outputs"].items() if k.startswith("data/")}
    if added == 0 and old_data == new_data:
        return "patch", ["the same data files; documents changed"]
    if previous_folder is None:
        return "major", [f"{added} input file(s) added; without the previous release's folder to compare, a kept "
                         "article may have become a later copy of a new one"]  # fmt: skip
    removed = statements_removed(previous_folder, folder)
    if removed:
        return "major", [f"{removed} statement(s) of the previous release are gone"]
    return "minor", [f"{added} input file(s) added; every statement of the previous release is still there"]


def release_silver(
    *,
    silver: Path | str,
    releases: Path | str = SILVER_RELEASES,
    version: str | None = None,
    bump: str = "auto",
    previous: Path | str | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> SilverRelease:
    """Release the silver folder ``silver``; ``previous`` is the previous release's folder, to compare statements."""
    silver, releases = Path(silver), Path(releases)
    if bump not in ("auto", *BUMPS):
        raise fail(
            "invalid-bump", ("--bump",), "unknown bump", expected="auto, patch, minor or major", found=repr(bump)
        )
    manifest = read_silver_manifest(silver)
    history = released_versions(releases)
    last = history[-1] if history else None
    if last is None:
        required, reasons = "major", ["the first silver release"]
    else:
        old = read_json(releases / f"v{format_version(last)}" / "manifest.json", what="silver release manifest")
        if previous is not None:
            read_silver_manifest(Path(previous))
            if read_json(Path(previous) / "manifest.json", what="silver manifest")["outputs"] != old["outputs"]:
                raise fail(
                    "not-the-release",
                    (str(previous),),
                    f"this folder is not release v{format_version(last)}: its files differ from the release's",
                    exit_code=2,
                )
        required, reasons = required_bump(
            old, manifest, previous_folder=Path(previous) if previous else None, folder=silver
        )
    target, chosen = choose_version(last=last, required=required, version=version, bump=bump)
    if BUMPS.index(chosen) < BUMPS.index(required):
        raise fail(
            "bump-too-small",
            ("--bump" if version is None else "--version",),
            f"the change needs a {required} release",
            expected=required,
            found=f"{chosen} (v{format_version(target)})",
            hint="; ".join(reasons[:3]),
        )
    version_text = format_version(target)
    path = releases / f"v{version_text}" / "manifest.json"
    if path.parent.exists():
        raise fail(
            "release-exists", (str(path.parent),), "this release exists already: releases are immutable", exit_code=2
        )
    result = SilverRelease(
        version_text, None if last is None else format_version(last), chosen, required, reasons, path
    )
    if dry_run:
        return result
    released = dict(manifest)
    released["release"] = {
        "version": version_text,
        "previous": result.previous,
        "bump": chosen,
        "required_bump": required,
        "date": (today or dt.datetime.now(dt.UTC).date()).isoformat(),
        "changes": reasons,
    }
    atomic.write_text_atomic(path, dumps(released))
    _changelog(releases / "CHANGELOG.md", version_text, released["release"])
    result.written = True
    return result


def _changelog(path: Path, version: str, info: dict[str, Any]) -> None:
    header = (
        "# Silver changelog\n\nEvery release of the silver dataset, newest first (written by `beyan silver-release`).\n"
    )
    existing = path.read_text("utf-8") if path.is_file() else header
    entry = "\n".join(
        [
            f"## v{version} ({info['date']})",
            "",
            f"{info['bump'].capitalize()} release.",
            "",
            *(f"- {r}" for r in info["changes"]),
        ]
    )
    head, _, rest = existing.partition("\n## ")
    atomic.write_text_atomic(path, head.rstrip("\n") + "\n\n" + entry + "\n" + ("\n## " + rest if rest else ""))


def publish_silver(
    *,
    version: str,
    silver: Path | str,
    releases: Path | str = SILVER_RELEASES,
    to: Path | str | None = None,
    hub: str | None = None,
    endpoint: str | None = None,
    private: bool = False,
) -> list[PublishResult]:
    """Publish release ``version`` from the folder ``silver``, which must hold exactly its files."""
    if to is None and hub is None:
        raise fail("no-target", (), "say where to publish: --to FOLDER and/or --hub ORG/NAME", exit_code=2)
    version_text = format_version(parse_version(version))
    path = Path(releases) / f"v{version_text}" / "manifest.json"
    if not path.is_file():
        raise fail("unknown-release", (str(path),), f"there is no silver release {version}", exit_code=2)
    released = read_json(path, what="silver release manifest")
    manifest = read_silver_manifest(Path(silver))
    if manifest["outputs"] != released["outputs"]:
        raise fail(
            "release-not-reproducible",
            (str(silver), f"v{version_text}"),
            "the folder's files are not the released ones",
            hint="publish the folder that was released",
        )
    results = []
    with tempfile.TemporaryDirectory(prefix="beyan-silver-publish-") as scratch:
        source = Path(scratch) / "release"
        shutil.copytree(silver, source)
        (source / "manifest.json").write_text(dumps(released), "utf-8")  # the release manifest, with what changed
        if to is not None:
            results.append(publish_local(source, Path(to), version_text))
        if hub is not None:
            results.append(publish_hub(source, hub, version_text, endpoint=endpoint, private=private))
    return results
