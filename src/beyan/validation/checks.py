"""The checks behind :func:`beyan.validation.validate`, one function per kind of artifact."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from beyan.configs import CONFIGS as SPECS
from beyan.configs import ConfigSpec, config_names
from beyan.corpus import CORPUS_FILE, Corpus
from beyan.corpus.shards import ANNOTATIONS
from beyan.corpus.store import articles_of
from beyan.issues import BeyanError, Issues
from beyan.jsonio import read_json
from beyan.schema import current
from beyan.schema.v1 import SCHEMA_VERSION, SPLITS
from beyan.transforms.adjudication import POLICIES
from beyan.validation.annotations import check_annotations
from beyan.validation.background import Background, read_ahead
from beyan.validation.reading import parquet_groups, table_groups
from beyan.validation.tables import RowChecker, check_schema, detect_config
from beyan.writers.manifest import file_sha256

_SEMVER = r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$"
KNOWN_CORPUS_ENTRIES = {
    "corpus.json",
    "splits.json",
    "sources.json",
    "articles",
    "annotations",
    "journal",
    "labelstudio",
}


# ------------------------------------------------------------------ Label Studio exports


def validate_export(path: Path, *, corpus: Path | str | None, issues: Issues) -> None:
    """Every check of an import, without writing: against ``corpus`` if given, else each task's own text."""
    from beyan.labelstudio.importer import check_export

    check_export(path, corpus=corpus, issues=issues)


# ------------------------------------------------------------------ corpus


def validate_corpus(root: Path, *, issues: Issues) -> None:
    """Metadata, raw files, annotations and the split lock of every article; never stops at the first."""
    corpus = Corpus.open(root)  # completes a write an interrupted command had committed
    for note in corpus.recovered:
        issues.warning("interrupted-write", (str(root),), note)
    info = read_json(root / CORPUS_FILE, what="corpus file")
    where = (str(root / CORPUS_FILE),)
    import re

    if not isinstance(info.get("version"), str) or not re.match(_SEMVER, info["version"]):
        issues.error(
            "invalid-value",
            (*where, "version"),
            "the dataset version must be semantic (X.Y.Z)",
            found=repr(info.get("version")),
        )
    if info.get("schema_version") != SCHEMA_VERSION:
        issues.error(
            "schema-version-mismatch",
            (*where, "schema_version"),
            "the corpus was made for another schema version",
            expected=SCHEMA_VERSION,
            found=repr(info.get("schema_version")),
        )
    if info.get("adjudication", "majority") not in POLICIES:
        issues.error(
            "unknown-policy",
            (*where, "adjudication"),
            "unknown adjudication policy",
            expected=str(POLICIES),
            found=repr(info.get("adjudication")),
        )
    for stray in sorted(root.iterdir()):
        if stray.name in KNOWN_CORPUS_ENTRIES or stray.name.startswith("."):
            continue
        issues.warning("stray-file", (str(stray),), "not a file or folder of a beyan corpus (it is ignored)")
    for shard in corpus.iter_shards():
        try:
            for article, annotations in articles_of(corpus, shard):
                at = (corpus.where(ANNOTATIONS, article.article_id), article.article_id)
                check_annotations(article, annotations, issues, at)
        except BeyanError as error:
            issues.extend(error.issues)
    try:
        from beyan.build import read_split_lock

        lock = read_split_lock(corpus)
        unknown = sorted(set(lock) - set(corpus.article_ids()))
        if unknown:
            issues.warning(
                "stale-split-lock",
                (str(root / "splits.json"),),
                "the split lock names articles not in the corpus",
                found=", ".join(unknown[:5]),
            )
    except BeyanError as error:
        issues.extend(error.issues)


# ------------------------------------------------------------------ built datasets


