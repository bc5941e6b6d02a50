"""``beyan ingest``: raw articles into the corpus, journaled, with every record accounted for.

:func:`read_articles` reads and checks; this module stores what it yields. Each new article
becomes one record: its raw bytes kept exactly, the metadata the schema holds, its rights (by
source), and, for formats whose text an extractor derived (HTML pages, web archives, scraper
output), that text and its structure with the extractor's name and version, so annotations
keep pointing at the same characters whatever extractor a later beyan ships. Duplicates are
not stored; rejects go to a JSON Lines file with where they were and why. All new articles land
in one journaled change (``beyan undo`` removes them again).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beyan.corpus import Corpus, article_from_raw, new_record
from beyan.corpus.articles import raw_bytes
from beyan.corpus.shards import ARTICLES
from beyan.ingest.dedup import text_key
from beyan.ingest.pipeline import Progress, Reconciliation, read_articles
from beyan.ingest.records import Duplicate, IngestedArticle, IngestReject, SkippedFile
from beyan.issues import BeyanError, Issues
from beyan.labelstudio.ledger import RejectsWriter
from beyan.readers import parse_article

SOURCES_FILES = ("sources.yaml", "sources.yml", "sources.json")


@dataclass(slots=True)
class IngestResult:
    reconciliation: Reconciliation
    issues: Issues
    added: list[str] = field(default_factory=list)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)  # article, group, similarity
    rejects_path: Path | None = None
    journal_entry: str | None = None
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        counts = self.reconciliation
        return {
            "read": counts.read,
            "added": counts.added,
            "duplicate": counts.duplicate,
            "rejected": counts.rejected,
            "files": {
                path: {
                    "format": c.fmt,
                    "read": c.read,
                    "added": c.added,
                    "duplicate": c.duplicate,
                    "rejected": c.rejected,
                }
                for path, c in counts.files.items()
            },
            "not_read": [{"path": s.path, "reason": s.reason} for s in counts.skipped],
            "articles_added": self.added,
            "near_duplicates": [{"article": a, "group": g, "similarity": s} for a, g, s in self.near_duplicates],
            "journal_entry": self.journal_entry,
            "dry_run": self.dry_run,
            "rejects": str(self.rejects_path) if self.rejects_path else None,
            "issues": json.loads(self.issues.to_json()),
        }


def sources_file(corpus: Corpus) -> Path | None:
    """The corpus's sources file (rights by outlet and URL domain), if it has one."""
    return next((corpus.root / name for name in SOURCES_FILES if (corpus.root / name).is_file()), None)


def stored_text_keys(corpus: Corpus) -> dict[str, str]:
    """text key -> article id of every stored article (records made by ingest carry theirs)."""
    keys: dict[str, str] = {}
    for shard in corpus.iter_shards():
        for line in shard.articles:
            key = line.record.get("text_key")
            if not isinstance(key, str):
                where = f"{corpus.where(ARTICLES, line.key)} > {line.key}"
                key = text_key(parse_article(raw_bytes(line.record, where=where), line.record, where=where).text)
            keys.setdefault(key, line.key)
    return keys


def article_record(article: IngestedArticle) -> dict[str, Any]:
    """The stored record of an ingested article."""
    meta = article.metadata
    extra: dict[str, Any] = {"text_key": article.text_key}
    if meta.language_confidence is not None:
        extra["language_confidence"] = round(meta.language_confidence, 4)
    for name in ("language_origin", "rights_origin", "retrieved"):
        if getattr(meta, name) is not None:
            extra[name] = getattr(meta, name)
    described = {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "dateline": meta.dateline,
        "section": meta.section,
        "published": None if meta.published is None else meta.published.value,
    }
    if article.parser is None:  # the extractor's text, kept: the raw bytes alone do not give it back
        extractor = meta.extractor
        extra["derived"] = {
            "text": article.text,
            "structure": [[block.kind, block.start, block.end] for block in article.structure],
            "extractor": None
            if extractor is None
            else {"name": extractor.name, "version": extractor.version, "settings": extractor.settings},
            **{key: value for key, value in described.items() if value is not None},
        }
    else:  # the parser finds what the file says; the source's metadata (front matter, feed fields) wins
        extra.update({key: value for key, value in described.items() if value is not None})
    return new_record(
        raw=article.raw,
        source_file=article.source_name,
        fmt=article.parser or article.fmt,
        language=meta.language or "und",
        rights=meta.rights,
        source=meta.source,
        source_id=meta.source_id,
        url=meta.url,
        extra=extra,
    )


