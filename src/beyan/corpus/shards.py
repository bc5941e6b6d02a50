"""Sharded, line-oriented corpus files: sorted JSON Lines, one record a line, byte-stable.

Articles and annotations are kept in ``articles/<xx>.jsonl`` and ``annotations/<xx>.jsonl``,
where ``xx`` is the first two hex digits of the article id: at most 256 files of each kind,
whatever the corpus size, so an import touches few files and a clone stays small in file
count. Each line is one record encoded canonically (keys sorted, no spaces), and lines are
sorted by their record key, so the same records always give the same bytes and a change to
one record is a one-line diff.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from beyan.issues import fail

ARTICLES = "articles"
ANNOTATIONS = "annotations"
KINDS = (ARTICLES, ANNOTATIONS)
SHARD_DIGITS = 2
SUFFIX = ".jsonl"


def shard_of(article_id: str) -> str:
    return article_id[:SHARD_DIGITS]


def shard_path(kind: str, shard: str) -> str:
    """The shard file's path relative to the corpus root."""
    return f"{kind}/{shard}{SUFFIX}"


def encode(record: dict[str, Any]) -> bytes:
    """The canonical line of a record (with its newline)."""
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n"


def line_hash(line: bytes | None) -> str | None:
    """A short hash of a record's line, for the journal (None: no record)."""
    return None if line is None else hashlib.sha256(line).hexdigest()[:16]


def record_key(kind: str, record: dict[str, Any]) -> str:
    """The key a record is found by (articles: the article id; annotations: the annotation key)."""
    return str(record["article_id"] if kind == ARTICLES else record["key"])


@dataclass(slots=True)
class ShardLine:
    """One line of a shard file: its keys and its exact bytes; the record is parsed on first use."""

    key: str
    article_id: str
    line: bytes
    _record: dict[str, Any] | None = None

    @property
    def record(self) -> dict[str, Any]:
        if self._record is None:
            self._record = orjson.loads(self.line)
        return self._record

    @property
    def order(self) -> tuple[str, str]:
        return (self.article_id, self.key)


def read_shard(root: Path, kind: str, shard: str) -> list[ShardLine]:
    """Every line of one shard file, in file order; a missing file is an empty shard."""
    path = root / shard_path(kind, shard)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as error:
        raise fail("unreadable", (str(path),), f"cannot read the corpus file: {error.strerror}", exit_code=2) from None
    lines: list[ShardLine] = []
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            raise fail(
                "invalid-json",
                (str(path), f"line {number}"),
                f"the corpus file is not valid JSON Lines: {error.msg}",
                hint="corpus files are written only by beyan: restore the file from version control, or undo the "
                "change that broke it (`beyan log`, `beyan undo`)",
            ) from None
        if not isinstance(record, dict) or "article_id" not in record or (kind == ANNOTATIONS and "key" not in record):
            raise fail(
                "corrupt-record",
                (str(path), f"line {number}"),
                "the line is not a beyan corpus record",
                expected="an object with article_id" + (" and key" if kind == ANNOTATIONS else ""),
                found=line[:80].decode("utf-8", "replace"),
            )
        line = line if line.endswith(b"\n") else line + b"\n"
        lines.append(ShardLine(record_key(kind, record), str(record["article_id"]), line, record))
    return lines


def render_shard(lines: Iterable[ShardLine]) -> bytes:
    """A shard file's bytes from its lines: sorted by article id, then record key."""
    return b"".join(line.line for line in sorted(lines, key=lambda line: line.order))


def shards(root: Path, kind: str) -> list[str]:
    """The shards of one kind that exist, in order."""
    folder = root / kind
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(name[: -len(SUFFIX)] for name in names if name.endswith(SUFFIX) and not name.startswith("."))
