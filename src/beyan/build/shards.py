"""Build step one, per corpus shard: articles and annotations -> rows of every config, cached.

A corpus shard (``articles/<xx>.jsonl`` with ``annotations/<xx>.jsonl``) is built on its own:
its annotations checked, adjudicated into gold, turned into the rows of every config (encoded
for Arrow) and summarised for the statistics, with a MinHash signature per article for the
near-duplicate groups. The result is cached under the corpus (``.cache/build/``) by a key
made of the shard's bytes and everything else the result depends on (policies, schema and
beyan versions), so a build after a small import only rebuilds the shards it touched. Shards
are independent, so they build in parallel.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from beyan import atomic
from beyan.agreement import AgreementReport
from beyan.configs import CONFIGS, config_names
from beyan.corpus.shards import ANNOTATIONS, ARTICLES, shard_path
from beyan.corpus.store import Corpus, Shard, articles_of
from beyan.extract import baseline_state
from beyan.fields import gold_statement_rows
from beyan.issues import BeyanError, Issue, Issues
from beyan.records import GoldArticle
from beyan.schema import current
from beyan.schema.arrow import arrow_schema
from beyan.transforms.adjudication import adjudicate
from beyan.transforms.dedup import compact, signature
from beyan.validation.annotations import check_annotations
from beyan.writers.parquet import struct_encoder
from beyan.writers.stats import article_summary

CACHE_DIR = ".cache/build"
CACHE_FORMAT = "3"  # bump when what a shard's build holds changes


def _version() -> str:
    try:
        return metadata.version("beyan")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "source"


def code_fingerprint() -> str:
    """What a cached shard build depends on besides the shard's bytes and the options.

    The package's own source is part of it: a cache made by other code (an upgrade, a
    development checkout) is never reused.
    """
    schema = current()
    structs = repr(sorted((name, repr(struct)) for name, struct in schema.configs.items()))
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{_version()}|{schema.version}|{structs}".encode())
    digest.update(_source_digest())
    return digest.hexdigest()[:16]


@functools.cache
def _source_digest() -> bytes:
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".md") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


@dataclass(slots=True)
class ShardInput:
    """What one shard's build reads: the shard's bytes (hashed for the key and the manifest)."""

    name: str
    files: dict[str, str]  # corpus-relative path -> sha256
    key: str


def shard_inputs(root: Path, name: str, *, policy: str, text_policy: str, fingerprint: str) -> ShardInput:
    files: dict[str, str] = {}
    digest = hashlib.sha256(f"{fingerprint}|{policy}|{text_policy}|{name}".encode())
    for kind in (ARTICLES, ANNOTATIONS):
        relative = shard_path(kind, name)
        path = root / relative
        data = path.read_bytes() if path.is_file() else b""
        if path.is_file():
            files[relative] = hashlib.sha256(data).hexdigest()
        digest.update(f"|{kind}:{files.get(relative, '-')}".encode())
    return ShardInput(name, files, digest.hexdigest()[:24])


@dataclass(slots=True)
class ShardBuild:
    """A shard's build: one summary per built article, signatures of all its articles, and its rows."""

    name: str
    key: str
    articles: list[str] = field(default_factory=list)  # every article of the shard, in id order
    built: list[str] = field(default_factory=list)  # the articles with rows (annotated, valid), in id order
    summaries: list[dict[str, Any]] = field(default_factory=list)
    signatures: dict[str, str] = field(default_factory=dict)  # article id -> hex of the MinHash signature
    unannotated: int = 0
    issues: list[list[Any]] = field(default_factory=list)
    agreement: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)  # config -> cached Arrow file (path)
    config_summaries: dict[str, dict[str, Any]] = field(default_factory=dict)  # config -> its summary of these rows

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "key": self.key,
            "articles": self.articles,
            "built": self.built,
            "summaries": self.summaries,
            "signatures": self.signatures,
            "unannotated": self.unannotated,
            "issues": self.issues,
            "agreement": self.agreement,
            "tables": self.tables,
            "config_summaries": self.config_summaries,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> ShardBuild:
        return cls(**value)

    def issue_list(self) -> Issues:
        issues = Issues()
        for code, severity, location, message, expected, found, hint in self.issues:
            issues.add(code, severity, location, message, expected=expected, found=found, hint=hint)
        return issues


def _issue_state(issue: Issue) -> list[Any]:
    return [issue.code, issue.severity, list(issue.location), issue.message, issue.expected, issue.found, issue.hint]


