"""The corpus: raw articles kept byte for byte, annotations, and the journal of every change."""

from beyan.corpus.articles import article_from_raw, article_id_for, is_language_tag, new_record, sha256_hex
from beyan.corpus.journal import Changeset, JournalEntry
from beyan.corpus.store import CORPUS_FILE, SOURCES_FILE, SPLITS_FILE, Corpus, CorpusInfo, default_corpus_info

__all__ = [
    "CORPUS_FILE",
    "SOURCES_FILE",
    "SPLITS_FILE",
    "Changeset",
    "Corpus",
    "CorpusInfo",
    "JournalEntry",
    "article_from_raw",
    "article_id_for",
    "default_corpus_info",
    "is_language_tag",
    "new_record",
    "sha256_hex",
]
