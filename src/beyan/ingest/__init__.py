"""Raw articles in: scraper output, saved pages, web archives and text files, as a stream of articles.

The reading side of ``beyan ingest``: :func:`read_articles` finds the files, reads each with
its format's reader (:data:`READERS`), detects languages, applies rights by source and sets
duplicates apart, yielding records for the corpus to store. It writes nothing.
"""

from __future__ import annotations

from beyan.ingest.dedup import text_key
from beyan.ingest.mapping import FieldMapping, parse_mapping
from beyan.ingest.pipeline import ArticleStream, FileCounts, Progress, Reconciliation, read_articles
from beyan.ingest.readers import FORMAT_CHOICES, READERS, ReadOptions
from beyan.ingest.records import (
    ArticleMetadata,
    Duplicate,
    Extractor,
    IngestedArticle,
    IngestEvent,
    IngestReject,
    NearDuplicate,
    SkippedFile,
)
from beyan.ingest.rights import Sources, load_sources, rights_for

__all__ = [
    "FORMAT_CHOICES",
    "READERS",
    "ArticleMetadata",
    "ArticleStream",
    "Duplicate",
    "Extractor",
    "FieldMapping",
    "FileCounts",
    "IngestEvent",
    "IngestReject",
    "IngestedArticle",
    "NearDuplicate",
    "Progress",
    "ReadOptions",
    "Reconciliation",
    "SkippedFile",
    "Sources",
    "load_sources",
    "parse_mapping",
    "read_articles",
    "rights_for",
    "text_key",
]
