"""Statistics gathered while building, for the manifest, the dataset card and the datasheet."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from beyan.records import Annotation, GoldArticle
from beyan.schema.v1 import SPLITS


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

    def add(self, gold: GoldArticle, annotations: list[Annotation], *, standoff: bool) -> None:
        self.articles[gold.split] += 1
        self.languages[gold.article.language] += 1
        self.annotations += len(annotations)
        self.annotators.update(a.annotator for a in annotations)
        self.topics.update(gold.topics)
        self.standoff_articles += standoff
        if standoff:
            self.standoff_ids.append(gold.article.article_id)
        for statement in gold.statements:
            self.statements[gold.split] += 1
            self.quote_types[statement.quote_type] += 1
            self.stances[statement.stance or "(none)"] += 1
            self.adjudication[statement.provenance.adjudication] += 1
            self.nested += statement.parent_statement_id is not None
            self.speaker_unknown += statement.speaker_unknown
            if statement.speaker is not None and statement.speaker.name:
                self.speakers[statement.speaker.name] += 1
            if statement.cue_lemma:
                self.cue_lemmas[statement.cue_lemma] += 1

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
