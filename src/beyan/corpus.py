"""The corpus folder: raw articles kept byte for byte, their metadata, and annotations.

Layout::

    corpus/
      corpus.json                      name, version, schema version, adjudication policy
      splits.json                      locked split of every article (written by builds)
      articles/<article_id>/
        <original file name>           the raw article, never rewritten
        article.json                   format, language, source, url, rights, ...
        annotations.json               every imported annotation, pseudonymized
      labelstudio/                     Label Studio exports kept as received (pseudonymized)

``article_id`` is the first 16 hex digits of the SHA-256 of the raw file, so it never
depends on file names or order. Every write goes through :mod:`beyan.atomic`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beyan import atomic
from beyan.issues import BeyanError, Issues, fail
from beyan.jsonio import dumps, parse_json, read_bytes, read_json
from beyan.readers.news_text import FORMATS, parse_article_file, parse_published, sha256_hex
from beyan.records import (
    AnnotatedStatement,
    Annotation,
    Article,
    Origin,
    Published,
    Rights,
    Span,
    SpanKey,
    Speaker,
)
from beyan.schema.v1 import ARTICLE_ID_PATTERN, REDISTRIBUTION, SCHEMA_VERSION

CORPUS_FILE = "corpus.json"
ARTICLE_FILE = "article.json"
ANNOTATIONS_FILE = "annotations.json"
ARTICLES_DIR = "articles"

_BCP47 = re.compile(
    r"^(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"  # language (+ extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?$",
    re.IGNORECASE,
)


_ARTICLE_ID = re.compile(ARTICLE_ID_PATTERN)


def is_language_tag(tag: str) -> bool:
    """A well-formed BCP 47 tag (RFC 5646 syntax; registry membership is not checked)."""
    return bool(_BCP47.match(tag))


def article_id_for(raw: bytes) -> str:
    return sha256_hex(raw)[:16]


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    name: str
    pretty_name: str
    version: str
    schema_version: str
    adjudication: str
    description: str


def default_corpus_info(name: str = "beyan") -> dict[str, Any]:
    return {
        "name": name,
        "pretty_name": name,
        "version": "0.1.0",
        "schema_version": SCHEMA_VERSION,
        "adjudication": "majority",
        "description": "",
    }


# ------------------------------------------------------------------ (de)serialisation


def _spans(value: Any) -> SpanKey:
    return tuple(Span(int(start), int(end)) for start, end in value)


def _span_list(spans: SpanKey) -> list[list[int]]:
    return [span.to_list() for span in spans]


def statement_to_json(statement: AnnotatedStatement) -> dict[str, Any]:
    speaker = statement.speaker
    return {
        "content": _span_list(statement.content),
        "quote_type": statement.quote_type,
        "speakers": _span_list(statement.speakers),
        "cues": _span_list(statement.cues),
        "addressees": _span_list(statement.addressees),
        "speaker_unknown": statement.speaker_unknown,
        "speaker": None if speaker is None else speaker.to_dict(),
        "cue_lemma": statement.cue_lemma,
        "stance": statement.stance,
        "stance_target": statement.stance_target,
        "parent": None if statement.parent is None else _span_list(statement.parent),
        "region_ids": list(statement.region_ids),
    }


def statement_from_json(value: dict[str, Any]) -> AnnotatedStatement:
    speaker = value.get("speaker")
    return AnnotatedStatement(
        content=_spans(value["content"]),
        quote_type=value["quote_type"],
        speakers=_spans(value.get("speakers", [])),
        cues=_spans(value.get("cues", [])),
        addressees=_spans(value.get("addressees", [])),
        speaker_unknown=bool(value.get("speaker_unknown", False)),
        speaker=None if speaker is None else Speaker(**speaker),
        cue_lemma=value.get("cue_lemma"),
        stance=value.get("stance"),
        stance_target=value.get("stance_target"),
        parent=None if value.get("parent") is None else _spans(value["parent"]),
        region_ids=tuple(value.get("region_ids", [])),
    )


def annotation_to_json(annotation: Annotation) -> dict[str, Any]:
    origin = annotation.origin
    return {
        "key": annotation.key,
        "origin": {
            "tool": origin.tool,
            "project": origin.project,
            "task": origin.task,
            "annotation": origin.annotation,
        },
        "annotator": annotation.annotator,
        "ground_truth": annotation.ground_truth,
        "created_at": annotation.created_at,
        "updated_at": annotation.updated_at,
        "topics": list(annotation.topics),
        "statements": [statement_to_json(s) for s in sorted(annotation.statements, key=lambda s: s.content)],
    }


def annotation_from_json(value: dict[str, Any], *, article_id: str) -> Annotation:
    origin = value["origin"]
    return Annotation(
        key=value["key"],
        article_id=article_id,
        annotator=value["annotator"],
        origin=Origin(origin["tool"], origin.get("project"), origin["task"], origin.get("annotation")),
        ground_truth=bool(value.get("ground_truth", False)),
        created_at=value.get("created_at"),
        updated_at=value.get("updated_at"),
        topics=tuple(value.get("topics", [])),
        statements=tuple(statement_from_json(s) for s in value.get("statements", [])),
    )


def annotations_document(article_id: str, text_sha256: str, annotations: list[Annotation]) -> str:
    ordered = sorted(annotations, key=lambda a: a.key)
    return dumps(
        {
            "article_id": article_id,
            "text_sha256": text_sha256,
            "annotations": [annotation_to_json(a) for a in ordered],
        }
    )


# ------------------------------------------------------------------ the corpus


@dataclass(slots=True)
class ArticleEntry:
    """An article's files and metadata as stored, before parsing."""

    article_id: str
    folder: Path
    meta: dict[str, Any]

    @property
    def raw_path(self) -> Path:
        return self.folder / str(self.meta["source_file"])

    @property
    def annotations_path(self) -> Path:
        return self.folder / ANNOTATIONS_FILE


