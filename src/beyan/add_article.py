"""Add a raw article file to the corpus, byte for byte."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from beyan import atomic
from beyan.corpus import ARTICLE_FILE, ArticleEntry, Corpus, article_id_for, article_meta, load_article
from beyan.issues import fail
from beyan.jsonio import dumps
from beyan.records import Article, Rights
from beyan.schema.v1 import REDISTRIBUTION


@dataclass(slots=True)
class AddedArticle:
    article: Article
    created: bool


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
    article_id = article_id_for(raw)
    if opened.has_article(article_id):
        return AddedArticle(opened.read_article(article_id), created=False)
    meta = article_meta(
        article_id=article_id,
        source_file=path.name,
        fmt=fmt,
        language=language,
        rights=Rights(license=license, redistribution=redistribution, holder=holder, notes=rights_notes),
        source=source,
        source_id=source_id,
        url=url,
    )
    # Parse before writing: a file that does not parse is refused, never stored.
    article = load_article(ArticleEntry(article_id, path.parent, meta))
    folder = opened.articles_dir / article_id
    with atomic.transaction(opened.root) as txn:
        txn.write_bytes(folder / path.name, raw)
        txn.write_text(folder / ARTICLE_FILE, dumps(meta))
    return AddedArticle(article, created=True)
