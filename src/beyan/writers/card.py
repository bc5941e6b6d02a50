"""The dataset card: ``README.md`` with the YAML the Hub and ``load_dataset`` read."""

from __future__ import annotations

from typing import Any

import yaml

from beyan.labels import gold_configs
from beyan.schema.docs import schema_reference
from beyan.schema.v1 import SCHEMA_VERSION, SPLITS
from beyan.transforms.splits import SPLIT_RULE
from beyan.writers.stats import BuildStats, escape_markdown

DEFAULT_DESCRIPTION = "Attributed statements in political news: who said what, to whom, how, and with which stance."


def size_category(rows: int) -> str:
    for bound, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if rows < bound:
            return name
    return "1M<n<10M"


def card_yaml(
    *,
    pretty_name: str,
    languages: list[str],
    data_files: dict[str, dict[str, list[str]]],
    total_rows: int,
    file_sizes: dict[str, tuple[int, int]] | None = None,
) -> dict[str, Any]:
    """The front matter: configs with explicit file lists (no globs: what is listed is what loads).

    ``file_sizes`` (path -> (rows, bytes)) adds ``dataset_info`` with each split's rows and bytes.
    ``datasets`` keys its cache of a local folder by the folder's name and this front matter, not by
    the files' contents: without sizes, two different builds in folders of the same name (or a rebuild
    in place) could load each other's cached rows.
    """
    configs: list[dict[str, Any]] = []
    for config, splits in data_files.items():
        if not splits:
            continue  # a config without rows cannot be loaded; the card says so in its body
        entry: dict[str, Any] = {"config_name": config}
        if not configs:
            entry["default"] = True
        entry["data_files"] = [
            {"split": split, "path": paths if len(paths) > 1 else paths[0]} for split, paths in splits.items()
        ]
        configs.append(entry)
    front: dict[str, Any] = {
        "pretty_name": pretty_name,
        "language": languages,
        "license": "other",
        "license_name": "beyan-per-article-rights",
        "license_link": "DATASHEET.md",
        "task_categories": ["token-classification", "text-classification"],
        "tags": ["quotation-attribution", "political-statements", "news", "stance"],
        "size_categories": [size_category(total_rows)],
        "configs": configs,
    }
    if file_sizes is not None:
        front["dataset_info"] = [
            _dataset_info(config, splits, file_sizes) for config, splits in data_files.items() if splits
        ]
    return front


def _dataset_info(config: str, splits: dict[str, list[str]], file_sizes: dict[str, tuple[int, int]]) -> dict[str, Any]:
    split_infos: list[dict[str, Any]] = [
        {
            "name": split,
            "num_bytes": sum(file_sizes[path][1] for path in paths),
            "num_examples": sum(file_sizes[path][0] for path in paths),
        }
        for split, paths in splits.items()
    ]
    total = sum(int(info["num_bytes"]) for info in split_infos)
    return {"config_name": config, "splits": split_infos, "download_size": total, "dataset_size": total}


def render_card(
    *,
    pretty_name: str,
    description: str,
    dataset_version: str,
    data_files: dict[str, dict[str, list[str]]],
    stats: BuildStats,
    text_policy: str,
    adjudication: str,
    agreement_markdown: str,
    file_sizes: dict[str, tuple[int, int]] | None = None,
    training_markdown: str = "",
) -> str:
    languages = sorted(stats.languages) or ["tr"]
    front = card_yaml(
        pretty_name=pretty_name,
        languages=languages,
        data_files=data_files,
        total_rows=stats.total_statements,
        file_sizes=file_sizes,
    )
    front_text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    if text_policy == "full":
        text_note = (
            "This is a **local build with full text**: it contains article text whose rights do not "
            "allow redistribution. Use it for your own research; publish with `beyan publish`, which "
            "replaces restricted text by standoff records."
        )
    else:
        text_note = (
            "Articles whose rights do not allow redistribution are **standoff**: their rows carry "
            "offsets and `text_sha256` but no text. Re-attach the text from your own copy with "
            "`beyan hydrate`."
        )
    body = f"""---
{front_text}---

# {escape_markdown(pretty_name)}

{escape_markdown(description or DEFAULT_DESCRIPTION)}

- Dataset version: **{dataset_version}**, schema version **{SCHEMA_VERSION}** (see `manifest.json`).
- Gold statements adjudicated with the **{adjudication}** policy (ground-truth annotations first).
- {text_note}

## Loading

```python
from datasets import load_dataset

statements = load_dataset("<this folder or hub id>", "statements")  # one row per statement
articles = load_dataset("<this folder or hub id>", "articles")      # one row per article, statements nested
row = statements["{_first_nonempty_split(stats)}"][0]
span = row["content_spans"][0]
assert row["article_text"][span["start"]:span["end"]] == span["text"]
```

Offsets are Unicode code points (Python string indices) into the article's `text`,
`[start, end)`. Labels are `ClassLabel` features: `features["quote_type"].int2str(row["quote_type"])`.

## Splits

Each article (with its near-duplicates) is in exactly one split, assigned by a stable
hash of its id and locked once released: {SPLIT_RULE}.

## Statistics

{stats.markdown()}

## Agreement

{agreement_markdown}

{training_markdown}
## Fields

{schema_reference(gold_configs(), heading="###")}
## Rights and personal data

Every article carries its `rights`. Annotator identities are pseudonymized with a keyed
hash before anything is stored. Speakers are public figures quoted in published news;
see `DATASHEET.md` for the full datasheet.
"""
    return body


def _first_nonempty_split(stats: BuildStats) -> str:
    return next((split for split in SPLITS if stats.statements[split]), SPLITS[0])