class Corpus:
    """A corpus folder. :meth:`open` finishes any write a crash interrupted."""

    def __init__(self, root: Path, info: CorpusInfo, recovered: list[str]) -> None:
        self.root = root
        self.info = info
        self.recovered = recovered
        self.read_hashes: dict[str, str] | None = None  # set to a dict to note the sha256 of every file read
        self.articles_dir = root / ARTICLES_DIR

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
        defaults = default_corpus_info()
        merged = {**defaults, **{k: v for k, v in data.items() if k in defaults}}
        return cls(root, CorpusInfo(**merged), recovered)

    @staticmethod
    def init(root: Path | str, *, name: str = "beyan") -> Corpus:
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        if not (root / CORPUS_FILE).exists():
            atomic.write_text_atomic(root / CORPUS_FILE, dumps(default_corpus_info(name)))
        (root / ARTICLES_DIR).mkdir(exist_ok=True)
        return Corpus.open(root)

    def article_ids(self) -> list[str]:
        if not self.articles_dir.is_dir():
            return []
        return sorted(p.name for p in self.articles_dir.iterdir() if (p / ARTICLE_FILE).is_file())

    def has_article(self, article_id: str) -> bool:
        if not isinstance(article_id, str) or not _ARTICLE_ID.match(article_id):
            return False  # never let an id from outside name a path
        return (self.articles_dir / article_id / ARTICLE_FILE).is_file()

    def _read(self, path: Path, *, what: str) -> bytes:
        """A corpus file's bytes; with ``read_hashes`` on, their sha256 is noted (a build's manifest)."""
        raw = read_bytes(path, what=what)
        if self.read_hashes is not None:
            self.read_hashes[path.relative_to(self.root).as_posix()] = sha256_hex(raw)
        return raw

    def entry(self, article_id: str) -> ArticleEntry:
        folder = self.articles_dir / article_id
        path = folder / ARTICLE_FILE
        meta = parse_json(self._read(path, what="article metadata"), path=path, what="article metadata")
        if not isinstance(meta, dict):
            raise fail("wrong-type", (str(path),), "article metadata must be a JSON object")
        return ArticleEntry(article_id, folder, meta)

    def read_article(self, article_id: str) -> Article:
        entry = self.entry(article_id)
        _require_meta(entry.meta, str(entry.folder / ARTICLE_FILE))
        raw = self._read(entry.raw_path, what="article file")
        return checked_article(entry, raw)

    def raw_text(self, article_id: str) -> str:
        """The raw file's text, unparsed (for comparing articles); undecodable bytes replaced."""
        entry = self.entry(article_id)
        _require_meta(entry.meta, str(entry.folder / ARTICLE_FILE))
        return self._read(entry.raw_path, what="article file").decode("utf-8", "replace")

    def read_annotations(self, article_id: str) -> tuple[str | None, list[Annotation]]:
        """The stored text hash and annotations of an article (none yet: ``(None, [])``)."""
        path = self.articles_dir / article_id / ANNOTATIONS_FILE
        if not path.is_file():
            return None, []
        data = parse_json(self._read(path, what="annotations file"), path=path, what="annotations file")
        try:
            annotations = [annotation_from_json(a, article_id=article_id) for a in data["annotations"]]
            return data["text_sha256"], annotations
        except (KeyError, TypeError, ValueError) as error:
            raise fail(
                "corrupt-annotations",
                (str(path),),
                f"the annotations file does not have beyan's layout ({type(error).__name__}: {error})",
                hint="restore it from version control; it is written only by `beyan import-labelstudio`",
            ) from None

    def iter_articles(self) -> Iterator[tuple[Article, list[Annotation]]]:
        """Articles in id order with their annotations; stored hashes are checked against the text."""
        for article_id in self.article_ids():
            article = self.read_article(article_id)
            stored_sha, annotations = self.read_annotations(article_id)
            if stored_sha is not None and stored_sha != article.text_sha256:
                raise fail(
                    "text-changed",
                    (str(self.articles_dir / article_id / ANNOTATIONS_FILE),),
                    "the article's text is not the text these annotations were made on",
                    expected=stored_sha,
                    found=article.text_sha256,
                    hint="the raw file or the parser changed; restore the file or re-annotate the article",
                )
            yield article, annotations

    def transaction(self) -> atomic.Transaction:
        return atomic.Transaction(self.root)

    def set_version(self, version: str) -> str:
        """The corpus file with ``version`` replaced (for a transaction to write)."""
        data = read_json(self.root / CORPUS_FILE, what="corpus file")
        data["version"] = version
        return dumps(data)


