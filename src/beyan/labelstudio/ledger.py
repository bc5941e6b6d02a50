"""Bookkeeping of an import: every item read ends up imported or rejected, with a reason.

* :class:`Items`: the results of one annotation, each used, rejected (with a coded reason) or
  left out only because something it belongs with was rejected;
* :class:`Reconciliation`: for every kind of item, read = imported + rejected;
* :class:`RejectsWriter`: the rejects file, one JSON line per rejected item, and for a rejected
  annotation its full JSON (identities scrubbed), so nothing is lost either way.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from beyan import atomic
from beyan.issues import Issues

TASKS = "tasks"
ANNOTATIONS = "annotations"
REGION = "regions"
RELATION = "relations"
ATTRIBUTE = "region attributes"
DOCUMENT = "document choices"
OTHER = "other results"
DRAFTS = "drafts"
PREDICTIONS = "predictions"
KINDS = (TASKS, ANNOTATIONS, REGION, RELATION, ATTRIBUTE, DOCUMENT, OTHER, DRAFTS, PREDICTIONS)
RESULT_KINDS = (REGION, RELATION, ATTRIBUTE, DOCUMENT, OTHER)

PENDING, USED, REJECTED = 0, 1, 2

Reject = tuple[str, tuple[str, ...], str, str]  # kind, location, code, reason


class Items:
    """The results of one annotation and what became of each (indexes are result positions)."""

    __slots__ = ("follow_on", "issues", "kinds", "labels", "rejects", "state", "where")

    def __init__(self, where: tuple[str, ...], issues: Issues) -> None:
        self.where = where
        self.issues = issues
        self.kinds: list[str] = []
        self.labels: list[str] = []
        self.state: list[int] = []
        self.follow_on: list[bool] = []
        self.rejects: list[Reject] = []

    def add(self, kind: str, label: str) -> int:
        self.kinds.append(kind)
        self.labels.append(label)
        self.state.append(PENDING)
        self.follow_on.append(False)
        return len(self.kinds) - 1

    def location(self, item: int) -> tuple[str, ...]:
        return (*self.where, self.labels[item])

    def use(self, item: int) -> None:
        if self.state[item] == PENDING:
            self.state[item] = USED

    def reject(
        self,
        item: int,
        code: str,
        message: str,
        *,
        severity: str = "error",
        expected: str | None = None,
        found: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.state[item] = REJECTED
        location = self.location(item)
        self.issues.add(code, severity, location, message, expected=expected, found=found, hint=hint)  # type: ignore[arg-type]
        self.rejects.append((self.kinds[item], location, code, message))

    @property
    def failed(self) -> bool:
        return REJECTED in self.state

    def counts(self) -> Counter[str]:
        return Counter(self.kinds)


@dataclass(slots=True)
class Reconciliation:
    """For every kind of item: read = imported + rejected."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts[(kind, "read")] += n
        self.counts[(kind, outcome)] += n

    def move(self, kind: str, n: int = 1) -> None:
        """``n`` items counted as imported are not imported after all."""
        self.counts[(kind, "imported")] -= n
        self.counts[(kind, "rejected")] += n

    def merge(self, other: Reconciliation) -> None:
        self.counts.update(other.counts)

    def row(self, kind: str) -> tuple[int, int, int]:
        return self.counts[(kind, "read")], self.counts[(kind, "imported")], self.counts[(kind, "rejected")]

    def balanced(self) -> bool:
        return all(read == imported + rejected for read, imported, rejected in map(self.row, KINDS))

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {
            kind: dict(zip(("read", "imported", "rejected"), self.row(kind), strict=True))
            for kind in KINDS
            if self.row(kind)[0]
        }

    def render(self) -> str:
        lines = [f"{'':20} {'read':>9} {'imported':>9} {'rejected':>9}"]
        for kind, row in self.to_dict().items():
            lines.append(f"{kind:20} {row['read']:>9} {row['imported']:>9} {row['rejected']:>9}")
        return "\n".join(lines)


class RejectsWriter:
    """Rejects streamed to a JSON Lines file beside the target, moved into place at the end."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None
        self._tmp: Path | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic.remove_stale_siblings(path)
            self._tmp = atomic.temporary_sibling(path)
            self._handle = open(self._tmp, "w", encoding="utf-8")

    def write(self, kind: str, location: tuple[str, ...], code: str, reason: str, **extra: Any) -> None:
        self.count += 1
        if self._handle is not None:
            record = {"kind": kind, "location": " > ".join(location), "code": code, "reason": reason, **extra}
            self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self, *, keep: bool) -> None:
        if self._handle is None or self._tmp is None or self.path is None:
            return
        self._handle.close()
        self._handle = None
        if keep:
            os.replace(self._tmp, self.path)
        else:
            self._tmp.unlink(missing_ok=True)
