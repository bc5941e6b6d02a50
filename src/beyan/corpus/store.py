"""The corpus folder: raw articles kept byte for byte, their metadata, annotations and the journal.

Layout (``layout: 2`` in ``corpus.json``)::

    corpus/
      corpus.json              name, version, schema version, adjudication policy, defaults
      splits.json              locked split of every article (written by releases)
      sources.json             rights by outlet and URL domain (optional, read by `beyan ingest`)
      articles/<xx>.jsonl      one line per article: metadata and the raw bytes, sorted by id
      annotations/<xx>.jsonl   one line per annotation, pseudonymized, sorted by article and key
      journal/<NNNNNN>.jsonl   one entry per applied change, with what it replaced (`beyan log`, `beyan undo`)
      labelstudio/             Label Studio exports kept as received (pseudonymized)

``xx`` is the first two hex digits of the article id, the first 16 hex digits of the SHA-256 of
the raw bytes, so ids and files never depend on file names or order. Every write goes through a
:class:`~beyan.corpus.journal.Changeset` (journaled, in one transaction).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beyan import atomic
from beyan.corpus.annotations import annotation_from_record
from beyan.corpus.articles import article_from_record, raw_bytes
from beyan.corpus.journal import Changeset
from beyan.corpus.shards import ANNOTATIONS, ARTICLES, ShardLine, read_shard, shard_of, shard_path, shards
from beyan.issues import fail
from beyan.jsonio import dumps, read_json
from beyan.records import Annotation, Article
from beyan.schema.v1 import ARTICLE_ID_PATTERN, SCHEMA_VERSION

CORPUS_FILE = "corpus.json"
SPLITS_FILE = "splits.json"
SOURCES_FILE = "sources.json"
LAYOUT = 2
_ARTICLE_ID = __import__("re").compile(ARTICLE_ID_PATTERN)


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    name: str
    pretty_name: str
    version: str
    schema_version: str
    adjudication: str
    description: str
    labelstudio_instance: str | None = None


def default_corpus_info(name: str = "beyan") -> dict[str, Any]:
    return {
        "name": name,
        "pretty_name": name,
        "version": "0.1.0",
        "schema_version": SCHEMA_VERSION,
        "adjudication": "majority",
        "description": "",
        "layout": LAYOUT,
        "labelstudio_instance": None,
    }


@dataclass(slots=True)
class Shard:
    """One shard's stored lines: its articles and their annotations, each sorted."""

    name: str
    articles: list[ShardLine]
    annotations: list[ShardLine]