def ingest(
    *,
    corpus: Path | str,
    paths: list[str | Path],
    fmt: str = "auto",
    mapping: str | Path | None = None,
    language: str | None = None,
    rejects: Path | str | None = None,
    near_duplicates: bool = True,
    dry_run: bool = False,
    progress: Callable[[Progress], None] | None = None,
) -> IngestResult:
    """Read ``paths`` (files, folders, globs; any mix of formats, compressed or not) into ``corpus``.

    Rights come from the corpus's sources file (``sources.yaml`` or ``sources.json``); an article
    of an unknown source gets unknown rights and is published standoff. ``dry_run`` reads and
    counts everything and writes nothing (not even the rejects file).
    """
    opened = Corpus.open(corpus)
    stream = read_articles(
        paths=paths,
        fmt=fmt,
        mapping=mapping,
        language=language,
        sources=sources_file(opened),
        existing_text_hashes=stored_text_keys(opened),
        progress=progress,
        near_duplicates=near_duplicates,
    )
    issues = Issues()
    writer = RejectsWriter(None if dry_run or rejects is None else Path(rejects))
    changeset = opened.changeset(command="ingest", source=[str(p) for p in paths])
    result = IngestResult(stream.reconciliation, issues, rejects_path=writer.path, dry_run=dry_run)
    known = set(opened.article_ids())
    try:
        for event in stream:
            if isinstance(event, IngestedArticle):
                if event.article_id in known:  # the same bytes, stored before under another normalization
                    issues.info("already-stored", (event.location,), f"article {event.article_id} is in the corpus")
                    continue
                record = article_record(event)
                try:
                    article = article_from_raw(event.article_id, event.raw, record, where=event.location)
                except BeyanError as error:  # pragma: no cover - the readers check what the corpus checks
                    issues.extend(error.issues)
                    writer.write("articles", (event.location,), "unstorable", error.issues.render())
                    continue
                record["text_sha256"] = article.text_sha256
                changeset.spool(ARTICLES, record)
                known.add(event.article_id)
                result.added.append(event.article_id)
                if event.near_duplicate is not None:
                    near = event.near_duplicate
                    result.near_duplicates.append((event.article_id, near.group, near.similarity))
                    issues.info(
                        "near-duplicate",
                        (event.location,),
                        f"article {event.article_id} joins near-duplicate group {near.group}",
                        found=f"{near.similarity:.2f} similar to {near.similar_to}",
                    )
            elif isinstance(event, Duplicate):
                issues.info(
                    "duplicate",
                    (event.location,),
                    "the same text is already "
                    + ("in the corpus" if event.duplicate_of == "corpus" else f"at {event.duplicate_of}"),
                    found=event.duplicate_of_id,
                )
            elif isinstance(event, IngestReject):
                issues.error(event.code, (event.location,), event.reason, found=event.raw_excerpt)
                writer.write("records", (event.location,), event.code, event.reason, excerpt=event.raw_excerpt)
            elif isinstance(event, SkippedFile):
                issues.warning("file-not-read", (event.path,), f"not read: {event.reason}")
        if dry_run:
            changeset.abort()
        else:
            entry = changeset.commit()
            result.journal_entry = entry.id if entry is not None else None
    except BaseException:
        changeset.abort()
        writer.close(keep=False)
        raise
    writer.close(keep=True)
    result.added.sort()
    return result
