"""Step 3 of an import: which corpus article a task annotates, or the new article it brings.

A task names its article (``data.article_id``, written by ``beyan labelstudio-tasks``) or is
found by the SHA-256 of its text. Either way its text must be the article's text exactly (line
breaks normalized): an edited text is an error, never a silent re-anchoring of spans. Matching
reads the stored records' ``text_sha256`` only, so it parses no article unless a text differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from beyan.corpus import Corpus, article_from_raw, new_record
from beyan.corpus.articles import sha256_hex
from beyan.issues import BeyanError, Issues
from beyan.readers.news_text import parse_published
from beyan.records import Rights
from beyan.transforms.offsets import normalize_newlines

NEW_ARTICLE_NOTE = "Created from a Label Studio task by --add-articles; rights not yet cleared."
TASK_METADATA = ("title", "section", "subtitle")


@dataclass(slots=True)
class Match:
    """The article a task annotates: its id, its text, and its record when the import creates it."""

    article_id: str
    text: str  # the article text (the task text with line breaks normalized)
    text_sha256: str
    new_record: dict[str, Any] | None = None


class ArticleMatcher:
    """Matches tasks to corpus articles; with ``add_articles``, makes records for unknown ones."""

    def __init__(self, corpus: Corpus | None, *, add_articles: bool, language: str | None) -> None:
        self.corpus = corpus
        self.add_articles = add_articles
        self.language = language
        self._by_text: dict[str, str] | None = None
        self._sha_of: dict[str, str | None] = {}
        self._created: dict[str, dict[str, Any]] = {}  # records this import makes, by article id

    def prepare(self) -> None:
        """Read the corpus's text index now (before worker processes fork, so they share it)."""
        if self.corpus is not None:
            self._index()

    def _index(self) -> dict[str, str]:
        if self._by_text is None:
            assert self.corpus is not None
            self._by_text = self.corpus.text_index()
        return self._by_text

    def _stored_sha(self, article_id: str) -> str | None:
        if article_id not in self._sha_of:
            assert self.corpus is not None
            self._sha_of[article_id] = (
                self.corpus.record(article_id).get("text_sha256") if self.corpus.has_article(article_id) else None
            )
        return self._sha_of[article_id]

    def match(self, data: dict[str, Any], text: str, where: tuple[str, ...], issues: Issues) -> Match | None:
        """The task's article, or None with the reason in ``issues``."""
        normalized = normalize_newlines(text)
        sha = sha256_hex(normalized.encode("utf-8"))
        if self.corpus is None:  # checking an export on its own: the task's text is its article
            return Match(sha[:16], normalized, sha)
        declared = data.get("article_id")
        if isinstance(declared, str) and self.corpus.has_article(declared):
            stored = self._stored_sha(declared)
            if stored != sha:
                self._text_mismatch(declared, normalized, where, issues)
                return None
            return Match(declared, normalized, sha)
        article_id = self._index().get(sha)
        if article_id is not None:
            return Match(article_id, normalized, sha, new_record=self._created.get(article_id))
        if self.add_articles:
            return self._new_article(data, text, normalized, sha, where, issues)
        issues.error(
            "unknown-article",
            where,
            "the task's article is not in the corpus",
            found=f"data.article_id={declared!r}, text sha256 {sha[:16]}…",
            hint="add the article first (`beyan add-article`, `beyan ingest`), or pass --add-articles to create it "
            "from the task",
        )
        return None

    def _text_mismatch(self, article_id: str, text: str, where: tuple[str, ...], issues: Issues) -> None:
        assert self.corpus is not None
        article_text = self.corpus.read_article(article_id).text
        first = next(
            (i for i, (a, b) in enumerate(zip(text, article_text, strict=False)) if a != b),
            min(len(text), len(article_text)),
        )
        issues.error(
            "task-text-mismatch",
            where,
            f"the task's text differs from corpus article {article_id} (first at character {first})",
            expected=repr(article_text[max(0, first - 20) : first + 20]),
            found=repr(text[max(0, first - 20) : first + 20]),
            hint="the text was edited in Label Studio after import; beyan never re-anchors spans silently. "
            "Restore the task text, or add the edited text as a new article",
        )

    def _new_article(
        self, data: dict[str, Any], text: str, normalized: str, sha: str, where: tuple[str, ...], issues: Issues
    ) -> Match | None:
        language = data.get("language") if isinstance(data.get("language"), str) else self.language
        if language is None:
            issues.error(
                "missing-language",
                where,
                "a new article needs a language",
                hint="give data.language in the task, or pass --language",
            )
            return None
        raw = text.encode("utf-8")
        extra: dict[str, Any] = {key: data[key] for key in TASK_METADATA if isinstance(data.get(key), str)}
        if data.get("published") is not None:
            try:
                extra["published"] = parse_published(str(data["published"]), where=(*where, "data.published")).value
            except BeyanError as error:
                issues.extend(error.issues)
                return None
        record = new_record(
            raw=raw,
            source_file=f"{sha256_hex(raw)[:16]}.txt",  # never a name taken from the task: it could be anything
            fmt="plain",
            language=language,
            rights=Rights.unknown(NEW_ARTICLE_NOTE),
            source=data.get("source") if isinstance(data.get("source"), str) else None,
            source_id=data.get("article_id") if isinstance(data.get("article_id"), str) else None,
            url=data.get("url") if isinstance(data.get("url"), str) else None,
            extra=extra,
        )
        try:
            article = article_from_raw(record["article_id"], raw, record, where=" > ".join(where))
        except BeyanError as error:
            issues.extend(error.issues)
            return None
        if article.text_sha256 != sha:
            issues.error(
                "unstorable-text",
                where,
                "the task's text changes when stored as a plain article (it starts with a byte-order mark?)",
                hint="remove the byte-order mark from the task text in Label Studio",
            )
            return None
        record["text_sha256"] = article.text_sha256
        self._index()[sha] = record["article_id"]
        self._created[record["article_id"]] = record
        return Match(record["article_id"], normalized, sha, new_record=record)
