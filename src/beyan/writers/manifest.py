"""Hashes for the build manifest: every input and output file, by path."""

from __future__ import annotations

import hashlib
from pathlib import Path

from beyan.atomic import TXN_DIR

_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def input_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under the corpus root (interrupted-write staging excluded)."""
    hashes: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or relative.parts[0] == TXN_DIR or path.name.startswith("."):
            continue
        hashes[relative.as_posix()] = file_sha256(path)
    return hashes