def _front_matter(card: Path, issues: Issues) -> dict[str, Any] | None:
    text = card.read_text("utf-8")
    if not text.startswith("---\n"):
        issues.error("missing-front-matter", (str(card),), "the dataset card has no YAML front matter")
        return None
    end = text.find("\n---", 4)
    try:
        data = yaml.safe_load(text[4:end])
    except yaml.YAMLError as error:
        issues.error("invalid-yaml", (str(card),), f"the card's YAML does not parse: {error}")
        return None
    return data if isinstance(data, dict) else None


def _safe_relative(folder: Path, relative: str, issues: Issues, where: tuple[str, ...]) -> Path | None:
    """A path named by a card or manifest, refused if it leaves the folder."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts:
        issues.error("unsafe-path", where, "the path points outside the dataset folder", found=relative)
        return None
    return folder / pure


class _Hashes:
    """sha256 of files, each computed once per validation (manifest and croissant.json list the same files)."""

    def __init__(self) -> None:
        self._known: dict[Path, str | Background[str]] = {}

    def prefetch(self, paths: Iterable[Path]) -> None:
        """Start hashing every other file (largest first) beside the caller, who hashes the others when asked."""
        files = sorted({path.resolve() for path in paths if path.is_file()}, key=lambda p: -p.stat().st_size)
        for path in files[::2]:
            self._known[path] = Background(partial(file_sha256, path))

    def of(self, path: Path) -> str:
        key = path.resolve()
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = file_sha256(path)
        elif isinstance(known, Background):
            known = self._known[key] = known.result()
        return known


def validate_dataset(folder: Path, *, issues: Issues) -> int:
    """A built dataset folder: card, manifest checksums and split assignment, and every Parquet file."""
    hashes = _Hashes()
    manifest_path = folder / "manifest.json"
    manifest: dict[str, Any] = {}
    if manifest_path.is_file():
        manifest = read_json(manifest_path, what="manifest")
    else:
        issues.error(
            "missing-manifest",
            (str(manifest_path),),
            "a beyan dataset folder has a manifest.json",
            hint="rebuild with `beyan build`",
        )
    card = folder / "README.md"
    listed: dict[tuple[str, str], list[Path]] = {}
    if not card.is_file():
        issues.error("missing-card", (str(card),), "the dataset card README.md is missing")
    else:
        front = _front_matter(card, issues) or {}
        for config in front.get("configs", []) or []:
            name = config.get("config_name")
            if name not in config_names(built_by=None):
                issues.error(
                    "unknown-config",
                    (str(card), "configs"),
                    "unknown config",
                    expected=str(config_names(built_by=None)),
                    found=repr(name),
                )
                continue
            for entry in config.get("data_files", []) or []:
                paths = entry.get("path")
                for relative in [paths] if isinstance(paths, str) else paths or []:
                    resolved = _safe_relative(folder, relative, issues, (str(card), f"config {name}"))
                    if resolved is None:
                        continue
                    if not resolved.is_file():
                        issues.error(
                            "missing-file",
                            (str(card), f"config {name}"),
                            "the card lists a file that does not exist",
                            found=relative,
                        )
                        continue
                    listed.setdefault((name, entry.get("split")), []).append(resolved)
    outputs = sorted((manifest.get("outputs") or {}).items())
    hashes.prefetch(
        folder / r for r, _ in outputs if not PurePosixPath(r).is_absolute() and ".." not in PurePosixPath(r).parts
    )
    for relative, expected in outputs:
        path = _safe_relative(folder, relative, issues, (str(manifest_path), "outputs"))
        if path is None:
            continue
        if not path.is_file():
            issues.error(
                "missing-file",
                (str(manifest_path), "outputs"),
                "the manifest lists a file that does not exist",
                found=relative,
            )
        elif hashes.of(path) != expected.get("sha256"):
            issues.error(
                "checksum-mismatch",
                (str(path),),
                "the file's sha256 is not the one in the manifest: it changed after the build",
                expected=expected.get("sha256"),
                found=hashes.of(path),
            )
    if (folder / "croissant.json").is_file():
        _check_croissant(folder, issues, hashes)
    listed_files = {p.resolve() for files in listed.values() for p in files}
    for parquet in sorted((folder / "data").rglob("*.parquet")) if (folder / "data").is_dir() else []:
        if parquet.resolve() not in listed_files:
            issues.warning("unlisted-file", (str(parquet),), "a data file the card does not list (it will not load)")

    assignment: dict[str, str] = (manifest.get("splits") or {}).get("articles", {})
    counts = manifest.get("counts") or {}
    spans = 0
    statement_ids: dict[str, _ConfigIds] = {}
    for config in config_names(built_by=None):
        spec = SPECS[config]
        checker = RowChecker(issues)
        kept = statement_ids[config] = _ConfigIds(spec)
        for split in SPLITS:
            rows = 0
            for path in listed.get((config, split), []):
                placement = _Placement(split, assignment) if assignment and spec.per_article else None
                file_rows, file_spans = _check_parquet(path, config, checker, issues, placement=placement, ids=kept)
                rows += file_rows
                spans += file_spans
                if placement is not None and file_rows:
                    placement.report(path, issues)
            expected_rows = (counts.get(config) or {}).get(split)
            if expected_rows is not None and expected_rows != rows:
                issues.error(
                    "count-mismatch",
                    (str(folder), f"config {config}", f"split {split}"),
                    "the rows do not add up to the manifest's count",
                    expected=str(expected_rows),
                    found=str(rows),
                )
        kept.digest(checker.statement_ids)  # the checker's id set is let go here, not held to the end
    built = {config for config, _ in listed}  # builds of older versions lack the newer configs
    reference = statement_ids.get("statements")
    for config, other in statement_ids.items():
        if (
            reference is None
            or "statements" not in built
            or config in ("statements", *config_names(built_by="silver"))  # silver has statements of its own
            or config not in built
            or _id_column(config) is None
        ):
            continue
        if reference.differs(other):
            only = sorted(reference.ids() ^ other.ids())
            issues.error(
                "config-mismatch",
                (str(folder),),
                f"the statements config and the statements {_NESTED.get(config, 'of the ' + config)} config differ",
                found=f"{len(only)} statement id(s) in only one of them, e.g. {only[:3]}",
            )
    return spans


_NESTED = {"articles": "nested in the"}  # how a config's rows hold statements, for messages


def _id_column(config: str) -> str | None:
    """The column of a config's rows that holds statement ids, or None (a config without statements)."""
    names = current().configs[config].field_names
    return next((name for name in ("statement_id", "statement_ids", "statements") if name in names), None)


