"""The ingest readers, one module per format, and the registry the pipeline and the CLI read.

A new format is one module defining a ``READER`` and one line in :data:`READERS`.
Order matters where formats share an extension: the first whose ``confirm`` accepts wins.
"""

from __future__ import annotations

from beyan.ingest.readers import csv_table, html_page, json_lines, news_v1, parquet_table, text_file, warc
from beyan.ingest.readers.base import IgnoredRecord, Reader, ReaderOutput, ReadOptions
from beyan.ingest.sources import SourceFile

READERS: dict[str, Reader] = {
    "warc": warc.READER,
    "html": html_page.READER,
    "jsonl": json_lines.READER,
    "csv": csv_table.READER,
    "parquet": parquet_table.READER,
    "beyan-news-v1": news_v1.READER,
    "text": text_file.READER,
}
FORMAT_CHOICES: tuple[str, ...] = ("auto", *READERS)


def detect_format(source: SourceFile, head: bytes) -> str | None:
    """A file's format: by extension (confirmed by the first bytes where formats share one), else by the first bytes."""
    for name, reader in READERS.items():
        if source.suffix in reader.extensions and (reader.confirm is None or reader.confirm(head)):
            return name
    for name, reader in READERS.items():
        if reader.sniff is not None and reader.sniff(head):
            return name
    return None


__all__ = ["FORMAT_CHOICES", "READERS", "IgnoredRecord", "ReadOptions", "Reader", "ReaderOutput", "detect_format"]
