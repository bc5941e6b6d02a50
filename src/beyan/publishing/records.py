"""What a release contains, record by record, and how two releases differ.

A release's *record index* gives, per article, its split, a hash of its metadata and, per
statement, a hash of its content and one of its provenance; plus the ``datasets`` features
of each config. Comparing two indexes says which semantic-version bump the change needs,
by the rules of TFDS and Croissant:

* **major**: a record removed or changed, an article moved between splits, a label
  vocabulary or field changed or removed;
* **minor**: records or fields added, old ones unchanged;
* **patch**: the same records (only provenance, serialization or documentation changed).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from beyan.schema.arrow import HF_METADATA_KEY

BUMPS = ("patch", "minor", "major")


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def record_index(folder: Path) -> dict[str, Any]:
    """The record index of a built dataset folder (read from its ``articles`` config)."""
    articles: dict[str, Any] = {}
    features: dict[str, Any] = {}
    for config_dir in sorted((folder / "data").iterdir()) if (folder / "data").is_dir() else []:
        for path in sorted(config_dir.glob("*.parquet")):
            metadata = pq.read_schema(path).metadata or {}
            if HF_METADATA_KEY in metadata:
                features[config_dir.name] = json.loads(metadata[HF_METADATA_KEY])["info"]["features"]
            if config_dir.name != "articles":
                continue
            split = path.name.split("-")[0]
            for row in pq.read_table(path).to_pylist():
                statements = row.pop("statements")
                row.pop("text")  # present or not depending on rights: the hash below stands for it
                articles[row["article_id"]] = {
                    "split": split,
                    "metadata": _digest(row),
                    "statements": {
                        s["statement_id"]: {
                            "content": _digest({k: v for k, v in s.items() if k != "provenance"}),
                            "provenance": _digest(s["provenance"]),
                        }
                        for s in statements
                    },
                }
    data_files = {}
    manifest_path = folder / "manifest.json"
    if manifest_path.is_file():
        outputs = json.loads(manifest_path.read_text("utf-8")).get("outputs", {})
        data_files = {k: v["sha256"] for k, v in outputs.items()}
    return {"features": features, "articles": dict(sorted(articles.items())), "files": data_files}


@dataclass(slots=True)
class Diff:
    """Differences between an old and a new record index, and the bump they need."""

    articles_added: list[str] = field(default_factory=list)
    articles_removed: list[str] = field(default_factory=list)
    articles_changed: list[str] = field(default_factory=list)
    statements_added: list[str] = field(default_factory=list)
    statements_removed: list[str] = field(default_factory=list)
    statements_changed: list[str] = field(default_factory=list)
    provenance_changed: list[str] = field(default_factory=list)
    split_moves: list[tuple[str, str, str]] = field(default_factory=list)
    schema_breaking: list[str] = field(default_factory=list)
    schema_added: list[str] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)

    @property
    def required_bump(self) -> str | None:
        if (
            self.articles_removed
            or self.articles_changed
            or self.statements_removed
            or self.statements_changed
            or self.split_moves
            or self.schema_breaking
        ):
            return "major"
        if self.articles_added or self.statements_added or self.schema_added:
            return "minor"
        if self.provenance_changed or self.files_changed:
            return "patch"
        return None

    def reasons(self) -> list[str]:
        """One line per kind of change, worst first."""
        lines: list[str] = []

        def add(items: list[Any], text: str) -> None:
            if items:
                shown = ", ".join(str(i) for i in items[:5]) + (
                    f", and {len(items) - 5} more" if len(items) > 5 else ""
                )
                lines.append(f"{text} ({len(items)}): {shown}")

        add(self.schema_breaking, "major: schema changed")
        add([f"{a} {old}->{new}" for a, old, new in self.split_moves], "major: articles moved between splits")
        add(self.articles_removed, "major: articles removed")
        add(self.articles_changed, "major: articles changed")
        add(self.statements_removed, "major: statements removed")
        add(self.statements_changed, "major: statements changed")
        add(self.schema_added, "minor: fields added")
        add(self.articles_added, "minor: articles added")
        add(self.statements_added, "minor: statements added")
        add(self.provenance_changed, "patch: provenance changed")
        add(self.files_changed, "patch: files changed")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "required_bump": self.required_bump,
            "articles": {
                "added": self.articles_added,
                "removed": self.articles_removed,
                "changed": self.articles_changed,
            },
            "statements": {
                "added": self.statements_added,
                "removed": self.statements_removed,
                "changed": self.statements_changed,
                "provenance_changed": self.provenance_changed,
            },
            "split_moves": [{"article": a, "from": old, "to": new} for a, old, new in self.split_moves],
            "schema": {"breaking": self.schema_breaking, "added": self.schema_added},
            "files_changed": self.files_changed,
        }


def compare(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    diff = Diff()
    for config in sorted(set(old["features"]) | set(new["features"])):
        before, after = old["features"].get(config), new["features"].get(config)
        if before is None:
            diff.schema_added.append(f"config {config}")
            continue
        if after is None:
            diff.schema_breaking.append(f"config {config} removed")
            continue
        for name in sorted(set(before) | set(after)):
            if name not in after:
                diff.schema_breaking.append(f"{config}.{name} removed")
            elif name not in before:
                diff.schema_added.append(f"{config}.{name}")
            elif before[name] != after[name]:
                diff.schema_breaking.append(f"{config}.{name} changed")
    old_articles, new_articles = old["articles"], new["articles"]
    for article_id in sorted(set(old_articles) | set(new_articles)):
        a, b = old_articles.get(article_id), new_articles.get(article_id)
        if a is None:
            diff.articles_added.append(article_id)
            diff.statements_added += sorted(b["statements"])
            continue
        if b is None:
            diff.articles_removed.append(article_id)
            diff.statements_removed += sorted(a["statements"])
            continue
        if a["split"] != b["split"]:
            diff.split_moves.append((article_id, a["split"], b["split"]))
        if a["metadata"] != b["metadata"]:
            diff.articles_changed.append(article_id)
        for statement_id in sorted(set(a["statements"]) | set(b["statements"])):
            sa, sb = a["statements"].get(statement_id), b["statements"].get(statement_id)
            if sa is None:
                diff.statements_added.append(statement_id)
            elif sb is None:
                diff.statements_removed.append(statement_id)
            elif sa["content"] != sb["content"]:
                diff.statements_changed.append(statement_id)
            elif sa["provenance"] != sb["provenance"]:
                diff.provenance_changed.append(statement_id)
    old_files, new_files = old.get("files", {}), new.get("files", {})
    # The card and croissant.json name the version, so only data and the datasheet count here.
    compared = {name for name in set(old_files) | set(new_files) if name.startswith("data/") or name == "DATASHEET.md"}
    diff.files_changed = sorted(name for name in compared if old_files.get(name) != new_files.get(name))
    return diff
