"""Article records: the stored line of an article (metadata plus raw bytes) and the parsed :class:`Article`.

The raw bytes are kept exactly: as a JSON string when they are UTF-8 (``raw``), else base64
(``raw_base64``). The article id is the first 16 hex digits of their SHA-256, checked at every
read, so a changed raw file is found, never parsed silently.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from beyan.issues import BeyanError, Issues, fail
from beyan.readers import parse_article
from beyan.readers.news_text import parse_published
from beyan.records import Article, Published, Rights
from beyan.schema.v1 import REDISTRIBUTION

_BCP47 = re.compile(
    r"^(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"  # language (+ extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?$",
    re.IGNORECASE,
)
REQUIRED = ("article_id", "source_file", "format", "language", "rights")
# Metadata that overrides what the format's parser found (a task's title, a scraper's date).
OVERRIDES = ("title", "subtitle", "dateline", "section")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def article_id_for(raw: bytes) -> str:
    return sha256_hex(raw)[:16]


def is_language_tag(tag: str) -> bool:
    """A well-formed BCP 47 tag (RFC 5646 syntax; registry membership is not checked)."""
    return bool(_BCP47.match(tag))


def raw_fields(raw: bytes) -> dict[str, str]:
    """How raw bytes are kept in a record: the text itself when it is UTF-8, else base64."""
    try:
        return {"raw": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"raw_base64": base64.b64encode(raw).decode("ascii")}


def raw_bytes(record: dict[str, Any], *, where: str) -> bytes:
    if isinstance(record.get("raw"), str):
        return str(record["raw"]).encode("utf-8")
    if isinstance(record.get("raw_base64"), str):
        return base64.b64decode(record["raw_base64"])
    raise fail("missing-field", (where, "raw"), "the article record has no raw bytes")


def rights_dict(rights: Rights) -> dict[str, Any]:
    return {
        "license": rights.license,
        "redistribution": rights.redistribution,
        "holder": rights.holder,
        "notes": rights.notes,
    }


def new_record(
    *,
    raw: bytes,
    source_file: str,
    fmt: str,
    language: str,
    rights: Rights,
    source: str | None = None,
    source_id: str | None = None,
    url: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The stored record of a new article (``text_sha256`` is filled in by :func:`checked_article`)."""
    record: dict[str, Any] = {
        "article_id": article_id_for(raw),
        "source_file": source_file,
        "format": fmt,
        "language": language,
        "source": source,
        "source_id": source_id,
        "url": url,
        "rights": rights_dict(rights),
        **raw_fields(raw),
    }
    record.update(extra or {})
    return record


def metadata(record: dict[str, Any]) -> dict[str, Any]:
    """The record without its raw bytes and derived text: what `article.json` held in layout 1."""
    return {k: v for k, v in record.items() if k not in ("raw", "raw_base64", "derived")}


def check_required(record: dict[str, Any], where: str) -> None:
    issues = Issues()
    for key in REQUIRED:
        if key not in record:
            issues.error("missing-field", (where, key), f"the article record lacks '{key}'")
    if issues.has_errors:
        raise BeyanError(issues)


def article_from_record(record: dict[str, Any], *, where: str) -> Article:
    """Parse a stored record into an :class:`Article`, checking the raw bytes still give its id."""
    check_required(record, where)
    raw = raw_bytes(record, where=where)
    article_id = str(record["article_id"])
    if article_id_for(raw) != article_id:
        raise fail(
            "article-id-mismatch",
            (where,),
            "the raw bytes' hash does not give the article id: the raw article was changed",
            expected=article_id,
            found=article_id_for(raw),
            hint="raw articles are kept byte for byte; undo the change (`beyan log`, `beyan undo`) or restore the file",
        )
    article = article_from_raw(article_id, raw, record, where=where)
    stored = record.get("text_sha256")
    if stored is not None and stored != article.text_sha256:
        raise fail(
            "text-changed",
            (where, "text_sha256"),
            "the article's parsed text is not the text recorded when it was added (and annotated)",
            expected=str(stored),
            found=article.text_sha256,
            hint="the parser of its format changed; annotations would point at the wrong characters. "
            "Pin the earlier beyan version or re-annotate the article",
        )
    return article


def article_from_raw(article_id: str, raw: bytes, record: dict[str, Any], *, where: str) -> Article:
    """An :class:`Article` from raw bytes and metadata (the article need not be stored yet)."""
    check_required(record, where)
    parsed = parse_article(raw, record, where=where)
    language = record["language"]
    if not isinstance(language, str) or not is_language_tag(language):
        raise fail(
            "invalid-language",
            (where, "language"),
            "not a BCP 47 language tag",
            expected="e.g. tr, en, de-CH",
            found=repr(language),
        )
    rights = record["rights"]
    if not isinstance(rights, dict) or rights.get("redistribution") not in REDISTRIBUTION.names:
        raise fail(
            "invalid-rights",
            (where, "rights"),
            "rights must say whether the text may be redistributed",
            expected=f"an object with license and redistribution in {REDISTRIBUTION.names}",
            found=repr(rights),
        )
    published: Published | None = parsed.published
    if record.get("published") is not None:
        published = parse_published(str(record["published"]), where=(where, "published"))
    overrides = {key: record[key] if key in record else getattr(parsed, key) for key in OVERRIDES}
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
        source=record.get("source"),
        source_id=record.get("source_id"),
        url=record.get("url"),
        published=published,
        structure=parsed.structure,
        **overrides,
    )
