"""Shared silver fixtures: one invented raw collection (JSON Lines feeds and a web archive) per test session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.silver.news import Collection, write_jsonl_feeds, write_warc


@dataclass(frozen=True, slots=True)
class Raw:
    folder: Path
    feeds: Collection
    warc: Collection

    @property
    def records(self) -> int:
        return self.feeds.records + self.warc.records


@pytest.fixture(scope="session")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Raw:
    """Three feeds of 150 records (with two broken lines each) and a 60-page web archive: every case silver meets."""
    folder = tmp_path_factory.mktemp("silver-raw") / "news"
    feeds = write_jsonl_feeds(folder, articles=450, files=3, seed=11)
    warc = write_warc(folder / "crawl.warc.gz", articles=60, seed=12)
    return Raw(folder, feeds, warc)


def data_files(folder: Path) -> dict[str, bytes]:
    """Every file of a dataset folder by relative path, for byte-for-byte comparisons."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }
