"""The documents of a silver dataset folder, once its data files are written: card, Croissant, manifest.

Built from what ``beyan build``'s :func:`~beyan.build.finish_dataset` is made of (the card's
front matter :func:`~beyan.writers.card.card_yaml`, the field reference, Croissant 1.1 with
its RAI fields, the manifest's shape), with what silver needs said instead of gold's: the
extractor and run that made every row, the reconciliation of the run (read = extracted +
dropped, each reason counted), the near-duplicates removed, and the scores on the gold
articles the silver overlaps. The rejects file is the tasks' drops in input order.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import yaml

from beyan import atomic
from beyan.build import environment
from beyan.evaluation import EvaluationResult
from beyan.issues import BeyanError, Issues
from beyan.jsonio import dumps
from beyan.schema import current
from beyan.schema.docs import schema_reference
from beyan.silver.dedup import BANDS, N_GRAMS, ROWS_PER_BAND
from beyan.silver.extractors import SilverExtractor
from beyan.silver.pipeline import Reconciliation, SilverResult
from beyan.silver.steps import CONFIG, SPLIT
from beyan.writers.card import card_yaml
from beyan.writers.croissant import croissant_metadata, write_croissant
from beyan.writers.manifest import file_sha256
from beyan.writers.stats import escape_markdown

DEFAULT_DESCRIPTION = (
    "Machine-annotated (silver) attributed statements in news: who said what, found by an extractor "
    "in raw articles, never checked by a person."
)
DATA_COLLECTION = (
    "Raw news (web archives, feeds, saved pages) read by `beyan silver`: article text and metadata extracted, "
    "language detected where the source does not say it, exact and near-duplicate articles removed (MinHash), "
    "then statements found by the extractor named in every row's machine_provenance."
)
PERSONAL_INFORMATION = (
    "Names of speakers as they appear in published news, with statements a machine attributed to them: "
    "attributions can be wrong. No annotator took part."
)
USE_CASES = (
    "Pre-training quotation-attribution models before fine-tuning on the gold dataset.",
    "Studying who is quoted on what across large news collections, with the extractor's error rates in mind.",
)
LICENSE_NOTE = "Per-article rights of the source news; the machine annotations by the run's operator."
ANNOTATION_PROTOCOL = "No human annotation: statements found by the extractor named in machine_provenance."


def _reconcile(work: Path, missing: list[str]) -> Reconciliation:
    result = Reconciliation(files_not_read=len(missing))
    for path in sorted((work / "counts").glob("read-*.json")):
        counts = orjson.loads(path.read_bytes())
        drops = Counter(counts["drops"])
        result.files_not_read += drops.pop("file-not-read", 0)
        result.records += counts["stored"] + sum(drops.values())
        result.dropped.update(drops)
    for path in sorted((work / "counts").glob("extract-*.json")):
        counts = orjson.loads(path.read_bytes())
        result.articles += counts.get("articles", 0)
        result.statements_predicted += counts.get("statements:predicted", 0)
        result.statements_written += counts.get("statements:written", 0)
        for key, value in counts.items():
            kind, _, code = key.partition(":")
            if kind == "drop":
                result.dropped[code] += value
            elif kind == "statement-reject":
                result.statements_rejected[code] += value
            elif kind == "language":
                result.articles_with_statements[code] += value
    return result


def _write_rejects(work: Path, target: Path) -> int:
    """The drops of every task, read stage then the later ones, each in input order (whatever the task count)."""
    written = 0
    partial = atomic.temporary_sibling(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(partial, "wb") as out:
        for stage in ("read", "extract"):
            for path in sorted((work / "drops").glob(f"{stage}-*.jsonl")):
                data = path.read_bytes()
                out.write(data)
                written += data.count(b"\n")
    os.replace(partial, target)
    return written


def _shards(work: Path) -> list[dict[str, Any]]:
    return [orjson.loads(path.read_bytes()) for path in sorted((work / "shards").glob("*.json"))]


def card_text(
    *,
    pretty_name: str,
    description: str,
    version: str,
    shards: list[dict[str, Any]],
    reconciliation: Reconciliation,
    extractor: SilverExtractor,
    run_id: str,
    text_policy: str,
    evaluation: EvaluationResult | None,
    gold_name: str | None,
) -> str:
    """README.md: the Hub's front matter (config ``silver``, split ``train``) and what the silver is and is not."""
    paths = [shard["path"] for shard in shards]
    sizes = {shard["path"]: (shard["rows"], shard["bytes"]) for shard in shards}
    languages = sorted({language for shard in shards for language in shard["languages"]}) or ["und"]
    rows = sum(shard["rows"] for shard in shards)
    front = card_yaml(
        pretty_name=pretty_name,
        languages=languages,
        data_files={CONFIG: {SPLIT: paths}},
        total_rows=rows,
        file_sizes=sizes,
    )
    front["tags"] = [*front["tags"], "silver", "machine-annotated"]
    rec = reconciliation
    table = ["| what | count |", "|---|---:|", f"| records read | {rec.records} |"]
    table.append(f"| articles extracted | {rec.articles} |")
    table += [f"| dropped: {code} | {n} |" for code, n in sorted(rec.dropped.items())]
    table += [
        f"| statements predicted | {rec.statements_predicted} |",
        f"| statements written | {rec.statements_written} |",
    ]
    table += [f"| statements rejected: {code} | {n} |" for code, n in sorted(rec.statements_rejected.items())]
    if rec.files_not_read:
        table.append(f"| files not read | {rec.files_not_read} |")
    counts_table = "\n".join(table)
    if evaluation is None:
        scores = "No gold dataset was given to the run (`beyan silver --gold DIST`): silver was not scored."
    elif evaluation.scores["counts"]["articles"] == 0:
        scores = (
            f"No article of this silver is in the gold dataset `{escape_markdown(gold_name or '')}`: nothing to score."
        )
    else:
        scores = (
            f"The silver statements of the {evaluation.scores['counts']['articles']} article(s) that are also in the "
            f"gold dataset `{escape_markdown(gold_name or '')}` (same text), scored against their gold statements "
            f"with `beyan evaluate`:\n\n{evaluation.markdown()}"
        )
    standoff = (
        "Articles whose rights forbid redistribution are **standoff**: their rows carry offsets and "
        "`text_sha256` but no text (`beyan hydrate` puts it back from your copy)."
        if text_policy == "rights"
        else "This is a **local run with full text**: rows carry the text of every article, whatever its rights."
    )
    return f"""---
{yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)}---

# {escape_markdown(pretty_name)}

{escape_markdown(description or DEFAULT_DESCRIPTION)}

**Silver, not gold.** Every statement here was found by a machine, and no person checked it.
Each row's `machine_provenance` names the extractor (`{escape_markdown(extractor.name)}`, version
`{escape_markdown(extractor.version)}`, SHA-256 `{extractor.sha256[:16]}…`) and the run (`{run_id}`);
gold rows have `provenance` with annotators instead, so the two cannot be mixed up.

- Dataset version **{escape_markdown(version)}**, schema version **{current().version}** (see `manifest.json`).
- {standoff}

## Loading

```python
from datasets import load_dataset

silver = load_dataset("<this folder or hub id>", "{CONFIG}", split="{SPLIT}", streaming=True)
for row in silver.take(3):
    span = row["content_spans"][0]
    print(row["machine_provenance"]["extractor"], row["article_text"][span["start"]:span["end"]])
```

Offsets are Unicode code points into `article_text`, `[start, end)`, as in the gold configs.

## How it was made

{counts_table}

Records read = articles extracted + dropped; statements predicted = written + rejected. The
rejects file of the run names each one with its location and reason. Near-duplicates are found
with MinHash (word {N_GRAMS}-grams, {BANDS} bands of {ROWS_PER_BAND} hashes); of each group the
first copy read is kept. Rows are sorted by article id and statement id, in
{len(shards)} shard(s); the same inputs and settings give byte-identical shards on any engine
and any number of workers.

## Scores on gold

{scores}

## Fields

{schema_reference({CONFIG: current().configs[CONFIG]}, heading="###")}"""