def _statement_ids_of(table: pa.Table, column: str) -> pa.Array | pa.ChunkedArray:
    values = table.column(column)
    if column == "statement_id":
        return values
    flat = pc.list_flatten(values)
    return pc.struct_field(flat, "statement_id") if column == "statements" else flat


@dataclass(slots=True)
class _ConfigIds:
    """A config's statement ids, kept small for the comparison of the configs.

    The checker's set of ids (some 100 bytes per id as Python strings) is needed while its
    config is checked. Afterwards only its size and the sum of the ids' hashes are kept
    (equal sets have equal sums; unequal ones of the same size, with a chance of about
    2^-64), and the files read: if two configs differ, the ids are read again from the same
    groups of the same files.
    """

    spec: ConfigSpec
    files: list[Path] = field(default_factory=list)
    count: int = 0
    fingerprint: int = 0

    def digest(self, ids: set[str]) -> None:
        hashes = np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))
        self.count, self.fingerprint = len(ids), int(hashes.view(np.uint64).sum())  # modulo 2^64

    def differs(self, other: _ConfigIds) -> bool:
        return (self.count, self.fingerprint) != (other.count, other.fingerprint) and self.ids() != other.ids()

    def ids(self) -> set[str]:
        """The ids the checker saw: the groups it was given, up to where a file stopped being readable."""
        found: set[str] = set()
        column = _id_column(self.spec.name)
        if column is None:
            return found
        for path in self.files:
            groups = parquet_groups(path, rows=self.spec.batch_rows, dictionary=list(self.spec.dictionary_columns))
            try:
                for table in groups:
                    found.update(_statement_ids_of(table, column).to_pylist())
            except (OSError, pa.ArrowInvalid):
                pass
        return found