def prepare_cache(cache: Path) -> None:
    """The cache folder, ignored by git wherever the corpus lives (like ``.pytest_cache``)."""
    cache.mkdir(parents=True, exist_ok=True)
    ignore = cache.parent / ".gitignore"
    if not ignore.is_file():
        atomic.write_text_atomic(ignore, "# beyan's build cache: derived from the corpus, never committed\n*\n")


def cached(cache: Path, shard: ShardInput) -> ShardBuild | None:
    path = cache / f"{shard.name}-{shard.key}.json"
    if not path.is_file():
        return None
    try:
        built = ShardBuild.from_json(orjson.loads(path.read_bytes()))
    except (orjson.JSONDecodeError, TypeError, KeyError):
        return None
    if not all(Path(table).is_file() for table in built.tables.values()):
        return None
    return built


def build_shard(root: Path, shard: ShardInput, *, policy: str, text_policy: str, cache: Path) -> ShardBuild:
    """Build one shard (or take it from the cache) and return what the rest of the build needs."""
    hit = cached(cache, shard)
    if hit is not None:
        return hit
    corpus = Corpus.open(root)
    stored = Shard(shard.name, *(corpus.shard_lines(kind, shard.name) for kind in (ARTICLES, ANNOTATIONS)))
    result = ShardBuild(shard.name, shard.key)
    issues = Issues(limit_per_code=10_000)
    agreement = AgreementReport()
    names = [name for name in config_names() if CONFIGS[name].per_article]
    summarized = [name for name in names if CONFIGS[name].summarize is not None]
    made: dict[str, list[dict[str, Any]]] = {name: [] for name in summarized}
    structs = {name: current().configs[name] for name in names}
    encoders = {name: struct_encoder(structs[name]) for name in names}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    try:
        for article, annotations in articles_of(corpus, stored):
            result.articles.append(article.article_id)
            sig = signature(article.text)
            if sig is not None:
                result.signatures[article.article_id] = compact(sig).tobytes().hex()
            where = (str(root / shard_path(ANNOTATIONS, shard.name)), article.article_id)
            errors_before = issues.error_count
            check_annotations(article, annotations, issues, where)
            agreement.add_article(annotations)
            if issues.error_count > errors_before or not annotations:
                result.unannotated += not annotations
                continue
            topics, statements = adjudicate(article, annotations, policy=policy, issues=issues, where=where)
            gold = GoldArticle(article, topics, statements, annotations=annotations)
            standoff = article.rights.redistribution == "standoff"
            include_text = text_policy == "full" or not standoff
            summary = article_summary(gold, standoff=standoff)
            result.built.append(article.article_id)
            for name in names:
                config_rows = CONFIGS[name].rows(gold, include_text)
                rows[name].extend(encoders[name](row) for row in config_rows)
                if name in made:
                    made[name].extend(config_rows)
            summary["baseline"] = baseline_state(
                text=article.text,
                article_id=article.article_id,
                language=article.language,
                gold_rows=gold_statement_rows(gold, article.text),
            )
            result.summaries.append(summary)
    except BeyanError as error:
        issues.extend(error.issues)
    result.issues = [_issue_state(issue) for issue in issues.items]
    result.agreement = agreement.to_state()
    for name in summarized:
        summarize = CONFIGS[name].summarize
        assert summarize is not None
        result.config_summaries[name] = summarize(made[name])
    for name in names:
        target = cache / f"{shard.name}-{shard.key}.{name}.arrow"
        table = pa.Table.from_pylist(rows[name], schema=arrow_schema(structs[name]))
        tmp = atomic.temporary_sibling(target)
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(tmp, target)
        result.tables[name] = str(target)
    _remove_older(cache, shard)
    atomic.write_bytes_atomic(cache / f"{shard.name}-{shard.key}.json", orjson.dumps(result.to_json()), durable=False)
    return result


def _remove_older(cache: Path, shard: ShardInput) -> None:
    """Cached builds of earlier versions of this shard: one per shard is enough."""
    for path in cache.glob(f"{shard.name}-*"):
        if not path.name.startswith(f"{shard.name}-{shard.key}"):
            path.unlink(missing_ok=True)


def run_job(args: tuple[str, ShardInput, str, str, str]) -> dict[str, Any]:
    """A shard's build in a worker process (arguments and result are plain, picklable values)."""
    root, shard, policy, text_policy, cache = args
    return build_shard(Path(root), shard, policy=policy, text_policy=text_policy, cache=Path(cache)).to_json()
