"""Gold records as rows of the two dataset configs, in their JSON form (labels as names).

The JSON form is what the JSON Schemas in ``schemas/`` describe; Parquet stores the
same rows with labels as ``ClassLabel`` indices (see :mod:`beyan.writers.parquet`).
"""

from __future__ import annotations

from typing import Any

from beyan.records import Article, GoldArticle, Published, SpanKey, Statement


def _spans(spans: SpanKey, text: str | None) -> list[dict[str, Any]]:
    return [{"start": s.start, "end": s.end, "text": None if text is None else text[s.start : s.end]} for s in spans]


def _published(published: Published | None) -> dict[str, Any] | None:
    return None if published is None else {"value": published.value, "precision": published.precision}


def published_text(article: Article, *, include_text: bool) -> str | None:
    """The text a published row carries: none for standoff articles unless text is forced."""
    return article.text if include_text else None


def statement_fields(statement: Statement, text: str | None) -> dict[str, Any]:
    speaker = statement.speaker
    provenance = statement.provenance
    return {
        "statement_id": statement.statement_id,
        "article_id": statement.article_id,
        "quote_type": statement.quote_type,
        "content_spans": _spans(statement.content, text),
        "speaker_spans": _spans(statement.speakers, text),
        "cue_spans": _spans(statement.cues, text),
        "addressee_spans": _spans(statement.addressees, text),
        "speaker_unknown": statement.speaker_unknown,
        "speaker": None if speaker is None else speaker.to_dict(),
        "cue_lemma": statement.cue_lemma,
        "parent_statement_id": statement.parent_statement_id,
        "topics": list(statement.topics),
        "stance": statement.stance,
        "stance_target": statement.stance_target,
        "provenance": {
            "annotations": list(provenance.annotations),
            "annotators": list(provenance.annotators),
            "adjudication": provenance.adjudication,
            "support": provenance.support,
            "annotations_total": provenance.annotations_total,
        },
    }


def statement_rows(gold: GoldArticle, *, include_text: bool) -> list[dict[str, Any]]:
    article = gold.article
    text = published_text(article, include_text=include_text)
    context = {
        "article_title": article.title,
        "article_text": text,
        "language": article.language,
        "source": article.source,
        "published": _published(article.published),
        "section": article.section,
    }
    return [{**statement_fields(statement, text), **context} for statement in gold.statements]


def article_row(gold: GoldArticle, *, include_text: bool) -> dict[str, Any]:
    article = gold.article
    text = published_text(article, include_text=include_text)
    rights = article.rights
    return {
        "article_id": article.article_id,
        "language": article.language,
        "source": article.source,
        "source_id": article.source_id,
        "url": article.url,
        "published": _published(article.published),
        "section": article.section,
        "title": article.title,
        "subtitle": article.subtitle,
        "dateline": article.dateline,
        "text": text,
        "text_length": len(article.text),
        "text_sha256": article.text_sha256,
        "structure": [{"kind": b.kind, "start": b.start, "end": b.end} for b in article.structure],
        "topics": list(gold.topics),
        "rights": {
            "license": rights.license,
            "redistribution": rights.redistribution,
            "holder": rights.holder,
            "notes": rights.notes,
        },
        "statements": [statement_fields(statement, text) for statement in gold.statements],
    }
