"""Hashes for the build manifest: every input and output file, by path."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from beyan.atomic import TXN_DIR

_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def input_hashes(root: Path, *, known: dict[str, str] | None = None) -> dict[str, str]:
    """sha256 of every file under the corpus root (interrupted-write staging excluded).

    ``known`` holds hashes taken while the files were read, so they are not read again.
    """
    known = known or {}
    found: list[str] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if d != TXN_DIR and not d.startswith(".")]
        prefix = os.path.relpath(folder, root)
        for name in files:
            if not name.startswith("."):
                found.append(name if prefix == "." else f"{prefix}/{name}".replace(os.sep, "/"))
    return {key: known[key] if key in known else file_sha256(root / key) for key in sorted(found)}
