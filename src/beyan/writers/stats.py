"""Statistics gathered while building, for the manifest, the dataset card and the datasheet."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from beyan.records import GoldArticle
from beyan.schema.v1 import SPLITS


def article_summary(gold: GoldArticle, *, standoff: bool) -> dict[str, Any]:
    """What the statistics need of one built article, as JSON (so builds can cache it)."""
    statements = gold.statements
    return {
        "article_id": gold.article.article_id,
        "language": gold.article.language,
        "annotations": len(gold.annotations),
        "annotators": sorted({a.annotator for a in gold.annotations}),
        "topics": list(gold.topics),
        "standoff": standoff,
        "statements": len(statements),
        "quote_types": dict(Counter(s.quote_type for s in statements)),
        "stances": dict(Counter(s.stance or "(none)" for s in statements)),
        "adjudication": dict(Counter(s.provenance.adjudication for s in statements)),
        "nested": sum(s.parent_statement_id is not None for s in statements),
        "speaker_unknown": sum(s.speaker_unknown for s in statements),
        "speakers": dict(Counter(s.speaker.name for s in statements if s.speaker is not None and s.speaker.name)),
        "cue_lemmas": dict(Counter(s.cue_lemma for s in statements if s.cue_lemma)),
    }


def escape_markdown(text: str) -> str:
    """Data rendered into Markdown or HTML: tags escaped, table pipes and line breaks neutralised."""
    return html.escape(text, quote=True).replace("|", "&#124;").replace("\n", " ").replace("`", "&#96;")


@dataclass(slots=True)
class BuildStats:
    articles: Counter[str] = field(default_factory=Counter)
    statements: Counter[str] = field(default_factory=Counter)
    quote_types: Counter[str] = field(default_factory=Counter)
    stances: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    speakers: Counter[str] = field(default_factory=Counter)
    cue_lemmas: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    adjudication: Counter[str] = field(default_factory=Counter)
    annotators: set[str] = field(default_factory=set)
    annotations: int = 0
    nested: int = 0
    speaker_unknown: int = 0
    standoff_articles: int = 0
    unannotated_articles: int = 0
    standoff_ids: list[str] = field(default_factory=list)

    def add_summary(self, summary: dict[str, Any], split: str) -> None:
        """Count one article from its :func:`article_summary` (made where the article was built)."""
        self.articles[split] += 1
        self.statements[split] += summary["statements"]
        self.languages[summary["language"]] += 1
        self.annotations += summary["annotations"]
        self.annotators.update(summary["annotators"])
        self.topics.update(summary["topics"])
        self.standoff_articles += summary["standoff"]
        if summary["standoff"]:
            self.standoff_ids.append(summary["article_id"])
        for name in ("quote_types", "stances", "adjudication", "speakers", "cue_lemmas"):
            getattr(self, name).update(summary[name])
        self.nested += summary["nested"]
        self.speaker_unknown += summary["speaker_unknown"]

    @property
    def total_articles(self) -> int:
        return sum(self.articles.values())

    @property
    def total_statements(self) -> int:
        return sum(self.statements.values())

    def to_dict(self) -> dict[str, Any]:
        """Counts only (no names of people): this goes into the manifest."""
        return {
            "articles": {split: self.articles[split] for split in SPLITS},
            "statements": {split: self.statements[split] for split in SPLITS},
            "annotations": self.annotations,
            "annotators": len(self.annotators),
            "quote_types": dict(sorted(self.quote_types.items())),
            "stances": dict(sorted(self.stances.items())),
            "topics": dict(sorted(self.topics.items())),
            "languages": dict(sorted(self.languages.items())),
            "adjudication": dict(sorted(self.adjudication.items())),
            "nested_statements": self.nested,
            "speaker_unknown": self.speaker_unknown,
            "distinct_speakers": len(self.speakers),
            "standoff_articles": self.standoff_articles,
            "unannotated_articles": self.unannotated_articles,
        }

    def standoff_markdown(self) -> str:
        return _standoff(self.standoff_ids)

    def markdown(self) -> str:
        """The statistics block of the dataset card and the datasheet."""
        lines = [
            "| split | articles | statements |",
            "|---|---:|---:|",
            *(f"| {s} | {self.articles[s]} | {self.statements[s]} |" for s in SPLITS),
            f"| **all** | **{self.total_articles}** | **{self.total_statements}** |",
            "",
            f"- Annotations: {self.annotations} by {len(self.annotators)} pseudonymous annotator(s); "
            f"articles in the corpus without annotation (not in the dataset): {self.unannotated_articles}.",
            f"- Quote types: {_counts(self.quote_types)}.",
            f"- Stance: {_counts(self.stances)}.",
            f"- Topics: {_counts(self.topics)}.",
            f"- Nested statements: {self.nested}; statements with an unknown speaker: {self.speaker_unknown}.",
            f"- Languages: {_counts(self.languages)}.",
            f"- Articles published as standoff (no text) under rights-aware publishing: {self.standoff_articles}.",
            f"- Adjudication of gold statements: {_counts(self.adjudication)}.",
            f"- Most frequent speakers: {_counts(self.speakers, limit=10)}.",
            f"- Most frequent cue lemmas: {_counts(self.cue_lemmas, limit=10)}.",
        ]
        return "\n".join(lines)


def _standoff(ids: list[str]) -> str:
    if not ids:
        return "No article is standoff: every published row carries its text."
    shown = ", ".join(f"`{i}`" for i in ids[:50]) + (f", and {len(ids) - 50} more" if len(ids) > 50 else "")
    return f"Articles published as standoff (offsets and hashes, no text) when publishing ({len(ids)}): {shown}."


def _counts(counter: Counter[str], *, limit: int | None = None) -> str:
    if not counter:
        return "none"
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = items if limit is None else items[:limit]
    text = ", ".join(f"{escape_markdown(k)} {v}" for k, v in shown)
    if limit is not None and len(items) > limit:
        text += f", and {len(items) - limit} more"
    return text