@dataclass(slots=True)
class _Placement:
    """The rows of one split's file whose article the manifest assigns to another split, found group by group."""

    split: str
    assignment: dict[str, str]
    misplaced: list[tuple[int, Any]] = field(default_factory=list)

    def check(self, article_ids: pa.ChunkedArray, first_row: int) -> None:
        wrong = [a for a in pc.unique(article_ids).to_pylist() if self.assignment.get(a) != self.split]
        if wrong:
            rows = pc.indices_nonzero(pc.is_in(article_ids, pa.array(wrong, pa.string()))).to_pylist()
            self.misplaced += [(first_row + row, article_ids[row].as_py()) for row in rows]

    def report(self, path: Path, issues: Issues) -> None:
        for row, article_id in self.misplaced:
            issues.error(
                "split-mismatch",
                (str(path), f"row {row}"),
                f"article {article_id} is in the {self.split} file; the manifest assigns another split",
                expected=self.split,
                found=str(self.assignment.get(article_id)),
            )


def _check_croissant(folder: Path, issues: Issues, hashes: _Hashes) -> None:
    """croissant.json parses and its file objects match the files (unless already reported as changed)."""
    path = folder / "croissant.json"
    try:
        metadata = read_json(path, what="Croissant metadata")
    except BeyanError as error:
        # It does not parse: that it also changed since the build goes without saying.
        issues.drop(lambda issue: issue.code == "checksum-mismatch" and issue.location == (str(path),))
        issues.extend(error.issues)
        return
    changed = {issue.location[0] for issue in issues.items if issue.code == "checksum-mismatch"}
    entries = metadata.get("distribution", []) if isinstance(metadata, dict) else []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("@type") != "cr:FileObject":
            continue
        relative = entry.get("contentUrl")
        if not isinstance(relative, str):
            issues.error(
                "missing-value", (str(path), str(entry.get("@id", "distribution"))), "a file object has no contentUrl"
            )
            continue
        target = _safe_relative(folder, relative, issues, (str(path), relative))
        if target is None or str(target) in changed:
            continue
        if not target.is_file():
            issues.error(
                "missing-file", (str(path),), "croissant.json lists a file that does not exist", found=relative
            )
        elif hashes.of(target) != entry.get("sha256"):
            issues.error(
                "checksum-mismatch",
                (str(target),),
                "the file's sha256 is not the one in croissant.json",
                expected=str(entry.get("sha256")),
                found=hashes.of(target),
            )


NESTING_COLUMNS = ["statement_id", "article_id", "parent_statement_id", "content_spans"]


def _check_batches(
    tables: Iterable[pa.Table],
    config: str,
    checker: RowChecker,
    where: tuple[str, ...],
    *,
    nesting: list[pa.Table] | None = None,
    placement: _Placement | None = None,
) -> tuple[int, int]:
    """Row checks, one table of rows at a time; returns (rows, spans checked).

    With ``nesting``, the columns the nesting check needs are kept from each table (content
    spans without their text); with ``placement``, each table's articles are looked up in
    the split assignment: the file need not be read a second time for either.
    """
    rows, before = 0, checker.spans_checked
    spec_check = SPECS[config].check
    check = getattr(checker, spec_check) if isinstance(spec_check, str) else partial(spec_check, checker)
    for table in tables:
        if placement is not None:
            placement.check(table.column("article_id"), rows)
        checker.offset = rows
        check(table, where)
        if nesting is not None:
            nesting.append(_nesting_columns(table))
        rows += table.num_rows
    checker.offset = 0
    return rows, checker.spans_checked - before