def load_article(entry: ArticleEntry) -> Article:
    """Parse an article's raw file and metadata into an :class:`Article`, checking both."""
    _require_meta(entry.meta, str(entry.folder / ARTICLE_FILE))
    return checked_article(entry, read_bytes(entry.raw_path, what="article file"))


def checked_article(entry: ArticleEntry, raw: bytes) -> Article:
    """The article of ``raw``, after checking the bytes still give the folder's id."""
    raw_path = entry.raw_path
    if article_id_for(raw) != entry.article_id:
        raise fail(
            "article-id-mismatch",
            (str(raw_path),),
            "the raw file's hash does not give the folder's article id: the file was changed",
            expected=entry.article_id,
            found=article_id_for(raw),
            hint="raw articles are kept byte for byte; restore the original file",
        )
    return article_from_raw(
        entry.article_id, raw, entry.meta, meta_where=str(entry.folder / ARTICLE_FILE), raw_where=str(raw_path)
    )


def _require_meta(meta: dict[str, Any], where: str) -> None:
    issues = Issues()
    for key in ("source_file", "format", "language", "rights"):
        if key not in meta:
            issues.error("missing-field", (where, key), f"article metadata lacks '{key}'")
    if issues.has_errors:
        raise BeyanError(issues)


def article_from_raw(article_id: str, raw: bytes, meta: dict[str, Any], *, meta_where: str, raw_where: str) -> Article:
    """An :class:`Article` from raw bytes and metadata (the file need not be stored yet)."""
    _require_meta(meta, meta_where)
    where = meta_where
    fmt = meta["format"]
    if fmt not in FORMATS:
        raise fail(
            "unknown-format",
            (where, "format"),
            "unknown article format",
            expected=" or ".join(FORMATS),
            found=repr(fmt),
        )
    parsed = parse_article_file(raw, fmt=fmt, where=raw_where)
    language = meta["language"]
    if not isinstance(language, str) or not is_language_tag(language):
        raise fail(
            "invalid-language",
            (where, "language"),
            "not a BCP 47 language tag",
            expected="e.g. tr, en, de-CH",
            found=repr(language),
        )
    rights = meta["rights"]
    if not isinstance(rights, dict) or rights.get("redistribution") not in REDISTRIBUTION.names:
        raise fail(
            "invalid-rights",
            (where, "rights"),
            "rights must say whether the text may be redistributed",
            expected=f"an object with license and redistribution in {REDISTRIBUTION.names}",
            found=repr(rights),
        )
    published: Published | None = parsed.published
    if meta.get("published") is not None:
        published = parse_published(str(meta["published"]), where=(where, "published"))
    return Article(
        article_id=article_id,
        language=language,
        text=parsed.text,
        text_sha256=sha256_hex(parsed.text.encode("utf-8")),
        rights=Rights(
            license=str(rights.get("license", "unknown")),
            redistribution=rights["redistribution"],
            holder=rights.get("holder"),
            notes=rights.get("notes"),
        ),
        source=meta.get("source"),
        source_id=meta.get("source_id"),
        url=meta.get("url"),
        published=published,
        section=meta.get("section", parsed.section),
        title=meta.get("title", parsed.title),
        subtitle=meta.get("subtitle", parsed.subtitle),
        dateline=meta.get("dateline", parsed.dateline),
        structure=parsed.structure,
    )


def article_meta(
    *,
    article_id: str,
    source_file: str,
    fmt: str,
    language: str,
    rights: Rights,
    source: str | None = None,
    source_id: str | None = None,
    url: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``article.json`` of a new article."""
    meta: dict[str, Any] = {
        "article_id": article_id,
        "source_file": source_file,
        "format": fmt,
        "language": language,
        "source": source,
        "source_id": source_id,
        "url": url,
        "rights": {
            "license": rights.license,
            "redistribution": rights.redistribution,
            "holder": rights.holder,
            "notes": rights.notes,
        },
    }
    meta.update(extra or {})
    return meta