def finish_silver(
    *,
    work: Path,
    staging: Path,
    out: Path,
    rejects: Path,
    run_id: str,
    extractor: SilverExtractor,
    settings: dict[str, Any],
    digests: dict[str, str],
    missing: list[str],
    gold: Path | None,
    name: str,
    pretty_name: str,
    description: str,
    version: str,
) -> SilverResult:
    """Card, Croissant and manifest into ``staging``; the rejects file; then ``staging`` becomes ``out``."""
    reconciliation = _reconcile(work, missing)
    if not reconciliation.balanced:
        issues = Issues()
        issues.error(
            "unbalanced-run",
            (str(work),),
            "the run's counts do not add up: records or statements were lost",
            found=reconciliation.render(),
            hint="this is a bug in beyan silver: keep the work folder and report it",
        )
        raise BeyanError(issues)
    shards = _shards(work)
    evaluation = None
    if gold is not None:
        from beyan.silver.evaluate import score_silver

        evaluation = score_silver(silver=staging, gold=gold)
    rejected = _write_rejects(work, rejects)
    card = card_text(
        pretty_name=pretty_name,
        description=description,
        version=version,
        shards=shards,
        reconciliation=reconciliation,
        extractor=extractor,
        run_id=run_id,
        text_policy=settings["text"],
        evaluation=evaluation,
        gold_name=gold.name if gold is not None else None,
    )
    (staging / "README.md").write_text(card, "utf-8")
    outputs: dict[str, dict[str, Any]] = {s["path"]: {"sha256": s["sha256"], "bytes": s["bytes"]} for s in shards}
    outputs["README.md"] = {
        "sha256": file_sha256(staging / "README.md"),
        "bytes": (staging / "README.md").stat().st_size,
    }
    languages: Counter[str] = Counter()
    for shard in shards:
        languages.update(shard["languages"])
    manifest: dict[str, Any] = {
        "dataset": name,
        "dataset_version": version,
        "schema_version": current().version,
        "kind": "silver",
        "text_policy": settings["text"],
        "run": {
            "run_id": run_id,
            "extractor": extractor.provenance(),
            "settings": settings,
            "dedup": {"method": "minhash", "n_grams": N_GRAMS, "bands": BANDS, "rows_per_band": ROWS_PER_BAND},
        },
        "counts": {
            CONFIG: {SPLIT: sum(s["rows"] for s in shards)},
            "silver_articles": sum(s["articles"] for s in shards),
            "languages": dict(sorted(languages.items())),
        },
        "reconciliation": {**reconciliation.to_dict(), "rejects_written": rejected},
        "evaluation": None if evaluation is None else evaluation.to_dict(),
        "inputs": dict(sorted(digests.items())),
        "outputs": dict(sorted(outputs.items())),
        "environment": environment(),
    }
    croissant = croissant_metadata(
        folder=staging,
        manifest=manifest,
        pretty_name=pretty_name,
        description=description or DEFAULT_DESCRIPTION,
        license_note=LICENSE_NOTE,
        annotation_protocol=ANNOTATION_PROTOCOL,
        annotators=0,
        annotations_per_item="none: machine annotation, one extractor run",
        annotation_platform=(f"{extractor.name} {extractor.version} (machine, `beyan silver`)",),
        data_collection=DATA_COLLECTION,
        personal_information=PERSONAL_INFORMATION,
        use_cases=USE_CASES,
        limitations=(
            f"Silver: {manifest['counts'][CONFIG][SPLIT]} statements found by {extractor.name} "
            f"{extractor.version} in {reconciliation.articles} articles, unchecked by people.",
        ),
    )
    write_croissant(staging, croissant)
    outputs["croissant.json"] = {
        "sha256": file_sha256(staging / "croissant.json"),
        "bytes": (staging / "croissant.json").stat().st_size,
    }
    manifest["outputs"] = dict(sorted(outputs.items()))
    (staging / "manifest.json").write_text(dumps(manifest), "utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic.remove_stale_siblings(out)
    atomic.replace_directory(staging, out)
    return SilverResult(out=out, manifest=manifest, reconciliation=reconciliation, rejects=rejects, run_id=run_id)
