"""``beyan hydrate``: put article text back into a standoff dataset from the user's own copies.

Standoff rows carry offsets, ``text_sha256`` and the URL but no text. Given files holding
the articles (as published, or as beyan stores them), hydrate finds which article each file
is by the hash of its text, refuses any file whose hash matches no standoff article, and
writes a new dataset folder in which every matched article's text and span texts are
filled in: the rows a full-text build would have given.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from beyan import atomic
from beyan.configs import CONFIGS
from beyan.issues import BeyanError, Issues, fail
from beyan.jsonio import dumps, read_json
from beyan.readers import ARTICLE_FORMATS
from beyan.readers.news_text import sha256_hex
from beyan.schema import current
from beyan.schema.arrow import parquet_schema
from beyan.transforms.offsets import normalize_newlines
from beyan.writers.manifest import file_sha256
from beyan.writers.parquet import ROWS_PER_GROUP, write_options


@dataclass(slots=True)
class HydrateResult:
    out: Path
    hydrated: list[str] = field(default_factory=list)
    still_standoff: list[str] = field(default_factory=list)


def candidate_texts(raw: bytes, *, where: str) -> list[str]:
    """Every text beyan could have derived from a file: as it is, with LF line breaks, or parsed."""
    try:
        decoded = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return []
    texts = [decoded, normalize_newlines(decoded)]
    for fmt, parse in ARTICLE_FORMATS.items():
        try:
            texts.append(parse(raw, {"format": fmt}, where).text)
        except BeyanError:
            continue
    return list(dict.fromkeys(texts))


def _standoff_articles(folder: Path) -> dict[str, int]:
    """text_sha256 -> text length of every article without text."""
    wanted: dict[str, int] = {}
    for path in sorted((folder / "data" / "articles").glob("*.parquet")):
        table = pq.read_table(path, columns=["text", "text_sha256", "text_length"])
        for text, sha, length in zip(*(table.column(n).to_pylist() for n in table.column_names), strict=True):
            if text is None:
                wanted[sha] = length
    return wanted


def _rewrite(path: Path, target: Path, texts: dict[str, str], article_sha: dict[str, str]) -> None:
    """Rewrite one Parquet file with the text of every hydrated article filled in, same schema and layout."""
    spec = CONFIGS[path.parent.name]
    table = pq.read_table(path)
    rows = table.to_pylist()
    for row in rows:
        if spec.text_column and row[spec.text_column] is None:
            text = texts.get(article_sha[row["article_id"]])
            if text is not None:
                spec.hydrate(row, text)
    # The declared schema, not the one read back: Parquet renames list items ("element"), which
    # would change the embedded Arrow schema and so the bytes.
    schema = parquet_schema(current().configs[path.parent.name])
    with pq.ParquetWriter(target, schema, **write_options()) as writer:
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema), row_group_size=ROWS_PER_GROUP)


def hydrate(*, dataset: Path | str, sources: list[Path | str], out: Path | str) -> HydrateResult:
    """Write ``out``: ``dataset`` with the text of its standoff articles taken from ``sources``."""
    dataset, out = Path(dataset), Path(out)
    if not (dataset / "data" / "articles").is_dir():
        raise fail("not-a-dataset", (str(dataset),), "not a beyan dataset folder (no data/articles)", exit_code=2)
    wanted = _standoff_articles(dataset)
    files: list[Path] = []
    for source in map(Path, sources):
        files += sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
    issues = Issues()
    texts: dict[str, str] = {}
    for file in files:
        try:
            raw = file.read_bytes()
        except OSError as error:
            issues.error("unreadable", (str(file),), f"cannot read the copy: {error.strerror}")
            continue
        matches = {sha256_hex(t.encode("utf-8")): t for t in candidate_texts(raw, where=str(file))}
        found = [sha for sha in matches if sha in wanted]
        if not found:
            issues.error(
                "hash-mismatch",
                (str(file),),
                "this copy is not the text of any standoff article of the dataset; it is refused",
                expected="one of: " + ", ".join(sorted(wanted)[:5]) + ("…" if len(wanted) > 5 else ""),
                found=", ".join(sorted(matches)[:3]) or "not UTF-8 text",
                hint="use the article exactly as published (same edition); a corrected or edited copy has another hash",
            )
            continue
        texts[found[0]] = matches[found[0]]
    if issues.has_errors:
        raise BeyanError(issues)

    staging = atomic.temporary_sibling(out)
    try:
        shutil.copytree(dataset, staging)
        article_sha: dict[str, str] = {}
        for path in sorted((dataset / "data" / "articles").glob("*.parquet")):
            table = pq.read_table(path, columns=["article_id", "text_sha256"])
            article_sha.update(
                zip(table.column("article_id").to_pylist(), table.column("text_sha256").to_pylist(), strict=True)
            )
        for path in sorted((dataset / "data").rglob("*.parquet")):
            _rewrite(path, staging / path.relative_to(dataset), texts, article_sha)
        manifest_path = staging / "manifest.json"
        if manifest_path.is_file():
            manifest = read_json(manifest_path, what="manifest")
            manifest["text_policy"] = "hydrated"
            for relative in manifest.get("outputs", {}):
                if relative.startswith("data/"):
                    manifest["outputs"][relative] = {
                        "sha256": file_sha256(staging / relative),
                        "bytes": (staging / relative).stat().st_size,
                    }
            (staging / "croissant.json").unlink(missing_ok=True)
            manifest["outputs"].pop("croissant.json", None)
            manifest_path.write_text(dumps(manifest), "utf-8")
        atomic.replace_directory(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return HydrateResult(out, sorted(texts), sorted(set(wanted) - set(texts)))
