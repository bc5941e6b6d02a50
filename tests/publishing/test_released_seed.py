"""The repository's own first release: its manifest is committed, and today's code rebuilds it byte for byte."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from beyan.publishing.release import rebuild
from tests.conftest import REPO

MANIFEST = REPO / "releases" / "v1.0.0" / "manifest.json"


def test_the_first_release_is_committed() -> None:
    manifest = json.loads(MANIFEST.read_text())
    assert manifest["release"]["version"] == "1.0.0"
    data = sorted(name for name in manifest["outputs"] if name.startswith("data/"))
    assert [name.split("/")[1] for name in data] == ["articles", "labels", "statements", "tokens"]


def test_v1_0_0_rebuilds_byte_identical(tmp_path: Path) -> None:
    tagged = subprocess.run(["git", "-C", str(REPO), "tag", "--list", "v1.0.0"], capture_output=True, text=True)
    if tagged.returncode != 0 or not tagged.stdout.strip():
        pytest.skip("this clone has no tag v1.0.0 (a shallow or single-branch clone)")
    result = rebuild(version="v1.0.0", repo=REPO, releases=REPO / "releases", out=tmp_path / "v1.0.0-rebuilt")
    assert result.ok, (result.differing, result.missing)
    assert len(result.identical) == 4
