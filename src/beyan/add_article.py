"""Add a raw article file to the corpus, byte for byte (journaled: ``beyan undo`` removes it again)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from beyan.corpus import Corpus, article_from_raw, new_record
from beyan.corpus.shards import ARTICLES
from beyan.issues import fail
from beyan.readers import ARTICLE_FORMATS
from beyan.records import Article, Rights
from beyan.schema.v1 import REDISTRIBUTION


@dataclass(slots=True)
class AddedArticle:
    article: Article
    created: bool
    journal_entry: str | None = None


def add_article(
    *,
    corpus: Path | str,
    file: Path | str,
    language: str,
    fmt: str = "beyan-news-v1",
    license: str = "unknown",
    redistribution: str = "standoff",
    holder: str | None = None,
    rights_notes: str | None = None,
    source: str | None = None,
    source_id: str | None = None,
    url: str | None = None,
) -> AddedArticle:
    """Copy ``file`` into the corpus under its content-derived id, with its metadata.

    The file is parsed before anything is written, so a malformed file never enters
    the corpus. Adding the same bytes again changes nothing.
    """
    opened = Corpus.open(corpus)
    path = Path(file)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise fail("unreadable", (str(path),), f"cannot read the article: {error.strerror}", exit_code=2) from None
    if redistribution not in REDISTRIBUTION.names:
        raise fail(
            "invalid-rights",
            ("--redistribution",),
            "unknown redistribution term",
            expected=" or ".join(REDISTRIBUTION.names),
            found=repr(redistribution),
        )
    if fmt not in ARTICLE_FORMATS:
        raise fail(
            "unknown-format",
            ("--format",),
            "unknown article format",
            expected=" or ".join(ARTICLE_FORMATS),
            found=repr(fmt),
        )
    record = new_record(
        raw=raw,
        source_file=path.name,
        fmt=fmt,
        language=language,
        rights=Rights(license=license, redistribution=redistribution, holder=holder, notes=rights_notes),
        source=source,
        source_id=source_id,
        url=url,
    )
    if opened.has_article(record["article_id"]):
        return AddedArticle(opened.read_article(record["article_id"]), created=False)
    # Parse before writing: a file that does not parse is refused, never stored.
    article = article_from_raw(record["article_id"], raw, record, where=str(path))
    record["text_sha256"] = article.text_sha256
    changeset = opened.changeset(command="add-article", source=[str(path)])
    changeset.put(ARTICLES, record)
    entry = changeset.commit()
    return AddedArticle(article, created=True, journal_entry=entry.id if entry is not None else None)