def _nests(config: str) -> bool:
    """Whether a config's rows are statements that can nest (one per row, with a parent): the nesting rules apply."""
    return set(NESTING_COLUMNS) <= set(current().configs[config].field_names)


def _nesting_columns(table: pa.Table) -> pa.Table:
    """``NESTING_COLUMNS`` of a table, the content spans reduced to their offsets."""
    spans = table.column("content_spans").combine_chunks()
    flat = pc.list_flatten(spans)
    offsets_only = pa.StructArray.from_arrays(
        [pc.struct_field(flat, "start"), pc.struct_field(flat, "end")], names=["start", "end"]
    )
    reduced = pa.ListArray.from_arrays(spans.offsets, offsets_only, mask=pc.is_null(spans))
    return pa.table(
        {
            "statement_id": table.column("statement_id"),
            "article_id": table.column("article_id"),
            "parent_statement_id": table.column("parent_statement_id"),
            "content_spans": reduced,
        }
    )


def _config_of(schema: pa.Schema, config: str | None, issues: Issues, where: tuple[str, ...]) -> str | None:
    config = config or detect_config(schema)
    if config is None:
        issues.error(
            "unknown-config",
            where,
            "the columns match no config of schema v1",
            expected=" or ".join(
                f"{name} ({len(current().configs[name].fields)} columns)" for name in config_names(built_by=None)
            ),
            found=f"{len(schema)} columns: {schema.names[:6]}...",
        )
        return None
    return config if check_schema(schema, config, issues, where) else None


def _check_parquet(
    path: Path,
    config: str | None,
    checker: RowChecker,
    issues: Issues,
    *,
    placement: _Placement | None = None,
    ids: _ConfigIds | None = None,
) -> tuple[int, int]:
    """Schema, then rows in batches (article text read as a dictionary: once per article, not per row)."""
    where = (str(path),)
    try:
        metadata = pq.read_metadata(path)  # parsed once, for the schema check and for the reading
        schema = metadata.schema.to_arrow_schema()
        config = _config_of(schema, config, issues, where)
        if config is None:
            return 0, 0
        spec, nested = SPECS[config], _nests(config)
        if ids is not None:
            ids.files.append(path)
        dictionary = list(spec.dictionary_columns)
        tables = parquet_groups(path, rows=spec.batch_rows, dictionary=dictionary, metadata=metadata)
        nesting: list[pa.Table] | None = [] if nested else None
        rows, spans = _check_batches(read_ahead(tables), config, checker, where, nesting=nesting, placement=placement)
        if nesting is not None:
            checker.check_nesting(
                pa.concat_tables(nesting) if nesting else _nesting_columns(schema.empty_table()), where
            )
    except (OSError, pa.ArrowInvalid) as error:
        issues.error("unreadable", where, f"not a readable Parquet file: {str(error)[:200]}")
        return 0, 0
    return rows, spans


def validate_parquet(path: Path, *, issues: Issues) -> int:
    return _check_parquet(path, None, RowChecker(issues), issues)[1]


def validate_datasets_object(dataset: Any, *, name: str, issues: Issues) -> int:
    """A ``datasets.Dataset`` or ``DatasetDict`` (e.g. what ``load_dataset`` returned)."""
    splits = dataset.items() if hasattr(dataset, "items") else [(getattr(dataset, "split", None) or "dataset", dataset)]
    spans = 0
    for split, part in splits:
        table = part.data.table.replace_schema_metadata(part.features.arrow_schema.metadata)
        where = (name, str(split))
        config = _config_of(table.schema, None, issues, where)
        if config is None:
            continue
        checker = RowChecker(issues)
        size = SPECS[config].batch_rows
        groups = table_groups(table.to_batches(max_chunksize=size), rows=size)
        spans += _check_batches(groups, config, checker, where)[1]
        if _nests(config):
            checker.check_nesting(table.select(NESTING_COLUMNS), where)
    return spans
