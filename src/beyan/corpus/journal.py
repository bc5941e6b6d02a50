"""The corpus journal: every applied change recorded with what it replaced, so it can be undone.

A :class:`Changeset` collects record-level changes (an article or annotation put or deleted,
a whole file written or removed), renders the touched shard files and writes them together
with a journal entry, ``journal/<NNNNNN>.jsonl``, in one transaction. The entry's first line
says what happened (when, which command, from which source, counts); each following line is
one changed record: its file, its key, the record as it was before (``null``: it did not
exist) and a hash of the line after (``null``: deleted).

:func:`undo` writes the ``before`` of every change back, after checking that each record is
still what the entry left (otherwise a later change depends on it, and the later entry is
named). Like ``git revert``, an undo is itself a journal entry. Shard files are canonical
renderings of their records, so restoring the records restores the bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from beyan.corpus.shards import (
    ShardLine,
    encode,
    line_hash,
    read_shard,
    record_key,
    render_shard,
    shard_of,
    shard_path,
)
from beyan.issues import Issues, fail

if TYPE_CHECKING:
    from beyan.corpus.store import Corpus

JOURNAL_DIR = "journal"
UNDO = "undo"
SPOOL_BYTES = 16 << 20


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class JournalEntry:
    """The first line of a journal file."""

    id: str
    time: str
    command: str
    source: list[str]
    counts: dict[str, dict[str, int]]
    reverts: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time,
            "command": self.command,
            "source": self.source,
            "counts": self.counts,
            "reverts": self.reverts,
            "details": self.details,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> JournalEntry:
        return cls(
            id=str(value["id"]),
            time=str(value.get("time", "")),
            command=str(value.get("command", "")),
            source=list(value.get("source", [])),
            counts=dict(value.get("counts", {})),
            reverts=value.get("reverts"),
            details=dict(value.get("details", {})),
        )

    def summary(self) -> str:
        parts = []
        for kind, counts in self.counts.items():
            changed = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
            if changed:
                parts.append(f"{kind}: {changed}")
        return "; ".join(parts) or "no changes"


Change = tuple[str, bytes] | None  # the record's article id and its new line, or None: delete


class Changeset:
    """Record-level changes to a corpus, written with their journal entry in one transaction.

    Changes given with :meth:`put` and :meth:`delete` wait until :meth:`commit`; an importer
    that has computed a whole shard's changes hands them over with :meth:`stage_shard`, so its
    memory is bounded by a shard, not by the import.
    """

    def __init__(self, corpus: Corpus, *, command: str, source: list[str] | None = None) -> None:
        self.corpus = corpus
        self.command = command
        self.source = list(source or [])
        self.details: dict[str, Any] = {}
        self.reverts: str | None = None
        self.txn = corpus.transaction()
        self.counts: dict[str, Counter[str]] = {}
        self._pending: dict[tuple[str, str], dict[str, Change]] = {}
        self._staged_shards: set[tuple[str, str]] = set()
        self._changes_path = self.txn.staged_path(".journal-changes")
        self._changes_path.parent.mkdir(parents=True, exist_ok=True)
        self._changes: IO[bytes] | None = open(self._changes_path, "wb")
        self.changed_records = 0
        self._spooled: dict[tuple[str, str], list[bytes]] = {}
        self._spooled_bytes = 0
        self._spool_files: set[tuple[str, str]] = set()

    # ------------------------------------------------------------ giving changes

    def put(self, kind: str, record: dict[str, Any]) -> None:
        shard = shard_of(str(record["article_id"]))
        self._pending.setdefault((kind, shard), {})[record_key(kind, record)] = (
            str(record["article_id"]),
            encode(record),
        )

    def spool(self, kind: str, record: dict[str, Any]) -> None:
        """:meth:`put` for many records: they wait on disk, by shard, not in memory (an ingest of 100,000 articles)."""
        shard = shard_of(str(record["article_id"]))
        line = orjson.dumps([record_key(kind, record), str(record["article_id"])]) + b"\n" + encode(record)
        self._spooled.setdefault((kind, shard), []).append(line)
        self._spooled_bytes += len(line)
        if self._spooled_bytes > SPOOL_BYTES:
            self._flush_spool()

    def _spool_path(self, kind: str, shard: str) -> Path:
        return self.txn.staged_path(f".spool/{kind}/{shard}.jsonl")

    def _flush_spool(self) -> None:
        for (kind, shard), lines in self._spooled.items():
            path = self._spool_path(kind, shard)
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "ab") as handle:
                handle.writelines(lines)
            self._spool_files.add((kind, shard))
        self._spooled.clear()
        self._spooled_bytes = 0

    def _take_spool(self) -> None:
        """Move the spooled records into the pending changes, one shard at a time, as they are staged."""
        self._flush_spool()
        for kind, shard in sorted(self._spool_files):
            path = self._spool_path(kind, shard)
            changes = self._pending.pop((kind, shard), {})
            with open(path, "rb") as handle:
                for head in handle:
                    key, article_id = orjson.loads(head)
                    changes[key] = (article_id, handle.readline())
            path.unlink()
            self.stage_shard(kind, shard, changes)
        self._spool_files.clear()

    def delete(self, kind: str, article_id: str, key: str) -> None:
        self._pending.setdefault((kind, shard_of(article_id)), {})[key] = None

    def stage_shard(
        self, kind: str, shard: str, changes: dict[str, Change], *, stored: list[ShardLine] | None = None
    ) -> None:
        """Apply ``changes`` to one shard now: the staged file is written and the changes journaled."""
        if (kind, shard) in self._staged_shards:
            raise RuntimeError(f"shard {kind}/{shard} staged twice in one changeset")  # pragma: no cover
        self._staged_shards.add((kind, shard))
        current = stored if stored is not None else read_shard(self.corpus.root, kind, shard)
        by_key = {line.key: line for line in current}
        counts = self.counts.setdefault(kind, Counter())
        changed = False
        for key in sorted(changes):
            change = changes[key]
            before = by_key.get(key)
            new_line = None if change is None else change[1]
            if (before.line if before is not None else None) == new_line:
                continue
            changed = True
            counts["added" if before is None else "removed" if change is None else "replaced"] += 1
            self._journal(shard_path(kind, shard), key, None if before is None else before.record, line_hash(new_line))
            if change is None:
                del by_key[key]
            else:
                by_key[key] = ShardLine(key, change[0], change[1])
        if not changed:
            return
        path = self.corpus.root / shard_path(kind, shard)
        if by_key:
            self.txn.write_bytes(path, render_shard(by_key.values()))
        elif path.exists():
            self.txn.delete(path)

    def put_file(self, relative: str, data: bytes | None) -> None:
        """Write (or, with None, remove) a whole file under the corpus root, journaled with its old content."""
        path = self.corpus.root / relative
        before = path.read_bytes() if path.is_file() else None
        if before == data:
            return
        self.counts.setdefault("files", Counter())[
            "added" if before is None else "removed" if data is None else "replaced"
        ] += 1
        self._journal(relative, None, _file_json(before), line_hash(data))
        if data is None:
            self.txn.delete(path)
        else:
            self.txn.write_bytes(path, data)

    def _journal(self, file: str, key: str | None, before: Any, after: str | None) -> None:
        assert self._changes is not None
        self.changed_records += 1
        self._changes.write(orjson.dumps({"file": file, "key": key, "before": before, "after": after}) + b"\n")

    # ------------------------------------------------------------ the end

    def commit(self) -> JournalEntry | None:
        """Stage what is pending, write the journal entry and commit; None (nothing written) without changes."""
        self._take_spool()
        for (kind, shard), changes in sorted(self._pending.items()):
            self.stage_shard(kind, shard, changes)
        self._pending.clear()
        assert self._changes is not None
        self._changes.close()
        self._changes = None
        if not self.changed_records:
            self.txn.abort()
            return None
        entry = JournalEntry(
            id=next_entry_id(self.corpus.root),
            time=_now(),
            command=self.command,
            source=self.source,
            counts={kind: dict(sorted(c.items())) for kind, c in sorted(self.counts.items())},
            reverts=self.reverts,
            details=self.details,
        )
        journal = self.txn.staged_path(f"{JOURNAL_DIR}/{entry.id}.jsonl")
        journal.parent.mkdir(parents=True, exist_ok=True)
        with open(journal, "wb") as out, open(self._changes_path, "rb") as spilled:
            out.write(orjson.dumps(entry.to_json()) + b"\n")
            while chunk := spilled.read(1 << 20):
                out.write(chunk)
        self._changes_path.unlink()
        self.txn.writes.add(f"{JOURNAL_DIR}/{entry.id}.jsonl")
        self.txn.commit()
        return entry

    def abort(self) -> None:
        if self._changes is not None:
            self._changes.close()
            self._changes = None
        self.txn.abort()


def _file_json(data: bytes | None) -> dict[str, str] | None:
    if data is None:
        return None
    try:
        return {"text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def _file_bytes(value: dict[str, str] | None) -> bytes | None:
    if value is None:
        return None
    if "text" in value:
        return value["text"].encode("utf-8")
    return base64.b64decode(value["base64"])


# ------------------------------------------------------------------ reading the journal


def journal_files(root: Path) -> list[Path]:
    folder = root / JOURNAL_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".jsonl" and p.stem.isdigit())


def next_entry_id(root: Path) -> str:
    files = journal_files(root)
    return f"{int(files[-1].stem) + 1 if files else 1:06d}"


def read_entry(path: Path) -> JournalEntry:
    with open(path, "rb") as handle:
        first = handle.readline()
    try:
        return JournalEntry.from_json(orjson.loads(first))
    except (orjson.JSONDecodeError, KeyError, TypeError) as error:
        raise fail("corrupt-journal", (str(path), "line 1"), f"not a journal entry ({error})") from None


def read_changes(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, "rb") as handle:
        handle.readline()
        for line in handle:
            yield orjson.loads(line)


def entries(root: Path) -> list[JournalEntry]:
    return [read_entry(path) for path in journal_files(root)]


def undone_by(all_entries: list[JournalEntry]) -> dict[str, str]:
    """Entry id -> the id of the entry that reverted it."""
    return {e.reverts: e.id for e in all_entries if e.reverts is not None}


# ------------------------------------------------------------------ undo


def undo(corpus: Corpus, *, entry_id: str | None = None, dry_run: bool = False) -> JournalEntry | None:
    """Revert one journal entry (by default the latest that is not an undo and not undone yet).

    Refused, with every conflicting record named, when a later change touched a record this
    entry changed: undo the later entry first.
    """
    root = corpus.root
    all_entries = entries(root)
    reverted = undone_by(all_entries)
    if entry_id is None:
        candidates = [e for e in all_entries if e.command != UNDO and e.id not in reverted]
        if not candidates:
            raise fail("nothing-to-undo", (str(root / JOURNAL_DIR),), "no change in the journal is left to undo")
        target = candidates[-1]
    else:
        wanted = entry_id.zfill(6)
        found = [e for e in all_entries if e.id == wanted]
        if not found:
            raise fail(
                "unknown-entry",
                (str(root / JOURNAL_DIR),),
                "no such journal entry",
                found=repr(entry_id),
                hint="`beyan log` lists the entries",
            )
        target = found[0]
        if target.id in reverted:
            raise fail(
                "already-undone",
                (str(root / JOURNAL_DIR / f"{target.id}.jsonl"),),
                f"entry {target.id} was already undone by entry {reverted[target.id]}",
                hint=f"`beyan undo {reverted[target.id]}` redoes it",
            )
    path = root / JOURNAL_DIR / f"{target.id}.jsonl"
    changes = list(read_changes(path))
    shards: dict[str, dict[str, ShardLine]] = {}

    def current_line(file: str, key: str) -> bytes | None:
        if file not in shards:
            kind, name = file.split("/", 1)
            shards[file] = {line.key: line for line in read_shard(root, kind, name.removesuffix(".jsonl"))}
        line = shards[file].get(key)
        return None if line is None else line.line

    issues = Issues()
    later = [e for e in all_entries if e.id > target.id]
    for change in changes:
        file, key, after = change["file"], change["key"], change["after"]
        if key is None:
            on_disk = root / file
            now = line_hash(on_disk.read_bytes()) if on_disk.is_file() else None
        else:
            now = line_hash(current_line(file, key))
        if now != after:
            issues.error(
                "undo-conflict",
                (file, key or "(whole file)"),
                f"changed again after entry {target.id}"
                + (f" (by entry {', '.join(_touching(root, later, file, key))})" if later else ""),
                hint="undo the later entries first, newest first",
            )
    if issues.has_errors:
        from beyan.issues import BeyanError

        raise BeyanError(issues)
    changeset = Changeset(corpus, command=UNDO, source=[f"journal/{target.id}.jsonl"])
    changeset.reverts = target.id
    changeset.details = {"reverted_command": target.command, "reverted_source": target.source}
    for change in changes:
        file, key, before = change["file"], change["key"], change["before"]
        if key is None:
            changeset.put_file(file, _file_bytes(before))
            continue
        kind = file.split("/", 1)[0]
        if before is None:
            article_id = shards[file][key].record["article_id"]
            changeset.delete(kind, str(article_id), key)
        else:
            changeset.put(kind, before)
    if dry_run:
        changeset.abort()
        return None
    return changeset.commit()


def _touching(root: Path, later: list[JournalEntry], file: str, key: str | None) -> list[str]:
    found = []
    for entry in later:
        if any(c["file"] == file and c["key"] == key for c in read_changes(root / JOURNAL_DIR / f"{entry.id}.jsonl")):
            found.append(entry.id)
    return found or ["an unjournaled edit"]