class Corpus:
    """A corpus folder. :meth:`open` finishes any write a crash interrupted."""

    def __init__(self, root: Path, info: CorpusInfo, recovered: list[str]) -> None:
        self.root = root
        self.info = info
        self.recovered = recovered
        self._cache: OrderedDict[tuple[str, str], list[ShardLine]] = OrderedDict()
        self._ids: list[str] | None = None

    @classmethod
    def open(cls, root: Path | str) -> Corpus:
        root = Path(root)
        info_path = root / CORPUS_FILE
        if not info_path.is_file():
            raise fail(
                "not-a-corpus",
                (str(root),),
                f"no {CORPUS_FILE} here: this is not a beyan corpus",
                hint="pass the corpus folder (the one holding corpus.json), or create one with `beyan init-corpus`",
                exit_code=2,
            )
        recovered = atomic.recover(root)
        data = read_json(info_path, what="corpus file")
        if not isinstance(data, dict):
            raise fail("wrong-type", (str(info_path),), "the corpus file must be a JSON object", exit_code=2)
        if data.get("layout") != LAYOUT:
            raise fail(
                "old-corpus-layout",
                (str(info_path),),
                "this corpus has the folder-per-article layout of beyan 0.1",
                expected=f"layout {LAYOUT}",
                found=f"layout {data.get('layout', 1)}",
                hint=f"run `beyan upgrade-corpus {root}` once (journaled: `beyan undo` reverts it)",
                exit_code=2,
            )
        defaults = default_corpus_info()
        merged = {**defaults, **{k: v for k, v in data.items() if k in defaults}}
        merged.pop("layout")
        return cls(root, CorpusInfo(**merged), recovered)

    @staticmethod
    def init(root: Path | str, *, name: str = "beyan", labelstudio_instance: str | None = None) -> Corpus:
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        if not (root / CORPUS_FILE).exists():
            info = default_corpus_info(name)
            info["labelstudio_instance"] = labelstudio_instance
            atomic.write_text_atomic(root / CORPUS_FILE, dumps(info))
        return Corpus.open(root)

    # ------------------------------------------------------------ reading

    def shard_lines(self, kind: str, shard: str) -> list[ShardLine]:
        """One shard file's lines (a few recent shards are cached: tasks of one article come together)."""
        key = (kind, shard)
        lines = self._cache.get(key)
        if lines is None:
            lines = read_shard(self.root, kind, shard)
            self._cache[key] = lines
            if len(self._cache) > 8:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return lines

    def forget(self) -> None:
        """Drop cached reads (after this process changed the corpus)."""
        self._cache.clear()
        self._ids = None

    def article_ids(self) -> list[str]:
        if self._ids is None:
            self._ids = sorted(
                line.key for shard in shards(self.root, ARTICLES) for line in read_shard(self.root, ARTICLES, shard)
            )
        return list(self._ids)

    def has_article(self, article_id: str) -> bool:
        if not isinstance(article_id, str) or not _ARTICLE_ID.match(article_id):
            return False  # never let an id from outside name a path
        return any(line.key == article_id for line in self.shard_lines(ARTICLES, shard_of(article_id)))

    def where(self, kind: str, article_id: str) -> str:
        return str(self.root / shard_path(kind, shard_of(article_id)))

    def record(self, article_id: str) -> dict[str, Any]:
        """The stored record (metadata and raw bytes) of an article."""
        if _ARTICLE_ID.match(str(article_id)):
            for line in self.shard_lines(ARTICLES, shard_of(article_id)):
                if line.key == article_id:
                    return line.record
        raise fail("unknown-article", (str(self.root), article_id), "no such article in the corpus", exit_code=2)

    def read_article(self, article_id: str) -> Article:
        return article_from_record(self.record(article_id), where=f"{self.where(ARTICLES, article_id)} > {article_id}")

    def raw_bytes(self, article_id: str) -> bytes:
        return raw_bytes(self.record(article_id), where=self.where(ARTICLES, article_id))

    def read_annotations(self, article_id: str) -> list[Annotation]:
        where = self.where(ANNOTATIONS, article_id)
        return [
            annotation_from_record(line.record, where=f"{where} > {line.key}")
            for line in self.shard_lines(ANNOTATIONS, shard_of(article_id))
            if line.record["article_id"] == article_id
        ]

    def iter_shards(self) -> Iterator[Shard]:
        """Every shard with articles or annotations, in order; one shard in memory at a time."""
        names = sorted(set(shards(self.root, ARTICLES)) | set(shards(self.root, ANNOTATIONS)))
        for name in names:
            yield Shard(name, read_shard(self.root, ARTICLES, name), read_shard(self.root, ANNOTATIONS, name))

    def iter_articles(self) -> Iterator[tuple[Article, list[Annotation]]]:
        """Articles in id order with their annotations."""
        for shard in self.iter_shards():
            yield from articles_of(self, shard)

    def text_index(self) -> dict[str, str]:
        """text_sha256 -> article id, from the stored records (nothing is parsed)."""
        index: dict[str, str] = {}
        for shard in shards(self.root, ARTICLES):
            for line in read_shard(self.root, ARTICLES, shard):
                sha = line.record.get("text_sha256")
                if isinstance(sha, str):
                    index.setdefault(sha, line.key)
        return index

    # ------------------------------------------------------------ writing

    def transaction(self) -> atomic.Transaction:
        return atomic.Transaction(self.root)

    def changeset(self, *, command: str, source: list[str] | None = None) -> Changeset:
        return Changeset(self, command=command, source=source)

    def corpus_file_with(self, **changes: Any) -> bytes:
        """``corpus.json`` with some keys replaced (for a changeset to write)."""
        data = read_json(self.root / CORPUS_FILE, what="corpus file")
        data.update(changes)
        return dumps(data).encode("utf-8")


def articles_of(corpus: Corpus, shard: Shard) -> Iterator[tuple[Article, list[Annotation]]]:
    """The parsed articles of one shard with their annotations."""
    by_article: dict[str, list[ShardLine]] = {}
    for line in shard.annotations:
        by_article.setdefault(str(line.record["article_id"]), []).append(line)
    articles_where = str(corpus.root / shard_path(ARTICLES, shard.name))
    annotations_where = str(corpus.root / shard_path(ANNOTATIONS, shard.name))
    for line in shard.articles:
        article = article_from_record(line.record, where=f"{articles_where} > {line.key}")
        annotations = [
            annotation_from_record(a.record, where=f"{annotations_where} > {a.key}")
            for a in by_article.pop(line.key, [])
        ]
        yield article, annotations
    for article_id in sorted(by_article):
        raise fail(
            "orphan-annotations",
            (annotations_where, article_id),
            "annotations of an article that is not in the corpus",
            hint="undo the change that removed the article (`beyan log`, `beyan undo`)",
        )
